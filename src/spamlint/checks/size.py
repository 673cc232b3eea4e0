"""Message and HTML size against delivery advice and Gmail's clipping point."""

from __future__ import annotations

from typing import Iterable

from ..document import Document
from ..findings import Hit
from .base import Check, Option


class SizeCheck(Check):
    """Size over `max_bytes`: the raw message (`message`), all text and HTML bodies together
    (`content`), or each HTML body (`html`, as Gmail measures before clipping)."""

    name = "size"
    scopes = frozenset({"message", "body", "html"})
    options = {
        "measure": Option("choice", "content", "message, content or html", choices=("message", "content", "html")),
        "max_bytes": Option("int", required=True, doc="size in bytes at which the rule fires"),
    }

    def run(self, doc: Document, scope: tuple[str, ...]) -> Iterable[Hit]:
        limit = self.opts["max_bytes"]
        measure = self.opts["measure"]
        if measure in ("message", "content"):
            size = doc.raw_size if measure == "message" else doc.content_size
            if size >= limit:
                yield Hit(part="message", detail={"size": _kb(size), "limit": _kb(limit)})
            return
        for part in doc.html_parts:
            if part.size >= limit:
                yield Hit(part=part.part, detail={"size": _kb(part.size), "limit": _kb(limit)})


def _kb(n: int) -> str:
    return f"{n / 1024:.0f} KB"
