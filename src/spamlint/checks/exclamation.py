"""Exclamation marks per sentence."""

from __future__ import annotations

from typing import Iterable, Iterator

from spamlint.checks.base import TEXT_SCOPES, Check, Option
from spamlint.model.document import Document
from spamlint.model.findings import Hit
from spamlint.text.facts import Context, SegmentFacts
from spamlint.text.compiled import lazy

_MARK = lazy("[!\uff01]")


class ExclamationCheck(Check):
    """Sentences with more than `max_per_sentence` exclamation marks (0 flags any)."""

    name = "exclamation"
    scopes = TEXT_SCOPES
    max_hits = 3
    options = {
        "max_per_sentence": Option("int", 1, "marks allowed in one sentence"),
    }

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        limit = self.opts["max_per_sentence"]
        for seg in ctx.facts.segments(scope):
            if "!" not in seg.text and "\uff01" not in seg.text:
                continue
            for start, end in seg.sentences if limit < 0 else _sentences_with_marks(seg):
                count = seg.text.count("!", start, end) + seg.text.count("\uff01", start, end)
                if count > limit:
                    first = seg.text.find("!", start, end)
                    yield Hit(**seg.hit(first if first != -1 else start, end, count=count))


def _sentences_with_marks(seg: SegmentFacts) -> Iterator[tuple[int, int]]:
    """The sentences that hold an exclamation mark, in order, found around the marks (no full split)."""
    text, pos = seg.text, 0
    while (m := _MARK.search(text, pos)) is not None:
        start, pos = seg.sentence_at(m.start())
        yield start, pos
