"""Every check kind, pinned by small rules written here (not only through the built-in rule files).

Each row builds a rule through the loader from a dict, runs it on a hit text and a miss text,
and, where the finding has a position, checks its `line:col`.  A new check kind must add a row.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from spamlint import Engine, load_document
from spamlint.auth.audit import audit_example
from spamlint.engine.rules import KINDS, Rule, parse_rule

MIME_HEAD = 'From: a@shop.example\nSubject: hi\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n'
PARAGRAPHS = "<p>A paragraph of newsletter content goes here.</p>\n" * 6


def mixed(*parts: tuple[str, str]) -> str:
    """A multipart/mixed message from (headers, body) parts."""
    return MIME_HEAD + "".join(f"--b\n{h}\n\n{b}\n" for h, b in parts) + "--b--\n"


def make_rule(kind: str, scope: Any, options: dict[str, Any], hit: str = "x", miss: str = "y") -> Rule:
    """A rule of one check kind, loaded from YAML text the way rule files are."""
    rid = f"test-{kind}"
    data = {
        "id": rid, "category": "structure", "check": kind, "points": 1, "severity": "info",
        "message": "test {count}", "why": "pinned by a test", "fix": "none", "options": options,
        "examples": {"hit": [hit], "miss": [miss]},
    }
    if KINDS[kind].scopes:  # kinds that always look at one part take no scope
        data["scope"] = scope
    return parse_rule(f"tests/{rid}.yaml", yaml.safe_dump(data, allow_unicode=True))


def findings(rule: Rule, text: str) -> list:
    """The rule's findings on a text, as the engine reports them (a domain-problem rule's text is a zone)."""
    if rule.check_name == "domain-problem":
        return Engine([rule]).run(load_document("", name="t"), dns_problems=audit_example(text))
    return Engine([rule]).run(load_document(text, name="t"))


# (kind, scope, options, hit text, expected line:col of the first finding or None, miss text)
CASES: list[tuple[str, Any, dict[str, Any], str, str | None, str]] = [
    ("phrases", "body", {"phrases": ["free gift"]}, "Get a free gift today", "1:7", "A gift that is free"),
    ("phrases", "body", {"phrases": {"free gift": 2}}, "Get a fr\u200bee gift today", "1:7", "Get a freezer gift"),
    ("pattern", "body", {"pattern": r"\bACME-\d+\b"}, "Order ACME-42 now", "1:7", "Order ACME now"),
    ("pattern", "subject", {"pattern": "deal", "ignore_case": True},
     "Subject: Big DEAL\n\nhello", "1:14", "Subject: hello\n\nbig deal"),
    ("all-caps", "body", {}, "Hello.\nTHIS IS ALL SHOUTING TODAY.", "2:1", "This is calm today."),
    ("caps-words", "body", {"min_words": 2, "min_word_length": 4},
     "This AMAZING offer is totally FREE.", "1:6", "The NASA and ESA teams met."),
    ("exclamation", "body", {"max_per_sentence": 1}, "Hello. Buy now!! Really!!", "1:15", "Hello there! See you."),
    ("gapped-word", "body", {"words": ["free"]}, "Get your F.r.e.e gift", "1:10", "We met in the U.S.A. today"),
    ("mixed-script", "body", {}, "Confirm your P\u0430ypal account", "1:14", "Hello world, \u043f\u0440\u0438\u0432\u0435\u0442 \u043c\u0438\u0440"),
    ("disguised-word", "body", {"words": ["free"]}, "Get your fr33 gift today", "1:10", "Get your free gift today"),
    ("nonsense-words", "body", {}, "Great offer inside. xkwqzrt plmnbvcx qwrtzkj", "1:21",
     "Strengths: rhythm, jazz and quizzes."),
    ("mojibake", "body", {}, "We\u00e2\u20ac\u2122re glad you\u00e2\u20ac\u2122re here \u00e2\u20ac\u201d don\u00e2\u20ac\u2122t miss it", "1:3",
     "Caf\u00e9 cr\u00e8me, na\u00efve Gr\u00f6\u00dfe, \u20ac25 for two."),
    ("fake-reply", "subject", {"prefixes": ["re"]}, "From: a@shop.example\nSubject: Re: your order\n\nDeals.", "2:10",
     "From: a@shop.example\nSubject: your order\n\nDeals."),
    ("size", "body", {"max_bytes": 100}, "word " * 40, None, "A short note."),
    ("image-only", "images", {}, '<img src="a.jpg" width="600" height="900">', "1:1",
     '<p>Our spring newsletter brings news from the garden: the tulips are out, the new greenhouse is finished '
     'and volunteers are welcome on Saturdays.</p><img src="t.jpg" alt="Tulips">'),
    ("missing-alt", "images", {}, '<p>Welcome.</p><img src="hero.jpg">', "1:16", '<p>Hi</p><img src="a.jpg" alt="A cat">'),
    ("alt-text", "images", {"min_letters": 20},
     '<img src="a.jpg" alt="Huge savings on all designer watches this week only"><p>Hi</p>', "1:1",
     '<img src="a.jpg" alt="A cat"><p>Hello reader.</p>'),
    ("link-pattern", "links", {"domains": ["bit.ly"]}, '<p>See <a href="https://bit.ly/x">this</a></p>', "1:8",
     '<a href="https://example.org/bit.ly">x</a>'),
    ("link-pattern", "links", {"ip_host": True}, '<a href="http://192.168.1.1/login">Sign in</a>', "1:1", '<a href="https://example.org/">x</a>'),
    ("anchor-mismatch", "links", {}, '<a href="http://secure-login.example.net/">www.paypal.com</a>', "1:1",
     '<a href="https://www.example.com/news">www.example.com</a>'),
    ("link-domains", "links", {"max_domains": 2},
     '<a href="http://a1.example">1</a><a href="http://a2.example">2</a><a href="http://a3.example">3</a>', "1:1",
     '<a href="http://a1.example/x">1</a><a href="http://a1.example/y">2</a>'),
    ("link-pattern", "links", {"host_pattern": r"^login\."}, '<a href="https://login.example.net/">Sign in</a>', "1:1",
     '<a href="https://www.example.net/login">Sign in</a>'),
    ("lookalike-domain", "links", {"brands": ["paypal.com"]}, '<a href="https://paypa1.com/signin">Sign in</a>', "1:1",
     '<a href="https://www.paypal.com/signin">Sign in</a>'),
    ("image-host", "images", {},
     'From: Deals <deals@shop.example>\nContent-Type: text/html\n\n<p>Offer</p><img src="http://img.other-host.example.net/a.jpg" alt="Offer">',
     "4:13",
     'From: Deals <deals@shop.example>\nContent-Type: text/html\n\n<p>Offer</p><img src="https://cdn.shop.example/a.jpg" alt="Offer">'),
    ("hidden-text", "html", {},
     '<p>Hello reader, here is our news for the summer events.</p><div style="display:none">cheap pills casino bonus free money winner</div>',
     "1:87", '<p>Hello reader, here is our news for the summer events.</p><div>cheap pills casino bonus free money winner</div>'),
    ("html-skeleton", "html", {}, "From: a@shop.example\nContent-Type: text/html\n\n<p>Our offer</p>", None,
     "From: a@shop.example\nContent-Type: text/html\n\n<html><body><p>News</p></body></html>"),
    ("html-tags", "html", {"tags": ["form"]}, '<p>Hi</p><form action="/x"><input name="q"></form>', None, "<p>Hi</p>"),
    ("html-source", "html", {"pattern": "<marquee"}, "<p>Hi</p><marquee>Sale</marquee>", "1:10", "<p>marquee</p>"),
    ("clipped-link", "html", {"max_bytes": 200}, f'<html><body>{PARAGRAPHS}<a href="https://x.example/u">Unsubscribe</a></body></html>',
     "7:1", f'<html><body><a href="https://x.example/u">Unsubscribe</a>{PARAGRAPHS}</body></html>'),
    ("header-pattern", "headers", {"header": "Subject", "pattern": "^URGENT"}, "From: a@x.example\nSubject: URGENT reply\n\nhi",
     "2:1", "From: a@x.example\nSubject: Reply, urgent\n\nhi"),
    ("missing-header", "headers", {"header": "Date"}, "From: a@example.org\nSubject: hi\n\nbody", None,
     "From: a@example.org\nDate: Mon, 1 Jan 2024 10:00:00 +0000\nSubject: hi\n\nbody"),
    ("one-click-unsubscribe", "headers", {},
     "From: news@shop.example\nSubject: May news\nList-Unsubscribe: <mailto:unsub@shop.example>\n\nNews.", "3:1",
     "From: news@shop.example\nSubject: May news\nList-Unsubscribe: <https://shop.example/u/1>\n"
     "List-Unsubscribe-Post: List-Unsubscribe=One-Click\n\nNews."),
    ("reply-to-domain", "headers", {}, "From: Bank <security@bank.example>\nReply-To: collector@gmail.com\nSubject: x\n\nhi", "2:1",
     "From: News <news@shop.example>\nReply-To: support@help.shop.example\nSubject: x\n\nhi"),
    ("display-name-brand", "headers", {"brands": ["PayPal"]},
     'From: "PayPal Service" <billing@notice.example>\nSubject: x\n\nhi', "1:1", "From: PayPal <service@paypal.com>\nSubject: x\n\nhi"),
    ("sender-domain", "headers", {"domains": ["gmail.com"], "bulk_only": False},
     "From: Deals <deals2024@gmail.com>\nSubject: x\n\nhi", "1:1", "From: Deals <deals@shop.example>\nSubject: x\n\nhi"),
    ("attachment", "message", {"extensions": ["exe"]},
     mixed(("Content-Type: text/plain", "See the file."),
           ('Content-Type: application/octet-stream\nContent-Disposition: attachment; filename="setup.exe"', "TVqQ")), None,
     mixed(("Content-Type: text/plain", "See the file."),
           ('Content-Type: application/pdf\nContent-Disposition: attachment; filename="setup.pdf"', "JVBE"))),
    ("empty-body", "message", {}, "From: a@shop.example\nSubject: hi\n\n", None,
     "From: a@shop.example\nSubject: hi\n\nHello there, the garden club meets on Saturday."),
    ("domain-problem", None, {"problem": "spf-pass-all"}, 'example.com. 60 IN TXT "v=spf1 mx +all"', None,
     'example.com. 60 IN TXT "v=spf1 mx -all"'),
    ("parse-problem", "message", {"kinds": ["charset"]},
     "From: a@example.org\nSubject: hi\nContent-Type: text/plain; charset=x-no-such-charset\n\nhello", None,
     "From: a@example.org\nSubject: hi\nContent-Type: text/plain; charset=utf-8\n\nhello"),
    ("phrase-density", "body", {"phrases": ["free", "prize", "winner"], "min_density": 10},
     "Free prize for the winner, a free prize.", "1:1", "A long note about the garden club, its members and the prize roses."),
    ("image-area", "images", {"max_area_per_letter": 1500},
     '<p>Big sale this weekend, everything must go.</p><img src="a.jpg" width="600" height="900">'
     '<img src="b.jpg" width="600" height="900">', "1:50",
     '<p>Our spring newsletter brings news from the garden: the tulips are out, the new greenhouse is finished and '
     'volunteers are welcome on Saturdays.</p><img src="t.jpg" alt="Tulips" width="300" height="200">'),
    ("html-size", "html", {"max_bytes": 300}, "<html><body>" + PARAGRAPHS + "</body></html>", None,
     "<html><body><p>Short.</p></body></html>"),
    ("display-name-address", "headers", {}, 'From: "service@bank.example" <alert@mailer.example.net>\nSubject: x\n\nhi',
     "1:1", "From: Shop News <news@shop.example>\nSubject: x\n\nhi"),
    ("recipient-echo", "headers", {"field": "subject"},
     "From: Admin <a@mailer.example.net>\nTo: jane@example.org\nSubject: jane@example.org Mailbox Confirmation\n\nhi",
     "3:1", "From: Jane <jane@example.org>\nTo: bob@example.org\nSubject: lunch with jane@example.org?\n\nhi"),
    ("recipient-greeting", "body", {},
     "From: a@mailer.example.net\nTo: dev-list@lists.example.org\nSubject: x\n\nDear dev-list, your mailbox is full.",
     "5:6", "From: a@mailer.example.net\nTo: jane@example.org\nSubject: x\n\nDear Jane, lunch on Friday?"),
    ("recipient-echo", "headers", {"field": "from-name"},
     'From: "lists.example.orgPlanner" <alert@mailer.example.net>\nTo: dev@lists.example.org\nSubject: x\n\nhi',
     "1:1", 'From: "news.example.com" <news@online.example.net>\nTo: dev@lists.example.org\nSubject: x\n\nhi'),
    ("html-only", "message", {}, "From: a@shop.example\nSubject: hi\nContent-Type: text/html\n\n<p>Our offer.</p>", None,
     mixed(("Content-Type: text/plain", "Our news."), ("Content-Type: text/html", "<p>Our news.</p>"))),
    ("alternatives-differ", "message", {"min_overlap": 0.3},
     "From: a@shop.example\nSubject: hi\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"b\"\n\n"
     "--b\nContent-Type: text/plain\n\nDear member, the garden club meets on Saturday morning at the community hall to plan spring planting and compost workshops.\n"
     "--b\nContent-Type: text/html\n\n<p>Cheap watches, designer handbags, discount pharmacy products, casino bonuses, replica sunglasses and lottery tickets online today.</p>\n--b--\n",
     None,
     "From: a@shop.example\nSubject: hi\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"b\"\n\n"
     "--b\nContent-Type: text/plain\n\nDear member, the garden club meets on Saturday morning at the community hall to plan spring planting and compost workshops.\n"
     "--b\nContent-Type: text/html\n\n<p>Dear member, the garden club meets on Saturday morning at the community hall to plan spring planting and compost workshops.</p>\n--b--\n"),
    ("attachment-lure", "message", {"extensions": ["zip"], "body_pattern": r"password\W+\w+"},
     mixed(("Content-Type: text/plain", "The password is 1234."),
           ('Content-Type: application/zip\nContent-Disposition: attachment; filename="a.zip"', "UEsD")), None,
     mixed(("Content-Type: text/plain", "The password is 1234."),
           ('Content-Type: application/pdf\nContent-Disposition: attachment; filename="a.pdf"', "JVBE"))),
    ("brand-claim", "message", {"brands": {"PayPal": ["paypal.com"]}, "speaker_words": ["support"]},
     "From: x@mailer.example\nSubject: PayPal Support notice\n\nhi", "2:10",
     "From: service@paypal.com\nSubject: PayPal Support notice\n\nhi"),
    ("merge-tag", "message", {"pattern": r"\*\|[A-Z_]+\|\*"}, "From: a@shop.example\nSubject: Hi *|FNAME|*\n\nDeal.", None,
     "From: a@shop.example\nSubject: Hi Ana\n\nDeal."),
    ("link-shape", "links", {"pattern": "^[hH][tT]{2}[pP][sS]?:(?!//)|^(?!http)[hH][tT]{2}[pP]"},
     '<p>See <a href="hTTp://example.org/x">this</a></p>', "1:8", '<p>See <a href="http://example.org/x">this</a></p>'),
    ("received", "headers", {"problem": "helo-ip"},
     "From: a@x.example\nReceived: from [91.204.17.23] (unknown [91.204.17.23]) by mx.r.example with ESMTP;"
     " 1 Jan 2024 00:00:00 +0000\nSubject: x\n\nhi", "2:1",
     "From: a@x.example\nReceived: from mail.x.example (mail.x.example [93.184.216.34]) by mx.r.example with ESMTP;"
     " 1 Jan 2024 00:00:00 +0000\nSubject: x\n\nhi"),
    ("received-date", "headers", {"direction": "future", "hours": 24},
     "Received: from mail.x.example (mail.x.example [93.184.216.34]) by mx.r.example with ESMTP;"
     " 1 Jan 2024 00:00:00 +0000\nDate: Sat, 6 Jan 2024 00:00:00 +0000\nFrom: a@x.example\n\nhi", "2:1",
     "Received: from mail.x.example (mail.x.example [93.184.216.34]) by mx.r.example with ESMTP;"
     " 1 Jan 2024 00:00:00 +0000\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nFrom: a@x.example\n\nhi"),
    ("auth-fail", "headers", {"method": "spf"},
     "Authentication-Results: mx.r.example; spf=fail smtp.mailfrom=a@x.example\nReceived: from mail.x.example"
     " (mail.x.example [93.184.216.34]) by mx.r.example with ESMTP; 1 Jan 2024 00:00:00 +0000\nFrom: a@x.example\n\nhi",
     "1:1",
     "Authentication-Results: mx.r.example; spf=pass smtp.mailfrom=a@x.example\nReceived: from mail.x.example"
     " (mail.x.example [93.184.216.34]) by mx.r.example with ESMTP; 1 Jan 2024 00:00:00 +0000\nFrom: a@x.example\n\nhi"),
    ("from-alignment", "headers", {},
     "Authentication-Results: mx.r.example; spf=pass smtp.mailfrom=b@esp.example\nReceived: from mail.esp.example"
     " (mail.esp.example [93.184.216.34]) by mx.r.example with ESMTP; 1 Jan 2024 00:00:00 +0000\nFrom: a@x.example\n\nhi",
     "3:1",
     "Authentication-Results: mx.r.example; spf=pass smtp.mailfrom=b@x.example\nReceived: from mail.x.example"
     " (mail.x.example [93.184.216.34]) by mx.r.example with ESMTP; 1 Jan 2024 00:00:00 +0000\nFrom: a@x.example\n\nhi"),
    ("header-pair", "headers", {"header": "X-Mailer", "pattern": "Outlook", "other": "Message-ID",
                                "other_pattern": "@[A-Z0-9.-]+>$"},
     "From: a@x.example\nX-Mailer: Microsoft Outlook 16.0\nMessage-ID: <abc@@>\n\nhi", "2:1",
     "From: a@x.example\nX-Mailer: Microsoft Outlook 16.0\nMessage-ID: <abc@x.example>\n\nhi"),
    ("unused-suppression", "message", {}, "<p>Hi</p>\n<!-- spamlint-disable-file no-such-rule -->\n<p>x</p>", "2:1",
     "<!-- a comment -->\n<p>Hi</p>"),
]


def _id(case: tuple) -> str:
    return f"{case[0]}-{list(case[2])[0] if case[2] else 'defaults'}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_kind_hits_and_misses(case: tuple) -> None:
    kind, scope, options, hit, at, miss = case
    rule = make_rule(kind, scope, options, hit, miss)
    found = findings(rule, hit)
    assert found, f"{kind} {options} should hit:\n{hit}"
    if at is not None:
        assert f"{found[0].line}:{found[0].column}" == at
    assert not findings(rule, miss), f"{kind} {options} should not hit:\n{miss}"


def test_every_kind_has_a_row() -> None:
    assert sorted(KINDS) == sorted({c[0] for c in CASES})


@pytest.mark.parametrize("kind, scope, text", [
    ("phrases", "subject", "Subject: hello\n\nGet a free gift today"),
    ("phrases", "html", "Get a free gift today"),
    ("pattern", "text", "<p>Order ACME-42 now</p>"),
    ("all-caps", "subject", "Subject: hello\n\nTHIS IS ALL SHOUTING TODAY."),
])
def test_scope_limits_where_a_text_check_looks(kind: str, scope: str, text: str) -> None:
    options = {"phrases": {"phrases": ["free gift"]}, "pattern": {"pattern": r"ACME-\d+"}, "all-caps": {}}[kind]
    assert not findings(make_rule(kind, scope, options), text)
    assert findings(make_rule(kind, "body", options), text)


def test_phrase_weight_scales_the_points() -> None:
    rule = make_rule("phrases", "body", {"phrases": {"free gift": 2, "act now": 0.5}})
    assert [f.points for f in findings(rule, "Get a free gift today.")] == [2.0]
    assert [f.points for f in findings(rule, "Act now.")] == [0.5]
