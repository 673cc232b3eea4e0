"""Authentication-Results (RFC 8601), ARC-Authentication-Results and Received-SPF -> frozen records.

A small lenient parser, not the `authres` package: authres 1.2.0 rejected 1,976 of 4,201 such
headers in the development corpus (Microsoft's headers carry no authserv-id, others put a
comment or a bare `;` where the grammar forbids it), and a linter must read what receivers write.

Accepted: `authserv-id [version]; method=result (comment) ptype.prop=value ...; ...`, with or
without the authserv-id (Microsoft: `spf=pass (sender IP is ...) smtp.mailfrom=...`), and
ARC's `i=N;` prefix; Received-SPF: `Pass (comment) client-ip=...; envelope-from=...`.

Which results count (the receiver's, never ones a sender wrote into its own message), in
`trusted_results` (a fact of the run, text/facts.py):
- with the `trusted-authserv-ids` setting, results whose authserv-id is one of those (or a host
  under one);
- without it, results written by the server that took the message in from outside, when it did:
  headers next to the entry hop's Received header (after the Received above it and before the
  one below it: Microsoft and ARC write theirs above, Gmail and Postfix milters below) whose
  authserv-id is on the entry hop's receiving domain, or that name no authserv-id (Microsoft's
  form, counted above the Received only: below it, it is the sending side's own Exchange).
  Results the same host wrote later, after a list server changed the message, sit higher and
  do not count.  No entry hop: nothing counts.
"""

from __future__ import annotations

import re

from spamlint.model.document import Document, Header
from spamlint.record import Record, record
from spamlint.text.received import Hop
from spamlint.text.urls import domain_matches, registrable_domain
from spamlint.text.compiled import lazy

_COMMENT = lazy(r"\([^()]*\)")
_RESULT = lazy(r"^\s*([a-z][a-z0-9_-]*)\s*=\s*([a-z]+)\b", re.IGNORECASE)
# RFC 8601 method registry (and compauth, Microsoft's): other bare keys (action=, reason=) are not results
_METHODS = frozenset({"spf", "dkim", "dmarc", "arc", "iprev", "auth", "sender-id", "bimi", "compauth", "dkim-adsp",
                      "dkim-atps", "domainkeys", "smime", "vbr", "rrvs"})
_ARC_INSTANCE = lazy(r"^\s*i\s*=\s*\d+\s*;", re.IGNORECASE)
_SPF_WORD = lazy(r"^\s*(pass|fail|softfail|neutral|none|temperror|permerror)\b", re.IGNORECASE)
_SPF_FROM = lazy(r"envelope-from=\"?<?([^\s\";>]+)", re.IGNORECASE)
_HEADERS = {"authentication-results": False, "arc-authentication-results": True}


@record()
class AuthResult(Record):
    """One method's verdict: spf=fail smtp.mailfrom=x@example.com, as recorded by `authserv_id`."""

    authserv_id: str  # "" when the header names none (Microsoft)
    method: str  # spf, dkim, dmarc, arc, ... (lower case)
    result: str  # pass, fail, softfail, none, ... (lower case)
    props: tuple[tuple[str, str], ...]  # ("header.d", "example.com"), ("smtp.mailfrom", "a@b.example")

    def prop(self, *names: str) -> str | None:
        """The first of these properties that is present, or None."""
        for name in names:
            for key, value in self.props:
                if key == name:
                    return value
        return None


def parse_auth_results(value: str, arc: bool = False) -> tuple[AuthResult, ...]:
    """Results in one Authentication-Results (or, with `arc`, ARC-Authentication-Results) value."""
    text = " ".join(value.split())
    if arc:
        text = _ARC_INSTANCE.sub("", text, count=1)
    text = _uncomment(text)
    pieces = [p.strip() for p in text.split(";")]
    authserv = ""
    if pieces and not _RESULT.match(pieces[0]):
        authserv = pieces[0].split(" ", 1)[0].lower()
        pieces = pieces[1:]
    out: list[AuthResult] = []
    for piece in pieces:
        out.extend(_results(piece, authserv))
    return tuple(out)


def parse_received_spf(value: str) -> AuthResult | None:
    """The verdict of a Received-SPF header, recorded by the server that wrote it (no authserv-id)."""
    m = _SPF_WORD.match(value)
    if m is None:
        return None
    sender = _SPF_FROM.search(value)
    props = (("smtp.mailfrom", sender.group(1).lower()),) if sender else ()
    return AuthResult("", "spf", m.group(1).lower(), props)


def _results(piece: str, authserv: str) -> list[AuthResult]:
    """A piece may hold several results when a sender left out the `;` (`dkim=none dmarc=none`)."""
    out: list[tuple[str, str, list[tuple[str, str]]]] = []
    for token in piece.split():
        key, eq, val = token.partition("=")
        if not eq or not val:
            continue
        key, val = key.lower(), val.strip('"<>').lower()
        if "." in key:
            if out:
                out[-1][2].append((key, val))
        elif key in _METHODS or key.startswith("x-"):
            out.append((key, val.split(";", 1)[0], []))
    return [AuthResult(authserv, m, r, tuple(props)) for m, r, props in out]


def _uncomment(text: str) -> str:
    """Drop (comments), nested ones too; they may hold `;` and `=` that are not syntax."""
    for _ in range(5):
        stripped = _COMMENT.sub(" ", text)
        if stripped == text:
            break
        text = stripped
    return text


def trusted_results(doc: Document, entry: Hop | None,
                    ids: frozenset[str] | None) -> tuple[tuple[Header, AuthResult], ...]:
    """The authentication results doc's receiver recorded, with the header each is in.

    `entry` is the hop where the message entered the receiver's network; `ids` the
    `trusted-authserv-ids` setting (None: infer the receiver from `entry`).
    """
    if ids is None and (entry is None or entry.line is None or not entry.by):
        return ()
    receiver = registrable_domain(entry.by) if entry is not None and entry.by else ""
    window = _window(doc, entry.line) if entry is not None and entry.line is not None else (0, 0, 0)
    out = []
    for field in doc.headers:
        name = field.name.lower()
        if name == "received-spf":
            found = parse_received_spf(field.value)
            results: tuple[AuthResult, ...] = (found,) if found else ()
        elif name in _HEADERS:
            results = parse_auth_results(field.value, arc=_HEADERS[name])
        else:
            continue
        for r in results:
            if _counts(r, field, ids, window, receiver):
                out.append((field, r))
    return tuple(out)


def _window(doc: Document, entry_line: int) -> tuple[float, float, float]:
    """The Received lines just above and just below the entry hop's, and the entry hop's own."""
    lines = [h.line for h in doc.headers if h.name.lower() == "received" and h.line is not None]
    above = max((n for n in lines if n < entry_line), default=0)
    below = min((n for n in lines if n > entry_line), default=float("inf"))
    return above, entry_line, below


def _counts(r: AuthResult, field: Header, ids: frozenset[str] | None, window: tuple[float, float, float],
            receiver: str) -> bool:
    if ids is not None:
        return bool(r.authserv_id) and domain_matches(r.authserv_id, ids)
    above, entry, below = window
    if field.line is None or not above < field.line < below:
        return False
    if not r.authserv_id:  # Microsoft's form names no server; Microsoft writes it above its Received
        return field.line < entry
    return registrable_domain(r.authserv_id) == receiver
