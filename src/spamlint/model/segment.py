"""A Segment: a run of text a reader sees, with offsets mapped back to source line and column.

A Segment is finished data (frozen), part of the Document; what is derived from its text (lower
case, canonical text, sentences) is worked out per run in text/facts.py.
"""

from __future__ import annotations

import bisect
from typing import Sequence

from spamlint.record import Record, record


@record(slots=True)
class Segment(Record):
    """A run of text a reader sees, with a map from text offsets back to source line and column.

    `source` is the text positions refer to (a template file, a decoded MIME part, a header
    value); None means the text itself.  `anchors` pairs text offsets with source offsets for
    text assembled from pieces (HTML); without anchors the text is the source, character for
    character.  A text/plain alternative to an HTML body is not `primary`: the `body` scope
    reads the HTML instead, so one message is not counted twice.
    """

    part: str
    text: str
    source: str = None  # type: ignore[assignment]  # None: the text (set in __post_init__)
    anchors: tuple[Sequence[int], Sequence[int], Sequence[int]] | None = None
    line_base: int | None = 1
    col_base: int = 1
    primary: bool = True

    def __post_init__(self) -> None:
        if self.source is None:
            object.__setattr__(self, "source", self.text)  # frozen: completed once, here

    def source_offset(self, offset: int) -> int:
        """Map a text offset to an offset in the source."""
        if self.anchors is None:
            return min(offset, len(self.source))
        text_starts, src_starts, lengths = self.anchors
        i = bisect.bisect_right(text_starts, offset) - 1
        if i < 0:
            return 0
        return src_starts[i] + min(offset - text_starts[i], lengths[i])

    def locate(self, offset: int, starts: Sequence[int] | None = None) -> tuple[int | None, int | None]:
        """1-based (line, column) in the source for a text offset; (None, None) without a position.

        `starts` are `line_starts(self.source)`, passed by callers that locate many offsets.
        """
        if self.line_base is None:
            return None, None
        if starts is None:
            starts = line_starts(self.source)
        src = self.source_offset(offset)
        row = bisect.bisect_right(starts, src) - 1
        col = src - starts[row] + 1
        if row == 0:
            col += self.col_base - 1
        return self.line_base + row, col

    def excerpt(self, start: int, end: int, width: int = 60) -> str:
        """The matched text with a little context, on one line."""
        left = max(0, start - 15)
        snippet = self.text[left:max(end, start + 1)][: width + 15]
        snippet = " ".join(snippet.split())
        return snippet if left == 0 else "…" + snippet


def line_starts(source: str) -> list[int]:
    """Offsets where each line of source starts (0 first)."""
    starts = [0]
    find = source.find
    i = find("\n")
    while i != -1:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts
