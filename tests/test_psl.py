"""URL facts: the Public Suffix List as spamlint loads it answers as the library's default load,
and host_of's fast path says what urlsplit says."""

from __future__ import annotations

import re

import pytest
from publicsuffixlist import PublicSuffixList

from spamlint.text.urls import _psl, host_of, punycode_rules, registrable_domain


def test_with_punycode_it_is_the_library_default() -> None:
    ours, theirs = _psl(True), PublicSuffixList()
    assert ours._publicsuffix == theirs._publicsuffix
    assert ours._maxlabel == theirs._maxlabel
    assert ours.accept_unknown == theirs.accept_unknown


def test_what_is_left_out_without_punycode_has_an_xn_label() -> None:
    full, short = _psl(True)._publicsuffix, _psl(False)._publicsuffix
    assert short <= full
    assert all("xn--" in rule for rule in full - short)


@pytest.mark.parametrize("host", ["www.news.example.co.uk", "a.b.ck", "www.ck", "shop.example.com", "x.y.kawasaki.jp",
                                  "city.kawasaki.jp", "xn--fiqs8s.xn--fiqs8s", "a.xn--55qx5d.cn", "b.公司.cn",
                                  "WWW.Example.COM", "localhost", "192.168.0.1"])
def test_registrable_domain_as_the_library_says(host: str) -> None:
    lowered = host.lower()
    if not lowered.isascii():
        lowered = lowered.encode("idna").decode("ascii")
    expected = host if host[0].isdigit() else PublicSuffixList().privatesuffix(lowered) or lowered
    assert registrable_domain(host) == expected


def test_punycode_rules_only_for_non_ascii_rules() -> None:
    lines = ["// comment", "com", "*.ck", "!www.ck", "公司.cn", "!例.jp  trailing"]
    assert punycode_rules(lines) == ["xn--55qx5d.cn", "!xn--fsq.jp"]


def _urlsplit_host(url: str) -> str | None:
    """host_of as it was written before its fast path: urlsplit for every URL."""
    from urllib.parse import urlsplit

    url = url.strip()
    if not url or url.startswith(("#", "mailto:", "tel:", "sms:", "cid:", "data:", "javascript:")):
        return None
    if not re.match(r"^[a-z][a-z0-9+.-]*:", url, re.IGNORECASE):
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


@pytest.mark.parametrize("url", [
    "https://Shop.Example.COM/path", "http://example.com", "http://example.com.", "HTTP://a.b?x=1", "http://a.b#top",
    "//cdn.example.net/x.png", "www.Example.org/page", "http://user@evil.example/", "http://a.example:8080/",
    "http://[::1]/", "http://[bad/", "http://exa\tmple.com/", "http://example.com\n.evil/", "http://...", "http:///x",
    "http://\u017fhop.example/", "https://example.com/pa\tth", "ftp://example.com/", "mailto:a@b.c", " http://x.y ",
])
def test_host_of_as_urlsplit_says(url: str) -> None:
    assert host_of.__wrapped__(url) == _urlsplit_host(url)
