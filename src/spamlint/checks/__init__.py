"""Check kinds: a plain registry from the name a rule's `check:` field uses to the class."""

from __future__ import annotations

from .base import Check, Option
from .caps import CapsCheck
from .disguise import DisguisedWordCheck, NonsenseCheck
from .exclamation import ExclamationCheck
from .hashbusting import GappedWordCheck, MixedScriptCheck
from .headers import HeaderPatternCheck, MissingHeaderCheck, OneClickUnsubscribeCheck, ReplyToDomainCheck
from .hidden import HiddenTextCheck
from .images import AltTextCheck, ImageTextCheck, MissingAltCheck
from .links import AnchorMismatchCheck, IpLinkCheck, LinkDomainsCheck, LinkHostCheck
from .mojibake import MojibakeCheck
from .pattern import PatternCheck
from .phrases import PhrasesCheck
from .senders import DisplayNameCheck, SenderDomainCheck
from .size import ClippedLinkCheck, SizeCheck
from .structure import (AttachmentCheck, HtmlSkeletonCheck, HtmlSourcePatternCheck, HtmlTagsCheck, MimeShapeCheck,
                        ParseProblemCheck)
from .subject import FakeReplyCheck
from .suppression import UnusedSuppressionCheck
from .urlshape import ImageHostCheck, LinkPatternCheck, LookalikeDomainCheck

CHECKS: dict[str, type[Check]] = {
    cls.name: cls
    for cls in (
        PhrasesCheck, PatternCheck, CapsCheck, ExclamationCheck, GappedWordCheck, MixedScriptCheck,
        FakeReplyCheck, SizeCheck, ImageTextCheck, MissingAltCheck, LinkHostCheck, IpLinkCheck,
        AnchorMismatchCheck, LinkDomainsCheck, MissingHeaderCheck, OneClickUnsubscribeCheck,
        ReplyToDomainCheck, HiddenTextCheck, ParseProblemCheck, DisguisedWordCheck, NonsenseCheck,
        HeaderPatternCheck, DisplayNameCheck, SenderDomainCheck, ClippedLinkCheck, AltTextCheck,
        AttachmentCheck, HtmlSkeletonCheck, HtmlTagsCheck, MimeShapeCheck, ImageHostCheck, LinkPatternCheck,
        LookalikeDomainCheck, HtmlSourcePatternCheck, UnusedSuppressionCheck, MojibakeCheck,
    )
}

__all__ = ["CHECKS", "Check", "Option"]
