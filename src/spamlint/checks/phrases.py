"""Phrase lists compiled into one pattern: as density (risky words) or each phrase once (claims)."""

from __future__ import annotations

from typing import Iterable

from ..document import Document, Segment
from ..findings import Hit
from ._text import phrase_pattern
from .base import TEXT_SCOPES, Check, Option


class PhrasesCheck(Check):
    """Word-bounded, case-insensitive phrases.

    mode `density`: one hit when the weighted matches per 100 words reach `min_density` and
    at least `min_hits` matches occur; mode `each`: one hit per distinct phrase found.
    """

    name = "phrases"
    scopes = TEXT_SCOPES
    options = {
        "phrases": Option("weights", required=True, doc="phrases, or {phrase: weight}"),
        "mode": Option("choice", "each", "density or each", choices=("density", "each")),
        "min_density": Option("float", 2.0, "weighted matches per 100 words (density mode)"),
        "min_hits": Option("int", 1, "matches needed before the rule fires"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self.weights = {k.lower(): float(v) for k, v in options["phrases"].items()}
        self.pattern = phrase_pattern(list(self.weights))

    def _weight(self, matched: str) -> float:
        return self.weights.get(" ".join(matched.lower().split()), 1.0)

    def run(self, doc: Document, scope: tuple[str, ...]) -> Iterable[Hit]:
        segments = doc.segments(scope)
        if self.opts["mode"] == "each":
            yield from self._each(segments)
        else:
            yield from self._density(segments)

    def _each(self, segments: list[Segment]) -> Iterable[Hit]:
        seen: set[str] = set()
        for seg in segments:
            for m in self.pattern.finditer(seg.text):
                key = " ".join(m.group().lower().split())
                if key in seen:
                    continue
                seen.add(key)
                yield Hit(**seg.hit(m.start(), m.end(), phrase=m.group()), weight=self._weight(key))

    def _density(self, segments: list[Segment]) -> Iterable[Hit]:
        matches = [(seg, m) for seg in segments for m in self.pattern.finditer(seg.text)]
        if len(matches) < self.opts["min_hits"]:
            return
        words = sum(seg.word_count for seg in segments) or 1
        weighted = sum(self._weight(m.group()) for _, m in matches)
        density = 100.0 * weighted / max(words, 20)
        if density < self.opts["min_density"]:
            return
        counts: dict[str, int] = {}
        for _, m in matches:
            key = " ".join(m.group().lower().split())
            counts[key] = counts.get(key, 0) + 1
        listed = ", ".join(f"{k} ×{n}" if n > 1 else k for k, n in sorted(counts.items(), key=lambda kv: -kv[1])[:6])
        seg, first = matches[0]
        yield Hit(**seg.hit(first.start(), first.end(), count=len(matches), words=listed,
                            density=f"{density:.1f}"))
