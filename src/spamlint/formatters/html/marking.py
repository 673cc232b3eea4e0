"""Marks in a body's source: sentinel characters and attributes put in before parsing, elements made after.

Positions are offsets into the source as sent, and a browser's tree keeps no offsets, so the
marks go into the source first: a text match becomes private-use sentinel characters around
it (one pair per run of text between tags, so a pair never straddles a tag), a finding at a tag
becomes an attribute on that tag.  After lxml has parsed the marked source, the sentinels in
each text node are turned into <mark> elements.  Sentinel characters already in the message are
replaced first, so a sender cannot forge a mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator, Sequence

from lxml import etree

from spamlint.formatters.html.locate import Mark
from spamlint.model.segment import Segment

OPEN, SEP, CLOSE = "\ue000", "\ue001", "\ue002"
AT = "data-spamlint-at"  # the attribute a tag carries before its marks are made
_SENTINELS = re.compile("[\ue000-\ue002]")
_TOKEN = re.compile("\ue000(c?)(\\d+)\ue001|\ue002")
_TAG_NAME = re.compile(r"<([A-Za-z][A-Za-z0-9:_-]*)")

MakeMark = Callable[[int, bool], etree._Element]  # (finding index, continuation?) -> a new element


@dataclass(frozen=True)
class _Piece:
    index: int
    start: int
    end: int
    cont: bool  # a continuation: the match goes on after a tag; only the first piece names the rule


def mark_source(source: str, seg: Segment | None, marks: Sequence[Mark]) -> str:
    """`source` with sentinels around each text mark and an attribute on each tag mark."""
    source = _SENTINELS.sub("\ufffd", source)
    inserts: list[tuple[int, int, str]] = []  # (offset, order, text)
    pieces = _nest([p for m in marks if m.end is not None for p in _pieces(m, seg)])
    for seq, p in enumerate(pieces):
        inserts.append((p.start, 1_000_000 + seq, f"{OPEN}{'c' if p.cont else ''}{p.index}{SEP}"))
        inserts.append((p.end, -seq, CLOSE))
    for offset, ids in _tag_marks(source, marks).items():
        inserts.append((offset, 2_000_000, f' {AT}="{" ".join(map(str, ids))}"'))
    out, last = [], 0
    for offset, _, text in sorted(inserts, key=lambda x: (x[0], x[1])):
        out.append(source[last:offset])
        out.append(text)
        last = offset
    out.append(source[last:])
    return "".join(out)


def _pieces(m: Mark, seg: Segment | None) -> Iterator[_Piece]:
    """A text mark split at markup: one piece per run of text it covers."""
    assert m.end is not None
    if seg is None or seg.anchors is None:
        yield _Piece(m.index, m.start, m.end, False)
        return
    _, src_starts, lengths = seg.anchors
    first = True
    for s, n in zip(src_starts, lengths):
        lo, hi = max(s, m.start), min(s + n, m.end)
        if lo < hi:
            yield _Piece(m.index, lo, hi, not first)
            first = False
        elif s >= m.end:
            break
    if first:  # no run overlapped (should not happen): mark what was asked
        yield _Piece(m.index, m.start, m.end, False)


def _nest(pieces: list[_Piece]) -> list[_Piece]:
    """Pieces in opening order, each clipped so it closes inside any piece it opened in."""
    out: list[_Piece] = []
    stack: list[_Piece] = []
    for p in sorted(pieces, key=lambda p: (p.start, -p.end, p.index)):
        while stack and stack[-1].end <= p.start:
            stack.pop()
        if stack and p.end > stack[-1].end:
            p = _Piece(p.index, p.start, stack[-1].end, p.cont)
        out.append(p)
        stack.append(p)
    return out


def _tag_marks(source: str, marks: Sequence[Mark]) -> dict[int, list[int]]:
    """Offset just past a tag's name -> the findings at that tag (a position inside a tag finds its start)."""
    out: dict[int, list[int]] = {}
    for m in marks:
        if m.end is not None:
            continue
        lt = source.rfind("<", 0, m.start + 1)
        name = _TAG_NAME.match(source, lt) if lt != -1 else None
        if name is None:  # an end tag, a comment or stray text: the next tag instead
            name = _TAG_NAME.search(source, m.start)
        if name is not None:
            out.setdefault(name.end(), []).append(m.index)
    return out


def make_marks(root: etree._Element, make: MakeMark) -> None:
    """Turn the sentinels in every text node under `root` into elements made by `make`."""
    for el in list(root.iter()):
        if not isinstance(el.tag, str):  # comments and processing instructions keep their text
            continue
        if el.text and OPEN in el.text or el.text and CLOSE in el.text:
            lead, kids = _build(el.text, make)
            el.text = lead
            for i, kid in enumerate(kids):
                el.insert(i, kid)
        if el.tail and (OPEN in el.tail or CLOSE in el.tail):
            parent = el.getparent()
            lead, kids = _build(el.tail, make)
            el.tail = lead
            if parent is None:
                continue
            at = parent.index(el)
            for i, kid in enumerate(kids, 1):
                parent.insert(at + i, kid)
        for name, value in el.attrib.items():  # a sentinel in an attribute (alt text read as text)
            if _SENTINELS.search(value):
                el.set(name, _SENTINELS.sub("", re.sub("\ue000c?\\d+\ue001", "", value)))


def _build(text: str, make: MakeMark) -> tuple[str, list[etree._Element]]:
    """Text with sentinels -> its leading text and the elements (with tails) that follow."""
    holder = etree.Element("holder")
    stack = [holder]
    pos = 0
    for m in _TOKEN.finditer(text):
        _append_text(stack[-1], text[pos:m.start()])
        pos = m.end()
        if m.group(0) == CLOSE:
            if len(stack) > 1:
                stack.pop()
            continue
        el = make(int(m.group(2)), bool(m.group(1)))
        stack[-1].append(el)
        stack.append(el)
    _append_text(stack[-1], text[pos:])
    kids = list(holder)
    return holder.text or "", kids


def _append_text(el: etree._Element, text: str) -> None:
    if not text:
        return
    if len(el):
        last = el[-1]
        last.tail = (last.tail or "") + text
    else:
        el.text = (el.text or "") + text


def inline_marks(text: str, marks: Sequence[Mark], open_tag: Callable[[int], str], esc: Callable[[str], str]) -> str:
    """Short text (a subject line) as HTML with a nested <mark> per text mark; `open_tag` writes each opening tag."""
    pieces = _nest([_Piece(m.index, m.start, m.end, False) for m in marks if m.end is not None])
    events = sorted([(p.start, 1_000_000 + seq, open_tag(p.index)) for seq, p in enumerate(pieces)]
                    + [(min(p.end, len(text)), -seq, "</mark>") for seq, p in enumerate(pieces)],
                    key=lambda x: (x[0], x[1]))
    out, last = [], 0
    for offset, _, tag in events:
        out.append(esc(text[last:offset]))
        out.append(tag)
        last = max(last, offset)
    out.append(esc(text[last:]))
    return "".join(out)
