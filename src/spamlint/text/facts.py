"""Facts derived from one document for one run of the rules: computed on first use, kept for the run.

Checks read derived text here instead of working it out (and caching it) themselves, so each
fact is computed once per document however many rules ask, and nothing is written into the
Document.  Facts are kept one way: a fact without an argument is a `cached_property` of the
facts object that owns it (`Facts` for the document, `SegmentFacts` for one segment); a fact
with an argument (segments for a scope, the sentence around an offset, where a word starts)
is a dict on that object keyed by the argument.  Both live and die with the run's `Context`.

The engine makes one `Context` per run: the document, its facts, the run's settings (sender
domains, the receiver's trusted networks and authserv-ids) and the problems met while checking (pattern timeouts, collected by `Searches`).
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import TYPE_CHECKING, Iterable, NamedTuple, Sequence

from spamlint.model.document import Document, Header, Link, pick_segments
from spamlint.model.segment import Segment, line_starts
from spamlint.text.language import SAMPLE_CHARS, detect
from spamlint.text.normalize import Canonical, LowerWords, canonical
from spamlint.text.patterns import Searches
from spamlint.text.segment import sentence_around, sentences, word_starts
from spamlint.text.urls import domain_matches, host_of, is_ip_host, name_domain
from spamlint.text.words import letter_count
from spamlint.text.compiled import lazy

if TYPE_CHECKING:  # only runs with --online make DNS problems (auth/ imports the record)
    from spamlint.model.domain import DnsProblem
    # a message's headers only: imported on first use (Facts.trail, Facts.auth_results), so a template's run never does
    from spamlint.text.authres import AuthResult
    from spamlint.text.received import Network, Trail

# ASCII text as its capitals: A for A-Z, . for anything else (two capitals in a row are "AA")
_CAPITALS_SHAPE = str.maketrans({chr(i): "A" if "A" <= chr(i) <= "Z" else "." for i in range(128)})
_BULK_HEADERS = ("list-id", "list-unsubscribe", "feedback-id", "x-campaign", "x-campaignid",
                 "x-mailchimp-campaign", "x-sg-eid", "x-mc-user", "x-mailgun-tag", "x-ses-outgoing")
_UNSUB_WORDS = ("unsubscribe", "optout", "opt out", "opt-out", "abmelden", "désinscri", "desinscri", "darse de baja")
# the look-ahead names every word's first letter: re then skips ahead to those letters instead
# of trying each word at every position (same matches, a few times faster)
_UNSUB = lazy(rf"(?=[{''.join(sorted({w[0] for w in _UNSUB_WORDS}))}])(?:{'|'.join(map(re.escape, _UNSUB_WORDS))})",
              re.IGNORECASE)


class SegmentFacts(LowerWords):
    """What is derived from one segment's text: lower case and its words (LowerWords), the canonical
    text, sentences, line starts for positions.  Reads like the Segment it wraps (part, text, source)."""

    def __init__(self, segment: Segment) -> None:
        self.segment = segment
        self.part = segment.part
        self.text = segment.text
        self.source = segment.source
        self.primary = segment.primary
        self.line_base = segment.line_base
        self._sentence_at: dict[int, tuple[int, int]] = {}  # several rules ask about the same offsets
        self._word_starts: dict[str, list[int]] = {}
        self.gated: dict[object, tuple[frozenset[object], ...]] = {}  # index.PhraseGate's answers, by gate

    @cached_property
    def canonical(self) -> Canonical:
        """The normalised text (normalize.py), built on first use and only for segments that need it."""
        return canonical(self.text)

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """(start, end) of each non-blank sentence: split after . ! ? and at line breaks."""
        return sentences(self.text)

    @cached_property
    def word_count(self) -> int:
        """Number of white-space separated words (cheap; for densities)."""
        return len(self.text.split())

    @cached_property
    def is_ascii(self) -> bool:
        """True when the text is all ASCII (several fast paths hold only then)."""
        return self.text.isascii()

    @cached_property
    def capitals_shape(self) -> str:
        """An ASCII text with each capital as A and anything else as "."; "" for other text."""
        return self.text.translate(_CAPITALS_SHAPE) if self.is_ascii else ""

    @cached_property
    def language(self) -> str | None:
        """ISO 639-1 code of the text's language, or None when too short to tell (loads the identifier)."""
        return detect(self.text)

    @cached_property
    def line_starts(self) -> list[int]:
        """Offsets in the source where each line starts."""
        return line_starts(self.source)

    @cached_property
    def _reversed(self) -> str:
        return self.text[::-1]

    def sentence_at(self, offset: int) -> tuple[int, int]:
        """The (start, end) of `sentences` that holds the character at offset, found without splitting the text.

        For an offset of white space between sentences the span may be a blank one.
        """
        span = self._sentence_at.get(offset)
        if span is None:
            span = self._sentence_at[offset] = sentence_around(self.text, self._reversed, offset)
        return span

    def word_starts(self, word: str) -> list[int]:
        """Offsets in the lower-case text where `word` begins a \\w+ run."""
        found = self._word_starts.get(word)
        if found is None:
            found = self._word_starts[word] = word_starts(self.lower, word)
        return found

    def locate(self, offset: int) -> tuple[int | None, int | None]:
        """1-based (line, column) in the source for a text offset; (None, None) without a position."""
        return self.segment.locate(offset, self.line_starts)

    def excerpt(self, start: int, end: int, width: int = 60) -> str:
        """The matched text with a little context, on one line."""
        return self.segment.excerpt(start, end, width)

    def hit(self, start: int, end: int, **detail: object) -> dict[str, object]:
        """Position and excerpt for a match at text[start:end], ready for a Hit."""
        line, column = self.locate(start)
        return {"part": self.part, "line": line, "column": column,
                "excerpt": self.excerpt(start, end), "detail": detail or None}


