"""Who the mail says it is from: display names that show another address or borrow a brand, freemail senders."""

from __future__ import annotations

import re
from typing import Iterable

from spamlint.checks.base import Check, Option
from spamlint.model.document import Document, Header
from spamlint.model.findings import Hit
from spamlint.text.facts import Context, Sender
from spamlint.text.urls import domain_matches, known_registrable_domain, registrable_domain
from spamlint.text.compiled import compile_pattern, lazy

_ADDRESS = lazy(r"[\w.+-]+@((?:[a-z0-9-]+\.)+[a-z]{2,24})", re.IGNORECASE)
# a host name shown on its own ("lists.example.org"); letters may run on after it ("example.orgPlanner")
_HOST = lazy(r"(?<![\w@.-])((?:[a-z0-9-]+\.)+[a-z]{2,24})", re.IGNORECASE)
_NOT_ALNUM = lazy(r"[^a-z0-9]")


def _hit(field: Header, **detail: object) -> Hit:
    return Hit(part=f"header:{field.name}", line=field.line, column=1,
               excerpt=f"{field.name}: {field.value}"[:120], detail=detail)


def _named_sender(ctx: Context) -> Sender | None:
    """The run's sender when the From address has a display name, else None."""
    found = ctx.facts.sender
    return found if found is not None and found[1] else None


class DisplayNameAddressCheck(Check):
    """A From display name that shows an e-mail address on another registrable domain than the real one."""

    name = "display-name-address"
    looks_at = ("headers",)
    options = {}

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        found = _named_sender(ctx)
        if found is None:
            return
        field, name, domain = found
        m = _ADDRESS.search(name)
        if m and registrable_domain(m.group(1).lower()) != registrable_domain(domain):
            yield _hit(field, shown=m.group(0), domain=domain)


