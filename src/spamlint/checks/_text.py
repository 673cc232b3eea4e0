"""Text helpers shared by the text checks: sentences, word patterns."""

from __future__ import annotations

import re
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


def phrase_pattern(phrases: list[str]) -> re.Pattern[str]:
    """One word-bounded, case-insensitive pattern for a whole list of phrases.

    The alternatives are merged into a character trie, so the pattern branches once per
    character instead of trying every phrase at every position (several times faster on long
    lists); spaces inside a phrase match any run of white space.
    """
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for ch in " ".join(phrase.lower().split()):
            node = node.setdefault(ch, {})
        node[""] = {}
    body = _trie_pattern(trie) if trie else "(?!)"
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


def _trie_pattern(node: dict) -> str:
    alts = [(r"\s+" if ch == " " else re.escape(ch)) + _trie_pattern(sub)
            for ch, sub in sorted(node.items()) if ch != ""]
    if not alts:
        return ""
    group = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    if "" in node:
        return (group if group.startswith("(?:") and len(alts) > 1 else "(?:" + group + ")") + "?"
    return group


def letter_count(text: str) -> int:
    """Number of letters (any script) in text."""
    return len(_LETTERS.findall(text))
