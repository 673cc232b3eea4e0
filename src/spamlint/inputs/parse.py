"""The parse context: what one input's parse gathers before it is frozen into a Document.

Inputs (mime.py, templating.py, html_text.py, decoding.py) add headers, bodies, links and
problems here while they walk an input; `document()` turns it into the frozen Document that
checks see, so nothing is appended to a Document after it exists.  A limit passed is noted
through `limit`, which also raises its flag in `passed`: a limit reported once per input asks
the flag, not the problem texts.
"""

from __future__ import annotations

from spamlint.limits import DEFAULT_LIMITS, Limits
from spamlint.model.document import Attachment, Document, Header, HtmlPart, Image, Link
from spamlint.model.segment import Segment


class Parse:
    """One input being parsed: the limits it is read within, the parts found so far, the problems met."""

    def __init__(self, limits: Limits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        self.problems: list[tuple[str, str]] = []
        self.passed: set[str] = set()  # names of the limits noted so far
        self.headers: list[Header] = []
        self.subject: Segment | None = None
        self.bodies: list[Segment] = []
        self.html_parts: list[HtmlPart] = []
        self.links: list[Link] = []
        self.images: list[Image] = []
        self.attachments: list[Attachment] = []
        self.layout: str | None = None  # a template's layout or partial statement (templating.layout_of)

    def problem(self, kind: str, text: str) -> None:
        """Note something the input could not give as it should (kind: decode, charset, header-encoding...)."""
        self.problems.append((kind, text))

    def limit(self, name: str, what: str, once: bool = False) -> None:
        """Note that the input passed limit `name` (what was left out); with `once`, only the first time."""
        if once and name in self.passed:
            return
        self.passed.add(name)
        self.problems.append(self.limits.problem(name, what))

    def first_header(self, name: str) -> Header | None:
        """The first header found so far with this (lower-case) name."""
        return next((h for h in self.headers if h.name.lower() == name), None)

    def document(self, kind: str, name: str, raw_size: int) -> Document:
        """The frozen Document of everything gathered."""
        return Document(
            kind=kind, name=name, raw_size=raw_size, headers=tuple(self.headers), subject=self.subject,
            bodies=tuple(self.bodies), html_parts=tuple(self.html_parts), links=tuple(self.links),
            images=tuple(self.images), attachments=tuple(self.attachments), problems=tuple(self.problems),
            limits=self.limits, layout=self.layout,
        )

