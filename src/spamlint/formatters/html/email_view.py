"""A body part as the recipient would see it, made safe to show: the document an iframe's srcdoc holds.

What it does to the message's HTML (parsed with lxml, never fetched or run):
- scripts, frames, objects, embeds, <link>, <meta> and <base> are removed; so are every `on*`
  handler and every attribute that loads something (src, srcset, background, poster, data, ...);
- a link keeps its look but points nowhere (`href="#"`); its target is shown as a tooltip;
- a remote image (http, https, protocol-relative) or an attached one (cid:) becomes a placeholder
  box of its size with its alt text, and is counted; data: images stay;
- `url(...)`, `@import` and `expression(...)` are taken out of style sheets and style attributes;
- a CSP meta (no scripts, no connections, images only from data:) goes first in <head>.
Marks for findings (marking.py) become <mark> elements or attributes carrying
`data-spamlint-rule`; a marked element that is removed leaves a placeholder with its marks.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable, Sequence

from lxml import etree
from lxml import html as lhtml

from spamlint.formatters.html.locate import Mark
from spamlint.formatters.html.marking import AT, make_marks, mark_source
from spamlint.model.segment import Segment

FRAME_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
RULE_ATTR = "data-spamlint-rule"
INDEX_ATTR = "data-spamlint-n"
_REMOVE = {"script", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet", "link", "meta",
           "base", "portal", "template"}
_LOADING = {"src", "srcset", "background", "poster", "data", "action", "formaction", "codebase", "dynsrc",
            "lowsrc", "ping", "manifest", "longdesc", "href", "xlink:href", "{http://www.w3.org/1999/xlink}href",
            "archive", "classid", "profile", "imagesrcset", "itemtype"}
_CSS_LOADS = re.compile(r"url\s*\([^)]*\)?|@import[^;]*;?|expression\s*\(|image-set\s*\(|-moz-binding|behavior\s*:",
                        re.IGNORECASE)
_REMOTE = re.compile(r"^\s*(?:https?:|//|cid:|ftp:)", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FRAME_STYLE = (
    "mark[data-spamlint-rule],mark[data-spamlint-cont]{background:#ffe066;color:inherit;"
    "box-shadow:0 0 0 1px #e8590c;border-radius:2px;cursor:help}"
    "[data-spamlint-rule]:not(mark){outline:2px dashed #e8590c;outline-offset:1px;cursor:help}"
    ".spamlint-active,.spamlint-active *{background:#ff922b!important;outline:3px solid #c92a2a!important}"
    ".spamlint-img{display:inline-block;box-sizing:border-box;border:1px dashed #868e96;background:#f1f3f5;"
    "color:#495057;font:11px/1.25 sans-serif;padding:2px;overflow:hidden;vertical-align:top;max-width:100%;word-break:break-word}"
    ".spamlint-removed{display:inline-block;border:1px dashed #c92a2a;color:#c92a2a;font:12px sans-serif;padding:2px 4px}"
    "pre.spamlint-plain{white-space:pre-wrap;word-wrap:break-word;font:14px/1.45 monospace;margin:12px}"
)


@dataclass(frozen=True)
class EmailView:
    """The srcdoc document for one body part and what rendering it left out."""

    part: str
    srcdoc: str
    blocked_images: int
    marked: frozenset[int]  # finding indexes that got a mark


Describe = Callable[[int], tuple[str, str]]  # finding index -> (rule id, tooltip text)


def build_view(seg: Segment, marks: Sequence[Mark], describe: Describe) -> EmailView:
    """The srcdoc for one body: the HTML made safe, or the text in a <pre>, with every mark made."""
    source = _CONTROLS.sub(" ", seg.source)  # one for one, so offsets still hold
    source = _XML_DECL.sub(lambda m: " " * len(m.group()), source)  # lxml refuses a str that declares a charset
    maker = _Maker(describe)
    root = _parse(mark_source(source, seg, marks)) if seg.part.startswith("text/html") else None
    if root is None:  # text, or HTML that cannot be parsed: shown as written, a tag's mark on its first character
        points = [m if m.end is not None else Mark(m.index, m.start, m.start + 1) for m in marks]
        root = _plain(mark_source(source, None, points))
    make_marks(root, maker.make)
    _tag_marks(root, maker)
    blocked = _sanitise(root)
    _rescue_lost(root, marks, maker)
    _add_head(root)
    body = lhtml.tostring(root, encoding="unicode", method="html", doctype="<!DOCTYPE html>")
    return EmailView(seg.part, body, blocked, frozenset(maker.marked))


class _Maker:
    """Makes mark elements and remembers which findings got one."""

    def __init__(self, describe: Describe) -> None:
        self.describe = describe
        self.marked: set[int] = set()

    def make(self, index: int, cont: bool) -> etree._Element:
        el = etree.Element("mark")
        if cont:
            el.set("data-spamlint-cont", str(index))
        else:
            self.label(el, index)
        return el

    def label(self, el: etree._Element, index: int) -> None:
        """Give an element the identity of finding `index` (rule, number, tooltip)."""
        rule, tip = self.describe(index)
        el.set(RULE_ATTR, rule)
        el.set(INDEX_ATTR, str(index))
        el.set("title", tip)
        self.marked.add(index)


def _parse(source: str) -> etree._Element | None:
    try:
        root = lhtml.document_fromstring(source, parser=lhtml.HTMLParser(no_network=True, remove_pis=True))
    except (etree.ParserError, ValueError, etree.XMLSyntaxError):
        return None
    return root if root.tag == "html" else None


def _plain(text: str) -> etree._Element:
    root = lhtml.document_fromstring("<html><head></head><body><pre class='spamlint-plain'></pre></body></html>")
    root.find(".//pre").text = text
    return root


def _tag_marks(root: etree._Element, maker: _Maker) -> None:
    """Elements whose tag a finding points at carry its rule; a second finding wraps the element."""
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or AT not in el.attrib:
            continue
        ids = [int(i) for i in el.attrib.pop(AT).split() if i.isdigit()]
        for n, index in enumerate(ids):
            if n == 0 and el.tag not in ("html", "head"):
                maker.label(el, index)
            else:
                _wrap(el, index, maker)


def _wrap(el: etree._Element, index: int, maker: _Maker) -> None:
    parent = el.getparent()
    if parent is None or el.tag in ("html", "head", "body"):
        target = _body(el.getroottree().getroot())
        span = etree.Element("mark")
        maker.label(span, index)
        span.text = "\u2691"
        target.insert(0, span)
        return
    span = etree.Element("span")
    maker.label(span, index)
    if el.tag in ("img", "input"):  # so the mark's outline goes round the image, not under it
        span.set("style", "display:inline-block")
    span.tail, el.tail = el.tail, None
    parent.replace(el, span)
    span.append(el)


def _sanitise(root: etree._Element) -> int:
    """Remove what runs or loads; return how many remote or attached images were replaced."""
    blocked = 0
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            if el.getparent() is not None and not isinstance(el, etree._Comment):
                _drop(el)
            continue
        tag = el.tag.lower()
        if tag in _REMOVE:
            _remove(el, tag, root)
            continue
        if tag == "img" or (tag == "input" and el.get("type", "").lower() == "image"):
            blocked += _image(el)
            continue
        blocked += _attributes(el, tag)
        if tag == "style" and el.text:
            el.text = _CSS_LOADS.sub("none", el.text)
    return blocked


def _attributes(el: etree._Element, tag: str) -> int:
    blocked = 0
    for name in list(el.attrib):
        low = name.lower()
        if low.startswith("on") or low in ("formaction", "action", "ping"):
            del el.attrib[name]
        elif low in ("href", "xlink:href") and tag in ("a", "area"):
            el.set("title", el.attrib.pop(name)[:500])
            el.set("href", "#")
        elif low in _LOADING or low.endswith(":href"):
            if low == "background" and _REMOTE.match(el.get(name, "")):
                blocked += 1
            del el.attrib[name]
        elif low == "style":
            el.set(name, _CSS_LOADS.sub("none", el.get(name, "")))
    if tag in ("a", "area"):
        el.attrib.pop("target", None)
    return blocked


def _image(el: etree._Element) -> int:
    """Replace an image that would load from elsewhere with a box of its size and its alt text."""
    src = el.get("src", "")
    if src.strip().lower().startswith("data:image/") and not _REMOTE.match(src):
        for name in list(el.attrib):
            if name.lower().startswith("on") or name.lower() in ("srcset", "longdesc", "lowsrc", "dynsrc"):
                del el.attrib[name]
        return 0
    style = el.get("style", "")
    width = _size(el.get("width")) or _size(_css(style, "width"))
    height = _size(el.get("height")) or _size(_css(style, "height"))
    box = etree.Element("span")
    box.set("class", "spamlint-img")
    style = "".join(f"{k}:{v}px;" for k, v in (("width", width), ("height", height)) if v)
    box.set("style", style)
    alt = el.get("alt")
    kind = "attached image" if src.strip().lower().startswith("cid:") else "remote image blocked"
    size = f" {width or '?'}\u00d7{height or '?'}" if width or height else ""
    box.text = f"[{kind}{size}] " + (f"alt: {alt}" if alt else "(no alt text)")
    for name in (RULE_ATTR, INDEX_ATTR, "title"):
        if el.get(name) is not None:
            box.set(name, el.get(name))
    box.tail = el.tail
    parent = el.getparent()
    if parent is not None:
        parent.replace(el, box)
    loads = [v for v in (src, el.get("srcset", "")) if _REMOTE.match(v) and not v.strip().lower().startswith("cid:")]
    return 1 if loads else 0


def _css(style: str, name: str) -> str | None:
    m = re.search(rf"(?:^|;)\s*{name}\s*:\s*(\d+)(?:px)?\s*(?:;|$)", style, re.IGNORECASE)
    return m.group(1) if m else None


def _size(value: str | None) -> int | None:
    m = re.match(r"\s*(\d{1,5})", value or "")
    return min(int(m.group(1)), 2000) if m else None


def _remove(el: etree._Element, tag: str, root: etree._Element) -> None:
    """Drop an element; if it or anything in it carries a mark, a placeholder keeps the marks in view."""
    marked = [e for e in el.iter() if isinstance(e.tag, str) and e.get(RULE_ATTR) is not None]
    if not marked:
        _drop(el)
        return
    box = etree.Element("span")
    box.set("class", "spamlint-removed")
    box.text = f"[<{tag}> removed] "
    for m in marked:
        flag = etree.SubElement(box, "mark")
        for name in (RULE_ATTR, INDEX_ATTR, "title"):
            flag.set(name, m.get(name, ""))
        flag.text = "\u2691"
    parent = el.getparent()
    if parent is None or any(a.tag == "head" for a in el.iterancestors()):  # the head is not shown
        _drop(el)
        _body(root).insert(0, box)
        return
    box.tail = el.tail
    parent.replace(el, box)


def _drop(el: etree._Element) -> None:
    """Remove an element but keep the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    prev = el.getprevious()
    parent.remove(el)
    if tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def _body(root: etree._Element) -> etree._Element:
    body = root.find("body")
    if body is None:
        body = etree.SubElement(root, "body")
    return body


