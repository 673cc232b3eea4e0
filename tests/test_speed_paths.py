"""Issue 15's fast paths give what the plain definitions beside them give."""

from __future__ import annotations

import sys

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from spamlint import Engine, builtin_rules, load_document
from spamlint.engine import batch, rules
from spamlint.inputs.sources import Source
from spamlint.model.segment import Segment
from spamlint.text.facts import SegmentFacts

RULES = {r.id: r for r in builtin_rules()}
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- checks/senders.py: recipient-greeting ---------------------------------------------------------
GREETING_PIECES = ["Dear ", "dear", "Hi", "hello, ", "Good  morning ", "bonjour", "Hey!", " ", ",", ":", "\n",
                   "jane", "JANE@EXAMPLE.ORG", "dev-list", "dev-list@lists.example.org", "x", "this ", "a.b",
                   "-", ".com", "\u017f", "ol\u00e1 ", "\u00e9"]
openings = st.lists(st.sampled_from(GREETING_PIECES), max_size=40).map("".join)
recipients = st.sampled_from(["jane@example.org", "dev-list@lists.example.org",
                              "Jane <jane@example.org>, dev-list@lists.example.org", "nobody", ""])


@FAST
@given(openings, openings, recipients)
@example("Dear JANE@EXAMPLE.ORG, hi", "", "jane@example.org")
@example("Hi all, hello dev-list: x", "dear dev-list@lists.example.org.", "dev-list@lists.example.org")
@example("x" * 190 + " Hi jane@example.org", "", "jane@example.org")
def test_recipient_greeting_is_the_plain_search(text: str, html: str, to: str) -> None:
    rule = RULES["recipient-address-greeting"]
    raw = (f"From: a@mailer.example.net\nTo: {to}\nSubject: x\nMIME-Version: 1.0\n"
           'Content-Type: multipart/alternative; boundary="b"\n\n'
           f"--b\nContent-Type: text/plain\n\n{text}\n--b\nContent-Type: text/html\n\n<p>{html}</p>\n--b--\n")
    doc = load_document(raw, name="t")
    ctx = Engine([rule]).context(doc)
    fast = list(rule.check.run(doc, ctx, rule.scope))
    assert fast == list(rule.check._plain_run(doc, ctx, rule.scope))


# -- checks/brand.py: brand-impersonation's key words ----------------------------------------------
BRAND_PIECES = ["your ", "Your  ", "dear ", "PayPal", "PAYPAL", "pay pal", "paypal's", " account", " Team", "-",
                "Bank of\nAmerica", "bank of america", "UPS", "ups", "Ups", "groups", " support", "Apple ID",
                "Booking.com", "booking com", "\u0130", "\u017f", "Micro\u017foft", "M\u0130CROSOFT", "\u00b2",
                "\u00e9", "caf\u00e9 ", "x", " ", "\n", "@", ".", "IRS", "theirs "]
brand_texts = st.lists(st.sampled_from(BRAND_PIECES), max_size=25).map("".join)


@FAST
@given(brand_texts)
@example("Dear M\u0130CROSOFT customer")
@example("your Micro\u017foft account")
@example("Dear PAYPAL\u00b2 caf\u00e9")
@example("Dear PayPal member")
def test_brand_key_words_never_skip_a_claim(text: str) -> None:
    check = RULES["brand-impersonation"].check
    seg = SegmentFacts(Segment("body", text))
    assert check.may_claim(seg) or check.claim_re.search(text) is None


# -- engine/batch.py: workers inherit the compiled rule pack -----------------------------------------
def _rules_compiled_in_worker(source: Source) -> int:
    """What a worker reports instead of a lint: how many times it has compiled the rule pack."""
    return rules.builtin_rules.cache_info().misses - _PARENT_MISSES[0]


_PARENT_MISSES = [0]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork only on Linux")
def test_workers_inherit_the_compiled_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    rules.builtin_rules()
    _PARENT_MISSES[0] = rules.builtin_rules.cache_info().misses
    monkeypatch.setattr(batch, "_work", _rules_compiled_in_worker)  # a forked worker sees the parent's module
    sources = [Source(name=f"m{i}.txt", ext=".txt", data=b"hello") for i in range(4)]
    assert list(batch.run(sources, batch.Options(), jobs=2)) == [0, 0, 0, 0]
