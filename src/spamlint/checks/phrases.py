"""Phrase lists compiled into one pattern: each phrase once (phrases, for claims) or as density (phrase-density).

Phrases are matched in the raw text and in the canonical text (normalize.py), so a phrase
written in disguise (fr33, F.r.e.e, Cyrillic look-alikes) still counts; such a match says so.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Iterable, NamedTuple

from spamlint.checks.base import TEXT_SCOPES, Check, Option
from spamlint.model.document import Document
from spamlint.model.findings import Hit
from spamlint.text.facts import Context, SegmentFacts
from spamlint.text.canon import canonical_only
from spamlint.text import index
from spamlint.text.compiled import lazy, remembered
from spamlint.text.index import PhraseGate, PhraseIndex, gate_words, valid_gate_words
from spamlint.text.words import fold_il, phrase_pattern, strip_accents


# compiled on first use (text/compiled.py): only a rule with `not_after` words reads them, for a match
_WORD = lazy(r"\w+(?:'\w+)?")
_CLAUSE_BREAK = lazy(r"[.!?;:]\s|\n\s*\n|[()\[\]]")


def _apostrophes(text: str) -> str:
    """Typographic apostrophes as plain ones, so "don’t" is "don't"."""
    return text.replace("\u2019", "'")


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
    phrases, in the raw and (with `canonical`) the normalised text.

    A match with one of the `not_after` words among the `not_after_words` words before it, in
    the same clause, does not count: a negation ("we do not sell lists", "no action
    required") or a word that gives the phrase its everyday sense ("needs to be removed").
    """

    name = "phrases"
    scopes = TEXT_SCOPES
    by_language = True
    options = {
        "phrases": Option("weights", required=True, doc="phrases, or {phrase: weight}"),
        "canonical": Option("bool", True, "also match the normalised text (disguised words)"),
        "not_after": Option("list", [], "words that cancel a match when they stand just before it"),
        "not_after_words": Option("int", 3, "how many words before a match `not_after` looks at"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self.weights = {" ".join(k.lower().split()): float(v) for k, v in options["phrases"].items()}
        self.cancel = frozenset(_apostrophes(w.lower()) for w in options["not_after"])
        # what the run's PhraseGate needs of this list, kept in the rule-pack cache under the
        # phrases: the indexes below and the accent-free forms are then made only for a list
        # the gate lets through (a small input reaches few).  The cache's code stamp covers
        # text/words.py and text/index.py, whose code the value also comes from.
        canonical = bool(self.opts["canonical"])
        self.gate_words = remembered(
            index, f"gate {canonical:d}\0" + "\0".join(self.weights),
            lambda: gate_words(self.needs, self.loose_needs if canonical else None), valid_gate_words)

    @cached_property
    def _unaccented(self) -> dict[str, str]:
        """Each phrase without its accents: once per phrase, since both maps below read it."""
        return {k: strip_accents(k) for k in self.weights}

    @cached_property
    def aliases(self) -> dict[str, str]:
        """"transacao" for "transação": mail in many languages drops its accents."""
        return {a: k for k, a in self._unaccented.items() if a != k}

    @cached_property
    def by_folded(self) -> dict[str, str]:
        """The phrases by their unaccented, i-for-l form: the canonical text has no accents, so its
        pattern and lookups use phrases without them."""
        return {fold_il(a): k for k, a in self._unaccented.items()}

    # the words each phrase needs: a text lacking all of some phrase's words is not scanned,
    # and matching starts only where the first word of a phrase whose words are all in the
    # text stands; phrases that start with no word character (like "$$$") get a scan of their own
    @cached_property
    def needs(self) -> PhraseIndex:
        """The index of the raw phrases and their aliases."""
        # the weights' keys and fold_il's are normalised already; an alias may not be (a lone accent between spaces)
        return PhraseIndex([*self.weights, *(" ".join(a.lower().split()) for a in self.aliases)], normalised=True)

    @cached_property
    def loose_needs(self) -> PhraseIndex:
        """The index of the loose phrases (by_folded's keys)."""
        return PhraseIndex(self.by_folded, normalised=True)

    # the patterns are compiled on first use, not at load: most of a run's start-up went into
    # compiling phrase lists, and a small input whose words start no phrase never needs them
    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The phrases (and their unaccented aliases) as one lower-case pattern."""
        return phrase_pattern([*self.weights, *self.aliases], lowered=True)

    @cached_property
    def loose(self) -> re.Pattern[str]:
        """The unaccented phrases, i and l alike, as one pattern for the canonical text."""
        return phrase_pattern(list(self.by_folded), loose=True, lowered=True)

    def warm(self) -> None:
        """Compile both phrase patterns now, and build both indexes (before `-j N` forks its workers)."""
        self.pattern, self.loose, self.needs, self.loose_needs  # noqa: B018 - touching a cached_property makes it

    def _key(self, matched: str) -> str:
        key = " ".join(matched.lower().split())
        return self.aliases.get(key, key)

    def matches(self, seg: SegmentFacts, gate: PhraseGate | None = None) -> list[Match]:
        """Raw matches, then matches only the canonical text shows.

        `gate`, a PhraseGate that holds this check, tells at once whether either can find anything.
        """
        raw = gate is None or self in gate.raw(seg)
        found = [Match(seg, m.start(), m.end(), self._key(m.group())) for m in self._raw_matches(seg)] if raw else []
        if self.opts["canonical"] and self._loose_possible(seg, gate):
            spans = [(m.start, m.end) for m in found]
            for start, end, text, how in canonical_only(seg, self.loose, spans):
                key = self.by_folded.get(fold_il(text), self._key(text))
                found.append(Match(seg, start, end, key, how))
        return found

    def _loose_possible(self, seg: SegmentFacts, gate: PhraseGate | None) -> bool:
        """Whether the canonical text changed and holds, near a change, every word of some phrase."""
        if gate is not None:
            return self in gate.loose(seg)
        canon = seg.canonical
        return canon.changed and self.loose_needs.possible(canon.window_words)

    def _raw_matches(self, seg: SegmentFacts) -> list[re.Match[str]]:
        """Matches in the lower-case text, in order, without overlaps (as one finditer would give)."""
        return self.needs.finditer(self.pattern, seg)

    def found(self, ctx: Context, scope: tuple[str, ...]) -> list[Match]:
        """Every match in the scoped segments that no `not_after` word cancels.

        A rule with a `language:` keeps only the matches in segments in that language; the
        identifier reads only segments with a candidate match, so mail no word list matches
        never loads it, and a segment without one is never read (a subject's costs a second read).
        """
        return self._in_language(ctx, self._uncancelled(ctx, scope))

    def _uncancelled(self, ctx: Context, scope: tuple[str, ...]) -> list[Match]:
        """Every match in the scoped segments that no `not_after` word cancels, in any language."""
        gate = self._gate(ctx)
        found = [m for seg in ctx.facts.segments(scope) for m in self.matches(seg, gate)]
        # cancelling first: a segment whose every match is cancelled needs no language told
        return [m for m in found if not self._cancelled(m)] if self.cancel else found

    def _in_language(self, ctx: Context, found: list[Match]) -> list[Match]:
        """The matches in segments in the rule's `language:` (all of them for a rule without one)."""
        if self.language is not None and found:
            kept = {seg for seg in {m.seg for m in found} if ctx.facts.language_of(seg) == self.language}
            found = [m for m in found if m.seg in kept]
        return found

    def in_language(self, ctx: Context, scope: tuple[str, ...]) -> tuple[SegmentFacts, ...]:
        """The scoped segments in the rule's `language:` (all of them for a rule without one)."""
        segments = ctx.facts.segments(scope)
        if self.language is None:
            return segments
        return tuple(seg for seg in segments if ctx.facts.language_of(seg) == self.language)

    def _gate(self, ctx: Context) -> PhraseGate | None:
        """The run's PhraseGate if it holds this check (it holds the engine's phrase rules)."""
        gate = ctx.phrase_gate
        return gate if isinstance(gate, PhraseGate) and self in gate.keys else None

    def silent(self, ctx: Context, scope: tuple[str, ...]) -> bool:
        """True when no scoped segment holds every word of one of the phrases (raw or disguised)."""
        gate = self._gate(ctx)
        return gate is not None and self not in gate.reached_in(ctx.facts, scope)

    def _cancelled(self, m: Match) -> bool:
        """Whether a `not_after` word stands among the few words before the match, in its clause."""
        # a clause, not SegmentFacts.sentence_at: that splits at every line break, and wrapped
        # plain text ("we will never\nsell email lists") would lose its negation
        before = m.seg.text[max(0, m.start - 120):m.start]
        before = _CLAUSE_BREAK.split(before)[-1]
        words = _WORD.findall(_apostrophes(before.lower()))[-self.opts["not_after_words"]:]
        return not self.cancel.isdisjoint(words)

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        # every match, each marked with its phrase: the engine keeps the first of each phrase that
        # no suppression switches off (a suppressed line must not hide the phrase further down)
        for m in self.found(ctx, scope):
            yield Hit(**m.seg.hit(m.start, m.end, phrase=m.label()), weight=self.weights.get(m.key, 1.0), once=m.key)


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
        found = self._uncancelled(ctx, scope)
        if self.language is not None and self._never_dense(ctx, found):
            return  # no answer of the language identifier could make a hit: it is not asked
        found = self._in_language(ctx, found)
        if not self._dense_in_matched(found):
            return
        weighted = sum(self.weights.get(m.key, 1.0) for m in found)
        segments = self.in_language(ctx, scope)
        words = sum(seg.word_count for seg in segments) or 1
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

    def _dense_in_matched(self, found: list[Match]) -> bool:
        """The first test: enough matches, and dense enough over the segments that hold one.

        Those segments hold a part of the words: if the density over them alone is too low, it
        is over all of them too, and the other segments' language need not be told.
        """
        if len(found) < self.opts["min_hits"] or not found:
            return False
        weighted = sum(self.weights.get(m.key, 1.0) for m in found)
        words = sum(seg.word_count for seg in {m.seg for m in found})
        return not 100.0 * weighted / max(words, 20) < self.opts["min_density"]

    def _never_dense(self, ctx: Context, found: list[Match]) -> bool:
        """True when `_dense_in_matched` fails for every choice of the segments in the rule's language.

        The segments with a match are told one at a time, each only while some choice for the
        rest could still pass; the choices are few (a subject and a body or two), and past
        MAX_UNTOLD untold segments every one is told.
        """
        segs = list(dict.fromkeys(m.seg for m in found))
        told: dict[SegmentFacts, bool] = {}
        for seg in segs:
            untold = [s for s in segs if s not in told]
            if len(untold) <= MAX_UNTOLD and not any(
                    self._dense_in_matched([m for m in found if told.get(m.seg, m.seg in chosen)])
                    for chosen in _subsets(untold)):
                return True
            told[seg] = ctx.facts.language_of(seg) == self.language
        return False  # every segment told: the run's own test decides


MAX_UNTOLD = 6  # PhraseDensityCheck._never_dense tries at most 2**6 choices of segments before telling one


def _subsets(items: list[SegmentFacts]) -> Iterable[set[SegmentFacts]]:
    """Every subset of items, as sets."""
    for bits in range(1 << len(items)):
        yield {item for i, item in enumerate(items) if bits >> i & 1}


def phrase_gate(checks: Iterable[object]) -> PhraseGate | None:
    """One PhraseGate over the phrase checks among `checks` (None when there are none)."""
    lists = [(c, c.gate_words) for c in checks if isinstance(c, PhrasesCheck)]
    return PhraseGate(lists) if lists else None