def _rescue_lost(root: etree._Element, marks: Sequence[Mark], maker: _Maker) -> None:
    """Findings whose place the parser dropped (markup it discards) are flagged at the top of the body."""
    lost = [m.index for m in marks if m.index not in maker.marked]
    if not lost:
        return
    box = etree.Element("div")
    box.set("class", "spamlint-removed")
    box.text = "Findings at markup a browser discards: "
    for index in lost:
        flag = etree.SubElement(box, "mark")
        maker.label(flag, index)
        flag.text = "\u2691"
    _body(root).insert(0, box)


def _add_head(root: etree._Element) -> None:
    head = root.find("head")
    if head is None:
        head = etree.Element("head")
        root.insert(0, head)
    csp = etree.Element("meta")
    csp.set("http-equiv", "Content-Security-Policy")
    csp.set("content", FRAME_CSP)
    charset = etree.Element("meta")
    charset.set("charset", "utf-8")
    style = etree.Element("style")
    style.text = FRAME_STYLE
    for i, el in enumerate((charset, csp, style)):
        head.insert(i, el)


def srcdoc_attribute(view: EmailView) -> str:
    """The view's document escaped for a srcdoc attribute value (quotes, ampersands and angle brackets)."""
    return html.escape(view.srcdoc, quote=True)
