"""Check kinds: a plain registry from the name a rule's `check:` field uses to the class."""

from __future__ import annotations

from spamlint.checks.attachments import AttachmentLureCheck
from spamlint.checks.authres import AuthFailCheck, FromAlignmentCheck
from spamlint.checks.base import Check, Option
from spamlint.checks.brand import BrandClaimCheck
from spamlint.checks.caps import AllCapsCheck, CapsWordsCheck
from spamlint.checks.disguise import DisguisedWordCheck, NonsenseCheck
from spamlint.checks.domain import DomainProblemCheck
from spamlint.checks.exclamation import ExclamationCheck
from spamlint.checks.hashbusting import GappedWordCheck, MixedScriptCheck
from spamlint.checks.headers import (
    HeaderPatternCheck,
    MissingHeaderCheck,
    OneClickUnsubscribeCheck,
    ReplyToDomainCheck,
)
from spamlint.checks.hidden import HiddenTextCheck
from spamlint.checks.images import AltTextCheck, ImageAreaCheck, ImageOnlyCheck, MissingAltCheck
from spamlint.checks.links import AnchorMismatchCheck, LinkDomainsCheck, LinkPatternCheck
from spamlint.checks.linkshape import LinkShapeCheck
from spamlint.checks.mailer import HeaderPairCheck
from spamlint.checks.mergetags import MergeTagCheck
from spamlint.checks.mojibake import MojibakeCheck
from spamlint.checks.pattern import PatternCheck
from spamlint.checks.phrases import PhraseDensityCheck, PhrasesCheck
from spamlint.checks.received import ReceivedCheck, ReceivedDateCheck
from spamlint.checks.senders import (
    DisplayNameAddressCheck,
    DisplayNameBrandCheck,
    RecipientEchoCheck,
    RecipientGreetingCheck,
    SenderDomainCheck,
)
from spamlint.checks.size import ClippedLinkCheck, HtmlSizeCheck, SizeCheck
from spamlint.checks.structure import (
    AlternativesDifferCheck,
    AttachmentCheck,
    EmptyBodyCheck,
    HtmlOnlyCheck,
    HtmlSkeletonCheck,
    HtmlSourcePatternCheck,
    HtmlTagsCheck,
    ParseProblemCheck,
)
from spamlint.checks.subject import FakeReplyCheck
from spamlint.checks.urlshape import ImageHostCheck, LookalikeDomainCheck

CHECKS: dict[str, type[Check]] = {
    cls.name: cls
    for cls in (
        # text, in the segments a rule's scope names
        PhrasesCheck, PhraseDensityCheck, PatternCheck, AllCapsCheck, CapsWordsCheck, ExclamationCheck,
        GappedWordCheck, DisguisedWordCheck, NonsenseCheck, MixedScriptCheck, MojibakeCheck,
        # links, images, HTML
        LinkPatternCheck, LinkShapeCheck, AnchorMismatchCheck, LinkDomainsCheck, LookalikeDomainCheck,
        ImageOnlyCheck, ImageAreaCheck, MissingAltCheck, AltTextCheck, ImageHostCheck,
        HiddenTextCheck, HtmlTagsCheck, HtmlSkeletonCheck, HtmlSourcePatternCheck, HtmlSizeCheck, ClippedLinkCheck,
        # headers and the subject line
        MissingHeaderCheck, HeaderPatternCheck, DisplayNameAddressCheck, DisplayNameBrandCheck,
        SenderDomainCheck, BrandClaimCheck, OneClickUnsubscribeCheck, ReplyToDomainCheck, FakeReplyCheck, HeaderPairCheck,
        RecipientEchoCheck, RecipientGreetingCheck,
        # how the message travelled: the Received trail and the receiver's authentication results
        ReceivedCheck, ReceivedDateCheck, AuthFailCheck, FromAlignmentCheck,
        # the sender's DNS setup, gathered live before the run (spamlint domain, --online)
        DomainProblemCheck,
        # the message as a whole
        SizeCheck, HtmlOnlyCheck, EmptyBodyCheck, AlternativesDifferCheck, AttachmentCheck,
        AttachmentLureCheck, MergeTagCheck, ParseProblemCheck,
    )
}

__all__ = ["CHECKS", "Check", "Option"]
