"""A Segment: a run of text a reader sees, with offsets mapped back to source line and column."""

from __future__ import annotations

import bisect
import re
from functools import cached_property

from spamlint.text.normalize import Canonical, LowerWords, canonical

# a sentence ends after . ! ? followed by white space, or at a line break; the group takes the
# blank lines that follow, which would only be blank sentences.  Stdlib re, and the pattern starts
# with a plain character class, which lets the engine skip ahead to the next candidate quickly.
_STOPS = ".!?\u3002\uff01\uff1f"
_SENTENCE_END = re.compile(rf"[{_STOPS}\n](?:(?<=\n)|(?<=[{_STOPS}])[{_STOPS}]*(?=\s|$))((?:[^\S\n]*\n)*)")
# one sentence around an offset: the next end after it, and in the reversed text the last one
# before it (a line break, or white space after a stop, which is a stop and white space reversed)
_NEXT_END = re.compile(rf"[{_STOPS}\n](?:(?<=\n)|(?<=[{_STOPS}])[{_STOPS}]*(?=\s|$))")
_LAST_END = re.compile(rf"\s(?:(?<=\n)|(?=[{_STOPS}]))")


class Segment(LowerWords):
    """A run of text a reader sees, with a map from text offsets back to source line and column.

    `source` is the text positions refer to (a template file, a decoded MIME part, a header
    value).  `anchors` pairs text offsets with source offsets for text assembled from pieces
    (HTML); without anchors the text is the source, character for character.  A text/plain
    alternative to an HTML body is not `primary`: the `body` scope reads the HTML instead, so
    one message is not counted twice.
    """

    def __init__(
        self,
        part: str,
        text: str,
        source: str | None = None,
        anchors: tuple[list[int], list[int], list[int]] | None = None,
        line_base: int | None = 1,
        col_base: int = 1,
        primary: bool = True,
    ) -> None:
        self.part = part
        self.primary = primary
        self.text = text
        self.source = text if source is None else source
        self._anchors = anchors
        self.line_base = line_base
        self.col_base = col_base

    @cached_property
    def _line_starts(self) -> list[int]:
        starts = [0]
        find = self.source.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        return starts

    def source_offset(self, offset: int) -> int:
        """Map a text offset to an offset in the source."""
        if self._anchors is None:
            return min(offset, len(self.source))
        text_starts, src_starts, lengths = self._anchors
        i = bisect.bisect_right(text_starts, offset) - 1
        if i < 0:
            return 0
        return src_starts[i] + min(offset - text_starts[i], lengths[i])

    def locate(self, offset: int) -> tuple[int | None, int | None]:
        """1-based (line, column) in the source for a text offset; (None, None) without a position."""
        if self.line_base is None:
            return None, None
        src = self.source_offset(offset)
        row = bisect.bisect_right(self._line_starts, src) - 1
        col = src - self._line_starts[row] + 1
        if row == 0:
            col += self.col_base - 1
        return self.line_base + row, col

    def excerpt(self, start: int, end: int, width: int = 60) -> str:
        """The matched text with a little context, on one line."""
        left = max(0, start - 15)
        snippet = self.text[left:max(end, start + 1)][: width + 15]
        snippet = " ".join(snippet.split())
        return snippet if left == 0 else "…" + snippet

    def hit(self, start: int, end: int, **detail: object) -> "HitArgs":
        """Position and excerpt for a match at text[start:end], ready for a Hit."""
        line, column = self.locate(start)
        return {"part": self.part, "line": line, "column": column,
                "excerpt": self.excerpt(start, end), "detail": detail or None}

    @cached_property
    def word_count(self) -> int:
        """Number of white-space separated words (cheap; for densities)."""
        return len(self.text.split())

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """(start, end) of each non-blank sentence: split after . ! ? and at line breaks."""
        text, spans, start = self.text, [], 0
        for m in _SENTENCE_END.finditer(text):
            end = m.start(1)
            if not text[start:end].isspace() and end > start:
                spans.append((start, end))
            start = m.end()
        if start < len(text) and not text[start:].isspace():
            spans.append((start, len(text)))
        return spans

    def sentence_at(self, offset: int) -> tuple[int, int]:
        """The (start, end) of `sentences` that holds the character at offset, found without splitting the text.

        For an offset of white space between sentences the span may be a blank one.
        """
        cache = self.__dict__.setdefault("_sentence_at", {})  # several rules ask about the same offsets
        span = cache.get(offset)
        if span is None:
            text = self.text
            rev = self.__dict__.get("_reversed")
            if rev is None:
                rev = self.__dict__["_reversed"] = text[::-1]
            last = _LAST_END.search(rev, len(text) - offset)
            end = _NEXT_END.search(text, offset)
            span = cache[offset] = (0 if last is None else len(text) - last.start() - (last.group() != "\n"),
                                    len(text) if end is None else end.end())
        return span

    def word_starts(self, word: str) -> list[int]:
        """Offsets in the lower-case text where `word` begins a \\w+ run (cached per word)."""
        cache = self.__dict__.setdefault("_word_starts", {})
        found = cache.get(word)
        if found is None:
            text, found = self.lower, []
            i = text.find(word)
            while i != -1:
                if i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_"):  # what re's \\w means
                    found.append(i)
                i = text.find(word, i + 1)
            cache[word] = found
        return found

    @cached_property
    def canonical(self) -> Canonical:
        """The normalised text (normalize.py), built on first use and only for segments that need it."""
        return canonical(self.text)


HitArgs = dict
