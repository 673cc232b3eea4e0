"""Matches that only the canonical text shows: words written in disguise, and how they were disguised."""

from __future__ import annotations

import re
import unicodedata

from ..document import Segment
from ..normalize import is_invisible

_GAP = re.compile(r"(?<![^\W_])\w[ .\-_*\u00b7\u2022]\w(?![^\W_])")
_LEET = re.compile(r"[0-9@$|!]")


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


def canonical_only(seg: Segment, loose: re.Pattern[str],
                   raw_spans: list[tuple[int, int]]) -> list[tuple[int, int, str, str]]:
    """(raw start, raw end, canonical match, disguise) for loose-pattern matches absent from the raw text."""
    canon = seg.canonical
    if not canon.changed:
        return []
    out = []
    for m in loose.finditer(canon.text):
        rs, re_ = canon.raw_span(m.start(), m.end())
        if any(a < re_ and rs < b for a, b in raw_spans):
            continue
        how = disguise(seg.text[rs:re_])
        if how is not None:
            out.append((rs, re_, m.group(), how))
    return out
