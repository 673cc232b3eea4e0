"""HTML -> visible text with source positions, links, images and hidden-text facts.

A single forward scan with a small tokenizer (tags, text, comments, character references)
rather than a full tree builder: every token's offset in the source is known exactly,
which is what lets a finding say `newsletter.html:42:17`, and it is several times faster
than building a tree for each message.  Character references are their own pieces so
positions stay exact after decoding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

from spamlint.inputs import css
from spamlint.inputs.parse import Parse
from spamlint.inputs.templating import has_placeholder, mask_placeholders
from spamlint.model.document import HiddenText, HtmlPart, Image, Link
from spamlint.model.segment import Segment
from spamlint.text.compiled import LazyModule, lazy  # lazy: patterns from the rule-pack cache's code, on first use

html = LazyModule("html")  # imported on first use: a template without character references never needs it

_SKIP = frozenset({"script", "style", "head", "title", "template", "noscript", "xml", "svg", "object", "textarea"})
_RAW = frozenset({"script", "style", "title", "textarea", "xml", "noscript"})  # content is not markup
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr", "basefont", "frame", "keygen"})
_BLOCK = frozenset({"p", "div", "br", "td", "th", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3",
                    "h4", "h5", "h6", "blockquote", "section", "article", "header", "footer", "hr",
                    "center", "pre", "dd", "dt", "form", "tbody", "thead", "body", "html"})
_COUNTED = frozenset({"form", "script", "iframe", "object", "embed", "applet", "input", "html", "body",
                      "head", "img", "a", "style", "meta", "frameset", "frame", "base", "link", "button"})
# Attributes as browsers and Python's html.parser tokenize them: a quote opens a value only
# right after `=`; anywhere else it is part of an attribute name.  So in
# `<a href="x/ target="_blank">` the tag ends at the first `>` after `_blank"`, as a browser
# ends it, instead of pairing that quote with one in the text that follows.
_ATTRS = (r"""(?:[\s/]*+(?:(?<=['"\s/])[^\s/>][^\s/=>]*+"""
          r"""(?:\s*+=++\s*+(?:'[^']*+'|"[^"]*+"|(?!['"])[^>\s]*+)\s*+)?(?:\s|/(?!>))*+)*+)?\s*+""")
_TAG = lazy(r"<(/?)([A-Za-z][^\s/>]*+)(" + _ATTRS + "/?)>")
_TAG_NAME = lazy(r"<(/?)([A-Za-z][^\s/>]*+)")  # a tag _TAG cannot parse still starts like this
_TAG_SCAN = lazy(r"<(/?)[A-Za-z][^\s/>]*+" + _ATTRS)  # how far _TAG looked
_ATTR = lazy(r"""((?<=['"\s/])[^\s/>][^\s/=>]*)(?:\s*=+\s*(?:"([^"]*)"|'([^']*)'|(?!['"])([^>\s]*)))?""")
_ENTITY = lazy(r"&(?:#[0-9]{1,8};?|#[xX][0-9a-fA-F]{1,8};?|[A-Za-z][A-Za-z0-9]{1,31};?)")
_CLASS_ID = lazy(r"\b(?:class|id)\s*=", re.IGNORECASE)
_INTERESTING_WORDS = ("style", "color", "hidden", "href", "src", "size", "alt", "width", "height")
_STYLING_WORDS = ("style", "color", "hidden", "size")  # names in _STYLING (bgcolor has color)
_INTERESTING_ATTRS = lazy("|".join(_INTERESTING_WORDS), re.IGNORECASE)  # what _mentions looks for in non-ASCII text
_STYLING_ATTRS = lazy("|".join(_STYLING_WORDS), re.IGNORECASE)
_LINKING = frozenset({"img", "a", "area"})
_WS = str.maketrans({"\r": " ", "\n": " ", "\t": " ", "\f": " ", "\xa0": " "})
_INT = lazy(r"\s*(\d+)")
_NO_ATTRS: dict[str, str] = {}  # shared, never written to
_STYLING = frozenset({"style", "color", "bgcolor", "hidden", "size"})  # attributes frame() reads
_FRAME_READS = ("style", "color", "bgcolor", "hidden", "size", "class", "id")  # those, and sheet_style()'s
_LOW_CONTRAST = 1.25
# tag names as written -> lower-cased: the same few dozen recur, and the one kept string's hash is
# computed once, where each lower() made a new string for the set and dict look-ups to hash again
_NAMES: dict[str, str] = {}
_MAX_NAMES = 4096  # past this many spellings, new ones are lowered each time


@dataclass(slots=True)
class _Frame:
    tag: str
    hidden: str | None
    color: css.RGB | None
    background: css.RGB | None


@dataclass
class _Out:
    pieces: list[str] = field(default_factory=list)
    text_starts: list[int] = field(default_factory=list)
    src_starts: list[int] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)
    size: int = 0


class _Walker:
    """One pass over the source, keeping a stack of open elements for inherited styles."""

    def __init__(self, source: str, part: str, line_base: int, parse: Parse) -> None:
        self.src = source
        self.parse = parse  # limits, and where passing one is noted
        self.limits = limits = parse.limits
        self.too_deep = False  # max_html_depth noted for this part already
        self.open: dict[str, int] = {}  # open elements by tag: an unmatched end tag costs no stack search
        self.part = part
        self.line_base = line_base
        self._at = (0, 0, 0)  # where() was last asked: source offset, its 0-based row, its line's start
        self.out = _Out()
        self.stack: list[_Frame] = [_Frame("#root", None, (0.0, 0.0, 0.0), (1.0, 1.0, 1.0))]
        self.skip_depth = 0
        self.links: list[Link] = []
        self.images: list[Image] = []
        self.hidden: list[HiddenText] = []
        self.tags: dict[str, int] = {}
        self.comments: list[tuple[int, int, str]] = []
        self.styles: list[str] = []
        self.sheet: dict[str, str] = {}  # simple selector -> declarations from <style> sheets
        # frame() by (what it reads of the element, parent's style): mail repeats the same styled
        # cells hundreds of times; emptied whenever the sheet changes, the one other thing frame() reads
        self._frames: dict[tuple, _Frame] = {}
        # _plan() by (tag, attribute text): whether the tag closes itself, its attributes, and what
        # frame() reads of them; emptied with _frames (attributes() reads class and id only with a sheet)
        self._plans: dict[tuple[str, str], tuple[bool, dict[str, str], tuple]] = {}
        self.anchor: tuple[str, int, int, int] | None = None  # href, line, column, first piece index
        self.nodes = 0
        self._max_nodes = limits.max_html_nodes
        self._max_depth = limits.max_html_depth
        self.max_depth = 0
        self._hidden_end = -1
        self._hidden_tail: list[str] = []  # pieces of the last hidden run, joined once at the end
        # characters _TAG may scan in failed matches before tags are cut at the next `>` (linear time)
        self._scan_budget = 2 * len(source) + 65536
        # a text run never holds `<`, so without these openers in the source no run has a placeholder
        self._mask = mask_placeholders if _holds_opener(source) else None

    def where(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a source offset.

        Counted on from the offset asked for last: the scan asks in source order, so all its
        questions together read the source once (a table of every line's start cost a pass
        over the whole source for a page that asks about one link).
        """
        src = self.src
        last, row, start = self._at
        if offset >= last:
            newlines = src.count("\n", last, offset)
            if newlines:
                row += newlines
                start = src.rfind("\n", last, offset) + 1
        else:  # the scan never asks backwards, but the answer is exact either way
            row -= src.count("\n", offset, last)
            start = src.rfind("\n", 0, offset) + 1
        self._at = (offset, row, start)
        return row + self.line_base, offset - start + 1

    # -- scanning --------------------------------------------------------------------------
    def scan(self) -> None:
        src, n, pos = self.src, len(self.src), 0
        find, match = src.find, _TAG.match
        out, stack, plain = self.out, self.stack, self._mask is None
        while pos < n:
            lt = find("<", pos)
            if lt == -1:
                self.text(pos, n)
                break
            if lt > pos and not self.skip_depth:  # text inside script, head and the like is not read
                chunk = src[pos:lt]
                # text() and emit() for the common run: no reference, not hidden, and no placeholder
                # opener (mask_placeholders gives such a run back as it is; a run never holds `<`)
                if "&" not in chunk and not stack[-1].hidden and (plain or not _may_hold_placeholder(chunk)):
                    out.text_starts.append(out.size)
                    out.src_starts.append(pos)
                    out.lengths.append(lt - pos)
                    out.pieces.append(chunk.translate(_WS))  # one character for one: lengths stay
                    out.size += lt - pos
                else:
                    self.text(pos, lt)
            m = match(src, lt) if self._scan_budget > 0 else None
            if m is None:  # a comment, a declaration, or a tag _TAG cannot parse
                pos = self.markup(lt)
                continue
            slash, name, attr_text = m.group(1, 2, 3)
            name = _NAMES.get(name) or _lower_name(name)  # name.lower(), one string per spelling
            if slash:
                top = stack[-1]
                if top.tag == name and name != "a" and name != "area" and len(stack) > 1:
                    # end_tag() for the innermost open element, the common case, inline
                    self.open[name] -= 1
                    if top.hidden == "skip":
                        self.skip_depth -= 1
                    stack.pop()
                    if name in _BLOCK and not self.skip_depth and out.pieces and out.pieces[-1] != "\n\n":
                        out.pieces.append("\n\n")
                        out.size += 2
                else:
                    self.end_tag(name)
                pos = m.end()
            else:
                pos = self.start_tag(name, attr_text, lt, m.end())

    def markup(self, lt: int) -> int:
        """Handle markup at `lt` that is not a well-formed tag; return where scanning continues."""
        src = self.src
        if src.startswith("<!--", lt):
            end = src.find("-->", lt + 4)
            stop = len(src) if end == -1 else end
            line, col = self.where(lt)
            self.comments.append((line, col, src[lt + 4:stop]))
            return len(src) if end == -1 else end + 3
        if src.startswith(("<!", "<?"), lt):
            end = src.find(">", lt)
            return len(src) if end == -1 else end + 1
        return self.stray_quote_tag(lt)

    def stray_quote_tag(self, lt: int) -> int:
        """A tag _TAG cannot match, like `<a href='x>` whose quote never closes: it ends at the next `>`.

        Browsers would read to the end of the file; cutting at `>` keeps the rest of the text, and a
        document full of such tags gets its tags cut at `>` once _scan_budget is spent.
        """
        src = self.src
        start = _TAG_NAME.match(src, lt)
        if start is None:  # "<" not followed by a tag name is text
            self.text(lt, lt + 1)
            return lt + 1
        gt = src.find(">", start.end())
        if gt == -1:
            return len(src)  # the file ends inside a tag: browsers show nothing more
        if self._scan_budget > 0:
            self._scan_budget -= _TAG_SCAN.match(src, lt).end() - lt
        name = start.group(2).lower()
        if start.group(1):
            self.end_tag(name)
            return gt + 1
        return self.start_tag(name, src[start.end():gt], lt, gt + 1)

    # -- text ------------------------------------------------------------------------------
    def text(self, start: int, end: int) -> None:
        if self.skip_depth:
            return
        chunk = self.src[start:end]
        mask = self._mask
        if "&" not in chunk:
            self.emit((mask(chunk) if mask else chunk).translate(_WS), start, end - start)
            return
        pos = 0
        for m in _ENTITY.finditer(chunk):
            if m.start() > pos:
                piece = chunk[pos:m.start()]
                self.emit((mask(piece) if mask else piece).translate(_WS), start + pos, m.start() - pos)
            self.emit(_entity_text(m.group()), start + m.start(), m.end() - m.start())
            pos = m.end()
        if pos < len(chunk):
            piece = chunk[pos:]
            self.emit((mask(piece) if mask else piece).translate(_WS), start + pos, len(chunk) - pos)

    def emit(self, text: str, src_offset: int, src_len: int) -> None:
        frame = self.stack[-1]
        if frame.hidden:
            self.hide(text, frame.hidden, src_offset)
            return
        out = self.out
        out.text_starts.append(out.size)
        out.src_starts.append(src_offset)
        out.lengths.append(src_len)
        out.pieces.append(text)
        out.size += len(text)

    def hide(self, text: str, reason: str, src_offset: int) -> None:
        if not text.strip():
            return
        last = self.hidden[-1] if self.hidden else None
        if last is not None and last.reason == reason and last.offset == self.out.size and self._hidden_end == self.nodes:
            self._hidden_tail.append(text)
            return
        self.join_hidden()
        line, col = self.where(src_offset)
        self.hidden.append(HiddenText(text, reason, self.part, line, col, self.out.size))
        self._hidden_tail = [text]
        self._hidden_end = self.nodes

    def join_hidden(self) -> None:
        """Give the last hidden run all its pieces (joined once: appending text piece by piece is quadratic)."""
        if len(self._hidden_tail) > 1:
            last = self.hidden[-1]
            self.hidden[-1] = HiddenText("".join(self._hidden_tail), last.reason, last.part, last.line, last.column, last.offset)
        self._hidden_tail = []

    def separate(self) -> None:
        out = self.out
        if out.pieces and out.pieces[-1] != "\n\n":  # no text piece holds a line break (_WS)
            out.pieces.append("\n\n")
            out.size += 2

    # -- elements --------------------------------------------------------------------------
    def start_tag(self, name: str, attr_text: str, lt: int, gt: int) -> int:
        self.nodes += 1
        if self.nodes > self._max_nodes:
            self.parse.limit("max_html_nodes", f"{self.part}: more than {self.limits.max_html_nodes} HTML elements; the rest was not read")
            return len(self.src)
        if name in _COUNTED:
            self.tags[name] = self.tags.get(name, 0) + 1
        if name in _RAW:
            return self.raw_text(name, gt, attr_text)
        if name in _SKIP:
            if not (name in _VOID or (attr_text and attr_text.rstrip().endswith("/"))):
                self.skip_depth += 1
                self.push(_Frame(name, "skip", None, None))
            return gt
        if self.skip_depth:
            return gt
        plan = self._plans.get((name, attr_text))
        if plan is None:
            plan = self._plans[(name, attr_text)] = self._plan(name, attr_text)
        closed, attrs, _ = plan
        if name in _BLOCK:
            out = self.out
            if out.pieces and out.pieces[-1] != "\n\n":  # separate(), inline: most tags are blocks
                out.pieces.append("\n\n")
                out.size += 2
        if name == "img":
            self.image(attrs, lt)
        elif name in ("a", "area") and "href" in attrs:
            self.open_anchor(name, attrs["href"], lt)
        if not closed:
            stack = self.stack
            if attrs or (self.sheet and name in self.sheet):
                frame = self.styled(name, attr_text, attrs)
            else:  # frame() for an element with nothing that styles it (no sheet rule for its tag): it inherits all
                parent = stack[-1]
                frame = _Frame(name, parent.hidden, parent.color, parent.background)
            if len(stack) > self._max_depth:
                self.push(frame)
            else:  # push(), inline
                stack.append(frame)
                self.open[name] = self.open.get(name, 0) + 1
                if len(stack) > self.max_depth:
                    self.max_depth = len(stack)
        return gt

    def styled(self, tag: str, attr_text: str, a: dict[str, str]) -> _Frame:
        """frame(tag, a), remembered by what frame() reads of `a` (see _plan) and the parent's style:
        a _Frame is never changed, and frame() reads nothing else of the element."""
        plan = self._plans.get((tag, attr_text))
        reads = plan[2] if plan is not None else _frame_reads(tag, a)
        parent = self.stack[-1]
        key = (reads, parent.hidden, parent.color, parent.background)
        known = self._frames.get(key)
        if known is None:
            known = self._frames[key] = self.frame(tag, a)
        return known

    def _plan(self, name: str, attr_text: str) -> tuple[bool, dict[str, str], tuple]:
        """Whether the tag closes itself, the attributes its handling reads, and what frame() reads of them."""
        closed = name in _VOID or attr_text.rstrip().endswith("/")
        attrs = self.attributes(name, attr_text, closed) if attr_text else _NO_ATTRS
        return closed, attrs, (_frame_reads(name, attrs) if attrs and not closed else (name,))  # styled() reads it

    def attributes(self, name: str, attr_text: str, closed: bool) -> dict[str, str]:
        """The attributes this element's handling reads; {} when none of them can be there."""
        if not attr_text:
            return _NO_ATTRS
        if name in _LINKING:  # src, alt, width, height, href as well as style
            found = _mentions(attr_text, _INTERESTING_WORDS, _INTERESTING_ATTRS)
        elif closed:  # no frame, so nothing is read
            return _NO_ATTRS
        else:  # only what frame() reads
            found = _mentions(attr_text, _STYLING_WORDS, _STYLING_ATTRS)
        if found or (self.sheet and _mentions(attr_text, ("class", "id"), None) and _CLASS_ID.search(attr_text)):
            return _attrs(attr_text)
        return _NO_ATTRS

    def push(self, frame: _Frame) -> None:
        """Open an element; past max_html_depth deeper elements share the deepest one's style."""
        if len(self.stack) > self.limits.max_html_depth:
            if frame.hidden == "skip":
                self.skip_depth -= 1
            if not self.too_deep:  # once per HTML part
                self.too_deep = True
                self.parse.limit("max_html_depth", f"{self.part}: HTML elements nested more than {self.limits.max_html_depth} deep")
            return
        self.stack.append(frame)
        self.open[frame.tag] = self.open.get(frame.tag, 0) + 1
        if len(self.stack) > self.max_depth:
            self.max_depth = len(self.stack)

    def raw_text(self, name: str, gt: int, attr_text: str = "") -> int:
        """Skip the content of script, style and the like; keep style sheets for later checks."""
        m = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(self.src, gt)
        end = m.start() if m else len(self.src)
        if name == "style":
            self.style_sheet(self.src[gt:end], _attrs(attr_text).get("media") if attr_text else None)
        return m.end() if m else len(self.src)

    def style_sheet(self, sheet: str, media: str | None) -> None:
        """Add a sheet's rules; what a media query (in this sheet or a later one) styles again is
        responsive design, so earlier rules for it do not hide anything."""
        self.styles.append(sheet)
        self._frames = {}  # frame() reads the sheet
        self._plans = {}  # attributes() reads class and id once there is a sheet
        conditional = css.conditional_media(media)
        if not conditional:
            for selector, body in css.sheet_rules(sheet).items():
                self.sheet[selector] = self.sheet.get(selector, "") + body
        shown = css.restyled(sheet, conditional)
        if shown and self.sheet:
            self.sheet = {k: v for k, v in self.sheet.items() if not css.responsive_selector(k, shown)}

    def end_tag(self, name: str) -> None:
        if name in ("a", "area"):
            self.close_anchor()
        stack, is_open = self.stack, self.open.get(name)
        if is_open and stack[-1].tag == name:  # well nested: close the innermost element
            self.open[name] = is_open - 1
            self.skip_depth -= stack.pop().hidden == "skip"
        elif is_open:
            for i in range(len(stack) - 1, 0, -1):
                if stack[i].tag == name:
                    for f in stack[i:]:
                        self.open[f.tag] -= 1
                        self.skip_depth -= f.hidden == "skip"
                    del stack[i:]
                    break
        if name in _BLOCK and not self.skip_depth:
            self.separate()

    def frame(self, tag: str, a: dict[str, str]) -> _Frame:
        parent = self.stack[-1]
        from_sheet = self.sheet_style(tag, a) if self.sheet else ""  # looked up once per element
        if (not a or _STYLING.isdisjoint(a)) and not from_sheet:
            # nothing here styles the element, so it inherits all: none of _unhides' conditions can
            # hold, and a colour match was judged on these same colours when the parent was opened
            return _Frame(tag, parent.hidden, parent.color, parent.background)
        style = from_sheet + a.get("style", "")
        decls = css.declarations(style) if style else {}
        color = css.parse_color(decls.get("color", "") or a.get("color", "")) or parent.color
        background = (css.style_background(style) if style else None) or css.parse_color(a.get("bgcolor", "")) or parent.background
        hidden = parent.hidden
        if hidden is not None and _unhides(hidden, decls, tag, a):
            hidden = None  # a child may undo what it inherits: font size, visibility, colours
        if hidden is None:
            hidden = css.hiding_reason(style) if style else None
            if hidden is None and "hidden" in a:
                hidden = "hidden attribute"
            if hidden is None and color and background and css.contrast(color, background) < _LOW_CONTRAST:
                hidden = "text colour matches background"
        return _Frame(tag, hidden, color, background)

    def sheet_style(self, tag: str, a: dict[str, str]) -> str:
        """Declarations from <style> rules that select this element (tag, .class, tag.class, #id);
        the inline style is appended after them, so it wins."""
        sheet = self.sheet
        found = [sheet.get(tag, "")]
        for cls in a.get("class", "").lower().split():
            found += [sheet.get("." + cls, ""), sheet.get(f"{tag}.{cls}", "")]
        if "id" in a:
            found.append(sheet.get("#" + a["id"].strip().lower(), ""))
        return "".join(found) + ";" if any(found) else ""

    def image(self, a: dict[str, str], lt: int) -> None:
        line, col = self.where(lt)
        decls = css.declarations(a["style"]) if a.get("style") else {}
        self.images.append(Image(
            src=a.get("src", "").strip(), alt=a.get("alt") if "alt" in a else None,
            width=_dimension(a.get("width") or decls.get("width")),
            height=_dimension(a.get("height") or decls.get("height")),
            part=self.part, line=line, column=col,
        ))

    def open_anchor(self, tag: str, href: str, lt: int) -> None:
        self.close_anchor()
        line, col = self.where(lt)  # asked now, in source order (see where())
        self.anchor = (href.strip(), line, col, len(self.out.pieces))
        if tag == "area":
            self.close_anchor()

    def close_anchor(self) -> None:
        if self.anchor is None:
            return
        href, line, col, first = self.anchor
        text = " ".join("".join(self.out.pieces[first:]).split())
        self.links.append(Link(href, text, self.part, line, col, has_placeholder(href)))
        self.anchor = None


def parse_html(source: str, part: str, line_base: int = 1, parse: Parse | None = None,
               primary: bool = True) -> tuple[HtmlPart, list[Link], list[Image]]:
    """Walk one HTML body: visible text segment, hidden text, links, images, tag counts.

    `line_base` is the line of the input file where this source starts (1 for a template);
    `parse` gives the limits and notes those passed (max_html_nodes, max_html_depth); without
    one, default limits apply and nothing is noted.  `primary`: see Segment.
    The scan never fetches anything: external resources, DTDs and entities stay text.
    """
    walker = _Walker(source, part, line_base, parse if parse is not None else Parse())
    walker.scan()
    walker.close_anchor()
    walker.join_hidden()
    out = walker.out
    segment = Segment(part, "".join(out.pieces), source,
                      (tuple(out.text_starts), tuple(out.src_starts), tuple(out.lengths)),
                      line_base=line_base, primary=primary)
    tags = dict(walker.tags)
    tags["#nodes"] = walker.nodes
    tags["#depth"] = walker.max_depth
    html_part = HtmlPart(part, source, segment, tuple(walker.hidden), MappingProxyType(tags),
                         tuple(walker.comments), tuple(walker.styles))
    return html_part, walker.links, walker.images


def _unhides(reason: str, decls: dict[str, str], tag: str, a: dict[str, str]) -> bool:
    """True when an element undoes an inherited hiding reason (font-size:0 wrappers are common)."""
    if reason == "text colour matches background":
        return True  # recomputed from this element's own inherited colours
    if reason == "font-size:0":
        size = css.font_size_px(decls["font-size"]) if "font-size" in decls else None
        if tag == "font" and a.get("size", "").strip():
            return True  # browsers clamp a legacy size to 1..7: even size="0" or "-7" is readable x-small text
        return size is not None and size > 1
    if reason == "visibility:hidden":
        return decls.get("visibility", "").startswith("visible")
    return False


def _lower_name(name: str) -> str:
    """name.lower(), remembered in _NAMES."""
    low = name.lower()
    if len(_NAMES) < _MAX_NAMES and len(name) <= 64:  # a name of thousands of characters is not kept
        _NAMES[name] = low
    return low


def _frame_reads(tag: str, a: dict[str, str]) -> tuple:
    """The tag and what frame() reads of its attributes: two elements alike in these style alike.

    One place per name in _FRAME_READS, None where the attribute is absent (no value is None).
    """
    return (tag, *map(a.get, _FRAME_READS))


@lru_cache(maxsize=4096)
def _attrs(text: str) -> dict[str, str]:
    """Attribute names (lower-cased, first one wins) and values; shared per text, so callers never write to it."""
    out: dict[str, str] = {}
    for name, double, single, bare in _ATTR.findall(text):  # a group that took no part is ""
        name = name.lower()
        if name in out:
            continue
        value = double or single or bare  # `a=""`, `a=''` and a bare `a` all give ""
        out[name] = html.unescape(value) if "&" in value else value
    return out


@lru_cache(maxsize=1024)
def _entity_text(ref: str) -> str:
    """What a character reference shows (the same few recur: &nbsp; &amp; &#8217;)."""
    return html.unescape(ref).translate(_WS)


def _mentions(text: str, words: tuple[str, ...], pattern: re.Pattern[str] | None) -> bool:
    """pattern.search(text) for a pattern that is `words` ignoring case (None: True for any non-ASCII text).

    For ASCII text that is lower() and `in`, ten times faster than a case-insensitive search
    (which also matches ſ for s and K for k, so other text is searched with the pattern).
    """
    if not text.isascii():
        return pattern is None or pattern.search(text) is not None
    low = text.lower()
    for word in words:
        if word in low:
            return True
    return False


def _holds_opener(source: str) -> bool:
    """_may_hold_placeholder(source), each two-character opener searched for only where its first
    character occurs: a one-character search runs at memory speed, and most HTML without a `{`
    (no style sheet) has no `|` or `[` at all."""
    return ("{" in source or ("|" in source and "|*" in source) or ("%" in source and "%%" in source)
            or ("[" in source and "[[" in source))


def _may_hold_placeholder(run: str) -> bool:
    """False when mask_placeholders surely gives this text run (which holds no `<`) back unchanged."""
    return "{" in run or "|*" in run or "%%" in run or "[[" in run


def _dimension(value: str | None) -> int | None:
    if not value:
        return None
    m = _INT.match(value)
    if not m:
        return None
    digits = m.group(1).lstrip("0") or "0"
    return int(digits) if len(digits) <= 9 else 10**9  # int() refuses thousands of digits; any such size is huge
