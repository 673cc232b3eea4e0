"""Text helpers shared by the text checks: word patterns and letter counts."""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from typing import Any


from spamlint.text.compiled import ascii_or_regex, compile_pattern, remembered
from spamlint.text.patterns import lazy_regex

_LETTERS = lazy_regex(r"\p{L}")
_LETTER_RUNS = ascii_or_regex(r"[A-Za-z]+", r"\p{L}+")  # ASCII text needs no regex import


def phrase_pattern(phrases: list[str], loose: bool = False, lowered: bool = False) -> re.Pattern[str]:
    """One word-bounded, case-insensitive pattern for a whole list of phrases.

    The alternatives are merged into a character trie, so the pattern branches once per
    character instead of trying every phrase at every position (several times faster on long
    lists); spaces inside a phrase match any run of white space.  `loose` lets i and l stand
    for each other, for canonical text where a leet "1" may have been either.

    Building the source takes longer than compiling it from the rule-pack cache's code, so the
    source is kept there too, under the phrase list and this module's code (`remembered`).
    """
    what = json.dumps([list(phrases), loose, lowered], ensure_ascii=False)
    source = remembered(sys.modules[__name__], what, lambda: _phrase_source(phrases, loose, lowered), _text)
    return compile_pattern(source, 0 if lowered else re.IGNORECASE)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _phrase_source(phrases: list[str], loose: bool, lowered: bool) -> str:
    """phrase_pattern's source: the phrases' character trie, with a look-ahead when `lowered`."""
    trie: dict = {}
    for phrase in phrases:
        node = trie
        # loose phrases go in with l written as i: one [il] branch, so the longest phrase wins as in
        # an alternation, not the one whose letter sorts first
        for ch in fold_il(phrase) if loose else " ".join(phrase.lower().split()):
            node = node.setdefault(ch, {})
        node[""] = {}
    body = _trie_pattern(trie, loose) if trie else "(?!)"
    if not lowered:
        return rf"(?<!\w)(?:{body})(?!\w)"
    first = {c for c in trie if c}
    if loose and first & {"i", "l"}:
        first |= {"i", "l"}
    # a look-ahead for the first characters lets the engine skip ahead; an empty phrase starts anywhere
    lead = "(?=[" + "".join(re.escape(c) for c in sorted(first)) + "])" if first and "" not in trie else ""
    return rf"{lead}(?<!\w)(?:{body})(?!\w)"


def _plain_phrase_pattern(phrases: list[str], loose: bool = False, lowered: bool = False) -> re.Pattern[str]:
    """phrase_pattern written plainly, the longest phrase first in one alternation: the reference it must equal."""
    alts = sorted({" ".join(p.lower().split()) for p in phrases}, key=lambda p: (-len(p), p))
    body = "|".join("".join(_char(ch, loose) for ch in p) for p in alts) if alts else "(?!)"
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", 0 if lowered else re.IGNORECASE)


def _trie_pattern(node: dict, loose: bool = False) -> str:
    alts = [_char(ch, loose) + _trie_pattern(sub, loose) for ch, sub in sorted(node.items()) if ch != ""]
    if not alts:
        return ""
    group = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    if "" in node:
        return (group if group.startswith("(?:") and len(alts) > 1 else "(?:" + group + ")") + "?"
    return group


def _char(ch: str, loose: bool) -> str:
    if ch == " ":
        return r"\s+"
    return "[il]" if loose and ch in "il" else re.escape(ch)


def fold_il(phrase: str) -> str:
    """A phrase with l written as i: the key under which loose matches are looked up."""
    return " ".join(phrase.lower().split()).replace("l", "i")


def strip_accents(text: str) -> str:
    """text without combining accents (é -> e); other characters unchanged."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def letter_count(text: str) -> int:
    """Number of letters (any script) in text (the letter runs cut out: faster than counting letters)."""
    return len(text) - len(_LETTER_RUNS.sub("", text))


def _plain_letter_count(text: str) -> int:
    """letter_count written plainly: the reference it must equal."""
    return len(_LETTERS.findall(text))
