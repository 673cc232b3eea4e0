"""Where a phrase list can match: the words its phrases need, and the offsets where they can start.

A phrase pattern tried at every offset of a long text costs far more than a few set operations
on the text's words and `str.find` for the first words of the phrases the text can hold.
"""

from __future__ import annotations

import re
from functools import cached_property
from itertools import chain
from typing import Iterable

from spamlint.text.compiled import lazy
from spamlint.text.facts import Facts, SegmentFacts

_TOKEN = lazy(r"\w+")  # compiled on first use (text/compiled.py): a run reading cached rules may never need it


def offsets(text: str, char: str) -> list[int]:
    """Every offset of `char` in text (str.find skips ahead far faster than a regex scan)."""
    out, i = [], text.find(char)
    while i != -1:
        out.append(i)
        i = text.find(char, i + 1)
    return out


def scan(pattern: re.Pattern[str], text: str, starts: Iterable[int]) -> list[re.Match[str]]:
    """pattern.finditer(text) when every match starts at one of `starts` (sorted): tried only there."""
    found, end = [], -1
    for p in starts:
        m = pattern.match(text, p) if p >= end else None
        if m is not None:
            found.append(m)
            end = m.end()
    return found


class PhraseIndex:
    """The words each phrase of a (lower-case) list needs, and the first word or character it starts with."""

    def __init__(self, phrases: Iterable[str], normalised: bool = False) -> None:
        """`normalised`: every phrase is already " ".join(p.lower().split()), which doing again leaves
        unchanged (lower-casing is idempotent): the phrase checks pass their keys so."""
        firsts: dict[frozenset[str], set[str]] = {}  # word set -> first words of the phrases with it
        self.unanchored: list[str] = []  # phrases that start with no word character, like "$$$"
        findall = _TOKEN.findall
        for k in phrases:
            if not normalised:
                k = " ".join(k.lower().split())
            words = findall(k)
            n = frozenset(words)
            f = firsts.get(n)
            if f is None:
                f = firsts[n] = set()
            # k starts with a word exactly when its first word stands at offset 0 (_TOKEN.match(k))
            if words and k.startswith(words[0]):
                f.add(words[0])
            else:
                self.unanchored.append(k)
        self.always = frozenset() in firsts  # a phrase without word characters, like "$$$"
        self.needs = {n: frozenset(f) for n, f in firsts.items()}  # word set -> first words (PhraseGate reads it)
        # phrases that start with no word character are sought at their first character; an empty
        # phrase (matching everywhere) leaves no such shortcut (None)
        self.leads = frozenset(k[0] for k in self.unanchored) if all(self.unanchored) else None

    # the lookups below serve only a list the PhraseGate lets through (or a check without one):
    # made on first use, since a run's start-up builds some 90 indexes and a small input scans few
    @cached_property
    def one_word(self) -> frozenset[str]:
        """The words of the one-word phrases: plain set operations answer for them."""
        return frozenset(w for n in self.needs if len(n) == 1 for w in n)

    @cached_property
    def one_word_firsts(self) -> frozenset[str]:
        """The one-word phrases' words that are also their first words (all but those led by a non-word)."""
        return frozenset(w for n, f in self.needs.items() if len(n) == 1 for w in f)

    @cached_property
    def by_anchor(self) -> dict[str, list[tuple[frozenset[str], frozenset[str]]]]:
        """Longer phrases' word sets and first words, by their longest word: `&` with a text's words walks the smaller set."""
        out: dict[str, list[tuple[frozenset[str], frozenset[str]]]] = {}
        for n, f in self.needs.items():
            if len(n) > 1:
                out.setdefault(max(n, key=len), []).append((n, f))
        return out

    @cached_property
    def anchors(self) -> frozenset[str]:
        """The words by_anchor is keyed by."""
        return frozenset(self.by_anchor)

    def possible(self, words: frozenset[str]) -> bool:
        """True when every word of some phrase is in `words`."""
        if self.always or not self.one_word.isdisjoint(words):
            return True
        return any(n <= words for anchor in self.anchors & words for n, _ in self.by_anchor[anchor])

    def first_words(self, words: frozenset[str]) -> frozenset[str]:
        """The first words of the phrases whose words are all in `words`: only there can a phrase start."""
        firsts = self.one_word_firsts & words
        anchors = self.anchors & words
        if not anchors:
            return firsts
        more = set(firsts)
        for anchor in anchors:
            for n, f in self.by_anchor[anchor]:
                if n <= words:
                    more |= f
        return frozenset(more)

    def word_starts(self, seg: SegmentFacts) -> list[int]:
        """Sorted offsets in seg.lower where a phrase that starts with a word can match."""
        firsts = self.first_words(seg.lower_words)
        if not firsts:
            return []
        if len(firsts) == 1:
            return seg.word_starts(next(iter(firsts)))  # already in order
        return sorted(chain.from_iterable(map(seg.word_starts, firsts)))

    def lead_starts(self, text: str) -> list[int] | None:
        """Sorted offsets where a phrase that starts with no word character can match (None: anywhere)."""
        if self.leads is None:
            return None
        return sorted(p for c in self.leads for p in offsets(text, c))

    def finditer(self, pattern: re.Pattern[str], seg: SegmentFacts) -> list[re.Match[str]]:
        """What pattern.finditer(seg.lower) gives, for the lower-case pattern of these phrases."""
        starts = self.word_starts(seg)
        if self.unanchored:
            leads = self.lead_starts(seg.lower)
            if leads is None:
                return list(pattern.finditer(seg.lower))
            starts = sorted(starts + leads)
        return scan(pattern, seg.lower, starts)


