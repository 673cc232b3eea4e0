"""Phrase lists compiled into one pattern: each phrase once (phrases, for claims) or as density (phrase-density).

Phrases are matched in the raw text and in the canonical text (normalize.py), so a phrase
written in disguise (fr33, F.r.e.e, Cyrillic look-alikes) still counts; such a match says so.
"""

from __future__ import annotations

import re
from typing import Iterable, NamedTuple

from spamlint.checks.base import TEXT_SCOPES, Check, Option
from spamlint.model.document import Document
from spamlint.model.findings import Hit
from spamlint.text.facts import Context, SegmentFacts
from spamlint.text.canon import canonical_only
from spamlint.text.index import PhraseIndex
from spamlint.text.words import fold_il, phrase_pattern, strip_accents


class Match(NamedTuple):
    """One phrase found: where in the raw text, which listed phrase, and its disguise if any."""

    seg: SegmentFacts
    start: int
    end: int
    key: str
    disguise: str | None = None

    def label(self) -> str:
        """The phrase as a message shows it: disguised matches say how they were written."""
        if self.disguise is None:
            return self.seg.text[self.start:self.end]
        return f"{self.key} as \u201c{self.seg.text[self.start:self.end]}\u201d ({self.disguise})"


class PhrasesCheck(Check):
    """One hit per distinct phrase found, weighted by its weight: word-bounded, case-insensitive
    phrases, in the raw and (with `canonical`) the normalised text."""

    name = "phrases"
    scopes = TEXT_SCOPES
    options = {
        "phrases": Option("weights", required=True, doc="phrases, or {phrase: weight}"),
        "canonical": Option("bool", True, "also match the normalised text (disguised words)"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self.weights = {" ".join(k.lower().split()): float(v) for k, v in options["phrases"].items()}
        # "transacao" for "transação": mail in many languages drops its accents
        self.aliases = {a: k for k in self.weights if (a := strip_accents(k)) != k}
        self.pattern = phrase_pattern([*self.weights, *self.aliases], lowered=True)
        # the canonical text has no accents: its pattern and lookups use phrases without them
        self.by_folded = {fold_il(strip_accents(k)): k for k in self.weights}
        self.loose = phrase_pattern(list(self.by_folded), loose=True, lowered=True)
        # the words each phrase needs: a text lacking all of some phrase's words is not scanned,
        # and matching starts only where the first word of a phrase whose words are all in the
        # text stands; phrases that start with no word character (like "$$$") get a scan of their own
        self.needs = PhraseIndex([*self.weights, *self.aliases])
        self.loose_needs = PhraseIndex(self.by_folded)

    def _key(self, matched: str) -> str:
        key = " ".join(matched.lower().split())
        return self.aliases.get(key, key)

    def matches(self, seg: SegmentFacts) -> list[Match]:
        """Raw matches, then matches only the canonical text shows."""
        found = [Match(seg, m.start(), m.end(), self._key(m.group())) for m in self._raw_matches(seg)]
        canon = seg.canonical if self.opts["canonical"] else None
        if canon is not None and canon.changed and self.loose_needs.possible(canon.window_words):
            spans = [(m.start, m.end) for m in found]
            for start, end, text, how in canonical_only(seg, self.loose, spans):
                key = self.by_folded.get(fold_il(text), self._key(text))
                found.append(Match(seg, start, end, key, how))
        return found

    def _raw_matches(self, seg: SegmentFacts) -> list[re.Match[str]]:
        """Matches in the lower-case text, in order, without overlaps (as one finditer would give)."""
        return self.needs.finditer(self.pattern, seg)

    def found(self, ctx: Context, scope: tuple[str, ...]) -> list[Match]:
        """Every match in the scoped segments, in order."""
        return [m for seg in ctx.facts.segments(scope) for m in self.matches(seg)]

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        seen: set[str] = set()
        for m in self.found(ctx, scope):
            if m.key in seen:
                continue
            seen.add(m.key)
            yield Hit(**m.seg.hit(m.start, m.end, phrase=m.label()), weight=self.weights.get(m.key, 1.0))


class PhraseDensityCheck(PhrasesCheck):
    """One hit when the listed phrases are dense: weighted matches per 100 words reach `min_density`
    and at least `min_hits` matches occur (one "free" is harmless; a pitch full of them is not)."""

    name = "phrase-density"
    options = {
        **PhrasesCheck.options,
        "min_density": Option("float", 2.0, "weighted matches per 100 words"),
        "min_hits": Option("int", 1, "matches needed before the rule fires"),
    }

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        found = self.found(ctx, scope)
        segments = ctx.facts.segments(scope)
        if len(found) < self.opts["min_hits"]:
            return
        words = sum(seg.word_count for seg in segments) or 1
        weighted = sum(self.weights.get(m.key, 1.0) for m in found)
        density = 100.0 * weighted / max(words, 20)
        if density < self.opts["min_density"]:
            return
        counts: dict[str, int] = {}
        for m in found:
            label = m.key if m.disguise is None else m.label()
            counts[label] = counts.get(label, 0) + 1
        ranked = sorted(counts.items(), key=lambda kv: -kv[1])[:6]
        listed = ", ".join(f"{k} \u00d7{n}" if n > 1 else k for k, n in ranked)
        first = min(found, key=lambda m: (m.seg is not segments[0], m.start))
        yield Hit(**first.seg.hit(first.start, first.end, count=len(found), words=listed,
                                  density=f"{density:.1f}"))