class DisplayNameBrandCheck(Check):
    """A From display name that names one of `brands` while the address is on a domain that does not carry it."""

    name = "display-name-brand"
    looks_at = ("headers",)
    options = {
        "brands": Option("list", required=True, doc="brand names; matched as whole words, ignoring case"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        brands = sorted((b.lower() for b in options["brands"]), key=len, reverse=True)
        alts = "|".join(re.escape(b) for b in brands) or "(?!)"
        self.brand_re = compile_pattern(rf"(?<![a-z0-9])({alts})(?![a-z0-9])", re.IGNORECASE)  # code from the cache

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        found = _named_sender(ctx)
        if found is None:
            return
        field, name, domain = found
        m = self.brand_re.search(name)
        if m and _NOT_ALNUM.sub("", m.group(1).lower()) not in _NOT_ALNUM.sub("", domain):
            yield _hit(field, brand=m.group(1), domain=domain)


class SenderDomainCheck(Check):
    """The From address is on one of `domains` (freemail providers, say); with `bulk_only`, only
    for mail that looks like bulk mail."""

    name = "sender-domain"
    looks_at = ("headers",)
    options = {
        "domains": Option("list", required=True, doc="domains; subdomains match too"),
        "bulk_only": Option("bool", True, "only judge mail that looks like bulk mail"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self.domains = frozenset(d.lower() for d in options["domains"])

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        found = ctx.facts.sender
        if found is None or not domain_matches(found[2], self.domains):
            return
        # a discussion list (List-Post) relays people writing, not a bulk sender
        if self.opts["bulk_only"] and (not ctx.facts.looks_bulk or doc.header("List-Post") is not None):
            return
        yield _hit(found[0], domain=found[2])


def _recipients(doc: Document) -> list[str]:
    """The lower-cased addresses the To header names (the plain definition of Facts.recipients)."""
    field = doc.header("To")
    if field is None:
        return []
    from email.utils import getaddresses  # email's imports cost start-up; a template never needs them

    return [a.lower() for _, a in getaddresses([field.value]) if "@" in a]


def _shown_domains(text: str) -> set[str]:
    """Registrable domains of the host names text shows, where the suffix is a known one."""
    found = set()
    for m in _HOST.finditer(text):
        host = m.group(1).lower()
        # "example.orgplanner": the longest ending that is a real suffix
        for cut in range(len(host), host.rfind(".") + 1, -1):
            domain = known_registrable_domain(host[:cut])
            if domain:
                found.add(domain)
                break
    return found


class RecipientEchoCheck(Check):
    """The recipient's own address in the Subject (`field: subject`), or the recipient's own mail
    domain as the From display name while the address is on another domain (`field: from-name`)."""

    name = "recipient-echo"
    looks_at = ("headers",)
    options = {
        "field": Option("choice", "subject", "'subject' or 'from-name'", choices=("subject", "from-name")),
    }

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        recipients = ctx.facts.recipients
        if not recipients:
            return
        if self.opts["field"] == "subject":
            field = doc.header("Subject")
            value = field.value.lower() if field is not None else ""
            shown = next((a for a in recipients if a in value), None)
            if shown:
                yield _hit(field, shown=shown)
            return
        found = _named_sender(ctx)
        if found is None:
            return
        field, name, domain = found
        theirs = {registrable_domain(a.rsplit("@", 1)[1]) for a in recipients}
        shown = next(iter(sorted(_shown_domains(name) & theirs)), None)
        if shown and shown != registrable_domain(domain):
            yield _hit(field, shown=shown, domain=domain)


def _echoed_names(address: str) -> list[str]:
    """What of a recipient address a greeting can echo: the address, and the local part when it
    is not a plain word (a first name like "jane" is how people greet, "osst-users" is not)."""
    local = address.rsplit("@", 1)[0]
    names = [address]
    if len(local) >= 3 and not local.isalpha():
        names.append(local)
    return names


def may_hold_name(window: str, names: list[str]) -> bool:
    """False only when no name can match in window under re.IGNORECASE: the window and the names
    are ASCII (where IGNORECASE equates exactly the characters that lower() does) and the
    window's lower case holds no name's.  Each per-message pattern costs a compile, and most
    greetings ("Dear friend") name nobody."""
    if not window.isascii() or not all(n.isascii() for n in names):
        return True  # IGNORECASE equates some non-ASCII characters with ASCII ones (the long s, Kelvin)
    low = window.lower()
    return any(n.lower() in low for n in names)


def _escaped(word: str) -> str:
    return re.escape(word).replace("\\ ", r"\s+")


def opening_source(words: list[str]) -> str:
    r"""`(?<!\w)(?:w1|w2|...)[\s,:!]*` over lower-case words, longest first, written to start with a
    class of their first letters, which lets `re` skip ahead to such a letter instead of trying
    the look-behind and every word at each position (three times faster).  `(?<!\w.)` after
    the letter is `(?<!\w)` before it (a letter is never the newline `.` leaves out), and at
    each start only the words with that first letter can match, in their order as before."""
    if not words or not all(w[:1].isalpha() for w in words):
        return rf"(?<!\w)(?:{'|'.join(map(_escaped, words)) or '(?!)'})[\s,:!]*"  # the plain form
    by_first: dict[str, list[str]] = {}
    for w in words:
        by_first.setdefault(w[0], []).append(w[1:])
    alts = "|".join(f"(?<={re.escape(c)})(?:{'|'.join(map(_escaped, rest))})" for c, rest in by_first.items())
    return rf"[{''.join(map(re.escape, by_first))}](?<!\w.)(?:{alts})[\s,:!]*"


_GREETINGS = ("dear", "hello", "hi", "hey", "greetings", "attention", "welcome", "good day",
              "good morning", "good afternoon", "good evening", "olá", "ola", "bem vindo", "bem-vindo",
              "prezado", "prezada", "hola", "estimado", "estimada", "hallo", "liebe", "lieber",
              "bonjour", "cher", "chère", "ciao", "gentile")


class RecipientGreetingCheck(Check):
    """A greeting in the opening `within` characters of a body that addresses the reader by their
    own address, or by its local part where that is not a plain word ("Dear osst-users")."""

    name = "recipient-greeting"
    scopes = frozenset({"body", "text", "html"})
    options = {
        "within": Option("int", 200, "how many characters from the start of a body are read"),
        "greetings": Option("list", list(_GREETINGS), "words that open a greeting"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        words = sorted((w.lower() for w in options["greetings"]), key=len, reverse=True)
        self.greeting = "|".join(re.escape(w).replace("\\ ", r"\s+") for w in words) or "(?!)"
        # the head of every match: a body with no greeting in its opening is not searched, and
        # the per-message pattern (which names the recipients) is compiled only for one that has
        self.opening = compile_pattern(opening_source(words), re.IGNORECASE)

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        within = self.opts["within"]
        greeted = [(seg, m.start()) for seg in ctx.facts.segments(scope)
                   if (m := self.opening.search(seg.text, 0, within))]
        names = [n for a in ctx.facts.recipients for n in _echoed_names(a)] if greeted else []
        if not names:
            return
        pattern = None  # compiled only for a segment that can hold a name after its greeting
        for seg, first in greeted:  # no match can start before the first greeting
            if not may_hold_name(seg.text[first:within], names):
                continue
            if pattern is None:
                pattern = self.pattern(names)
            m = pattern.search(seg.text, first, within)
            if m:
                yield Hit(**seg.hit(m.start(1), m.end(1), shown=m.group(1)))

    def pattern(self, names: list[str]) -> re.Pattern[str]:
        """A greeting followed by one of these names (the recipients' addresses or local parts)."""
        alts = "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))
        return re.compile(rf"(?<!\w)(?:{self.greeting})[\s,:!]*({alts})(?![\w-]|\.\w)", re.IGNORECASE)

    def _plain_run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        """run written plainly, the whole pattern searched in every segment: the reference it must equal."""
        names = [n for a in _recipients(doc) for n in _echoed_names(a)]
        if not names:
            return
        pattern = self.pattern(names)
        for seg in ctx.facts.segments(scope):
            m = pattern.search(seg.text, 0, self.opts["within"])
            if m:
                yield Hit(**seg.hit(m.start(1), m.end(1), shown=m.group(1)))