GateWords = tuple[bool, dict[str, str], bool, dict[str, str]]  # what a PhraseGate needs of one phrase list


def gate_words(raw: PhraseIndex, loose: PhraseIndex | None) -> GateWords:
    """What a PhraseGate reads of a list's raw and loose indexes, as plain data the rule-pack cache keeps.

    (raw has phrases that start with no word character, the raw word sets that some phrase starts
    in, loose has a phrase without words, the loose word sets).  The word sets are filed under
    their longest word, each written as its other words joined by spaces, one set a line: words
    are `\\w+` runs, so neither a space nor a line break is ever part of one.
    """
    raw_sets = _by_anchor(n for n, f in raw.needs.items() if n and f)
    if loose is None:
        return (bool(raw.unanchored), raw_sets, False, {})
    return (bool(raw.unanchored), raw_sets, loose.always, _by_anchor(n for n in loose.needs if n))


def _by_anchor(sets: Iterable[frozenset[str]]) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    for n in sets:
        anchor = max(n, key=len)
        out.setdefault(anchor, []).append(" ".join(w for w in n if w != anchor))
    return {anchor: "\n".join(lines) for anchor, lines in out.items()}


def valid_gate_words(value: object) -> GateWords | None:
    """value as GateWords when it has their types (the cache gives lists back for tuples), else None."""
    if isinstance(value, (list, tuple)) and len(value) == 4:
        raw_always, raw_sets, loose_always, loose_sets = value
        if type(raw_always) is bool and type(loose_always) is bool and _text_map(raw_sets) and _text_map(loose_sets):
            return (raw_always, raw_sets, loose_always, loose_sets)
    return None


def _text_map(value: object) -> bool:
    """Whether value is a dict of str to str (the types counted in C: it runs for every phrase rule at start-up)."""
    return isinstance(value, dict) and {*map(type, value), *map(type, value.values())} <= {str}


class _Anchors:
    """The word sets of many lists by their anchor word, merged for an anchor when it is first asked for.

    A run's start-up then reads the lists' maps as they are; a small input asks for few anchors.
    """

    def __init__(self, lists: list[tuple[object, dict[str, str]]]) -> None:
        self.lists = lists
        self.words: frozenset[str] = frozenset().union(*(sets for _, sets in lists))
        self._merged: dict[str, list[tuple[object, list[str]]]] = {}

    def sets(self, anchor: str) -> list[tuple[object, list[str]]]:
        """(key, the set's words as a list) for every word set filed under anchor."""
        found = self._merged.get(anchor)
        if found is None:
            found = self._merged[anchor] = [
                (key, [anchor, *line.split(" ")] if line else [anchor])
                for key, by_anchor in self.lists if (text := by_anchor.get(anchor)) is not None
                for line in text.split("\n")]
        return found


