"""Authentication results the receiver recorded: SPF/DKIM/DMARC failures and a From no pass aligns with.

Which results count (the receiver's, never ones a sender wrote into its own message):
- with the `trusted-authserv-ids` setting, results whose authserv-id is one of those (or a host
  under one);
- without it, results written by the server that took the message in from outside, when it did:
  headers next to the entry hop's Received header (after the Received above it and before the
  one below it: Microsoft and ARC write theirs above, Gmail and Postfix milters below) whose
  authserv-id is on the entry hop's receiving domain, or that name no authserv-id (Microsoft's
  form, counted above the Received only: below it, it is the sending side's own Exchange).  Results the same host wrote later, after a list server changed the message, sit
  higher and do not count.  No entry hop: nothing counts.
"""

from __future__ import annotations

from typing import Iterable

from spamlint.checks.base import Check, Option
from spamlint.checks.headers import address_domain
from spamlint.checks.received import trail
from spamlint.inputs.authres import AuthResult, parse_auth_results, parse_received_spf
from spamlint.model.document import Document, Header
from spamlint.model.findings import Hit
from spamlint.text.patterns import shared
from spamlint.text.urls import domain_matches, registrable_domain

_NO_VERDICT = frozenset({"none", "temperror", "permerror", "neutral"})
_HEADERS = {"authentication-results": False, "arc-authentication-results": True}


def trusted_results(doc: Document) -> tuple[tuple[Header, AuthResult], ...]:
    """The authentication results this document's receiver recorded, with the header they are in."""
    return shared(doc, _trusted)


def _trusted(doc: Document) -> tuple[tuple[Header, AuthResult], ...]:
    ids = doc.trusted_authserv_ids
    entry = trail(doc).entry
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


def _domain(value: str | None) -> str | None:
    if not value or value == "none":
        return None
    return registrable_domain(value.rsplit("@", 1)[-1].strip(".")) or None


def aligned_pass(results: Iterable[AuthResult], from_domain: str) -> bool:
    """True when an SPF or DKIM pass names the From address's registrable domain (relaxed alignment)."""
    for r in results:
        if r.result != "pass":
            continue
        if r.method == "spf" and _domain(r.prop("smtp.mailfrom", "smtp.helo")) == from_domain:
            return True
        if r.method == "dkim" and _domain(r.prop("header.d", "header.i")) == from_domain:
            return True
        if r.method == "dmarc" and _domain(r.prop("header.from")) == from_domain:
            return True
    return False


def _hit(field: Header, **detail: object) -> Hit:
    return Hit(part=f"header:{field.name}", line=field.line, column=1,
               excerpt=f"{field.name}: {' '.join(field.value.split())}"[:120], detail=detail)


class AuthFailCheck(Check):
    """The receiver recorded `method`=`result` (dkim: only when no DKIM signature passed)."""

    name = "auth-fail"
    scopes = frozenset({"headers"})
    options = {
        "method": Option("choice", required=True, doc="spf, dkim or dmarc", choices=("spf", "dkim", "dmarc")),
        "results": Option("list", ["fail"], "results that count as failing"),
    }

    def run(self, doc: Document, scope: tuple[str, ...]) -> Iterable[Hit]:
        if not doc.is_message:
            return
        method, bad = self.opts["method"], {r.lower() for r in self.opts["results"]}
        mine = [(f, r) for f, r in trusted_results(doc) if r.method == method]
        if method == "dkim" and any(r.result == "pass" for _, r in mine):
            return  # one good signature is enough; a broken second one is common (lists, footers)
        for field, r in mine:
            if r.result in bad:
                yield _hit(field, method=method, result=r.result)
                return


class FromAlignmentCheck(Check):
    """The receiver checked SPF or DKIM, and no passing result is on the From address's domain.

    When the receiver reached a DMARC verdict (pass or fail), that verdict is the alignment test
    and this check stays silent: dmarc-fail says it, once.
    """

    name = "from-alignment"
    scopes = frozenset({"headers"})
    options = {}

    def run(self, doc: Document, scope: tuple[str, ...]) -> Iterable[Hit]:
        field = doc.header("From")
        if not doc.is_message or field is None:
            return
        domain = address_domain(field.value)
        results = [r for _, r in trusted_results(doc)]
        if not domain or not any(r.method in ("spf", "dkim") for r in results):
            return
        if any(r.method == "dmarc" and r.result not in _NO_VERDICT for r in results):
            return
        if not aligned_pass(results, domain):
            yield _hit(field, domain=domain)
