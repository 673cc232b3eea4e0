"""Link checks: shorteners and other listed hosts, IP hosts, misleading anchors, domain spread."""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from typing import Iterable

from spamlint.checks.base import Check, Option
from spamlint.model.document import Document, Link
from spamlint.model.findings import Hit
from spamlint.text.patterns import shared
from spamlint.text.urls import domain_in_text, domain_matches, host_of, is_ip_host, registrable_domain


def _hit(link: Link, **detail: object) -> Hit:
    return Hit(part=link.part, line=link.line, column=link.column, excerpt=link.url[:120], detail=detail)


def _web_links(doc: Document) -> list[tuple[Link, str]]:
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


class LinkHostCheck(Check):
    """Links whose host is one of `domains` or a subdomain of one (URL shorteners, say)."""

    name = "link-host"
    scopes = frozenset({"links"})
    options = {
        "domains": Option("list", required=True, doc="host names; subdomains match too"),
        "max_hits": Option("int", 5, "report at most this many links"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self.domains = frozenset(d.lower() for d in options["domains"])

    def run(self, doc: Document, scope: tuple[str, ...]) -> Iterable[Hit]:
        n = 0
        for link, host in _web_links(doc):
            if domain_matches(host, self.domains):
                yield _hit(link, host=host)
                n += 1
                if n >= self.opts["max_hits"]:
                    return


class IpLinkCheck(Check):
    """Links to a bare IP address (dotted, integer or hex) instead of a domain name.

    With `skip_local`, addresses nobody outside the reader's own machine or network can serve
    (loopback, unspecified, private and link-local ranges) are left alone: technical mail
    points at http://127.0.0.1:8080/ or a router's 192.168.1.1, phishing needs a public host.
    """

    name = "ip-link"
    scopes = frozenset({"links"})
    options = {
        "max_hits": Option("int", 5, "report at most this many links"),
        "skip_local": Option("bool", False, "leave loopback, unspecified, private and link-local addresses alone"),
    }

    def run(self, doc: Document, scope: tuple[str, ...]) -> Iterable[Hit]:
        n = 0
        for link, host in _web_links(doc):
            if is_ip_host(host) and not (self.opts["skip_local"] and is_local_address(host)):
                yield _hit(link, host=host)
                n += 1
                if n >= self.opts["max_hits"]:
                    return


_LOCAL_NETS = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16",
    "::/128", "::1/128", "fe80::/10", "fc00::/7"))


def is_local_address(host: str) -> bool:
    """True for a dotted or IPv6 address in a loopback, unspecified, private or link-local range.

    Integer and hex encodings (http://2130706433/) are never local here: only a disguise writes them.
    """
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return any(ip.version == net.version and ip in net for net in _LOCAL_NETS)


# anchor text that presents an address: a scheme, www., or nothing but a domain (and path)
_ADDRESS_SHOWN = re.compile(r"https?://|\bwww\.|^\s*[\w-]+(?:\.[\w-]+)*\.[a-z]{2,24}(?:/\S*)?\s*$", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _shows_address(text: str) -> bool:
    """True when anchor text presents an address (cached: "Click here" and the like recur in every mail)."""
    return _ADDRESS_SHOWN.search(text) is not None


class AnchorMismatchCheck(Check):
    """Anchor text that shows one domain while the link goes to another registrable domain."""

    name = "anchor-mismatch"
    scopes = frozenset({"links"})
    options = {
        "ignore_domains": Option("list", [], "click-tracking domains of mail services, never a mismatch"),
        "max_hits": Option("int", 5, "report at most this many links"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self.ignore = frozenset(d.lower() for d in options["ignore_domains"])

    def run(self, doc: Document, scope: tuple[str, ...]) -> Iterable[Hit]:
        n = 0
        for link, host in _web_links(doc):
            if not _shows_address(link.text):
                continue  # a name like "CNET News.com" is a brand, not an address the reader checks
            shown = domain_in_text(link.text)
            if shown is None or link.text.strip() == link.url.strip() or domain_matches(host, self.ignore):
                continue
            if registrable_domain(shown) != registrable_domain(host):
                yield _hit(link, shown=shown, host=host)
                n += 1
                if n >= self.opts["max_hits"]:
                    return


class LinkDomainsCheck(Check):
    """More than `max_domains` different registrable domains among the links."""

    name = "link-domains"
    scopes = frozenset({"links"})
    options = {
        "max_domains": Option("int", 8, "distinct domains allowed"),
        "ignore_domains": Option("list", [], "domains never counted (social networks, mail services)"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self.ignore = frozenset(d.lower() for d in options["ignore_domains"])

    def run(self, doc: Document, scope: tuple[str, ...]) -> Iterable[Hit]:
        first: dict[str, Link] = {}
        for link, host in _web_links(doc):
            if domain_matches(host, self.ignore):
                continue
            first.setdefault(registrable_domain(host), link)
        if len(first) > self.opts["max_domains"]:
            link = next(iter(first.values()))
            yield _hit(link, count=len(first), domains=", ".join(sorted(first)[:8]))
