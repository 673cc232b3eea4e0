"""Phrase lists compiled into one pattern: as density (risky words) or each phrase once (claims).

Phrases are matched in the raw text and in the canonical text (normalize.py), so a phrase
written in disguise (fr33, F.r.e.e, Cyrillic look-alikes) still counts; such a match says so.
"""

from __future__ import annotations

import re
from typing import Iterable, NamedTuple

from ..document import Document, Segment
from ..findings import Hit
from ._canon import canonical_only
from ._text import fold_il, phrase_pattern, strip_accents
from .base import TEXT_SCOPES, Check, Option


_TOKEN = re.compile(r"\w+")


class Match(NamedTuple):
    """One phrase found: where in the raw text, which listed phrase, and its disguise if any."""

    seg: Segment
    start: int
    end: int
    key: str
    disguise: str | None = None

    def label(self) -> str:
        """The phrase as a message shows it: disguised matches say how they were written."""
        if self.disguise is None:
            return self.seg.text[self.start:self.end]
        return f"{self.key} as \u201c{self.seg.text[self.start:self.end]}\u201d ({self.disguise})"


def _offsets(text: str, char: str) -> list[int]:
    """Every offset of `char` in text (str.find skips ahead far faster than a regex scan)."""
    out, i = [], text.find(char)
    while i != -1:
        out.append(i)
        i = text.find(char, i + 1)
    return out


class _Needs:
    """The words each phrase needs, to skip texts that lack them and to start matching only where a phrase may."""

    def __init__(self, phrases: Iterable[str]) -> None:
        firsts: dict[frozenset[str], set[str]] = {}  # word set -> first words of the phrases with it
        for k in phrases:
            first = _TOKEN.match(k)
            firsts.setdefault(frozenset(_TOKEN.findall(k)), set()).update([first.group()] if first else [])
        self.always = frozenset() in firsts  # a phrase without word characters, like "$$$"
        # one-word phrases need just their word, which is also their first word (if they have one):
        # plain set operations answer for them, the loop below only sees longer phrases
        self.one_word = frozenset(w for n in firsts if len(n) == 1 for w in n)
        self.one_word_firsts = frozenset(w for n, f in firsts.items() if len(n) == 1 for w in f)
        # longer phrases indexed by their longest word: `&` with a text's words walks the smaller set
        self.by_anchor: dict[str, list[tuple[frozenset[str], frozenset[str]]]] = {}
        for n, f in firsts.items():
            if len(n) > 1:
                self.by_anchor.setdefault(max(n, key=len), []).append((n, frozenset(f)))
        self.anchors = frozenset(self.by_anchor)

    def possible(self, words: frozenset[str]) -> bool:
        """True when every word of some phrase is in `words`."""
        if self.always or not self.one_word.isdisjoint(words):
            return True
        return any(n <= words for anchor in self.anchors & words for n, _ in self.by_anchor[anchor])

    def first_words(self, words: frozenset[str]) -> set[str]:
        """The first words of the phrases whose words are all in `words`: only there can a phrase start."""
        firsts = set(self.one_word_firsts & words)
        for anchor in self.anchors & words:
            for n, f in self.by_anchor[anchor]:
                if n <= words:
                    firsts |= f
        return firsts


class PhrasesCheck(Check):
    """Word-bounded, case-insensitive phrases, in the raw and (with `canonical`) the normalised text.

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
        phrases = [*self.weights, *self.aliases]
        self.needs = _Needs(phrases)
        unanchored = [k for k in phrases if not _TOKEN.match(k)]
        self.unanchored = phrase_pattern(unanchored, lowered=True) if unanchored else None
        # an empty phrase (matching everywhere) leaves the plain scan in charge
        self.unanchored_leads = frozenset(k[0] for k in unanchored) if all(unanchored) else None
        self.loose_needs = _Needs(self.by_folded)

    def _key(self, matched: str) -> str:
        key = " ".join(matched.lower().split())
        return self.aliases.get(key, key)

    def matches(self, seg: Segment) -> list[Match]:
        """Raw matches, then matches only the canonical text shows."""
        found = [Match(seg, m.start(), m.end(), self._key(m.group())) for m in self._raw_matches(seg)]
        canon = seg.canonical if self.opts["canonical"] else None
        if canon is not None and canon.changed and self.loose_needs.possible(canon.loose_words):
            spans = [(m.start, m.end) for m in found]
            for start, end, text, how in canonical_only(seg, self.loose, spans):
                key = self.by_folded.get(fold_il(text), self._key(text))
                found.append(Match(seg, start, end, key, how))
        return found

    def _raw_matches(self, seg: Segment) -> list[re.Match[str]]:
        """Matches in the lower-case text, in order, without overlaps (as one finditer would give)."""
        firsts = self.needs.first_words(seg.lower_words)
        if not firsts and self.unanchored is None:
            return []
        positions = sorted(p for w in firsts for p in seg.word_starts(w))
        found, end = [], -1
        for p in positions:
            m = self.pattern.match(seg.lower, p) if p >= end else None
            if m is not None:
                found.append(m)
                end = m.end()
        if self.unanchored is not None:
            found = sorted(found + self._unanchored_matches(seg.lower), key=lambda m: m.start())
        return found

    def _unanchored_matches(self, text: str) -> list[re.Match[str]]:
        """What unanchored.finditer(text) gives, tried only where a phrase's first character stands."""
        if self.unanchored_leads is None:
            return list(self.unanchored.finditer(text))
        found, end = [], -1
        for p in sorted(p for c in self.unanchored_leads for p in _offsets(text, c)):
            m = self.unanchored.match(text, p) if p >= end else None
            if m is not None:
                found.append(m)
                end = m.end()
        return found

    def run(self, doc: Document, scope: tuple[str, ...]) -> Iterable[Hit]:
        found = [m for seg in doc.segments(scope) for m in self.matches(seg)]
        if self.opts["mode"] == "each":
            yield from self._each(found)
        else:
            yield from self._density(found, doc.segments(scope))

    def _each(self, found: list[Match]) -> Iterable[Hit]:
        seen: set[str] = set()
        for m in found:
            if m.key in seen:
                continue
            seen.add(m.key)
            yield Hit(**m.seg.hit(m.start, m.end, phrase=m.label()), weight=self.weights.get(m.key, 1.0))

    def _density(self, found: list[Match], segments: list[Segment]) -> Iterable[Hit]:
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
