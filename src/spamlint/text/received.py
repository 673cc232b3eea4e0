"""Received headers -> frozen Hop records, and the hop where a message entered the receiver's network.

Pure parsing from header text (the run's facts, text/facts.py, call `read_trail` once per run).  The forms accepted (one example each, see the tests):

  Postfix / Sendmail  from HELO (RDNS [IP]) by BY ...;  from HELO (unknown [IP]) ...
  Sendmail, no match  from HELO (user@RDNS [IP] (may be forged)) ...
  Gmail               from HELO (RDNS. [IP]) by mx.google.com ...
  Exim                from RDNS ([IP] helo=HELO) by ...;  from [IP] (helo=HELO) ...;  from RDNS ([IP]) ...
  qmail               from unknown (HELO helo) (IP) ...
  Microsoft           from HELO (IP) by BY (IP) with Microsoft SMTP Server ...  (no rDNS recorded)
  local hand-over     by host with SMTP id ...  (no from clause)

`rdns` is the name the receiving server looked up for the IP; "unknown" is kept as the state
`rdns_state="unknown"`, and a server format that records no lookup (Microsoft, a bare `[IP]`)
gives `rdns_state="absent"`.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Iterable, Iterator, Sequence, Union

from spamlint.model.document import Document
from spamlint.text.urls import registrable_domain
from spamlint.text.compiled import lazy

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]

# list software's hops are the list's, not the author's: these headers name the list's domain
_LIST_HEADERS = ("List-Id", "List-Post", "X-Mailing-List", "Mailing-List", "X-BeenThere", "List-Unsubscribe")
# a split, not a host-name pattern: nested repeats would backtrack quadratically on `a.a.a.…`
_NOT_HOST = lazy(r"[^a-z0-9.@-]+")
_MAX_TOKENS = 40  # a list header names its domain early; a forged giant one is not read to the end
# list hosts that deliver from their parent's servers
_LIST_ALIASES = {"googlegroups.com": "google.com", "yahoogroups.com": "yahoo.com"}

_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT (RFC 6598)
_BY = lazy(r"(?:^|[\s)])by\s+([^\s;()]+)", re.IGNORECASE)
_WITH = lazy(r"(?:^|[\s)])with\s+([A-Za-z0-9_-]+)", re.IGNORECASE)
_FROM = lazy(r"^\s*from\s+(.*?)(?=(?:^|[\s)])by\s|$)", re.IGNORECASE)
_BRACKET_IP = lazy(r"\[(?:IPv6:)?([0-9a-fA-F:.]+)\]")
_PAREN_IP = lazy(r"\((?:IPv6:)?([0-9a-fA-F:.]{3,})(?::\d+)?\)")
_FOR = lazy(r"(?:^|\s)for\s+<?([^\s<>;@]+@[^\s<>;@]+)>?", re.IGNORECASE)
_HELO_EQ = lazy(r"helo=([^\s)\]]+)", re.IGNORECASE)
_QMAIL_HELO = lazy(r"\(HELO\s+([^\s)]+)\)", re.IGNORECASE)
_AUTH_PROTOCOLS = frozenset({"ESMTPA", "ESMTPSA", "LMTPA", "LMTPSA", "UTF8SMTPA", "UTF8SMTPSA"})
_PAREN = lazy(r"\(([^()]*)")  # the first parenthesised group, up to a nested '(' or ')'
# _FROM in two steps: its head, then where its lazy group stops (the first " by " after the head);
# the lazy group tried the look-ahead at every character, which made it the slowest search of a
# hop (_FROM stays as the plain definition the tests hold the two steps to)
_FROM_HEAD = lazy(r"^\s*from\s+", re.IGNORECASE)
_FROM_END = lazy(r"(?:^|[\s)])by\s", re.IGNORECASE)


@dataclass(frozen=True)
class Hop:
    """One Received header: who handed the message over (helo, rdns, ip) to whom (by), and when."""

    index: int  # 0 = the top (newest) Received header
    helo: str | None  # the name the client claimed in HELO/EHLO
    rdns: str | None  # the name the receiving server recorded for the IP (None: none recorded)
    rdns_state: str  # "recorded", "unknown" (the server wrote unknown) or "absent" (no lookup shown)
    ip: str | None
    by: str | None
    protocol: str | None  # the `with` word: SMTP, ESMTPS, ESMTPSA, HTTP, ...
    date_text: str  # after the last `;`, parsed on demand (the rules read one or two hops' dates)
    line: int | None = None
    recipient: str | None = None  # the `for <address>` the receiving server recorded

    @property
    def date(self) -> datetime | None:
        """When the receiving server says it got the message (aware), or None."""
        return parse_date(self.date_text) if self.date_text else None

    @property
    def has_from(self) -> bool:
        """True when the hop names a client (a network hand-over, not a local one)."""
        return self.helo is not None or self.ip is not None

    @property
    def authenticated(self) -> bool:
        """True when the client logged in (ESMTPA, ESMTPSA, LMTPA: RFC 3848)."""
        return (self.protocol or "").upper() in _AUTH_PROTOCOLS


def parse_hop(value: str, index: int = 0, line: int | None = None) -> Hop:
    """Parse one Received header value (unfolded or not); unknown shapes give a Hop with Nones."""
    text = " ".join(value.split())  # re.sub(r"\s+", " ", value).strip(): \s and split both mean str.isspace
    head, when = text.rpartition(";")[::2] if ";" in text else (text, "")
    low = head.lower()
    by = _search(_BY, head, low, "by", 1)
    proto = _search(_WITH, head, low, "with", 1)
    helo, rdns, state, ip = _from_clause(head, low)
    found = _search(_FOR, head, low, "for", 1)
    return Hop(index=index, helo=helo, rdns=rdns, rdns_state=state, ip=ip,
               by=_host(by.group(1)) if by else None, protocol=proto.group(1) if proto else None,
               date_text=when.strip(), line=line, recipient=found.group(1).lower() if found else None)


def _search(pattern: re.Pattern[str], text: str, low: str, word: str, lead: int) -> re.Match[str] | None:
    """pattern.search(text) for a case-blind pattern whose every match holds the ASCII `word` at most
    `lead` characters after its start; `low` is text.lower().

    In ASCII text (nearly every Received header) only ASCII letters match a word case-blind, and
    each keeps its place in `low`: a text without the word holds no match, and no match starts
    more than `lead` characters before the word's first place.  Other text is searched whole
    (case-blind `re` matches "i" with the dotless and the dotted I, whose lower cases differ).
    """
    if not text.isascii():
        return pattern.search(text)
    at = low.find(word)
    return None if at == -1 else pattern.search(text, max(at - lead, 0))


def parse_trail(values: Iterable[tuple[str, int | None]]) -> tuple[Hop, ...]:
    """Parse Received header values (value, line), top first, into hops."""
    return tuple(parse_hop(v, i, line) for i, (v, line) in enumerate(values))


def _from_clause(head: str, low: str | None = None) -> tuple[str | None, str | None, str, str | None]:
    """(helo, rdns, rdns_state, ip) of the `from` part of a Received header (`low`: head.lower())."""
    clause = _from_text(head, head.lower() if low is None else low)
    if clause is None:
        return None, None, "absent", None
    first = clause.split(" ", 1)[0].split("(", 1)[0]
    bracket = _BRACKET_IP.search(clause)
    bare = _PAREN_IP.search(clause)
    ip = _ip(bracket.group(1) if bracket else bare.group(1) if bare else None)
    if ip is None and _ip(first.strip("[]")) is not None:
        ip = _ip(first.strip("[]"))
    helo_eq = _HELO_EQ.search(clause) if "helo=" in clause.lower() else None  # most hops are not Exim's
    qmail = _QMAIL_HELO.search(clause)
    if helo_eq or qmail:  # Exim / qmail: the first word is the looked-up name
        helo = (helo_eq or qmail).group(1)
        if first.startswith("["):
            return _host(helo), None, "absent", ip
        if qmail is not None and first.lower() == "unknown":  # qmail writes unknown when it looks nothing up
            return _host(helo), None, "absent", ip
        return _host(helo), *_rdns(_host(first)), ip
    paren = _PAREN.search(clause)
    inner = paren.group(1).strip() if paren else ""
    if bracket and inner and not inner.startswith("["):  # Postfix, Sendmail, Gmail: (RDNS [IP])
        name = inner.split(" ", 1)[0].rsplit("@", 1)[-1]
        return _host(first), *_rdns(name), ip
    if bracket and inner.startswith("[") and not first.startswith("["):  # Exim: RDNS ([IP]), helo = rdns
        return _host(first), _host(first), "recorded", ip
    return _host(first), None, "absent", ip  # Microsoft (IP), a bare [IP], or a shape we do not know


def _from_text(head: str, low: str) -> str | None:
    """_FROM.match(head).group(1).strip(), or None without a match (`low`: head.lower())."""
    if not low.lstrip().startswith("from"):  # the ASCII word keeps its place in the lower case
        return None
    m = _FROM_HEAD.match(head)
    if m is None:
        return None
    # _FROM's lazy group stops at the first place after the head where " by " stands (or at the end)
    end = _FROM_END.search(head, m.end())
    return head[m.end():end.start() if end else len(head)].strip()


def _rdns(name: str | None) -> tuple[str | None, str]:
    if not name:
        return None, "absent"
    if name.lower() in ("unknown", "unverified"):
        return None, "unknown"
    return _host(name), "recorded"


def _host(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip("[]()<>").rstrip(".").lower()
    return name or None


# a dotted IPv4 address as ipaddress accepts it: four decimal octets up to 255, none with a leading zero
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])"
_IPV4 = lazy(rf"{_OCTET}(?:\.{_OCTET}){{3}}")


def _ip(text: str | None) -> str | None:
    """str(ipaddress.ip_address(text)), or None when text is no IP address."""
    if not text:
        return None
    if ":" not in text:  # no IPv6 address lacks a colon, and an IPv4 one is written as ipaddress writes it
        return text if _IPV4.fullmatch(text) else None
    return _ipv6(text)


@lru_cache(maxsize=4096)  # ipaddress is slow and relays repeat
def _ipv6(text: str) -> str | None:
    return _ipv6_text(text)


def _ipv6_text(text: str) -> str | None:
    """_plain_ip of a text with a ':': ip_address tries IPv4Address first, which a ':' always fails."""
    try:
        return str(ipaddress.IPv6Address(text))
    except ValueError:
        return None


def _plain_ip(text: str | None) -> str | None:
    """_ip by its definition: the reference it must equal."""
    if not text:
        return None
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


@lru_cache(maxsize=1024)
def parse_date(text: str) -> datetime | None:
    """An RFC 5322 date as an aware datetime, or None when it does not parse."""
    from email.utils import parsedate_to_datetime  # email's imports cost start-up; a template never needs them

    try:
        when = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    # "-0000" or no zone: read as UTC (an error of hours; the date rules judge days)
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)


def entry_hop(hops: Iterable[Hop], internal_domains: Iterable[str] = (),
              networks: Sequence[Network] = ()) -> Hop | None:
    """The hop where the message entered the receiver's network: the first hop, from the top, whose
    client is not internal.  A client is internal when its IP is private or in `networks`, or its
    recorded name (its HELO when the server records no rDNS) is on an internal domain: the top
    hop's receiver's, one of `internal_domains` (a mailing list's), or the domain of a server
    already found internal.  Each hop read this way was written by a server the walk trusts;
    None when every hop is internal (local mail, or a list whose own hops are all there is).
    """
    domains = set(internal_domains)
    last_list = -1
    # a list's own machinery may hand over between unnamed addresses: every hop above the last
    # one a host on the list's domain received is the list's; a list whose hosts are on another
    # domain is found by the first hop taking mail for an address on the list's domain (its MX;
    # hops below may be the author's own, sending to the list)
    if domains:  # without a list, hops are read one by one (read_trail parses them as the walk goes)
        hops = tuple(hops)
        hosts = [h.index for h in hops if h.by and registrable_domain(h.by) in domains]
        to_list = [h.index for h in hops if h.recipient and registrable_domain(h.recipient.rsplit("@", 1)[1]) in domains]
        last_list = hosts[-1] if hosts else to_list[0] if to_list else -1
    for hop in hops:
        if hop.by:
            domains.add(registrable_domain(hop.by))
        if not hop.has_from or hop.index < last_list or _internal(hop, domains, networks):
            continue
        return hop
    return None


def _internal(hop: Hop, domains: set[str], networks: Sequence[Network]) -> bool:
    if hop.ip is not None and (is_private(hop.ip) or bool(networks) and in_networks(hop.ip, networks)):
        return True
    name = hop.rdns if hop.rdns_state == "recorded" else hop.helo if hop.rdns_state == "absent" else None
    if not name:
        return False
    domain = registrable_domain(name)
    return domain in domains


@lru_cache(maxsize=4096)
def is_private(ip: str) -> bool:
    """True for loopback, private, link-local, CGNAT and unspecified addresses."""
    # ip_address(ip), without its failed IPv4 try for an IPv6 address (hops hold them written out)
    addr = ipaddress.IPv6Address(ip) if ":" in ip else ipaddress.IPv4Address(ip)
    if addr.version == 6 and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_unspecified or \
        addr in _SHARED


def parse_networks(cidrs: Sequence[str]) -> tuple[Network, ...]:
    """CIDR strings -> networks; raises ValueError naming the bad one."""
    out = []
    for c in cidrs:
        try:
            out.append(ipaddress.ip_network(c.strip(), strict=False))
        except ValueError:
            raise ValueError(f"not an IP network: {c!r}") from None
    return tuple(out)


def in_networks(ip: str, networks: Sequence[Network]) -> bool:
    """True when ip lies in one of the networks."""
    addr = ipaddress.ip_address(ip)
    return any(addr.version == n.version and addr in n for n in networks)


class Trail:
    """The parsed hops (top first) and the hop where the message entered (None: not found)."""

    __slots__ = ("_hops", "_rest", "entry")

    def __init__(self, hops: Sequence[Hop], entry: Hop | None, rest: Sequence[tuple[str, int | None]] = ()) -> None:
        """`hops` parsed so far (top first); `rest`, the Received values (value, line) below them, parsed
        when `hops` is first read (the rules read only the entry hop, which is mostly near the top)."""
        self._hops: tuple[Hop, ...] | None = None if rest else tuple(hops)
        self._rest = (tuple(hops), tuple(rest)) if rest else None
        self.entry = entry

    @property
    def hops(self) -> tuple[Hop, ...]:
        """All the hops, top first."""
        if self._hops is None:
            done, rest = self._rest
            self._hops = done + tuple(parse_hop(v, len(done) + i, line) for i, (v, line) in enumerate(rest))
        return self._hops


def read_trail(doc: Document, networks: Sequence[Network] = ()) -> Trail:
    """The document's Received trail and its entry hop, with `networks` as the receiver's own."""
    received = [(h.value, h.line) for h in doc.headers if h.name.lower() == "received"]
    domains = list_domains(doc)
    if domains:  # a list's own hops are found from all of them
        hops = parse_trail(received)
        return Trail(hops, entry_hop(hops, domains, networks))
    parsed: list[Hop] = []  # the walk stops at the entry hop: parse no further
    entry = entry_hop(_parsing(received, parsed), (), networks)
    return Trail(parsed, entry, received[len(parsed):])


def _parsing(values: Sequence[tuple[str, int | None]], into: list[Hop]) -> Iterator[Hop]:
    """parse_trail(values) one hop at a time, each also kept in `into`."""
    for i, (value, line) in enumerate(values):
        hop = parse_hop(value, i, line)
        into.append(hop)
        yield hop


def list_domains(doc: Document) -> set[str]:
    """Registrable domains of the mailing list the message came through (List-Id, List-Post, ...)."""
    out: set[str] = set()
    for name in _LIST_HEADERS[:-1] if doc.header("List-Id") is None else _LIST_HEADERS:
        field = doc.header(name)
        if field is None:
            continue
        for token in _NOT_HOST.split(field.value.lower())[:_MAX_TOKENS]:
            host = token.rsplit("@", 1)[-1].strip(".-")
            if "." not in host or len(host) > 253:
                continue
            domain = registrable_domain(host)
            out.add(domain)
            if domain in _LIST_ALIASES:
                out.add(_LIST_ALIASES[domain])
    return out
