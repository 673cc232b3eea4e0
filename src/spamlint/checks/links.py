"""Link checks: shorteners and other listed hosts, IP hosts, misleading anchors, domain spread."""

from __future__ import annotations

import re
from typing import Iterable

from spamlint.checks.base import Check, Option
from spamlint.model.document import Document, Link
from spamlint.model.findings import Hit
from spamlint.text.facts import Context
from spamlint.text.urls import domain_in_text, domain_matches, is_ip_host, registrable_domain


def _hit(link: Link, **detail: object) -> Hit:
    return Hit(part=link.part, line=link.line, column=link.column, excerpt=link.url[:120], detail=detail)


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

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        n = 0
        for link, host, domain in ctx.facts.web_links:
            if domain_matches(host, self.domains):
                yield _hit(link, host=host)
                n += 1
                if n >= self.opts["max_hits"]:
                    return


class IpLinkCheck(Check):
    """Links to a bare IP address (dotted, integer or hex) instead of a domain name."""

    name = "ip-link"
    scopes = frozenset({"links"})
    options = {"max_hits": Option("int", 5, "report at most this many links")}

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        n = 0
        for link, host, domain in ctx.facts.web_links:
            if is_ip_host(host):
                yield _hit(link, host=host)
                n += 1
                if n >= self.opts["max_hits"]:
                    return


# anchor text that presents an address: a scheme, www., or nothing but a domain (and path)
_ADDRESS_SHOWN = re.compile(r"https?://|\bwww\.|^\s*[\w-]+(?:\.[\w-]+)*\.[a-z]{2,24}(?:/\S*)?\s*$", re.IGNORECASE)


def _shows_address(text: str) -> bool:
    """True when anchor text presents an address."""
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

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        n = 0
        for link, host, domain in ctx.facts.web_links:
            if not _shows_address(link.text):
                continue  # a name like "CNET News.com" is a brand, not an address the reader checks
            shown = domain_in_text(link.text)
            if shown is None or link.text.strip() == link.url.strip() or domain_matches(host, self.ignore):
                continue
            if registrable_domain(shown) != domain:
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

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        first: dict[str, Link] = {}
        for link, host, domain in ctx.facts.web_links:
            if domain_matches(host, self.ignore):
                continue
            first.setdefault(domain, link)
        if len(first) > self.opts["max_domains"]:
            link = next(iter(first.values()))
            yield _hit(link, count=len(first), domains=", ".join(sorted(first)[:8]))
