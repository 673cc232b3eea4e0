"""Text helpers shared by the text checks: sentences, word patterns."""

from __future__ import annotations

from typing import Iterator

import regex

_SENTENCE_END = regex.compile(r"[.!?\u3002]+(?=\s|$)|\n")
_LETTERS = regex.compile(r"\p{L}")


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each non-blank sentence: split at . ! ? and at line breaks."""
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        if text[start:end].strip():
            yield start, end
        start = end
    if text[start:].strip():
        yield start, len(text)


def phrase_pattern(phrases: list[str], flags: int = regex.IGNORECASE) -> regex.Pattern[str]:
    """One word-bounded pattern for a whole list of phrases; longest alternatives first."""
    alts = []
    for p in sorted(set(phrases), key=len, reverse=True):
        words = [regex.escape(w) for w in p.split()]
        alts.append(r"\s+".join(words))
    body = "|".join(alts) if alts else r"(?!)"
    return regex.compile(rf"(?<![\p{{L}}\p{{N}}])(?:{body})(?![\p{{L}}\p{{N}}])", flags | regex.V0)


def letter_count(text: str) -> int:
    """Number of letters (any script) in text."""
    return len(_LETTERS.findall(text))
