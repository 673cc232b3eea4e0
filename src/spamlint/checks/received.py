"""The Received trail: judge the hop where the message entered the receiver's (or its list's) network."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable

from spamlint.checks.base import Check, Option
from spamlint.model.document import Document
from spamlint.model.findings import Hit
from spamlint.text.facts import Context
from spamlint.text.urls import is_ip_host, registrable_domain
from spamlint.text.compiled import lazy

if TYPE_CHECKING:  # text/received.py is imported when a message's trail is first read (text/facts.py)
    from spamlint.text.received import Hop

# words ISPs put in the names of their customers' addresses
_POOL_WORDS = lazy(
    r"(?:^|[.-])(?:a?dsl|[vx]dsl|dyn|dynamic|dynip|pool|pools|cable|dhcp|ppp|pppoe|dial|dialup|dip"
    r"|broadband|cust|customer|clients?|resnet|fttx|ftth|catv|cpe|hsd\d*)\d*(?=[.-]|$)",
    re.IGNORECASE,
)


def looks_dynamic(name: str, ip: str | None) -> bool:
    """True for host names of end-user address pools: the IP's digits in the name, dsl, dyn, pool, cable ..."""
    local = name.rsplit(".", 2)[0] if name.count(".") >= 2 else name  # the ISP's own domain says nothing
    return bool(_POOL_WORDS.search(local)) or (ip is not None and _ip_in_name(local, ip))


def _ip_in_name(name: str, ip: str) -> bool:
    """The IPv4 address's four numbers (either order) or its hex form written in the host name."""
    octets = [str(int(o)) for o in ip.split(".")] if ip.count(".") == 3 else []
    if len(octets) != 4:
        return False
    numbers = [str(int(n)) for n in re.findall(r"\d+", name)]
    joined = f",{','.join(numbers)},"
    if f",{','.join(octets)}," in joined or f",{','.join(reversed(octets))}," in joined:
        return True
    return "".join(f"{int(o):02x}" for o in octets) in name.lower()


def helo_problem(hop: Hop) -> str | None:
    """What is wrong with the entry hop's HELO name, or None."""
    helo = hop.helo or ""
    if not helo:
        return None
    if is_ip_host(helo.strip("[]").removeprefix("ipv6:")):
        return "a bare IP address"
    if "." not in helo:
        return "not a fully qualified name"
    if hop.rdns_state == "recorded" and hop.rdns and registrable_domain(helo) != registrable_domain(hop.rdns):
        return f"not the rDNS name {hop.rdns}"
    return None


def _hit(hop: Hop, **detail: object) -> Hit:
    return Hit(part="header:Received", line=hop.line, column=1, excerpt=_describe(hop)[:120], detail=detail)


def _describe(hop: Hop) -> str:
    rdns = hop.rdns or hop.rdns_state
    return f"Received: from {hop.helo or '?'} ({rdns} [{hop.ip or '?'}]) by {hop.by or '?'}"


class ReceivedCheck(Check):
    """The hop where the message entered the receiver's network shows `problem`."""

    name = "received"
    looks_at = ("headers",)
    options = {
        "problem": Option("choice", required=True, doc="what to look for at the entry hop",
                          choices=("unknown-rdns", "dynamic-rdns", "helo-ip", "helo-not-fqdn", "helo-mismatch",
                                   "direct-to-mx")),
    }

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        if not doc.is_message:
            return
        t = ctx.facts.trail
        hop = t.entry
        if hop is None or hop.authenticated:  # a logged-in client is a customer, not a stranger
            return
        problem = self.opts["problem"]
        if problem == "unknown-rdns" and hop.rdns_state == "unknown":
            yield _hit(hop, ip=hop.ip)
        elif problem == "dynamic-rdns" and hop.rdns and looks_dynamic(hop.rdns, hop.ip):
            yield _hit(hop, rdns=hop.rdns)
        elif problem.startswith("helo-"):
            found = helo_problem(hop)
            kind = {"helo-ip": "a bare IP", "helo-not-fqdn": "not a fully", "helo-mismatch": "not the rDNS"}[problem]
            if found and found.startswith(kind):
                yield _hit(hop, helo=hop.helo, problem=found)
        elif problem == "direct-to-mx" and _direct(hop):
            yield _hit(hop, client=hop.rdns or hop.ip)


def _direct(hop: Hop) -> bool:
    """An end-user machine at the entry: an address with no name or a pool name, which greets with a
    bare IP or a single-label name, as home computers do and mail servers do not."""
    pool = hop.rdns_state == "unknown" or bool(hop.rdns and looks_dynamic(hop.rdns, hop.ip))
    problem = helo_problem(hop) or ""
    return pool and problem.startswith(("a bare IP", "not a fully"))


class ReceivedDateCheck(Check):
    """The Date header lies more than `hours` after (`future`) or before (`past`) the entry hop's date."""

    name = "received-date"
    looks_at = ("headers",)
    options = {
        "direction": Option("choice", required=True, doc="future or past", choices=("future", "past")),
        "hours": Option("float", 24.0, "how far off the Date header may be"),
    }

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        field = doc.header("Date")
        if not doc.is_message or field is None:
            return
        t = ctx.facts.trail
        hop = t.entry or (t.hops[0] if t.hops else None)  # the receiver's clock, never ours
        from spamlint.text.received import parse_date  # imported already: ctx.facts.trail read it

        sent = parse_date(field.value)
        if hop is None or hop.date is None or sent is None:
            return
        hours = (sent - hop.date).total_seconds() / 3600
        if (hours if self.opts["direction"] == "future" else -hours) > self.opts["hours"]:
            yield Hit(part="header:Date", line=field.line, column=1, excerpt=f"Date: {field.value}"[:120],
                      detail={"hours": round(abs(hours)), "received": hop.date.isoformat()})
