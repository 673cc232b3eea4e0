"""Brand spoofing: mail that claims to come from a brand, sent and linked from other domains.

A claim is a From display name that starts with a brand, or a brand name used the way only
the brand itself writes it, in the subject or body ("your PayPal account", "Dear Netflix
member", "Apple Support").  The rule's options hold a small table of brands and their official registrable
domains; a claim counts when the From domain is none of them and the message links to
some other domain (or to nothing): a genuine notice forwarded by hand links to the brand.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Iterable

import regex

from spamlint.checks.base import Check, Option
from spamlint.model.document import Document, Header
from spamlint.model.findings import Hit
from spamlint.text.facts import Context, SegmentFacts
from spamlint.text.urls import registrable_domain

CLAIMS = ("display-name", "subject", "body")
_WORD = re.compile(r"[a-z0-9_]+")
# after a brand name, where its word ends: Chinese and Japanese run words together, so a brand
# followed by a Han or kana letter ("三井住友カード株式会社", "JCBカード") has ended there
_END = r"(?=[^\w-]|[\p{Han}\p{Hiragana}\p{Katakana}]|$)"


def _alternation(names: Iterable[str]) -> str:
    """Brand names as one alternation, longest first; all-capital names (UPS, DHL) keep their case."""
    parts = []
    for name in sorted(names, key=len, reverse=True):
        escaped = regex.escape(name).replace("\\ ", r"\s+")
        parts.append(f"(?-i:{escaped})" if name.isupper() else escaped)
    return "|".join(parts) or "(?!)"


def _words(words: list[str]) -> str:
    """Words as one alternation in which a space matches any run of white space."""
    return "|".join(regex.escape(w).replace("\\ ", r"\s+") for w in words) or "(?!)"


def _key_words(names: Iterable[str]) -> frozenset[str] | None:
    """A piece of each brand name that any claim of it shows, lower case: the longest word of an
    ASCII name, the longest space-separated run of any other; None (no shortcut) for a name with none."""
    keys = set()
    for name in names:
        words = _WORD.findall(name.lower()) if name.isascii() else name.lower().split()
        if not words:
            return None
        keys.add(max(words, key=len))
    return frozenset(keys)


class BrandClaimCheck(Check):
    """A brand of `brands` (name -> official domains) claimed where `claims` says, while the From
    address is on none of the brand's domains and not every link goes to them."""

    name = "brand-claim"
    max_hits = 1  # one claim of a brand from elsewhere is the finding; more repeat it
    looks_at = ("headers", "subject", "body", "links")
    options = {
        "brands": Option("table", required=True, doc="brand name -> its official registrable domains"),
        "claims": Option("list", list(CLAIMS), "where a claim counts: display-name, subject, body"),
        "owner_words": Option("list", [], "words before a brand that, with an object word after it, make "
                                          "a claim: your (PayPal account)"),
        "object_words": Option("list", [], "what a brand gives its customers: account, ID, wallet ..."),
        "greeting_words": Option("list", [], "salutations before a brand: dear (Netflix member)"),
        "speaker_words": Option("list", [], "words after a brand that speak as it: team, support, security ..."),
        "claim_patterns": Option("list", [], "more claim shapes as patterns in which {brand} stands for a brand "
                                             "name: 【{brand}】, {brand}をご利用"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self.domains = {name.lower(): frozenset(d.lower() for d in ds) for name, ds in options["brands"].items()}
        # a domain counts as the brand's when its registrable part's first label is the brand's
        # (paypal.de, amazon.com.br): brands own their name under most top-level domains
        self.labels = {name: frozenset(d.split(".")[0] for d in ds) for name, ds in self.domains.items()}
        brand = self.brand = _alternation(options["brands"])
        # a display name claims a brand when it starts with it ("PayPal Service", not "Lockergnome Apple Core")
        self.name_re = regex.compile(rf"^\W*({brand}){_END}", regex.IGNORECASE)
        # a piece of each brand that any claim of it shows: texts with none are not searched
        self.keys = _key_words(options["brands"])
        for pattern in options["claim_patterns"]:  # refused when the rule loads, not at first use
            regex.compile(pattern.replace("{brand}", "(x)"))
        for claim in options["claims"]:
            if claim not in CLAIMS:
                raise regex.error(f"claims: {claim!r} is not one of {', '.join(CLAIMS)}")

    @cached_property
    def claim_re(self) -> regex.Pattern[str]:
        """"your PayPal account", "Dear Netflix", "Apple Support": the ways only the brand writes.

        Compiled on first use (it is the slowest pattern of the rule pack to compile, and only a
        text with a brand's key word is searched with it).
        """
        words = {key: _words(self.opts[key]) for key in ("owner_words", "object_words", "greeting_words",
                                                          "speaker_words")}
        return regex.compile(
            rf"(?<![\w@.-])(?:(?:{words['owner_words']})\s+({self.brand})(?:'s)?[\s-]+(?:{words['object_words']})(?!\w)"
            rf"|(?:{words['greeting_words']})\s+({self.brand})(?![\w-])"
            rf"|({self.brand})[\s-]+(?:{words['speaker_words']})(?!\w))"
            # claim_patterns stand outside the word-start look-behind: in Japanese a brand follows
            # another letter directly ("いつもメルカリをご利用")
            + "".join(f"|(?:{p.replace('{brand}', f'({self.brand})')})" for p in self.opts["claim_patterns"]),
            regex.IGNORECASE)

    def _official(self, brand: str, reg: str) -> bool:
        """Whether a registrable domain is one of the brand's."""
        return reg in self.domains[brand] or reg.split(".")[0] in self.labels[brand]

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        sender = ctx.facts.sender
        if sender is None or not sender.domain:
            return
        field, name, domain = sender
        reg = registrable_domain(domain)
        for where, brand, place in self._claims(ctx, name, field):
            if self._official(brand, reg):
                continue
            links = ctx.facts.web_links
            if links and all(self._official(brand, w.domain) for w in links):
                continue  # a genuine notice, forwarded or quoted
            place["detail"] = {"brand": brand, "where": where, "domain": domain}
            yield Hit(**place)

    def _claims(self, ctx: Context, name: str, field: Header) -> Iterable[tuple[str, str, dict]]:
        """(where, brand key, Hit position) for each claim, display name first."""
        claims = self.opts["claims"]
        if "display-name" in claims and name:
            m = self.name_re.search(name)
            if m:
                yield "display name", self._key(m.group(1)), {
                    "part": f"header:{field.name}", "line": field.line, "column": 1,
                    "excerpt": f"{field.name}: {field.value}"[:120]}
        wanted = tuple(s for s in ("subject", "body") if s in claims)
        for seg in ctx.facts.segments(wanted) if wanted else ():
            m = self.claim_re.search(seg.text) if self.may_claim(seg) else None
            if m:
                matched = next(g for g in m.groups() if g)
                yield seg.part, self._key(matched), seg.hit(m.start(), m.end())

    def may_claim(self, seg: SegmentFacts) -> bool:
        """False only when claim_re cannot match seg.text: the text lacks a key word of every brand.

        In ASCII text a claimed brand's words stand as whole words (the pattern puts white space
        or a non-word character around the brand), so the text's word set answers; other text is
        asked for the key word anywhere in its lower case, unless it holds one of the two
        characters the pattern matches as an ASCII letter that lower() does not give (İ, ſ). A rule
        with claim_patterns of its own is always asked by substring.
        """
        if self.keys is None:
            return True
        if seg.is_ascii and not self.opts["claim_patterns"]:  # a rule's own shapes may join a brand to a word
            return not seg.lower_words.isdisjoint(self.keys)
        if "\u0130" in seg.text or "\u017f" in seg.text:
            return True
        low = seg.lower
        return any(k in low for k in self.keys)

    def _key(self, matched: str) -> str:
        """The table key a matched name belongs to (names match whatever their case or spacing)."""
        folded = " ".join(matched.lower().split())
        return folded if folded in self.domains else next(k for k in self.domains if k.replace(" ", "") == folded.replace(" ", ""))
