"""Check kinds: a plain registry from the name a rule's `check:` field uses to the class."""

from __future__ import annotations

from spamlint.checks.authres import AuthFailCheck, FromAlignmentCheck
from spamlint.checks.base import Check, Option
from spamlint.checks.caps import CapsCheck
from spamlint.checks.disguise import DisguisedWordCheck, NonsenseCheck
from spamlint.checks.exclamation import ExclamationCheck
from spamlint.checks.hashbusting import GappedWordCheck, MixedScriptCheck
from spamlint.checks.headers import (
    HeaderPatternCheck,
    MissingHeaderCheck,
    OneClickUnsubscribeCheck,
    ReplyToDomainCheck,
)
from spamlint.checks.hidden import HiddenTextCheck
from spamlint.checks.images import AltTextCheck, ImageTextCheck, MissingAltCheck
from spamlint.checks.links import AnchorMismatchCheck, IpLinkCheck, LinkDomainsCheck, LinkHostCheck
from spamlint.checks.mailer import HeaderPairCheck
from spamlint.checks.mojibake import MojibakeCheck
from spamlint.checks.pattern import PatternCheck
from spamlint.checks.phrases import PhrasesCheck
from spamlint.checks.received import ReceivedCheck, ReceivedDateCheck
from spamlint.checks.senders import DisplayNameCheck, SenderDomainCheck
from spamlint.checks.size import ClippedLinkCheck, SizeCheck
from spamlint.checks.structure import (
    AttachmentCheck,
    HtmlSkeletonCheck,
    HtmlSourcePatternCheck,
    HtmlTagsCheck,
    MimeShapeCheck,
    ParseProblemCheck,
)
from spamlint.checks.subject import FakeReplyCheck
from spamlint.checks.suppression import UnusedSuppressionCheck
from spamlint.checks.urlshape import ImageHostCheck, LinkPatternCheck, LookalikeDomainCheck

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
        ReceivedCheck, ReceivedDateCheck, AuthFailCheck, FromAlignmentCheck, HeaderPairCheck,
    )
}

__all__ = ["CHECKS", "Check", "Option"]