class WebLink(NamedTuple):
    """An http(s) link to judge, with its host and the host's registrable domain."""

    link: Link
    host: str
    domain: str


class Sender(NamedTuple):
    """The From header, and the display name and domain of its first address."""

    header: Header
    name: str
    domain: str


class Facts:
    """The derived facts of one document for one run: segments by scope, web links, sender, bulk signs."""

    def __init__(self, doc: Document, sender_domains: frozenset[str] = frozenset(),
                 trusted_networks: Sequence[Network] = (), trusted_authserv_ids: frozenset[str] | None = None) -> None:
        self.doc = doc
        self.sender_domains = sender_domains  # the sender's own domains: their links are never judged
        self.trusted_networks = tuple(trusted_networks)  # the receiver's own relays: hops the trail walks past
        self.trusted_authserv_ids = trusted_authserv_ids  # None: the receiver is inferred from the trail
        self.subject = SegmentFacts(doc.subject) if doc.subject is not None else None
        self.bodies = tuple(SegmentFacts(seg) for seg in doc.bodies)
        self._segments: dict[tuple[str, ...], tuple[SegmentFacts, ...]] = {}
        self._hosts: dict[str, tuple[str, bool]] = {}
        self.gated: dict[tuple[object, tuple[str, ...]], frozenset[object]] = {}  # index.PhraseGate's, by scope

    def segments(self, scope: Iterable[str]) -> tuple[SegmentFacts, ...]:
        """The segments a rule's scope names (Document.segments), as facts."""
        key = scope if isinstance(scope, tuple) else tuple(scope)
        found = self._segments.get(key)
        if found is None:
            found = self._segments[key] = tuple(pick_segments(key, self.subject, self.bodies))
        return found

    def language_of(self, seg: SegmentFacts) -> str | None:
        """A segment's language; a subject, too short to tell alone, is read with the body after it."""
        return self.subject_language if seg is self.subject else seg.language

    @cached_property
    def subject_language(self) -> str | None:
        """The subject's language, told from the subject and the start of the primary body."""
        if self.subject is None:
            return None
        body = next((b.text for b in self.bodies if b.primary), "")
        return detect(self.subject.text + "\n" + body[:SAMPLE_CHARS])

    @cached_property
    def web_links(self) -> tuple[WebLink, ...]:
        """Every http(s) link to judge: not templated, with a host, not on the sender's own domains."""
        found = []
        for link in self.doc.links:
            if link.templated:
                continue
            host = host_of(link.url)
            # the sender's own domains (config `sender-domains`) never count against the email
            if host and not (self.sender_domains and domain_matches(host, self.sender_domains)):
                found.append(WebLink(link, host, self.domain_of(host)))
        return tuple(found)

    def domain_of(self, host: str) -> str:
        """The host's registrable domain (urls.registrable_domain), worked out once per document."""
        return self._host(host)[0]

    def is_ip(self, host: str) -> bool:
        """Whether the host is an IP address (urls.is_ip_host), worked out once per document.

        Link-heavy mail can name more hosts than the URL helpers' caches hold; asking them
        again per rule would redo the work for every link.
        """
        return self._host(host)[1]

    def _host(self, host: str) -> tuple[str, bool]:
        found = self._hosts.get(host)
        if found is None:
            ip = is_ip_host(host)
            found = self._hosts[host] = (host if ip else name_domain(host), ip)
        return found

    @cached_property
    def sender(self) -> Sender | None:
        """The From header with its first address's display name and domain, or None."""
        field = self.doc.header("From")
        found = first_address(field.value) if field is not None else None
        return None if field is None or found is None else Sender(field, found[0], found[1])

    @cached_property
    def recipients(self) -> tuple[str, ...]:
        """The lower-cased addresses the To header names (parsed once: several rules read them)."""
        field = self.doc.header("To")
        if field is None:
            return ()
        from email.utils import getaddresses  # email's imports cost start-up; a template never needs them

        return tuple(a.lower() for _, a in getaddresses([field.value]) if "@" in a)

    @cached_property
    def looks_bulk(self) -> bool:
        """Mail sent to a list: a bulk Precedence, list or campaign headers, or an unsubscribe offer."""
        doc = self.doc
        precedence = doc.header("Precedence")
        if precedence is not None and precedence.value.lower() in ("bulk", "list", "junk"):
            return True
        if any(doc.header(h) for h in _BULK_HEADERS):
            return True
        return any(offers_unsubscribe(seg.text) for seg in doc.bodies) or any(offers_unsubscribe(l.text) for l in doc.links)

    @cached_property
    def trail(self) -> Trail:
        """The Received hops (top first) and the hop where the message entered the receiver's network."""
        from spamlint.text.received import read_trail  # imported on first use: a template has no trail

        return read_trail(self.doc, self.trusted_networks)

    @cached_property
    def auth_results(self) -> tuple[tuple[Header, AuthResult], ...]:
        """The authentication results the receiver recorded (text/authres.py says which count), with their header."""
        from spamlint.text.authres import trusted_results  # imported on first use, as text/received.py

        return trusted_results(self.doc, self.trail.entry, self.trusted_authserv_ids)

    @cached_property
    def html_letters(self) -> int:
        """Letters of visible text in all HTML bodies."""
        return sum(letter_count(p.text.text) for p in self.doc.html_parts)


