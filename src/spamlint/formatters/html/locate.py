"""Where each finding is in the views of an HTML report: a span of a body's source, a header row, or nowhere.

A finding's line and column are positions in the file (or in a transfer-decoded part), the same
positions the text format prints.  The report shows each body part rendered, so a position is
turned back into an offset in that part's source, and a text finding into the span of source it
matched: the excerpt ends with the match, so the match is the excerpt's tail after the context
that precedes the position.  When the excerpt cannot be read that way (a URL, a canonical form),
the word at the position is marked instead.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Sequence

from spamlint.model.document import Document
from spamlint.model.findings import Finding
from spamlint.model.segment import Segment, line_starts

CONTEXT = 15  # characters of context before the match in an excerpt (Segment.excerpt)
WORD_MAX = 40  # the most a fallback mark covers


@dataclass(frozen=True)
class Mark:
    """One finding placed in a body's source: [start, end) of source text, or a tag at `start` (end None)."""

    index: int  # the finding's number in the report
    start: int
    end: int | None


@dataclass(frozen=True)
class Placement:
    """Where a report's findings go: marks per body part, header rows, and what has no place."""

    body_marks: dict[str, list[Mark]]
    header_marks: dict[int, str]  # finding index -> "subject", "preheader" or a header name (lower case)
    unplaced: tuple[int, ...]  # positioned findings no view can show


def place(findings: Sequence[Finding], doc: Document | None) -> Placement:
    """Place every positioned finding of a report in the views built from `doc`."""
    bodies = {seg.part: seg for seg in doc.bodies} if doc is not None else {}
    marks: dict[str, list[Mark]] = {}
    header: dict[int, str] = {}
    unplaced: list[int] = []
    for i, f in enumerate(findings):
        if f.line is None:
            continue
        if f.part in ("subject", "preheader") and f.part not in bodies or f.part.startswith("header:"):
            header[i] = f.part.removeprefix("header:").lower()
            continue
        seg = bodies.get(f.part)
        mark = mark_for(i, f, seg) if seg is not None else None
        if mark is None:
            unplaced.append(i)
        else:
            marks.setdefault(f.part, []).append(mark)
    if doc is not None and "preheader" in bodies:  # a template's front-matter preheader shows in the header panel
        for mark in marks.pop("preheader", []):
            header[mark.index] = "preheader"
    return Placement(marks, header, tuple(unplaced))


def source_offset(seg: Segment, line: int, column: int | None, starts: Sequence[int] | None = None) -> int | None:
    """The offset in `seg.source` of a 1-based line and column, or None when it lies outside."""
    if seg.line_base is None:
        return None
    starts = line_starts(seg.source) if starts is None else starts
    row = line - seg.line_base
    if not 0 <= row < len(starts):
        return None
    col = (column or 1) - 1 - (seg.col_base - 1 if row == 0 else 0)
    offset = starts[row] + max(col, 0)
    return offset if offset <= len(seg.source) else None


def text_offset(seg: Segment, src: int) -> int | None:
    """The text offset that a source offset holds, or None when the source there is markup."""
    if seg.anchors is None:
        return src if src <= len(seg.text) else None
    text_starts, src_starts, lengths = seg.anchors
    i = bisect.bisect_right(src_starts, src) - 1
    if i < 0 or src >= src_starts[i] + lengths[i]:
        return None
    return text_starts[i] + src - src_starts[i]


def mark_for(index: int, f: Finding, seg: Segment) -> Mark | None:
    """Finding `index` placed in `seg`: its source span, or the tag it points at; None when outside."""
    assert f.line is not None
    src = source_offset(seg, f.line, f.column)
    if src is None:
        return None
    t = text_offset(seg, src)
    if t is None:  # markup: the element whose tag is here
        return Mark(index, src, None)
    end = _match_end(seg.text, t, f.excerpt)
    return Mark(index, src, _end_in_source(seg, t, end))


def _match_end(text: str, start: int, excerpt: str) -> int:
    """The text offset where the match starting at `start` ends, read from the finding's excerpt."""
    context = " ".join(text[max(0, start - CONTEXT):start].split())
    shown = excerpt.removeprefix("…")
    if shown.startswith(context):
        end = _consume(text, start, shown[len(context):].strip())
        if end is not None and end > start:
            return end
    return _word_end(text, start)


def _consume(text: str, start: int, want: str) -> int | None:
    """Walk `text` from `start` matching `want`, any whitespace run matching one space; the end, or None."""
    i, n = start, len(text)
    for ch in want:
        if ch == " ":
            if i >= n or not text[i].isspace():
                return None
            while i < n and text[i].isspace():
                i += 1
        elif i < n and text[i] == ch:
            i += 1
        else:
            return None
    return i


def _word_end(text: str, start: int) -> int:
    end = start
    while end < len(text) and end - start < WORD_MAX and not text[end].isspace():
        end += 1
    return max(end, min(start + 1, len(text)))


def _end_in_source(seg: Segment, start: int, end: int) -> int:
    """The source offset just past the text offset `end - 1`, so a mark ends after the match's last character."""
    if end <= start:
        return seg.source_offset(start)
    return seg.source_offset(end - 1) + 1
