"""The Document that checks see: headers, subject, visible text segments, links, images, parts.

Every record here is frozen and holds tuples: once inputs/ return a Document, nothing writes into it.
"""

from __future__ import annotations

from dataclasses import field
from types import MappingProxyType
from typing import Iterable, Mapping, Protocol, TypeVar

from spamlint.limits import DEFAULT_LIMITS, Limits
from spamlint.record import Record, record
from spamlint.model.segment import Segment



@record(slots=True)
class Header(Record):
    """One header field, decoded, with the 1-based line it starts on (None when synthetic)."""

    name: str
    value: str
    line: int | None


@record(slots=True)
class Link(Record):
    """A hyperlink: target, visible anchor text and where it is."""

    url: str
    text: str
    part: str
    line: int | None
    column: int | None
    templated: bool = False


@record(slots=True)
class Image(Record):
    """An image reference in HTML."""

    src: str
    alt: str | None
    width: int | None
    height: int | None
    part: str
    line: int | None
    column: int | None


@record(slots=True)
class HiddenText(Record):
    """Text present in the HTML source that a reader does not see, and why."""

    text: str
    reason: str
    part: str
    line: int | None
    column: int | None
    offset: int


@record(slots=True)
class Attachment(Record):
    """A non-text MIME part: listed, never scanned as text."""

    filename: str
    content_type: str
    size: int


@record(slots=True)
class HtmlPart(Record):
    """One HTML body: its decoded source and structural facts gathered while walking it."""

    part: str
    source: str
    text: Segment
    hidden: tuple[HiddenText, ...] = ()
    tag_counts: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    comments: tuple[tuple[int, int, str], ...] = ()
    styles: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        """Size in bytes as sent (UTF-8)."""
        return len(self.source.encode("utf-8", "surrogatepass"))


@record(slots=True)
class Document(Record):
    """Everything the checks may look at, built once per input and never changed after.

    `problems` are what parsing met (kind, text): undecodable parts, limits passed.  Facts
    derived from the text (lower case, canonical text, sentences...) are not kept here but in
    the per-run facts (text/facts.py), and run settings (sender domains) travel with the run.
    """

    kind: str  # "message", "html" or "text"
    name: str
    raw_size: int
    headers: tuple[Header, ...] = ()
    subject: Segment | None = None
    bodies: tuple[Segment, ...] = ()
    html_parts: tuple[HtmlPart, ...] = ()
    links: tuple[Link, ...] = ()
    images: tuple[Image, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    problems: tuple[tuple[str, str], ...] = ()
    limits: Limits = DEFAULT_LIMITS  # how much of the input was read; the run's pattern timeout too
    # a template rendered inside a layout or with partials: the statement that says so
    # ({% extends "base.html" %}, {{> layout}}, front-matter layout:), whose markup supplies <html> and <body>
    layout: str | None = None
    # header() index: the first header of each lower-cased name, built with the record
    _first: Mapping[str, Header] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        first: dict[str, Header] = {}
        for h in self.headers:
            first.setdefault(h.name.lower(), h)
        object.__setattr__(self, "_first", MappingProxyType(first))  # frozen: set once, here

    def header(self, name: str) -> Header | None:
        """The first header with this name (case-insensitive), or None."""
        return self._first.get(name.lower())

    def header_values(self, name: str) -> list[str]:
        """All values of a header, in order."""
        lname = name.lower()
        return [h.value for h in self.headers if h.name.lower() == lname]

    def segments(self, scopes: tuple[str, ...]) -> list[Segment]:
        """Text segments for rule scopes: subject, body, text (text/plain), html (visible HTML text)."""
        return pick_segments(scopes, self.subject, self.bodies)

    @property
    def content_size(self) -> int:
        """Bytes of all text and HTML bodies as sent (UTF-8), attachments excluded."""
        return sum(len(seg.source.encode("utf-8", "surrogatepass")) for seg in self.bodies)

    @property
    def is_message(self) -> bool:
        """True for a raw MIME message, False for a bare template."""
        return self.kind == "message"


class _Picked(Protocol):
    part: str
    primary: bool


P = TypeVar("P", bound=_Picked)


def pick_segments(scopes: Iterable[str], subject: P | None, bodies: Iterable[P]) -> list[P]:
    """The subject and bodies a rule's scopes name: subject, body (primary bodies), text, html.

    Generic over what stands for a segment, so the per-run facts pick their wrappers the same way.
    """
    out: list[P] = []
    if "subject" in scopes and subject is not None:
        out.append(subject)
    for seg in bodies:
        is_html = seg.part.startswith("text/html")
        if ("body" in scopes and seg.primary) or ("html" in scopes and is_html) or (
            "text" in scopes and not is_html
        ):
            out.append(seg)
    return out
