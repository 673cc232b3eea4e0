"""Facts several check kinds share: the web links to judge, the sender, whether mail looks like bulk mail.

Check modules import these from here, never from each other, so each kind stays one module
that can change alone.
"""

from __future__ import annotations

import re
from email.utils import getaddresses
from functools import lru_cache

from spamlint.model.document import Document, Header, Link
from spamlint.model.findings import Hit
from spamlint.text.patterns import shared
from spamlint.text.urls import domain_matches, host_of

_BULK_HEADERS = ("list-id", "list-unsubscribe", "feedback-id", "x-campaign", "x-campaignid",
                 "x-mailchimp-campaign", "x-sg-eid", "x-mc-user", "x-mailgun-tag", "x-ses-outgoing")
_UNSUB_WORDS = ("unsubscribe", "optout", "opt out", "opt-out", "abmelden", "désinscri", "desinscri", "darse de baja")
# the look-ahead names every word's first letter: re then skips ahead to those letters instead
# of trying each word at every position (same matches, a few times faster)
_UNSUB = re.compile(rf"(?=[{''.join(sorted({w[0] for w in _UNSUB_WORDS}))}])(?:{'|'.join(map(re.escape, _UNSUB_WORDS))})",
                    re.IGNORECASE)


def link_hit(link: Link, **detail: object) -> Hit:
    """A Hit at a link, showing its URL."""
    return Hit(part=link.part, line=link.line, column=link.column, excerpt=link.url[:120], detail=detail)


def web_links(doc: Document) -> list[tuple[Link, str]]:
    """(link, host) of every http(s) link to judge; worked out once for all the link rules."""
    return shared(doc, _find_web_links)


def _find_web_links(doc: Document) -> list[tuple[Link, str]]:
    found = []
    for link in doc.links:
        if link.templated:
            continue
        host = host_of(link.url)
        # the sender's own domains (config `sender-domains`) never count against the email
        if host and not (doc.sender_domains and domain_matches(host, doc.sender_domains)):
            found.append((link, host))
    return found


@lru_cache(maxsize=256)
def first_address(value: str) -> tuple[str, str] | None:
    """(display name, domain) of the first address in a header value; cached, as several rules ask."""
    try:
        pairs = getaddresses([value])
    except RecursionError:  # comments nested hundreds deep: the stdlib parser recurses per level
        return None
    for name, addr in pairs:
        if "@" in addr:
            return name.strip().strip('"'), addr.rsplit("@", 1)[1].strip().lower()
    return None


def sender(doc: Document) -> tuple[Header, str, str] | None:
    """(From header, display name, address domain) of the first From address, or None."""
    field = doc.header("From")
    if field is None:
        return None
    found = first_address(field.value)
    return None if found is None else (field, found[0], found[1])


def offers_unsubscribe(text: str) -> bool:
    """True when text offers to unsubscribe (any case)."""
    if text.isascii():  # ASCII lower-casing is exact, and str.find is a fast C scan
        lowered = text.lower()
        return any(word in lowered for word in _UNSUB_WORDS)
    return _UNSUB.search(text) is not None  # Unicode case rules (the long s, the Kelvin sign): re decides


def looks_bulk(doc: Document) -> bool:
    """Mail sent to a list: a bulk Precedence, list or campaign headers, or an unsubscribe offer."""
    return shared(doc, _looks_bulk)


def _looks_bulk(doc: Document) -> bool:
    precedence = (doc.header("Precedence") or Header("", "", None)).value.lower()
    if precedence in ("bulk", "list", "junk"):
        return True
    if any(doc.header(h) for h in _BULK_HEADERS):
        return True
    return any(offers_unsubscribe(seg.text) for seg in doc.bodies) or any(offers_unsubscribe(l.text) for l in doc.links)
