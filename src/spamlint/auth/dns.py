"""A small DNS client over dnspython: one server, timeouts, a query budget and a per-run cache.

Every answer is an Answer whose `status` says what happened; a timeout, SERVFAIL or an
exhausted budget is status "error" (a "could not check"), never an empty answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import dns.resolver
import dns.reversename
import dns.zone

DEFAULT_TIMEOUT = 3.0  # seconds per query; a slow server is "could not check", not a hang
MAX_SILENT = 2  # timeouts in a row after which the server counts as down for the rest of the run
DEFAULT_BUDGET = 60  # queries per run: SPF's own limit is 10 per record, and a run checks a handful


@dataclass(frozen=True)
class Answer:
    """What a query returned: status ok/empty/nxdomain/error, record texts, a CNAME at the name, why on error."""

    status: str
    records: tuple[str, ...] = ()
    cname: str | None = None
    reason: str = ""

    @property
    def failed(self) -> bool:
        """True when the question could not be answered (timeout, SERVFAIL, budget)."""
        return self.status == "error"


class Lookup(Protocol):
    """Anything that answers (name, type) questions: the live client, or a zone read from text."""

    def query(self, name: str, rdtype: str) -> Answer:
        """The answer for name and type."""
        ...


def _text(rdata: object, rdtype: str) -> str:
    """A record as text; TXT strings joined (RFC 7208 3.3: the strings of one record are one text)."""
    if rdtype == "TXT":
        return b"".join(rdata.strings).decode("utf-8", "replace")  # type: ignore[attr-defined]
    return rdata.to_text().rstrip(".") if rdtype in ("CNAME", "PTR") else rdata.to_text()


def _answer(rrsets: list, name: dns.name.Name, rdtype: str, nxdomain: bool) -> Answer:
    """Records of the asked type, following CNAMEs inside the answer; the first CNAME is kept as a fact."""
    want = dns.rdatatype.from_text(rdtype)
    cname, target, records = None, name, []
    for _ in range(8):  # a CNAME chain inside one answer, bounded
        found = [r for r in rrsets if r.name == target and r.rdtype == want]
        if found:
            records = [_text(rd, rdtype) for rs in found for rd in rs]
            break
        alias = [r for r in rrsets if r.name == target and r.rdtype == dns.rdatatype.CNAME]
        if not alias:
            break
        target = alias[0][0].target
        cname = cname or target.to_text().rstrip(".")
    if records:
        return Answer("ok", tuple(records), cname)
    return Answer("nxdomain" if nxdomain and cname is None else "empty", (), cname)


class Resolver:
    """Queries one server (HOST[:PORT], else the system's first) with a timeout, a budget and a cache."""

    def __init__(self, server: str | None = None, timeout: float = DEFAULT_TIMEOUT, budget: int = DEFAULT_BUDGET) -> None:
        self.host, self.port = parse_server(server) if server else (_system_server(), 53)
        self.timeout, self.budget = timeout, budget
        self.asked = 0
        self.silent = 0  # timeouts in a row: a server that stopped answering is not waited on again
        self.cache: dict[tuple[str, str], Answer] = {}

    def query(self, name: str, rdtype: str) -> Answer:
        """The answer for name and type, asked at most once per run."""
        key = (name.lower().rstrip("."), rdtype)
        if key not in self.cache:
            self.cache[key] = self._ask(*key)
        return self.cache[key]

    def _ask(self, name: str, rdtype: str) -> Answer:
        if self.asked >= self.budget:
            return Answer("error", reason=f"query budget of {self.budget} used up")
        if self.silent >= MAX_SILENT:
            return Answer("error", reason=f"{self.host}:{self.port} stopped answering")
        self.asked += 1
        try:
            qname = dns.name.from_text(name)
            msg = dns.message.make_query(qname, rdtype, flags=dns.flags.RD)
            reply, _ = dns.query.udp_with_fallback(msg, self.host, timeout=self.timeout, port=self.port)
        except dns.exception.Timeout:
            self.silent += 1
            return Answer("error", reason=f"no answer from {self.host}:{self.port} within {self.timeout:g}s")
        except (dns.exception.DNSException, OSError, ValueError) as exc:
            return Answer("error", reason=f"{type(exc).__name__}: {exc}")
        self.silent = 0
        rcode = reply.rcode()
        if rcode not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
            return Answer("error", reason=f"server said {dns.rcode.to_text(rcode)}")
        return _answer(reply.answer, qname, rdtype, rcode == dns.rcode.NXDOMAIN)


class ZoneLookup:
    """Answers from a zone written as text (master-file format, absolute names): rule examples, offline.

    A comment line `; servfail: NAME` says the servers for NAME and the names below it fail
    (a broken delegation), so a rule's example can show what a "could not check" looks like.
    """

    def __init__(self, text: str) -> None:
        self.zone = dns.zone.from_text(text, origin=dns.name.root, relativize=False, check_origin=False)
        self.failing = [dns.name.from_text(line.split(":", 1)[1].strip()) for line in text.splitlines()
                        if line.startswith("; servfail:")]

    def query(self, name: str, rdtype: str) -> Answer:
        """The zone's records for name and type (nxdomain when the name has none at all)."""
        qname = dns.name.from_text(name)
        if any(qname.is_subdomain(bad) for bad in self.failing):
            return Answer("error", reason="server said SERVFAIL")
        node = self.zone.get_node(qname)
        if node is None:
            return Answer("nxdomain")
        rrsets = [self.zone.get_rrset(qname, rd.rdtype) for rd in node.rdatasets]
        return _answer([r for r in rrsets if r is not None], qname, rdtype, False)


def parse_server(value: str) -> tuple[str, int]:
    """HOST, HOST:PORT, or [IPv6]:PORT -> (host, port); raises ValueError."""
    host, port = value, "53"
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else "53"
    elif value.count(":") == 1:
        host, port = value.split(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"resolver {value!r}: expected HOST or HOST:PORT")
    return host, int(port)


def _system_server() -> str:
    try:
        return dns.resolver.Resolver().nameservers[0]
    except (dns.exception.DNSException, IndexError, OSError):
        return "127.0.0.1"


def reverse_name(ip: str) -> str:
    """The in-addr.arpa / ip6.arpa name of an address."""
    return dns.reversename.from_address(ip).to_text().rstrip(".")