class PhraseGate:
    """Which of many phrase lists can match a segment at all, told in one pass over its words.

    Each list comes with a key and its `gate_words`: of the PhraseIndex of its raw phrases and,
    when it also matches the canonical text, of the PhraseIndex of its loose phrases.  A key is a
    raw candidate of a segment exactly when `first_words(seg.lower_words)` of its raw index is not
    empty or the index has phrases that start with no word character (what `PhraseIndex.finditer`
    can find anything with), and a loose candidate exactly when the canonical text changed and its
    loose index's `possible(window_words)` holds; asking 47 indexes the same thing costs 47 times
    as much.  Built from the words alone (kept in the rule-pack cache), a run's start-up builds no
    PhraseIndex: a check builds its own when the gate first lets it through.
    """

    def __init__(self, lists: Iterable[tuple[object, GateWords]]) -> None:
        self.keys: set[object] = set()
        self.raw_always: set[object] = set()
        self.loose_always: set[object] = set()
        raw: list[tuple[object, dict[str, str]]] = []
        loose: list[tuple[object, dict[str, str]]] = []
        for key, (raw_always, raw_sets, loose_always, loose_sets) in lists:
            self.keys.add(key)
            if raw_always:
                self.raw_always.add(key)
            if loose_always:
                self.loose_always.add(key)
            if raw_sets:
                raw.append((key, raw_sets))
            if loose_sets:
                loose.append((key, loose_sets))
        self.raw_anchors = _Anchors(raw)
        self.loose_anchors = _Anchors(loose)

    def raw(self, seg: SegmentFacts) -> frozenset[object]:
        """The keys whose raw phrases can match seg."""
        return self._answers(seg)[0]

    def loose(self, seg: SegmentFacts) -> frozenset[object]:
        """The keys whose loose phrases can match seg's canonical text near a change."""
        return self._answers(seg)[1]

    def reached(self, seg: SegmentFacts) -> frozenset[object]:
        """The keys whose phrases can match seg at all, raw or loose."""
        return self._answers(seg)[2]

    def reached_in(self, facts: Facts, scope: tuple[str, ...]) -> frozenset[object]:
        """The keys whose phrases can match some segment of the scope; kept on the facts for the run."""
        scope = scope if isinstance(scope, tuple) else tuple(scope)
        found = facts.gated.get((self, scope))
        if found is None:
            found = facts.gated[self, scope] = frozenset().union(*map(self.reached, facts.segments(scope)))
        return found

    def _answers(self, seg: SegmentFacts) -> tuple[frozenset[object], frozenset[object], frozenset[object]]:
        """(raw, loose, either) for seg, worked out once and kept on the segment for the run."""
        found = seg.gated.get(self)
        if found is None:
            raw = _reached(self.raw_always, self.raw_anchors, seg.lower_words)
            loose: frozenset[object] = frozenset()
            if self.loose_anchors.words or self.loose_always:
                canon = seg.canonical
                if canon.changed:
                    loose = _reached(self.loose_always, self.loose_anchors, canon.window_words)
            found = seg.gated[self] = (raw, loose, raw | loose)
        return found


def _reached(always: set[object], anchors: _Anchors, words: frozenset[str]) -> frozenset[object]:
    """The keys with a phrase whose words are all in `words`, and the `always` keys."""
    out = set(always)
    issuperset = words.issuperset  # with a list of words: what `frozenset(n) <= words` tells
    for anchor in anchors.words & words:
        for key, n in anchors.sets(anchor):
            if key not in out and issuperset(n):
                out.add(key)
    return frozenset(out)
