"""Matches that only the canonical text shows: words written in disguise, and how they were disguised."""

from __future__ import annotations

import bisect
import re
import unicodedata
from typing import Iterator

from spamlint.text.facts import SegmentFacts
from spamlint.text.normalize import GAP_MARKS, LEET, Canonical, char_class, is_invisible
from spamlint.text.compiled import lazy

# a single letter, a gap mark and a single letter; any digit or leet symbol (from normalize's alphabets)
_GAP = lazy(rf"(?<![^\W_])\w[{char_class(GAP_MARKS)}]\w(?![^\W_])")
_LEET = lazy(rf"[0-9{char_class(''.join(c for c in LEET if not c.isdigit()))}]")


def disguise(raw: str) -> str | None:
    """How a raw word differs from its canonical reading, or None when it is only accents or case."""
    if any(is_invisible(c) for c in raw):
        return "invisible characters"
    for c in raw:
        if not c.isascii() and c.isalpha() and not unicodedata.decomposition(c).startswith(
                tuple(f"{ord(b):04X} " for b in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")):
            return "look-alike letters"
    if _LEET.search(raw):
        return "leetspeak"
    if _GAP.search(raw):
        return "gaps"
    return None


def canonical_only(seg: SegmentFacts, loose: re.Pattern[str],
                   raw_spans: list[tuple[int, int]]) -> list[tuple[int, int, str, str]]:
    """(raw start, raw end, canonical match, disguise) for loose-pattern matches absent from the raw text.

    `loose` is a lowered phrase pattern; `raw_spans` are the sorted spans it matched in the raw text.
    """
    canon = seg.canonical
    if not canon.changed:
        return []
    starts = [a for a, _ in raw_spans]
    out = []
    for m in _near_changes(canon, loose):
        if not canon.touches_change(m.start(), m.end()):  # i/l looseness alone is no disguise
            continue
        rs, re_ = canon.raw_span(m.start(), m.end())
        i = bisect.bisect_right(starts, re_ - 1) - 1  # the last raw match starting before this one ends
        if i >= 0 and raw_spans[i][1] > rs:
            continue
        how = disguise(seg.text[rs:re_])
        if how is not None:
            out.append((rs, re_, m.group(), how))
    return out


def _plain_canonical_only(seg: SegmentFacts, loose: re.Pattern[str],
                          raw_spans: list[tuple[int, int]]) -> list[tuple[int, int, str, str]]:
    """canonical_only written plainly, the loose pattern over the whole canonical text: the reference."""
    canon, out = seg.canonical, []
    for m in loose.finditer(canon.lower):
        if not any(a <= m.end() and b >= m.start() for a, b in canon.changes):  # no disguise where nothing changed
            continue
        rs, re_ = canon.raw_span(m.start(), m.end())
        if any(a < re_ and rs < b for a, b in raw_spans):
            continue
        how = disguise(seg.text[rs:re_])
        if how is not None:
            out.append((rs, re_, m.group(), how))
    return out


def _near_changes(canon: Canonical, loose: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """Matches in the canonical text near a change: elsewhere it equals the raw text."""
    text, size = canon.lower, len(canon.lower)
    for start, end in canon.windows():
        for m in loose.finditer(text, start, end):
            if m.end() < end or end == size:  # a match cut off by the window's end is no match
                yield m
