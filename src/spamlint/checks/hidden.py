"""Hidden content: text in the HTML a reader never sees."""

from __future__ import annotations

from typing import Iterable

from ..document import Document
from ..findings import Hit
from ._text import letter_count
from .base import Check, Option


class HiddenTextCheck(Check):
    """Text hidden by CSS or colour, ignoring one short preheader near the top of the body."""

    name = "hidden-text"
    scopes = frozenset({"html"})
    options = {
        "min_letters": Option("int", 12, "hidden runs with fewer letters are ignored"),
        "preheader_letters": Option("int", 200, "a first hidden run this short, near the top, is a preheader"),
        "preheader_offset": Option("int", 40, "visible letters that may come before a preheader"),
        "max_hits": Option("int", 3, "report at most this many"),
    }

    def run(self, doc: Document, scope: tuple[str, ...]) -> Iterable[Hit]:
        n = 0
        for part in doc.html_parts:
            for i, hidden in enumerate(part.hidden):
                letters = letter_count(hidden.text)
                if letters < self.opts["min_letters"]:
                    continue
                if i == 0 and letters <= self.opts["preheader_letters"] and (
                    letter_count(part.text.text[: hidden.offset]) <= self.opts["preheader_offset"]
                ):
                    continue
                text = " ".join(hidden.text.split())
                yield Hit(part=hidden.part, line=hidden.line, column=hidden.column, excerpt=text[:80],
                          detail={"reason": hidden.reason, "letters": letters})
                n += 1
                if n >= self.opts["max_hits"]:
                    return
