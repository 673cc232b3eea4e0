"""Message size (size) and HTML size (html-size) against delivery advice and Gmail's clipping point,
and links past that point (clipped-link)."""

from __future__ import annotations

from typing import Iterable

from spamlint.checks.base import Check, Option
from spamlint.model.document import Document
from spamlint.model.findings import Hit
from spamlint.text.facts import Context
from spamlint.text.patterns import user_pattern
from spamlint.text.compiled import regex  # the regex module, imported on first use


class SizeCheck(Check):
    """The message over `max_bytes`: all text and HTML bodies together (`measure: content`),
    or the raw message as sent, attachments included (`measure: message`)."""

    name = "size"
    looks_at = ("text", "html")
    options = {
        "measure": Option("choice", "content", "content or message", choices=("content", "message")),
        "max_bytes": Option("int", required=True, doc="size in bytes at which the rule fires"),
    }

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        limit = self.opts["max_bytes"]
        size = doc.raw_size if self.opts["measure"] == "message" else doc.content_size
        if size >= limit:
            yield Hit(part="message", detail={"size": _kb(size), "limit": _kb(limit)})


class HtmlSizeCheck(Check):
    """Each HTML body over `max_bytes`, as Gmail measures before clipping."""

    name = "html-size"
    looks_at = ("html",)
    options = {"max_bytes": Option("int", required=True, doc="size in bytes at which the rule fires")}

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        limit = self.opts["max_bytes"]
        for part in doc.html_parts:
            if part.size >= limit:
                yield Hit(part=part.part, detail={"size": _kb(part.size), "limit": _kb(limit)})


def _kb(n: int) -> str:
    return f"{n / 1024:.0f} KB"


class ClippedLinkCheck(Check):
    """In an HTML body larger than `max_bytes`, the first link matching `pattern` (text or URL)
    starts after the clip point, so Gmail readers do not see it without expanding the message."""

    name = "clipped-link"
    looks_at = ("html",)
    options = {
        "max_bytes": Option("int", 102000, "where the client clips the HTML"),
        "pattern": Option("regex", "unsubscribe|opt[ -]?out|abmelden", "what the link's text or URL says"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self.pattern = user_pattern(options["pattern"], regex.IGNORECASE)

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        limit = self.opts["max_bytes"]
        for part in doc.html_parts:
            if part.size <= limit:
                continue
            link = next((k for k in doc.links if k.part == part.part and k.line is not None
                         and (self.pattern.search(k.text, ctx.searches) or self.pattern.search(k.url, ctx.searches))), None)
            if link is None:
                continue
            at = _byte_offset(part.source, link.line, link.column or 1)
            if at > limit:
                yield Hit(part=part.part, line=link.line, column=link.column, excerpt=link.url[:120],
                          detail={"at": _kb(at), "limit": _kb(limit)})


def _byte_offset(source: str, line: int, column: int) -> int:
    """Bytes (UTF-8) before a 1-based line and column of source."""
    pos = 0
    for _ in range(line - 1):
        pos = source.find("\n", pos) + 1
        if pos == 0:
            return len(source.encode("utf-8", "surrogatepass"))
    return len(source[:pos + column - 1].encode("utf-8", "surrogatepass"))
