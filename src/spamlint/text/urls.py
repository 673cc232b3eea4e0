"""URL facts: host, registrable domain (Public Suffix List, packaged offline copy), IP hosts."""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import urlsplit
from spamlint.text.compiled import lazy

_SCHEME = lazy(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
# http(s) and a host of plain ASCII name characters ending the URL or followed by / ? #: the
# host is then urlsplit's hostname (no user, port, brackets; no tab or newline for it to remove)
_PLAIN_WEB = lazy(r"[Hh][Tt][Tt][Pp][Ss]?://([A-Za-z0-9.-]+)(?:[/?#]|\Z)")
_DOMAIN_IN_TEXT = lazy(
    r"(?<![\w@.-])(?:https?://)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})(?![\w-])",
    re.IGNORECASE,
)

_NOT_IP4 = lazy(r"[^0-9a-fA-FxX.]")  # in ASCII text without ':', a character no IPv4 form holds


@lru_cache(maxsize=2)
def _psl(punycode: bool = False):
    """The Public Suffix List, loaded on first use; with `punycode`, also the xn-- forms of its
    non-ASCII rules (as the library adds by default).

    Only a host with an xn-- label can match one of those forms, and making them (the idna
    codec) is most of the load time, so every other host is looked up in the list without them.
    """
    from publicsuffixlist import PSLFILE, PublicSuffixList

    with open(PSLFILE, encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    return PublicSuffixList(lines + punycode_rules(lines) if punycode else lines, accept_encoded_idn=False)


def punycode_rules(lines: list[str]) -> list[str]:
    """The punycode form of each non-ASCII rule in Public Suffix List lines (as the library reads a rule)."""
    out = []
    for line in lines:
        if line.isascii():
            continue  # most of the list; an ASCII rule is its own punycode
        rule = line.lower().split(" ")[0].rstrip()
        if rule and not rule.startswith("//") and not rule.isascii():
            encoded = rule.lstrip("!").encode("idna").decode("ascii")
            out.append("!" + encoded if rule.startswith("!") else encoded)
    return out


@lru_cache(maxsize=8192)
def host_of(url: str) -> str | None:
    """Lower-case host of an http(s) or scheme-less URL; None for mailto:, tel:, anchors, junk."""
    url = url.strip()
    if not url or url.startswith(("#", "mailto:", "tel:", "sms:", "cid:", "data:", "javascript:")):
        return None
    if not _SCHEME.match(url):
        if url.startswith("//"):
            url = "http:" + url
        elif url.lower().startswith("www."):
            url = "http://" + url
        else:
            return None
    plain = _PLAIN_WEB.match(url)
    if plain:  # what urlsplit would say for the usual shape, without its general parse
        return plain.group(1).lower().rstrip(".")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return host.rstrip(".")


def registrable_domain(host: str) -> str:
    """example.co.uk for www.news.example.co.uk; the host itself for IPs and bare suffixes."""
    return host if is_ip_host(host) else name_domain(host)


@lru_cache(maxsize=8192)
def name_domain(host: str) -> str:
    """registrable_domain of a host that is not an IP address (text/facts.py asks each once per document)."""
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        pass
    host = host.lower()
    return _psl("xn--" in host).privatesuffix(host) or host


@lru_cache(maxsize=4096)
def known_registrable_domain(host: str) -> str | None:
    """The registrable domain of host when its suffix is on the Public Suffix List, else None."""
    if is_ip_host(host) or not host.isascii():
        return None
    return _psl(False).privatesuffix(host.lower(), accept_unknown=False)


@lru_cache(maxsize=8192)
def is_ip_host(host: str) -> bool:
    """True for dotted IPv4, IPv6, and integer/hex/octal encodings of an IPv4 address."""
    h = host.strip("[]")
    if h.isascii() and ":" not in h and _NOT_IP4.search(h):
        return False  # a name: ipaddress reads digits and dots, the pattern below hex and x too (a raised error costs)
    try:
        ipaddress.ip_address(h)
        return True
    except ValueError:
        pass
    if re.fullmatch(r"(0x[0-9a-f]+|\d+)(\.(0x[0-9a-f]+|\d+)){0,3}", h, re.IGNORECASE):
        return True
    return False


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


def domain_in_text(text: str) -> str | None:
    """The domain an anchor text shows (as in 'www.bank.com' or 'https://bank.com/login'), if any."""
    m = _DOMAIN_IN_TEXT.search(text)
    if not m:
        return None
    return m.group(1).lower()


MAX_DOMAIN = 253  # characters in a DNS name (RFC 1035)


def domain_matches(host: str, domains: frozenset[str]) -> bool:
    """True if host is one of domains or a subdomain of one."""
    suffix = host.lower()
    if len(suffix) > MAX_DOMAIN:  # no listed domain is longer than a DNS name can be: skip to the last 253
        dot = suffix.find(".", len(suffix) - MAX_DOMAIN - 1)  # characters at once instead of one label
        suffix = suffix[dot + 1:] if dot != -1 else ""        # at a time (quadratic for 'www.' * 500000)
    while suffix not in domains:  # host, then what follows each dot in turn
        dot = suffix.find(".")
        if dot == -1:
            return False
        suffix = suffix[dot + 1:]
    return True
