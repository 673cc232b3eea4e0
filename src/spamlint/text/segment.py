"""Sentences and word starts in a segment's text: the plain definitions text/facts.py caches per run.

The Segment itself (finished data, with its map back to source lines) is in model/segment.py.
"""

from __future__ import annotations

import re

# a sentence ends after . ! ? followed by white space, or at a line break; the group takes the
# blank lines that follow, which would only be blank sentences.  Stdlib re, and the pattern starts
# with a plain character class, which lets the engine skip ahead to the next candidate quickly.
_STOPS = ".!?\u3002\uff01\uff1f"
_SENTENCE_END = re.compile(rf"[{_STOPS}\n](?:(?<=\n)|(?<=[{_STOPS}])[{_STOPS}]*(?=\s|$))((?:[^\S\n]*\n)*)")
# one sentence around an offset: the next end after it, and in the reversed text the last one
# before it (a line break, or white space after a stop, which is a stop and white space reversed)
_NEXT_END = re.compile(rf"[{_STOPS}\n](?:(?<=\n)|(?<=[{_STOPS}])[{_STOPS}]*(?=\s|$))")
_LAST_END = re.compile(rf"\s(?:(?<=\n)|(?=[{_STOPS}]))")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank sentence: split after . ! ? and at line breaks."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        end = m.start(1)
        if not text[start:end].isspace() and end > start:
            spans.append((start, end))
        start = m.end()
    if start < len(text) and not text[start:].isspace():
        spans.append((start, len(text)))
    return spans


def sentence_around(text: str, reversed_text: str, offset: int) -> tuple[int, int]:
    """The (start, end) of `sentences(text)` that holds the character at offset, found without splitting the text.

    `reversed_text` is text[::-1].  For an offset of white space between sentences the span may be a blank one.
    """
    last = _LAST_END.search(reversed_text, len(text) - offset)
    end = _NEXT_END.search(text, offset)
    return (0 if last is None else len(text) - last.start() - (last.group() != "\n"),
            len(text) if end is None else end.end())


def word_starts(lower: str, word: str) -> list[int]:
    """Offsets in a lower-case text where `word` begins a \\w+ run."""
    found = []
    i = lower.find(word)
    while i != -1:
        if i == 0 or not (lower[i - 1].isalnum() or lower[i - 1] == "_"):  # what re's \\w means
            found.append(i)
        i = lower.find(word, i + 1)
    return found
