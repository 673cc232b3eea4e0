"""Brand spoofing: mail that claims to come from a brand, sent and linked from other domains.

A claim is a From display name that starts with a brand, or a brand name used the way only
the brand itself writes it, in the subject or body ("your PayPal account", "Dear Netflix
member", "Apple Support").  The rule's options hold a small table of brands and their official registrable
domains; a claim counts when the From domain is none of them and the message links to
some other domain (or to nothing): a genuine notice forwarded by hand links to the brand.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cached_property
from typing import Any, Iterable

from spamlint.checks.base import Check, Option
from spamlint.model.document import Document, Header
from spamlint.model.findings import Hit
from spamlint.text.compiled import compile_pattern, remembered
from spamlint.text.facts import Context, SegmentFacts
from spamlint.text.patterns import compiles_later
from spamlint.text.prefilter import OTHER, required_sets
from spamlint.text.urls import registrable_domain
from spamlint.text.compiled import lazy, regex  # regex: the module, imported on first use

CLAIMS = ("display-name", "subject", "body")
# the non-ASCII characters that the regex module matches to an ASCII letter when case is ignored
_FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"
_WORD = lazy(r"[a-z0-9_]+")
_SPACE = lazy(r"\s")  # what str.isspace() is true for
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


def _solid(text: str) -> int:
    """Characters of text that are neither white space nor a hyphen (what claim_re cannot repeat)."""
    return sum(1 for c in text if not (c.isspace() or c == "-"))


def _walker(count: int) -> re.Pattern[str]:
    """Up to `count` characters other than white space and hyphens, with the runs of those between them."""
    return compile_pattern(rf"(?:[\s-]*[^\s-]){{0,{count}}}[\s-]*")  # from the rule-pack cache's code


def _needs_non_ascii(pattern: str) -> bool:
    """Whether every match of a claim pattern holds a character that no ASCII character matches,
    case ignored ("【{brand}】"); False when unsure.  {brand} is read as matching nothing, so only
    what the pattern requires around the brand counts."""
    sets = required_sets(pattern.replace("{brand}", "()"), ignore_case=False)
    return any(not any(_ascii_like(c) for c in chars) for chars in sets)


def _caseless_needs(pattern: str) -> frozenset[str] | None:
    """Characters one of which every match of a claim pattern holds, none with a case variant (the
    case-blind search matches them only as themselves); None when no such set is known."""
    sets = required_sets(pattern.replace("{brand}", "()"), ignore_case=False)
    usable = [chars for chars in sets if OTHER not in chars and all(map(_caseless, chars))]
    return min(usable, key=lambda chars: (len(chars), sorted(chars))) if usable else None


def _pattern_needs(patterns: list[str]) -> list[tuple[bool, list[str] | None]]:
    """(_needs_non_ascii(p), _caseless_needs(p) in order) for each claim pattern, kept in the rule-pack cache."""
    return remembered(sys.modules[__name__], "needs\0" + "\0".join(patterns), lambda: [
        (_needs_non_ascii(p), None if (chars := _caseless_needs(p)) is None else sorted(chars)) for p in patterns],
        lambda kept: _valid_needs(kept, len(patterns)))


def _valid_needs(value: Any, count: int) -> list[tuple[bool, list[str] | None]] | None:
    """_pattern_needs' value as the cache gives it back (lists for tuples), or None when it is not one."""
    if not isinstance(value, list) or len(value) != count or not all(
            isinstance(item, list) and len(item) == 2 and type(item[0]) is bool and (
                item[1] is None or isinstance(item[1], list) and all(type(c) is str for c in item[1]))
            for item in value):
        return None
    return [(never, chars) for never, chars in value]


def _caseless(char: str) -> bool:
    """A character with no case: not an upper, lower or title case letter, and lower(), upper() and casefold() keep it."""
    return (unicodedata.category(char) not in ("Lu", "Ll", "Lt")
            and char.lower() == char.upper() == char.casefold() == char)


def _ascii_like(char: str) -> bool:
    """Whether an ASCII character may match char when case is ignored (K, the Kelvin sign, matches k)."""
    return char == OTHER or any(c.isascii() for c in char + char.lower() + char.upper() + char.casefold())


