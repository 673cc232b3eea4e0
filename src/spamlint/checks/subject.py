"""Subject-line checks that need the headers too."""

from __future__ import annotations

from typing import Iterable

import regex

from ..document import Document
from ..findings import Hit
from .base import Check, Option


class FakeReplyCheck(Check):
    """A reply or forward prefix (Re:, Fwd:, AW:, SV:, TR: …) on a message that answers nothing."""

    name = "fake-reply"
    scopes = frozenset({"subject"})
    options = {"prefixes": Option("list", required=True, doc="reply and forward prefixes, without the colon")}

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        alts = "|".join(regex.escape(p) for p in sorted(options["prefixes"], key=len, reverse=True))
        self.pattern = regex.compile(rf"^\s*(?:\[[^\]]{{0,40}}\]\s*)?(?:{alts})\s*(?:\[\d+\]|\(\d+\))?\s*[:：]",
                                     regex.IGNORECASE)

    def run(self, doc: Document, scope: tuple[str, ...]) -> Iterable[Hit]:
        seg = doc.subject
        if seg is None or doc.header("In-Reply-To") or doc.header("References"):
            return
        m = self.pattern.match(seg.text)
        if m:
            yield Hit(**seg.hit(m.start(), m.end(), prefix=m.group().strip()))
