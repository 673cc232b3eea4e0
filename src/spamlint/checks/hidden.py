"""Hidden content: text in the HTML a reader never sees."""

from __future__ import annotations

import re
from typing import Iterable

from spamlint.checks.base import Check, Option
from spamlint.model.document import Document
from spamlint.model.findings import Hit
from spamlint.text.facts import Context
from spamlint.text.words import letter_count, phrase_pattern
from spamlint.text.compiled import lazy

_ADDRESS = lazy(r"https?://|www\.[a-z0-9-]+\.", re.IGNORECASE)
# the end of a quoted message's header: "On 9 May, Ana wrote:" or Outlook's "Subject: ..." block.
# A forwarded or quoted newsletter keeps its preheader, and Outlook writes a hidden 1pt preview
# line of the message it quotes; both come right after such a header.
_QUOTE_HEADER = lazy(
    r"(?:\b(?:wrote|writes|schrieb|a\s+écrit|escribió|escreveu|scrisse|napisał)\s*:"
    r"|(?:^|\n)[ \t]*(?:Subject|Betreff|Objet|Asunto|Assunto|Oggetto|Onderwerp)\s*:[^\n]*)\s*$",
    re.IGNORECASE)


class HiddenTextCheck(Check):
    """Text hidden by CSS or colour, ignoring short preheaders before any real text of the body
    (templates often carry the preheader twice, for different clients) or right after the header
    of a quoted or forwarded message."""

    name = "hidden-text"
    looks_at = ("html",)
    max_hits = 3
    options = {
        "min_letters": Option("int", 12, "hidden runs with fewer letters are ignored"),
        "preheader_letters": Option("int", 200, "a first hidden run this short, near the top, is a preheader"),
        "preheader_offset": Option("int", 40, "visible letters that may come before a preheader"),
        "risky_words": Option("list", [], "words that make hidden text weigh more"),
        "risky_weight": Option("float", 1.0, "weight of hidden text with a risky word or a web address"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        words = options["risky_words"]
        self.risky = phrase_pattern(words) if words else None

    def _weight(self, text: str) -> float:
        """Hidden links and sales words are what hiding is for, so they weigh more than filler."""
        if _ADDRESS.search(text) or (self.risky is not None and self.risky.search(text)):
            return self.opts["risky_weight"]
        return 1.0

    def _preheader(self, text: str, offset: int) -> bool:
        """A short hidden run at the top of the body, or at the top of a message quoted in it."""
        if letter_count(text[:offset]) <= self.opts["preheader_offset"]:
            return True
        return _QUOTE_HEADER.search(text[max(0, offset - 300):offset]) is not None

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        for part in doc.html_parts:
            for hidden in part.hidden:
                letters = letter_count(hidden.text)
                if letters < self.opts["min_letters"]:
                    continue
                if letters <= self.opts["preheader_letters"] and self._preheader(part.text.text, hidden.offset):
                    continue
                text = " ".join(hidden.text.split())
                yield Hit(part=hidden.part, line=hidden.line, column=hidden.column, excerpt=text[:80],
                          detail={"reason": hidden.reason, "letters": letters},
                          weight=self._weight(hidden.text))