class Context:
    """One run of the rules over one document: the document, its facts, the run's settings, and
    the problems met while checking (pattern timeouts).  Made by the engine, read by checks."""

    def __init__(self, doc: Document, sender_domains: Iterable[str] = (), trusted_networks: Sequence[Network] = (),
                 trusted_authserv_ids: Iterable[str] | None = None, dns_problems: Sequence[DnsProblem] = (),
                 phrase_gate: object | None = None) -> None:
        self.doc = doc
        self.phrase_gate = phrase_gate  # the engine's index.PhraseGate over its phrase rules, if any
        self.dns_problems = tuple(dns_problems)  # what a live DNS audit found (only with `domain` / --online)
        self.sender_domains = frozenset(sender_domains)
        self.trusted_networks = tuple(trusted_networks)
        self.trusted_authserv_ids = None if trusted_authserv_ids is None else frozenset(trusted_authserv_ids)
        self.facts = Facts(doc, self.sender_domains, self.trusted_networks, self.trusted_authserv_ids)
        self.searches = Searches(doc.limits, doc.raw_size)

    @property
    def problems(self) -> tuple[tuple[str, str], ...]:
        """The document's parse problems, then what this run met (in the order met)."""
        return self.doc.problems + tuple(self.searches.problems)


def offers_unsubscribe(text: str) -> bool:
    """True when text offers to unsubscribe (any case)."""
    if text.isascii():  # ASCII lower-casing is exact, and str.find is a fast C scan
        lowered = text.lower()
        return any(word in lowered for word in _UNSUB_WORDS)
    return _UNSUB.search(text) is not None  # Unicode case rules (the long s, the Kelvin sign): re decides


def first_address(value: str) -> tuple[str, str] | None:
    """(display name, domain) of the first address in a header value."""
    from email.utils import getaddresses  # email's imports cost start-up; a template never needs them

    try:
        pairs = getaddresses([value])
    except RecursionError:  # comments nested hundreds deep: the stdlib parser recurses per level
        return None
    for name, addr in pairs:
        if "@" in addr:
            return name.strip().strip('"'), addr.rsplit("@", 1)[1].strip().lower()
    return None
