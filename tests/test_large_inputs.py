"""Issue 15: a link-heavy message's link facts are worked out once per document, not once per rule.

Counted, never timed: `scripts/bench.py --scaling` measures how the lint time grows with size.
Each URL's host, and each host's registrable domain and IP test, is derived once per run
(text/facts.py `web_links`, `domain_of`, `is_ip`); the link rules read those facts.  Before, the rules asked the
URL helpers again, and on mail with more distinct hosts than their caches hold (8,192) the
work was redone per rule.
"""

from __future__ import annotations

import sys
from collections import Counter
from typing import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spamlint
from spamlint.text import urls
from spamlint.text.facts import Facts

COUNTED = ("host_of", "name_domain", "is_ip_host")


def links_message(count: int, hosts: int) -> bytes:
    """An HTML message of `count` links to distinct URLs on `hosts` hosts."""
    links = "".join(f'<p><a href="https://www.host{i % hosts}.example.com/story/{i}">Story {i}: '
                    f"read it at host{i % 7}.example.net</a> or <a href='http://192.0.2.{i % 200}/x/{i}'>here</a></p>\n"
                    for i in range(count))
    return ("From: News <news@example.com>\nTo: reader@example.org\nSubject: Today's links\n"
            "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
            f"<html><body>{links}</body></html>\n").encode()


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """Calls of the URL helpers from anywhere in spamlint (cache hits count: a call is a request)."""
    spamlint.lint(links_message(3, 3))  # import every check module before the helpers are wrapped
    counter: Counter[str] = Counter()
    for name in COUNTED:
        original = getattr(urls, name)

        def counted(*args: object, _name: str = name, _original: object = original) -> object:
            counter[_name] += 1
            return _original(*args)  # type: ignore[operator]

        for module in list(sys.modules.values()):
            if getattr(module, "__name__", "").startswith("spamlint") and getattr(module, name, None) is original:
                monkeypatch.setattr(module, name, counted)
    yield counter


def test_link_facts_are_derived_once_per_document(calls: Counter[str]) -> None:
    count, hosts = 600, 150
    report = spamlint.lint(links_message(count, hosts))
    assert any(f.rule == "ip-address-link" for f in report.findings)  # the link rules did run
    distinct_hosts = hosts + 200 + 1  # the www.host*.example.com hosts, the 192.0.2.* addresses, the sender
    assert calls["host_of"] == 2 * count  # each link's URL once
    # each host once for its IP test and (not an IP) its domain, plus a few for the headers
    assert calls["is_ip_host"] <= distinct_hosts + 10
    assert calls["name_domain"] <= hosts + 10


HOST_PIECES = ["www", "mail", "example", "co", "uk", "com", "xn--bcher-kva", "bücher", "192", "0", "2", "1",
               "0x7f", "2130706433", "[::1]", "::1", "-", "a"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(HOST_PIECES), min_size=1, max_size=5).map(".".join))
def test_a_hosts_facts_are_what_the_url_helpers_say(host: str) -> None:
    facts = Facts(spamlint.load_document(b"Subject: x\n\nhello"))
    for _ in range(2):  # worked out, then remembered
        assert facts.domain_of(host) == urls.registrable_domain(host)
        assert facts.is_ip(host) == urls.is_ip_host(host)
