"""Structure, hidden-content, header and size checks beyond the rule examples."""

from __future__ import annotations

import pytest

from spamlint import Engine, load_document
from spamlint.engine.rules import builtin_rules

RULES = {r.id: r for r in builtin_rules()}


def _findings(rule_id: str, text: str) -> list:
    return Engine([RULES[rule_id]]).run(load_document(text, name="t"))


def _mixed(*parts: tuple[str, str]) -> str:
    """A multipart/mixed message with the given (headers, body) parts."""
    out = ["From: a@shop.example", "Subject: files", "MIME-Version: 1.0",
           'Content-Type: multipart/mixed; boundary="b"', "", ""]
    for headers, body in parts:
        out += ["--b", headers, "", body]
    return "\n".join(out + ["--b--", ""])


TEXT = ("Content-Type: text/plain", "Please see the attached files for the meeting next week.")


@pytest.mark.parametrize(("filename", "risky", "double"), [
    ("report.pdf", False, False),
    ("setup.EXE", True, False),
    ("invoice.pdf.exe", True, True),
    ("photos.zip", False, False),
    ("scan.doc.zip", False, True),
    ("v1.2.3.tar.gz", False, False),
    ("statement.html", True, False),
])
def test_attachment_names(filename: str, risky: bool, double: bool) -> None:
    att = (f'Content-Type: application/octet-stream\nContent-Disposition: attachment; filename="{filename}"', "AAAA")
    text = _mixed(TEXT, att)
    assert bool(_findings("risky-attachment", text)) is risky
    assert bool(_findings("double-extension", text)) is double


@pytest.mark.parametrize(("style", "hidden"), [
    ('<td style="font-size:0"><span style="font-size:14px">Readable text inside a font-size zero wrapper</span></td>', False),
    ('<td style="font-size:0"><span>Unreadable text inside a font-size zero wrapper here</span></td>', True),
    ('<div style="visibility:hidden"><p style="visibility:visible">Shown again by the child element here</p></div>', False),
    ('<div style="display:none"><p style="display:block">Still hidden, display none cannot be undone</p></div>', True),
    ('<table bgcolor="#000000"><tr><td style="color:#ffffff">White text on a black table, readable</td></tr></table>', False),
    ('<table bgcolor="#ffffff"><tr><td><font color="#fefefe">Near-white text on white, not readable</font></td></tr></table>', True),
])
def test_hidden_text_follows_inheritance(style: str, hidden: bool) -> None:
    lead = "<p>Hello reader, here is our news for the month of May, with dates for the summer fair.</p>"
    html = "<html><body>" + lead + style + "</body></html>"  # past the preheader allowance
    assert bool(_findings("hidden-text", html)) is hidden


def test_hidden_text_with_links_or_sales_words_weighs_more() -> None:
    lead = "<html><body><p>Hello reader, here is our news for the month of May in full.</p>"
    plain = _findings("hidden-text", lead + '<div style="display:none">gardening notes and weather for the weekend</div>')
    risky = _findings("hidden-text", lead + '<div style="display:none">cheap pills and casino bonus at www.x.example</div>')
    assert risky[0].points > plain[0].points


@pytest.mark.parametrize(("plain", "html", "differ"), [
    ("The garden club meets on Saturday morning at the community hall to plan spring planting and compost workshops.",
     "<p>The garden club meets on Saturday morning at the community hall to plan spring planting and compost workshops.</p>",
     False),
    ("The garden club meets on Saturday morning at the community hall to plan spring planting and compost workshops.",
     "<p>Cheap watches, designer handbags, discount pharmacy products, casino bonuses and replica sunglasses online.</p>",
     True),
    ("Short text.", "<p>Completely different words.</p>", False),  # too few words to judge
])
def test_alternatives_differ(plain: str, html: str, differ: bool) -> None:
    text = ('From: a@shop.example\nSubject: news\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary="b"\n\n'
            f"--b\nContent-Type: text/plain\n\n{plain}\n--b\nContent-Type: text/html\n\n<html><body>{html}</body></html>\n--b--\n")
    assert bool(_findings("alternatives-differ", text)) is differ


@pytest.mark.parametrize(("header", "rule", "hit"), [
    ("Date: Tue, 7 May 2024 10:00:00 +0000", "malformed-date", False),
    ("Date: 7 May 2024 10:00 GMT", "malformed-date", False),
    ("Date: Tuesday 7th May", "malformed-date", True),
    ("Message-ID: <a.b@c.example>", "malformed-message-id", False),
    ("Message-ID: <no-at-sign>", "malformed-message-id", True),
    ("To: undisclosed-recipients:;", "undisclosed-recipients", True),
    ("To: Friends:;", "undisclosed-recipients", True),
    ("To: Ana <ana@example.org>", "undisclosed-recipients", False),
])
def test_header_patterns(header: str, rule: str, hit: bool) -> None:
    text = f"From: a@shop.example\n{header}\nSubject: hi\n\nHello there.\n"
    assert bool(_findings(rule, text)) is hit


def test_fake_reply_with_quoted_text_is_a_reply() -> None:
    head = "From: ben@example.org\nTo: ana@example.org\nSubject: Re: lunch\n\n"
    assert _findings("fake-reply-subject", head + "Cheap offers inside.\n")
    assert not _findings("fake-reply-subject", head + "> lunch at noon?\n> or later?\n\nNoon is fine.\n")


def test_clipped_unsubscribe_points_at_the_link() -> None:
    body = "<p>A paragraph of newsletter content goes here.</p>\n" * 2200
    html = f'<html><body>{body}<p><a href="https://shop.example/u">Unsubscribe</a></p></body></html>'
    [f] = _findings("clipped-unsubscribe", html)
    assert (f.line, f.column) == (2201, 4)


@pytest.mark.parametrize(("sheet", "expected"), [
    (".hide{display:none} p.x, #y {color:#fff}", {".hide": ";display:none", "p.x": ";color:#fff", "#y": ";color:#fff"}),
    ("div > p {display:none} a:hover {color:red}", {}),  # only simple selectors
    (".m{display:none} @media (max-width:600px){ .m{display:block} }", {}),  # responsive, not hiding
    ('td.t{display:none} @media screen { td[class*="t"]{display:block} }', {}),
])
def test_sheet_rules(sheet: str, expected: dict) -> None:
    from spamlint.inputs.css import sheet_rules
    assert sheet_rules(sheet) == expected


@pytest.mark.parametrize(("body", "hidden"), [
    ('<div class="x">cheap pills and casino bonus for everyone today</div>', True),
    ('<div class="x" style="display:block">shown again by its own inline style here</div>', False),
    ('<div class="m">text for small screens, shown by a media query</div>', False),
    ('<p id="gone">hidden through an id selector in the style sheet</p>', True),
])
def test_style_sheet_hiding(body: str, hidden: bool) -> None:
    head = ("<html><head><style>.x{display:none} #gone{visibility:hidden} .m{display:none}"
            " @media (max-width:600px){.m{display:block !important}}</style></head><body>")
    lead = "<p>Hello reader, here is our news for the month of May, with dates for the summer fair.</p>"
    assert bool(_findings("hidden-text", head + lead + body + "</body></html>")) is hidden


def test_html_source_pattern_counts_and_points_at_the_first_match() -> None:
    html = '<html><body>\n<p>a</p><font size="6">BIG</font>\n<font size=+5>BIGGER</font></body></html>'
    [f] = _findings("big-font", html)
    assert (f.line, f.column) == (2, 9) and "2 times" in f.message
    assert not _findings("big-font", '<html><body><font size="6">once</font></body></html>')
