"""The Document that checks see: headers, subject, visible text segments, links, images, parts."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property


from .limits import DEFAULT_LIMITS, Limits
from .normalize import Canonical, LowerWords, canonical

# a sentence ends after . ! ? followed by white space, or at a line break; the group takes the
# blank lines that follow, which would only be blank sentences.  Stdlib re, and the pattern starts
# with a plain character class, which lets the engine skip ahead to the next candidate quickly.
_STOPS = ".!?\u3002\uff01\uff1f"
_SENTENCE_END = re.compile(rf"[{_STOPS}\n](?:(?<=\n)|(?<=[{_STOPS}])[{_STOPS}]*(?=\s|$))((?:[^\S\n]*\n)*)")
# one sentence around an offset: the next end after it, and in the reversed text the last one
# before it (a line break, or white space after a stop, which is a stop and white space reversed)
_NEXT_END = re.compile(rf"[{_STOPS}\n](?:(?<=\n)|(?<=[{_STOPS}])[{_STOPS}]*(?=\s|$))")
_LAST_END = re.compile(rf"\s(?:(?<=\n)|(?=[{_STOPS}]))")


class Segment(LowerWords):
    """A run of text a reader sees, with a map from text offsets back to source line and column.

    `source` is the text positions refer to (a template file, a decoded MIME part, a header
    value).  `anchors` pairs text offsets with source offsets for text assembled from pieces
    (HTML); without anchors the text is the source, character for character.  A text/plain
    alternative to an HTML body is not `primary`: the `body` scope reads the HTML instead, so
    one message is not counted twice.
    """

    def __init__(
        self,
        part: str,
        text: str,
        source: str | None = None,
        anchors: tuple[list[int], list[int], list[int]] | None = None,
        line_base: int | None = 1,
        col_base: int = 1,
        primary: bool = True,
    ) -> None:
        self.part = part
        self.primary = primary
        self.text = text
        self.source = text if source is None else source
        self._anchors = anchors
        self.line_base = line_base
        self.col_base = col_base

    @cached_property
    def _line_starts(self) -> list[int]:
        starts = [0]
        find = self.source.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        return starts

    def source_offset(self, offset: int) -> int:
        """Map a text offset to an offset in the source."""
        if self._anchors is None:
            return min(offset, len(self.source))
        text_starts, src_starts, lengths = self._anchors
        i = bisect.bisect_right(text_starts, offset) - 1
        if i < 0:
            return 0
        return src_starts[i] + min(offset - text_starts[i], lengths[i])

    def locate(self, offset: int) -> tuple[int | None, int | None]:
        """1-based (line, column) in the source for a text offset; (None, None) without a position."""
        if self.line_base is None:
            return None, None
        src = self.source_offset(offset)
        row = bisect.bisect_right(self._line_starts, src) - 1
        col = src - self._line_starts[row] + 1
        if row == 0:
            col += self.col_base - 1
        return self.line_base + row, col

    def excerpt(self, start: int, end: int, width: int = 60) -> str:
        """The matched text with a little context, on one line."""
        left = max(0, start - 15)
        snippet = self.text[left:max(end, start + 1)][: width + 15]
        snippet = " ".join(snippet.split())
        return snippet if left == 0 else "…" + snippet

    def hit(self, start: int, end: int, **detail: object) -> "HitArgs":
        """Position and excerpt for a match at text[start:end], ready for a Hit."""
        line, column = self.locate(start)
        return {"part": self.part, "line": line, "column": column,
                "excerpt": self.excerpt(start, end), "detail": detail or None}

    @cached_property
    def word_count(self) -> int:
        """Number of white-space separated words (cheap; for densities)."""
        return len(self.text.split())

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """(start, end) of each non-blank sentence: split after . ! ? and at line breaks."""
        text, spans, start = self.text, [], 0
        for m in _SENTENCE_END.finditer(text):
            end = m.start(1)
            if not text[start:end].isspace() and end > start:
                spans.append((start, end))
            start = m.end()
        if start < len(text) and not text[start:].isspace():
            spans.append((start, len(text)))
        return spans

    def sentence_at(self, offset: int) -> tuple[int, int]:
        """The (start, end) of `sentences` that holds the character at offset, found without splitting the text.

        For an offset of white space between sentences the span may be a blank one.
        """
        cache = self.__dict__.setdefault("_sentence_at", {})  # several rules ask about the same offsets
        span = cache.get(offset)
        if span is None:
            text = self.text
            rev = self.__dict__.get("_reversed")
            if rev is None:
                rev = self.__dict__["_reversed"] = text[::-1]
            last = _LAST_END.search(rev, len(text) - offset)
            end = _NEXT_END.search(text, offset)
            span = cache[offset] = (0 if last is None else len(text) - last.start() - (last.group() != "\n"),
                                    len(text) if end is None else end.end())
        return span

    def word_starts(self, word: str) -> list[int]:
        """Offsets in the lower-case text where `word` begins a \\w+ run (cached per word)."""
        cache = self.__dict__.setdefault("_word_starts", {})
        found = cache.get(word)
        if found is None:
            text, found = self.lower, []
            i = text.find(word)
            while i != -1:
                if i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_"):  # what re's \\w means
                    found.append(i)
                i = text.find(word, i + 1)
            cache[word] = found
        return found

    @cached_property
    def canonical(self) -> Canonical:
        """The normalised text (normalize.py), built on first use and only for segments that need it."""
        return canonical(self.text)


HitArgs = dict


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
