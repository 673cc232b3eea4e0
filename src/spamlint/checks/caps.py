"""ALL CAPS: a shouting subject, sentences in capitals, several capitalised words in one sentence."""

from __future__ import annotations

import bisect

from typing import Iterable

import regex

from ..document import Document, Segment
from ..findings import Hit
from .base import TEXT_SCOPES, Check, Option

_WORD = regex.compile(r"\p{L}[\p{L}'\u2019]*")
_UPPER_RUN = regex.compile(r"\p{Lu}\p{Lu}")  # no two capitals in a row: nothing to judge


def _is_caps(word: str) -> bool:
    return word.isupper()


def _upper_runs(seg: Segment) -> list[int]:
    """Where two capitals in a row start, once per segment (sentences never split such a pair)."""
    runs = seg.__dict__.get("_upper_runs")
    if runs is None:
        runs = [m.start() for m in _UPPER_RUN.finditer(seg.text)]
        seg.__dict__["_upper_runs"] = runs
    return runs


class CapsCheck(Check):
    """Capital letters used for shouting.

    mode `whole`: a segment (the subject) whose words are all capitals; `sentence`: a sentence
    whose words are all capitals; `words`: a sentence with `min_words` or more capitalised words.
    Words shorter than `min_word_length` (acronyms like USA, FAQ) are not counted.
    """

    name = "caps"
    scopes = TEXT_SCOPES
    options = {
        "mode": Option("choice", "sentence", "whole, sentence or words", choices=("whole", "sentence", "words")),
        "min_words": Option("int", 3, "capitalised words needed"),
        "min_word_length": Option("int", 3, "shorter words are ignored"),
        "max_hits": Option("int", 3, "report at most this many sentences"),
    }

    def run(self, doc: Document, scope: tuple[str, ...]) -> Iterable[Hit]:
        n = 0
        for seg in doc.segments(scope):
            runs = _upper_runs(seg)
            if not runs:
                continue
            spans = [(0, len(seg.text))] if self.opts["mode"] == "whole" else seg.sentences
            for start, end in spans:
                i = bisect.bisect_left(runs, start)
                if i == len(runs) or runs[i] >= end:  # no two capitals in a row in this sentence
                    continue
                hit = self._judge(seg, start, end)
                if hit is not None:
                    yield hit
                    n += 1
                    if n >= self.opts["max_hits"]:
                        return

    def _judge(self, seg: Segment, start: int, end: int) -> Hit | None:
        """A hit for the span start:end if its capitalised words meet the rule's mode."""
        minlen = self.opts["min_word_length"]
        words = [m for m in _WORD.finditer(seg.text, start, end) if len(m.group()) >= minlen]
        caps = [m for m in words if _is_caps(m.group())]
        if len(caps) < self.opts["min_words"]:
            return None
        if self.opts["mode"] != "words" and len(caps) != len(words):
            return None
        first, last = caps[0], caps[-1]
        return Hit(**seg.hit(first.start(), last.end(), count=len(caps)))
