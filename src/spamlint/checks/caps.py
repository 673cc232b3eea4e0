"""ALL CAPS: sentences or a whole subject in capitals (all-caps), several capitalised words in one sentence (caps-words)."""

from __future__ import annotations

from itertools import islice
from typing import Iterable, Iterator


from spamlint.checks.base import TEXT_SCOPES, Check, Option
from spamlint.model.document import Document
from spamlint.model.findings import Hit
from spamlint.text.facts import Context, SegmentFacts
from spamlint.text.compiled import compile_pattern  # re.compile, from the rule-pack cache's code
from spamlint.text.patterns import lazy_regex

_WORD = lazy_regex(r"\p{L}[\p{L}'\u2019]*")
_UPPER_RUN = lazy_regex(r"\p{Lu}\p{Lu}")  # no two capitals in a row: nothing to judge


def _is_caps(word: str) -> bool:
    return word.isupper()


def _next_upper_run(seg: SegmentFacts, pos: int) -> int:
    """Where the first two capitals in a row at or after pos start, or -1 (sentences never split such a pair)."""
    shape = seg.capitals_shape  # ASCII text: its capitals as A, found by str.find; else "": the pattern finds them
    if shape:
        return shape.find("AA", pos)
    m = _UPPER_RUN.search(seg.text, pos)
    return -1 if m is None else m.start()


def _sentences_with_runs(seg: SegmentFacts, first: int) -> Iterator[tuple[int, int]]:
    """The sentences of seg that hold two capitals in a row, in order, from the first such pair on."""
    while first != -1:
        start, end = seg.sentence_at(first)
        yield start, end
        first = _next_upper_run(seg, end)


class _CapsCheck(Check):
    """What the capitals checks share: capitalised words counted in a span, short words (acronyms
    like USA, FAQ) left out."""

    scopes = TEXT_SCOPES
    max_hits = 3
    options = {
        "min_words": Option("int", 3, "capitalised words needed"),
        "min_word_length": Option("int", 3, "shorter words are ignored"),
    }
    all_words = False  # True: every counted word must be in capitals
    whole = False  # True: each segment is judged as one span, not sentence by sentence

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        n = max(self.opts["min_word_length"], 1)
        # where all words must be capitals, a run of small letters as long as a counted word is a
        # counted word that is not in capitals: the span fails without looking at its words
        self.lower_run = compile_pattern(f"[a-z]{{{n}}}") if self.all_words else None
        # in ASCII text every capitalised word that counts holds its own match of this pattern
        # (it starts with a capital, and capitals and apostrophes follow): fewer matches, no hit
        self.caps_word = compile_pattern(f"[A-Z][A-Z']{{{n - 1}}}")

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        for seg in ctx.facts.segments(scope):
            first = _next_upper_run(seg, 0)
            if first == -1:
                continue
            spans = [(0, len(seg.text))] if self.whole else _sentences_with_runs(seg, first)
            for start, end in spans:
                hit = self._judge(seg, start, end)
                if hit is not None:
                    yield hit

    def _judge(self, seg: SegmentFacts, start: int, end: int) -> Hit | None:
        """A hit for the span start:end if its capitalised words are enough (and all, for all_words)."""
        minlen = self.opts["min_word_length"]
        if self.lower_run is not None and self.lower_run.search(seg.text, start, end):
            return None
        if self._too_few(seg, start, end):
            return None
        words = [m for m in _WORD.finditer(seg.text, start, end) if len(m.group()) >= minlen]
        caps = [m for m in words if _is_caps(m.group())]
        if len(caps) < self.opts["min_words"]:
            return None
        if self.all_words and len(caps) != len(words):
            return None
        first, last = caps[0], caps[-1]
        return Hit(**seg.hit(first.start(), last.end(), count=len(caps)))

    def _too_few(self, seg: SegmentFacts, start: int, end: int) -> bool:
        """True when an ASCII span surely has fewer than `min_words` capitalised words."""
        if not seg.is_ascii:
            return False
        need = self.opts["min_words"]
        return need > 0 and sum(1 for _ in islice(self.caps_word.finditer(seg.text, start, end), need)) < need


class CapsWordsCheck(_CapsCheck):
    """A sentence with `min_words` or more words in capitals among normal ones ("this AMAZING offer is FREE")."""

    name = "caps-words"


class AllCapsCheck(_CapsCheck):
    """A sentence whose words are all in capitals (at least `min_words` of them); with `per: segment`,
    a whole segment (a subject line) judged as one span."""

    name = "all-caps"
    options = {
        **_CapsCheck.options,
        "per": Option("choice", "sentence", "the span judged: sentence or segment", choices=("sentence", "segment")),
    }
    all_words = True

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self.whole = options["per"] == "segment"
