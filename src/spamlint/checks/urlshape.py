"""Domains that deceive: look-alike domains in links and the From address, images from unrelated hosts."""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable

from spamlint.checks.base import Check, Option
from spamlint.checks.common import link_hit
from spamlint.model.document import Document
from spamlint.model.findings import Hit
from spamlint.text.facts import Context
from spamlint.text.normalize import canonical
from spamlint.text.urls import domain_matches, host_of
from spamlint.text.words import fold_il


_DIGIT_LETTERS = str.maketrans("013457", "oieast")  # a domain label has no sentence around it to judge by


def skeleton(label: str) -> str:
    """A domain label as it reads: punycode decoded, look-alikes and leet folded, rn read as m."""
    if label.startswith("xn--"):
        try:
            label = label.encode("ascii").decode("idna")
        except UnicodeError:
            pass
    text = canonical(label.replace("-", "")).text.lower().translate(_DIGIT_LETTERS)
    return fold_il(text.replace("rn", "m").replace("vv", "w"))


def _edits_le1(a: str, b: str) -> bool:
    """True when a and b differ by at most one inserted, deleted or replaced character."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)):] == b[i + 1:]


class LookalikeDomainCheck(Check):
    """Link hosts and the From domain that imitate one of `brands` (registrable domains): the same
    name in look-alike letters, punycode or leet, one typo away, or the brand's domain used as a
    subdomain of another (paypal.com.example.net)."""

    name = "lookalike-domain"
    scopes = frozenset({"links", "headers"})
    max_hits = 3
    options = {
        "brands": Option("list", required=True, doc="registrable domains of often-imitated brands"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self.brands = {b.lower(): fold_il(b.lower().split(".")[0]) for b in options["brands"]}
        # (brand, its folded name, ".brand." as it appears inside a dotted host, length of the name)
        self._brand_rows = [(brand, name, f".{brand}.", len(name)) for brand, name in self.brands.items()]
        self.imitated = lru_cache(maxsize=4096)(self._imitated)  # the same hosts recur in every mail

    def _imitated(self, host: str, domain: str) -> str | None:
        """The brand domain that host (whose registrable domain is `domain`) imitates, if any."""
        if domain in self.brands:
            return None
        raw = fold_il(domain.split(".")[0])
        label = skeleton(domain.split(".")[0])
        dotted, size = f".{host}.", len(label)
        for brand, name, dotted_brand, name_size in self._brand_rows:
            if dotted_brand in dotted:
                return brand
            if raw == name:
                continue  # the brand's own name under another suffix (adobe.ly, amazon.de)
            if label == name or (name_size >= 6 and -1 <= name_size - size <= 1 and _edits_le1(label, name)):
                return brand
        return None

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        found = ctx.facts.sender if "headers" in scope else None
        if found is not None and (brand := self.imitated(found[2], ctx.facts.domain_of(found[2]))):
            yield Hit(part=f"header:{found[0].name}", line=found[0].line, column=1,
                      excerpt=found[0].value[:120], detail={"host": found[2], "brand": brand})
        for link, host, domain in (ctx.facts.web_links if "links" in scope else ()):
            brand = self.imitated(host, domain)
            if brand is not None:
                yield link_hit(link, host=host, brand=brand)


class ImageHostCheck(Check):
    """Images loaded from registrable domains that neither the sender nor any link uses
    (except `ignore_domains`, such as mail services' image hosts)."""

    name = "image-host"
    looks_at = ("images",)
    options = {
        "ignore_domains": Option("list", [], "image hosts never reported; subdomains match too"),
        "min_domains": Option("int", 1, "unrelated image domains needed before the rule fires"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self.ignore = frozenset(d.lower() for d in options["ignore_domains"])

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        known = {w.domain for w in ctx.facts.web_links}
        known.update(ctx.facts.domain_of(d) for d in ctx.sender_domains)  # config `sender-domains`
        found = ctx.facts.sender
        if found is not None:
            known.add(ctx.facts.domain_of(found[2]))
        unrelated: dict[str, object] = {}
        for img in doc.images:
            host = host_of(img.src)
            if host and not domain_matches(host, self.ignore) and ctx.facts.domain_of(host) not in known:
                unrelated.setdefault(ctx.facts.domain_of(host), img)
        if len(unrelated) >= self.opts["min_domains"]:
            img = next(iter(unrelated.values()))
            yield Hit(part=img.part, line=img.line, column=img.column, excerpt=img.src[:120],
                      detail={"domains": ", ".join(sorted(unrelated)[:5]), "count": len(unrelated)})
