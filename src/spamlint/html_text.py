"""HTML -> visible text with source positions, links, images and hidden-text facts.

One pass of the standard library's tokenizer: it reports each token's line and column,
which is what lets a finding say `newsletter.html:42:17`.  Character references are kept
as their own pieces so positions stay exact after decoding.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from . import css
from .document import HiddenText, HtmlPart, Image, Link, Segment
from .templating import has_placeholder, mask_placeholders

_SKIP = frozenset({"script", "style", "head", "title", "template", "noscript", "xml", "svg", "object"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr", "basefont", "frame", "keygen"})
_BLOCK = frozenset({"p", "div", "br", "td", "th", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3",
                    "h4", "h5", "h6", "blockquote", "section", "article", "header", "footer", "hr",
                    "center", "pre", "dd", "dt", "form", "tbody", "thead", "body", "html"})
_WS = str.maketrans({"\r": " ", "\n": " ", "\t": " ", "\f": " ", "\xa0": " "})
_INT = re.compile(r"\s*(\d+)")
_COUNTED = ("form", "script", "iframe", "object", "embed", "applet", "input", "html", "body",
            "head", "img", "a", "style", "meta", "frameset")
_LOW_CONTRAST = 1.25


@dataclass
class _Frame:
    tag: str
    hidden: str | None
    color: css.RGB | None
    background: css.RGB | None


@dataclass
class _Anchor:
    href: str
    line: int
    column: int
    start: int  # index of the first text piece inside the anchor
    templated: bool


@dataclass
class _State:
    pieces: list[str] = field(default_factory=list)
    text_starts: list[int] = field(default_factory=list)
    src_starts: list[int] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)
    size: int = 0


class _Walker(HTMLParser):
    def __init__(self, source: str, part: str) -> None:
        super().__init__(convert_charrefs=False)
        self.part = part
        self.src = source
        self.line_starts = _line_starts(source)
        self.out = _State()
        self.stack: list[_Frame] = [_Frame("#root", None, (0.0, 0.0, 0.0), (1.0, 1.0, 1.0))]
        self.skip_depth = 0
        self.links: list[Link] = []
        self.images: list[Image] = []
        self.hidden: list[HiddenText] = []
        self.tags: dict[str, int] = {}
        self.comments: list[tuple[int, int, str]] = []
        self.anchor: _Anchor | None = None
        self.nodes = 0
        self.max_depth = 0

    # -- positions -------------------------------------------------------------------------
    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _where(self) -> tuple[int, int]:
        line, col = self.getpos()
        return line, col + 1

    # -- text ------------------------------------------------------------------------------
    def _emit(self, text: str, src_offset: int | None, src_len: int) -> None:
        frame = self.stack[-1]
        if frame.hidden:
            self._hide(text, frame.hidden, src_offset)
            return
        if src_offset is not None:
            self.out.text_starts.append(self.out.size)
            self.out.src_starts.append(src_offset)
            self.out.lengths.append(src_len)
        self.out.pieces.append(text)
        self.out.size += len(text)

    def _hide(self, text: str, reason: str, src_offset: int | None) -> None:
        if not text.strip() or src_offset is None:
            return
        row, col = _row_col(self.line_starts, src_offset)
        if self.hidden and self.hidden[-1].reason == reason and self.hidden[-1].offset == self._last_hidden_end:
            prev = self.hidden[-1]
            self.hidden[-1] = HiddenText(prev.text + text, reason, prev.part, prev.line, prev.column, prev.offset)
        else:
            self.hidden.append(HiddenText(text, reason, self.part, row, col, self.out.size))
        self._last_hidden_end = self.hidden[-1].offset

    _last_hidden_end = -1

    def _separate(self) -> None:
        if self.out.pieces and not self.out.pieces[-1].endswith("\n\n"):
            self.out.pieces.append("\n\n")
            self.out.size += 2

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        self._emit(mask_placeholders(data).translate(_WS), self._offset(), len(data))

    def handle_entityref(self, name: str) -> None:
        self._ref(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._ref(f"&#{name};")

    def _ref(self, raw: str) -> None:
        if self.skip_depth:
            return
        text = html.unescape(raw).translate(_WS)
        self._emit(text, self._offset(), len(raw))

    def handle_comment(self, data: str) -> None:
        line, col = self._where()
        self.comments.append((line, col, data))

    # -- elements --------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.nodes += 1
        if tag in _COUNTED:
            self.tags[tag] = self.tags.get(tag, 0) + 1
        a = {k: (v or "") for k, v in attrs}
        if tag in _SKIP:
            if tag not in _VOID:
                self.skip_depth += 1
                self.stack.append(_Frame(tag, "skip", None, None))
            return
        if self.skip_depth:
            return
        if tag in _BLOCK:
            self._separate()
        if tag == "img":
            self._image(a)
        elif tag in ("a", "area") and "href" in a:
            self._open_anchor(tag, a)
        if tag not in _VOID:
            self.stack.append(self._frame(tag, a))
            self.max_depth = max(self.max_depth, len(self.stack))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("a", "area"):
            self._close_anchor()
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                for frame in self.stack[i:]:
                    if frame.hidden == "skip":
                        self.skip_depth -= 1
                del self.stack[i:]
                break
        if tag in _BLOCK and not self.skip_depth:
            self._separate()

    def _frame(self, tag: str, a: dict[str, str]) -> _Frame:
        parent = self.stack[-1]
        style = a.get("style", "")
        decls = css.declarations(style) if style else {}
        color = css.parse_color(decls.get("color", "") or a.get("color", "")) or parent.color
        background = css.background_of(decls) or css.parse_color(a.get("bgcolor", "")) or parent.background
        hidden = parent.hidden
        if hidden is None:
            hidden = css.hiding_reason(style) if style else None
            if hidden is None and "hidden" in a:
                hidden = "hidden attribute"
            if hidden is None and tag == "font" and a.get("size", "").strip() in ("0", "-7"):
                hidden = "font-size:0"
            if hidden is None and color and background and css.contrast(color, background) < _LOW_CONTRAST:
                hidden = "text colour matches background"
        return _Frame(tag, hidden, color, background)

    def _image(self, a: dict[str, str]) -> None:
        line, col = self._where()
        decls = css.declarations(a["style"]) if a.get("style") else {}
        self.images.append(Image(
            src=a.get("src", "").strip(), alt=a.get("alt") if "alt" in a else None,
            width=_dimension(a.get("width") or decls.get("width")),
            height=_dimension(a.get("height") or decls.get("height")),
            part=self.part, line=line, column=col,
        ))

    def _open_anchor(self, tag: str, a: dict[str, str]) -> None:
        self._close_anchor()
        line, col = self._where()
        href = a["href"].strip()
        self.anchor = _Anchor(href, line, col, len(self.out.pieces), has_placeholder(href))
        if tag == "area":
            self._close_anchor()

    def _close_anchor(self) -> None:
        if self.anchor is None:
            return
        text = " ".join("".join(self.out.pieces[self.anchor.start:]).split())
        anc = self.anchor
        self.links.append(Link(anc.href, text, self.part, anc.line, anc.column, anc.templated))
        self.anchor = None


def parse_html(source: str, part: str) -> tuple[HtmlPart, list[Link], list[Image]]:
    """Walk one HTML body: visible text segment, hidden text, links, images, tag counts."""
    walker = _Walker(source, part)
    try:
        walker.feed(source)
        walker.close()
    except AssertionError:  # the stdlib tokenizer's reaction to some malformed markup
        pass
    walker._close_anchor()
    out = walker.out
    text = "".join(out.pieces)
    segment = Segment(part, text, source, (out.text_starts, out.src_starts, out.lengths))
    tags = dict(walker.tags)
    tags["#nodes"] = walker.nodes
    tags["#depth"] = walker.max_depth
    html_part = HtmlPart(part, source, segment, walker.hidden, tags, walker.comments)
    return html_part, walker.links, walker.images


def _line_starts(source: str) -> list[int]:
    starts = [0]
    i = source.find("\n")
    while i != -1:
        starts.append(i + 1)
        i = source.find("\n", i + 1)
    return starts


def _row_col(line_starts: list[int], offset: int) -> tuple[int, int]:
    import bisect

    row = bisect.bisect_right(line_starts, offset) - 1
    return row + 1, offset - line_starts[row] + 1


def _dimension(value: str | None) -> int | None:
    if not value:
        return None
    m = _INT.match(value)
    return int(m.group(1)) if m else None
