"""Sentences and word starts in a segment's text: the plain definitions text/facts.py caches per run.

The Segment itself (finished data, with its map back to source lines) is in model/segment.py.
"""

from __future__ import annotations

from spamlint.text.compiled import lazy

# a sentence ends after . ! ? (a run of them) followed by white space or the end, or at a line
# break; blank lines after an end belong to no sentence.  The ends are found by a loop, not by one
# pattern: `[.!?]*(?=\s|$)` tried at every mark of a long run of marks that no space follows
# backtracks over the rest of the run each time (quadratic: '!' * 64000 + 'x' took 45 s).
_STOPS = ".!?\u3002\uff01\uff1f"
_CANDIDATE = lazy(rf"[{_STOPS}\n]")
_STOP_RUN = lazy(rf"[{_STOPS}]*")
_BLANK_LINES = lazy(r"(?:[^\S\n]*\n)*")
# one sentence around an offset: in the reversed text the last end before it (a line break, or
# white space after a stop, which is a stop and white space reversed)
_LAST_END = lazy(rf"\s(?:(?<=\n)|(?=[{_STOPS}]))")


def next_end(text: str, offset: int) -> int | None:
    """Where the first sentence end at or after `offset` stops (after its marks, or after the line break)."""
    i = offset
    while (m := _CANDIDATE.search(text, i)) is not None:
        p = m.start()
        if text[p] == "\n":
            return p + 1
        run_end = _STOP_RUN.match(text, p).end()
        if run_end == len(text) or text[run_end].isspace():
            return run_end
        i = run_end  # no later mark of this run can end a sentence either
    return None


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank sentence: split after . ! ? and at line breaks."""
    spans, start, i = [], 0, 0
    while (end := next_end(text, i)) is not None:
        if not text[start:end].isspace() and end > start:
            spans.append((start, end))
        start = i = _BLANK_LINES.match(text, end).end()
    if start < len(text) and not text[start:].isspace():
        spans.append((start, len(text)))
    return spans


def sentence_around(text: str, reversed_text: str, offset: int) -> tuple[int, int]:
    """The (start, end) of `sentences(text)` that holds the character at offset, found without splitting the text.

    `reversed_text` is text[::-1].  For an offset of white space between sentences the span may be a blank one.
    """
    last = _LAST_END.search(reversed_text, len(text) - offset)
    end = next_end(text, offset)
    return (0 if last is None else len(text) - last.start() - (last.group() != "\n"),
            len(text) if end is None else end)


def word_starts(lower: str, word: str) -> list[int]:
    """Offsets in a lower-case text where `word` begins a \\w+ run."""
    found = []
    i = lower.find(word)
    while i != -1:
        if i == 0 or not (lower[i - 1].isalnum() or lower[i - 1] == "_"):  # what re's \\w means
            found.append(i)
        i = lower.find(word, i + 1)
    return found
