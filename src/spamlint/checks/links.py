"""Link checks: links that match given criteria (shorteners, IP hosts, URL and anchor patterns),
misleading anchors, domain spread."""

from __future__ import annotations

import re
from typing import Iterable

from spamlint.checks.base import Check, Option
from spamlint.checks.common import link_hit
from spamlint.model.document import Document, Link
from spamlint.model.findings import Hit
from spamlint.text.facts import Context
from spamlint.text.patterns import UserPattern, user_pattern
from spamlint.text.urls import domain_in_text, domain_matches, is_local_address
from spamlint.text.compiled import lazy
from spamlint.text.compiled import regex  # the regex module, imported on first use


def _compile(pattern: str) -> UserPattern | None:
    return user_pattern(pattern, regex.IGNORECASE) if pattern else None


class LinkPatternCheck(Check):
    """Links that meet every criterion given: the host is one of `domains` (or a subdomain), the
    host is an IP address (`ip_host`), the URL, host and anchor text match their patterns; links
    to `ignore_domains` and URLs that `ignore_url_pattern` finds are never reported.

    With `skip_local`, addresses nobody outside the reader's own machine or network can serve
    (loopback, unspecified, private and link-local ranges) are left alone: technical mail
    points at http://127.0.0.1:8080/ or a router's 192.168.1.1, phishing needs a public host.
    """

    name = "link-pattern"
    looks_at = ("links",)
    max_hits = 3
    options = {
        "domains": Option("list", [], "host names; subdomains match too (URL shorteners, say)"),
        "ip_host": Option("bool", False, "only links to a bare IP address (dotted, integer or hex)"),
        "url_pattern": Option("regex", "", "searched in the whole URL"),
        "host_pattern": Option("regex", "", "searched in the host name"),
        "text_pattern": Option("regex", "", "searched in the visible anchor text"),
        "ignore_domains": Option("list", [], "domains never reported; subdomains match too"),
        "ignore_url_pattern": Option("regex", "", "URLs it finds are never reported (share dialogs, say)"),
        "skip_local": Option("bool", False, "leave loopback, unspecified, private and link-local addresses alone"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self.domains = frozenset(d.lower() for d in options["domains"])
        # (index into (url, host, text), pattern) for each pattern given
        self.tests = [(i, p) for i, p in enumerate((_compile(options["url_pattern"]),
                      _compile(options["host_pattern"]), _compile(options["text_pattern"]))) if p is not None]
        self.ignore = frozenset(d.lower() for d in options["ignore_domains"])
        self.ignore_url = _compile(options["ignore_url_pattern"])

    def _matches(self, link: Link, host: str, ctx: Context) -> bool:
        if self.domains and not domain_matches(host, self.domains):
            return False
        if self.opts["ip_host"] and not ctx.facts.is_ip(host):
            return False
        if self.opts["skip_local"] and is_local_address(host):
            return False
        values = (link.url, host, link.text)
        for i, pattern in self.tests:
            if not pattern.found(values[i], ctx.searches):
                return False
        return True

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        for link, host, _domain in ctx.facts.web_links:
            if not self._matches(link, host, ctx) or (self.ignore and domain_matches(host, self.ignore)):
                continue
            if self.ignore_url is not None and self.ignore_url.found(link.url, ctx.searches):
                continue
            yield link_hit(link, host=host, text=" ".join(link.text.split())[:60])


# anchor text that presents an address: a scheme, www., or nothing but a domain (and path)
_ADDRESS_SHOWN = lazy(r"https?://|\bwww\.|^\s*[\w-]+(?:\.[\w-]+)*\.[a-z]{2,24}(?:/\S*)?\s*$", re.IGNORECASE)


def _shows_address(text: str) -> bool:
    """True when anchor text presents an address."""
    return _ADDRESS_SHOWN.search(text) is not None


class AnchorMismatchCheck(Check):
    """Anchor text that shows one domain while the link goes to another registrable domain."""

    name = "anchor-mismatch"
    looks_at = ("links",)
    max_hits = 5
    options = {
        "ignore_domains": Option("list", [], "click-tracking domains of mail services, never a mismatch"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self.ignore = frozenset(d.lower() for d in options["ignore_domains"])

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        for link, host, domain in ctx.facts.web_links:
            if not _shows_address(link.text):
                continue  # a name like "CNET News.com" is a brand, not an address the reader checks
            shown = domain_in_text(link.text)
            if shown is None or link.text.strip() == link.url.strip() or domain_matches(host, self.ignore):
                continue
            if ctx.facts.domain_of(shown) != domain:
                yield link_hit(link, shown=shown, host=host)


class LinkDomainsCheck(Check):
    """More than `max_domains` different registrable domains among the links."""

    name = "link-domains"
    looks_at = ("links",)
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
            yield link_hit(link, count=len(first), domains=", ".join(sorted(first)[:8]))
