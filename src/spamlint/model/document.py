"""The Document that checks see: headers, subject, visible text segments, links, images, parts."""

from __future__ import annotations

from dataclasses import dataclass, field

from spamlint.limits import DEFAULT_LIMITS, Limits
from spamlint.text.segment import Segment


@dataclass(frozen=True)
class Header:
    """One header field, decoded, with the 1-based line it starts on (None when synthetic)."""

    name: str
    value: str
    line: int | None


@dataclass(frozen=True)
class Link:
    """A hyperlink: target, visible anchor text and where it is."""

    url: str
    text: str
    part: str
    line: int | None
    column: int | None
    templated: bool = False


@dataclass(frozen=True)
class Image:
    """An image reference in HTML."""

    src: str
    alt: str | None
    width: int | None
    height: int | None
    part: str
    line: int | None
    column: int | None


@dataclass(frozen=True)
class HiddenText:
    """Text present in the HTML source that a reader does not see, and why."""

    text: str
    reason: str
    part: str
    line: int | None
    column: int | None
    offset: int


@dataclass(frozen=True)
class Attachment:
    """A non-text MIME part: listed, never scanned as text."""

    filename: str
    content_type: str
    size: int


@dataclass
class HtmlPart:
    """One HTML body: its decoded source and structural facts gathered while walking it."""

    part: str
    source: str
    text: Segment
    hidden: list[HiddenText] = field(default_factory=list)
    tag_counts: dict[str, int] = field(default_factory=dict)
    comments: list[tuple[int, int, str]] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # limits passed while walking

    @property
    def size(self) -> int:
        """Size in bytes as sent (UTF-8)."""
        return len(self.source.encode("utf-8", "surrogatepass"))


@dataclass
class Document:
    """Everything the checks may look at, built once per input."""

    kind: str  # "message", "html" or "text"
    name: str
    raw_size: int
    headers: list[Header] = field(default_factory=list)
    subject: Segment | None = None
    bodies: list[Segment] = field(default_factory=list)
    html_parts: list[HtmlPart] = field(default_factory=list)
    links: list = field(default_factory=list)
    images: list = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    sender_domains: frozenset[str] = frozenset()  # the sender's own domains, set by the engine
    trusted_networks: tuple = ()  # config `trusted-networks` (ip networks), set by the engine
    trusted_authserv_ids: frozenset[str] | None = None  # config `trusted-authserv-ids`; None: infer
    limits: Limits = DEFAULT_LIMITS  # how much of the input was read; checks honour regex_timeout
    _first: dict[str, Header] | None = field(default=None, repr=False, compare=False)  # header() index
    _first_count: int = field(default=0, repr=False, compare=False)
    # segments() by scopes, with the subject and bodies they were picked from (rules ask many times)
    _picked: dict = field(default_factory=dict, repr=False, compare=False)

    def header(self, name: str) -> Header | None:
        """The first header with this name (case-insensitive), or None."""
        if self._first is None or self._first_count != len(self.headers):
            first: dict[str, Header] = {}
            for h in self.headers:
                first.setdefault(h.name.lower(), h)
            self._first, self._first_count = first, len(self.headers)
        return self._first.get(name.lower())

    def header_values(self, name: str) -> list[str]:
        """All values of a header, in order."""
        lname = name.lower()
        return [h.value for h in self.headers if h.name.lower() == lname]

    def segments(self, scopes: tuple[str, ...]) -> list[Segment]:
        """Text segments for rule scopes: subject, body, text (text/plain), html (visible HTML text)."""
        scopes = scopes if isinstance(scopes, tuple) else tuple(scopes)
        bodies = tuple(self.bodies)
        picked = self._picked.get(scopes)
        if picked is not None and picked[0] is self.subject and picked[1] == bodies:
            return list(picked[2])
        out = self._pick(scopes)
        self._picked[scopes] = (self.subject, bodies, tuple(out))
        return out

    def _pick(self, scopes: tuple[str, ...]) -> list[Segment]:
        out: list[Segment] = []
        if "subject" in scopes and self.subject is not None:
            out.append(self.subject)
        for seg in self.bodies:
            is_html = seg.part.startswith("text/html")
            if ("body" in scopes and seg.primary) or ("html" in scopes and is_html) or (
                "text" in scopes and not is_html
            ):
                out.append(seg)
        return out

    @property
    def content_size(self) -> int:
        """Bytes of all text and HTML bodies as sent (UTF-8), attachments excluded."""
        return sum(len(seg.source.encode("utf-8", "surrogatepass")) for seg in self.bodies)

    @property
    def is_message(self) -> bool:
        """True for a raw MIME message, False for a bare template."""
        return self.kind == "message"
