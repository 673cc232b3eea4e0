"""The Public Suffix List as spamlint loads it answers as the library's own default load."""

from __future__ import annotations

import pytest
from publicsuffixlist import PublicSuffixList

from spamlint.urls import _psl, punycode_rules, registrable_domain


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
