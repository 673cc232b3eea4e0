"""Link and sender checks beyond the rule examples: look-alike domains, link patterns, display names."""

from __future__ import annotations

import pytest

from spamlint import Engine, load_document
from spamlint.checks.urlshape import _edits_le1, skeleton
from spamlint.engine.rules import builtin_rules

RULES = {r.id: r for r in builtin_rules()}


def _findings(rule_id: str, text: str) -> list:
    return Engine([RULES[rule_id]]).run(load_document(text, name="t"))


@pytest.mark.parametrize(("label", "expected"), [
    ("paypa1", "paypai"), ("rnicrosoft", "microsoft"), ("xn--pypal-4ve", "paypai"),
    ("g00gle", "googie"), ("amazon", "amazon"),
])
def test_skeleton(label: str, expected: str) -> None:
    assert skeleton(label) == expected


@pytest.mark.parametrize(("a", "b", "close"), [
    ("paypal", "paypall", True), ("amazon", "amazom", True), ("paypal", "paypal", True),
    ("linkedin", "linkedn", True), ("abcdef", "abcxyz", False), ("google", "go", False),
])
def test_one_edit(a: str, b: str, close: bool) -> None:
    assert _edits_le1(a, b) is close


@pytest.mark.parametrize(("href", "hit"), [
    ("https://paypal.com/signin", False),
    ("https://www.paypal.me/ana", False),          # the brand's own name under another suffix
    ("https://paypall.com/signin", True),           # one typo away
    ("https://xn--pypal-4ve.com/", True),           # punycode look-alike
    ("https://paypal.com.account-check.example/", True),
    ("https://apple-pie-recipes.example/", False),
])
def test_lookalike_domain(href: str, hit: bool) -> None:
    assert bool(_findings("lookalike-domain", f'<a href="{href}">link</a>')) is hit


@pytest.mark.parametrize(("rule", "href", "text", "hit"), [
    ("odd-port-link", "http://example.net:8080/x", "x", True),
    ("odd-port-link", "https://example.net:443/x", "x", False),
    ("userinfo-link", "http://www.bank.example@evil.example/", "x", True),
    ("userinfo-link", "http://ana@example.org", "mail", False),
    ("encoded-host-link", "http://%65vil.example/", "x", True),
    ("redirect-link", "https://portal.example/out?url=https%3A%2F%2Fevil.example", "x", True),
    ("redirect-link", "https://x.list-manage.com/track?url=https://shop.example", "x", False),
    ("click-here-link", "https://shop.example/", "Click here", True),
    ("click-here-link", "https://shop.example/", "Click here to read the June report", False),
    ("insecure-login-link", "http://bank.example/", "Log in", True),
    ("insecure-login-link", "https://bank.example/", "Log in", False),
])
def test_link_patterns(rule: str, href: str, text: str, hit: bool) -> None:
    assert bool(_findings(rule, f'<p><a href="{href}">{text}</a></p>')) is hit


def test_link_pattern_points_at_the_link() -> None:
    [f] = _findings("odd-port-link", '<p>one</p>\n<p>two <a href="http://example.net:81/">x</a></p>')
    assert (f.line, f.column) == (2, 8)


@pytest.mark.parametrize(("sender", "rule", "hit"), [
    ('"support@bank.example" <x@mailer.example.net>', "from-name-other-address", True),
    ('"support@bank.example" <support@bank.example>', "from-name-other-address", False),
    ('"news@shop.example" <news@mail.shop.example>', "from-name-other-address", False),
    ('"Amazon Security" <no-reply@secure-check.example>', "from-name-brand", True),
    ('"Amazon Web Services" <aws@amazonaws.com>', "from-name-brand", False),
    ('"Ana, Apple grower" <ana@orchard.example>', "from-name-brand", True),
])
def test_display_name(sender: str, rule: str, hit: bool) -> None:
    text = f"From: {sender}\nTo: ben@example.org\nSubject: hi\n\nHello.\n"
    assert bool(_findings(rule, text)) is hit


def test_freemail_on_discussion_list_is_not_bulk() -> None:
    text = ("From: ana@gmail.com\nTo: dev@lists.example.org\nSubject: build\nPrecedence: list\n"
            "List-Post: <mailto:dev@lists.example.org>\n\nThe build fails. Unsubscribe info below.\n")
    assert not _findings("freemail-bulk-sender", text)