def _find_all(text: str, word: str) -> Iterable[int]:
    """Every offset where word occurs in text, overlapping ones included."""
    i = text.find(word)
    while i >= 0:
        yield i
        i = text.find(word, i + 1)


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
        self.brand = remembered(sys.modules[__name__], "brand\0" + "\0".join(options["brands"]),
                                lambda: _alternation(options["brands"]), lambda kept: kept if type(kept) is str else None)
        # a piece of each brand that any claim of it shows: texts with none are not searched
        self.keys = _key_words(options["brands"])
        self.reach = self._reach(options)
        # a rule whose every claim shape needs a non-ASCII character (Japanese brackets and
        # particles) cannot claim in ASCII text, however often an ASCII key word ("ana") occurs
        o = options
        words_claim = (o["owner_words"] and o["object_words"]) or o["greeting_words"] or o["speaker_words"]
        # reading the claim patterns is most of a rule's start-up: the rule-pack cache keeps what they need
        read = _pattern_needs(o["claim_patterns"])
        self.ascii_never = not words_claim and all(never for never, _ in read)
        # and one of these characters, when known: a text with none cannot claim
        needs = [chars for _, chars in read]
        self.claim_needs = None if words_claim or None in needs else "".join(sorted(set().union(*needs)))
        if not compiles_later():  # a rule from the rule-pack cache compiled when the cache was written
            self.warm()  # refused when the rule loads, not at first use
            for pattern in options["claim_patterns"]:
                regex.compile(pattern.replace("{brand}", "(x)"))
        for claim in options["claims"]:
            if claim not in CLAIMS:
                raise regex.error(f"claims: {claim!r} is not one of {', '.join(CLAIMS)}")

    @cached_property
    def name_re(self) -> regex.Pattern[str]:
        """A display name claims a brand when it starts with it ("PayPal Service", not "Lockergnome Apple Core")."""
        return regex.compile(rf"^\W*({self.brand}){_END}", regex.IGNORECASE)

    def warm(self) -> None:
        """Compile the display-name pattern now (claim_re waits: only texts with a key word need it)."""
        super().warm()
        self.name_re  # noqa: B018 - touching a cached_property compiles it

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

    def _reach(self, options: dict) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
        """How far a claim reaches before and after a brand's key word, as patterns that walk that
        far (backwards over the reversed text, forwards over the text); None when no bound is known.

        A claim of claim_re's three shapes is an owner or greeting word, the brand name, "'s" and
        an object or speaker word, joined by runs of white space and hyphens that may be any
        length; what is neither is bounded by the longest name and word (each pattern character
        matches one character: the search uses simple case folding).  A rule's own claim_patterns
        have no such bound, and a non-ASCII name may match ASCII text (K and ſ fold to k and s)
        without its key word showing in it.
        """
        names, words = list(options["brands"]), [w for k in ("owner_words", "object_words", "greeting_words",
                                                             "speaker_words") for w in options[k]]
        if self.keys is None or options["claim_patterns"] or not all(n.isascii() for n in names):
            return None
        name, word = max(map(_solid, names), default=0), max(map(_solid, words), default=0)
        return _walker(name + word + 2), _walker(name + word + 4)  # 4: the "'s" and slack

    def _search(self, seg: SegmentFacts) -> regex.Match[str] | None:
        """claim_re.search(seg.text), searched only around the brands' key words.

        The key words are found in the lower-case text, so that must line up with the text
        (lower() gives one character for each) and hold every brand the search may match: a text
        with a character that case folding matches to an ASCII letter (_FOLDS_TO_ASCII) is
        searched whole.
        """
        text, low = seg.text, seg.lower
        if self.reach is None or not seg.is_ascii and (len(low) != len(text)
                                                       or any(c in text for c in _FOLDS_TO_ASCII)):
            return self.claim_re.search(text)
        # in ASCII text a claim's key word stands as a whole word (see may_claim): keys not among
        # the text's words mark no claim, and finding each of them in the text is most of the work
        windows = self._windows(low, self.keys & seg.lower_words if seg.is_ascii else self.keys)
        if windows is None:
            return self.claim_re.search(text)
        for start, end in windows:
            m = self.claim_re.search(text, start, end)
            if m:
                return m
        return None

    def _windows(self, low: str, keys: Iterable[str]) -> list[tuple[int, int]] | None:
        """Merged spans, in order, that hold every claim: around each of `keys` (key words) found in `low`;
        None when key words are so dense (one in 128 characters) that the whole text is cheaper.

        A window ends at white space (or the text's end), where claim_re's look-aheads (no word character,
        no word character or hyphen next) give what they give in the whole text; its look-behind sees before a window's start.
        """
        back, forward = self.reach
        rev, size = low[::-1], len(low)
        limit, starts = 16 + size // 128, []
        for key in keys:
            for i in _find_all(low, key):
                starts.append(i)
                if len(starts) > limit:
                    return None
        starts.sort()
        out: list[tuple[int, int]] = []
        for k in starts:
            start = size - back.match(rev, size - k).end()
            end = forward.match(low, k).end()
            if out and end <= out[-1][1]:  # inside the last window, which ends at white space already
                end = out[-1][1]
            else:  # a run of solid characters ends inside: to the next white space (each scanned once)
                space = _SPACE.search(low, end)
                end = size if space is None else space.start()
            if out and start <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], end))
            else:
                out.append((start, end))
        return out

    def _plain_search(self, seg: SegmentFacts) -> regex.Match[str] | None:
        """claim_re over the whole text: the reference _search must equal."""
        return self.claim_re.search(seg.text)

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
            m = self._search(seg) if self.may_claim(seg) else None
            if m:
                matched = next(g for g in m.groups() if g)
                yield seg.part, self._key(matched), seg.hit(m.start(), m.end())

    def may_claim(self, seg: SegmentFacts) -> bool:
        """False only when claim_re cannot match seg.text: the text lacks a key word of every brand.

        A rule whose claims all need a non-ASCII character (ascii_never) is not asked in ASCII text,
        nor one whose claims all need a character of claim_needs in a text without any.
        In ASCII text a claimed brand's words stand as whole words (the pattern puts white space
        or a non-word character around the brand), so the text's word set answers; other text is
        asked for the key word anywhere in its lower case, unless it holds a character that case
        folding matches to an ASCII letter (_FOLDS_TO_ASCII), as _search also reads it. A rule
        with claim_patterns of its own is always asked by substring.
        """
        if seg.is_ascii and self.ascii_never:
            return False
        if self.claim_needs is not None and not any(c in seg.text for c in self.claim_needs):
            return False
        if self.keys is None:
            return True
        if seg.is_ascii and not self.opts["claim_patterns"]:  # a rule's own shapes may join a brand to a word
            return not seg.lower_words.isdisjoint(self.keys)
        if any(c in seg.text for c in _FOLDS_TO_ASCII):
            return True
        low = seg.lower
        return any(k in low for k in self.keys)

    def _key(self, matched: str) -> str:
        """The table key a matched name belongs to (names match whatever their case or spacing)."""
        folded = " ".join(matched.lower().split())
        return folded if folded in self.domains else next(k for k in self.domains if k.replace(" ", "") == folded.replace(" ", ""))
