"""URL facts: host, registrable domain (Public Suffix List, packaged offline copy), IP hosts."""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import urlsplit

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_DOMAIN_IN_TEXT = re.compile(
    r"(?<![\w@.-])(?:https?://)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})(?![\w-])",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _psl():  # loading the list takes a few ms: only when a link rule needs it
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


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
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return host.rstrip(".")


@lru_cache(maxsize=8192)
def registrable_domain(host: str) -> str:
    """example.co.uk for www.news.example.co.uk; the host itself for IPs and bare suffixes."""
    if is_ip_host(host):
        return host
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        pass
    return _psl().privatesuffix(host.lower()) or host.lower()


@lru_cache(maxsize=8192)
def is_ip_host(host: str) -> bool:
    """True for dotted IPv4, IPv6, and integer/hex/octal encodings of an IPv4 address."""
    h = host.strip("[]")
    try:
        ipaddress.ip_address(h)
        return True
    except ValueError:
        pass
    if re.fullmatch(r"(0x[0-9a-f]+|\d+)(\.(0x[0-9a-f]+|\d+)){0,3}", h, re.IGNORECASE):
        return True
    return False


def domain_in_text(text: str) -> str | None:
    """The domain an anchor text shows (as in 'www.bank.com' or 'https://bank.com/login'), if any."""
    m = _DOMAIN_IN_TEXT.search(text)
    if not m:
        return None
    return m.group(1).lower()


def domain_matches(host: str, domains: frozenset[str]) -> bool:
    """True if host is one of domains or a subdomain of one."""
    parts = host.lower().split(".")
    return any(".".join(parts[i:]) in domains for i in range(len(parts)))
