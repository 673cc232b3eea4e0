"""The HTML report without a browser: escaping, the sandbox and CSPs, blocked images, marks, the CLI's files.

tests/test_html_browser.py opens the same pages in headless Chromium."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lhtml

import spamlint
from spamlint.cli import main
from spamlint.engine.rules import builtin_rules
from spamlint.formatters.html import html_files, page_name, render_page
from spamlint.formatters.html.assets import PAGE_CSP, SCRIPT, script_hash
from spamlint.formatters.html.email_view import FRAME_CSP

SAMPLES = Path(__file__).parent.parent / "samples"
RULES = {r.id: r for r in builtin_rules()}

HOSTILE = b"""From: "<img src=x onerror=alert(1)>" <winner@prizes.example>
To: you@example.org
Reply-To: <script>window.__pwned='reply'</script>@freemail.example
Subject: <script>window.__pwned=1;document.title='pwned'</script><img src=x onerror="window.__pwned=2"> YOU HAVE WON!!!
Date: Mon, 1 Jan 2024 10:00:00 +0000
Message-ID: <1@prizes.example>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><head><meta http-equiv="refresh" content="0;url=http://tracker.example/r">
<link rel="stylesheet" href="http://tracker.example/s.css">
<style>@import url(http://tracker.example/i.css); body { background: url(http://tracker.example/b.png) }</style>
<script>window.__pwned = 3; parent.__pwned = 3</script></head>
<body onload="parent.__pwned = 4">
<p>CONGRATULATIONS!!! You have been selected. Claim your prize within 24 hours.</p>
<img src="http://tracker.example/pixel.gif" width="1" height="1" alt="<script>parent.__pwned=5</script>">
<img src="https://tracker.example/banner.jpg" width="600" height="300" alt="Big &lt;b&gt;sale&lt;/b&gt;" onerror="parent.__pwned=6">
<img src="cid:logo@x" alt="logo">
<table background="http://tracker.example/t.png"><tr><td style="background-image:url('http://tracker.example/c.png')">
<a href="javascript:parent.__pwned=7">click here</a> or <a href="http://203.0.113.7/claim" onclick="parent.__pwned=8">claim</a>
</td></tr></table>
<svg onload="parent.__pwned=9"><image href="http://tracker.example/s.svg"/></svg>
<iframe src="http://tracker.example/f"></iframe><video poster="http://tracker.example/v.jpg"></video>
<img srcset="http://tracker.example/x2.png 2x" alt="set">
<form action="http://tracker.example/post"><input name="q"><input type="image" src="http://tracker.example/go.png"></form>
</body></html>
"""


def _page(data: bytes, name: str = "hostile.eml") -> tuple[str, spamlint.Report]:
    doc = spamlint.load_document(data, name=name)
    report = spamlint.lint_document(doc)
    return render_page(report, doc, RULES), report


def _srcdocs(page: str) -> list[str]:
    root = lhtml.document_fromstring(page)
    return [f.get("srcdoc") for f in root.iter("iframe")]


def _marks(page: str) -> int:
    """Elements carrying data-spamlint-rule in the page and in every iframe's document."""
    count = len(lhtml.document_fromstring(page).xpath("//*[@data-spamlint-rule]"))
    return count + sum(len(lhtml.document_fromstring(d).xpath("//*[@data-spamlint-rule]")) for d in _srcdocs(page))


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.iterdir()))
def test_every_positioned_finding_is_marked_once(sample: str) -> None:
    page, report = _page((SAMPLES / sample).read_bytes(), sample)
    assert _marks(page) == sum(f.line is not None for f in report.findings)


def test_hostile_message_cannot_add_markup_to_the_page() -> None:
    page, report = _page(HOSTILE)
    assert report.findings
    root = lhtml.document_fromstring(page)
    scripts = root.xpath("//script")
    assert [s.text for s in scripts] == [SCRIPT]  # the page's own script and nothing else
    assert not root.xpath("//img")  # the From and Subject's <img> stayed text
    assert not [a for el in root.iter() if isinstance(el.tag, str) for a in el.attrib if a.lower().startswith("on")]
    assert "<script>window.__pwned=1" in root.text_content()  # shown as text, escaped


def test_the_rendered_email_runs_and_loads_nothing() -> None:
    page, _ = _page(HOSTILE)
    (frame,) = lhtml.document_fromstring(page).xpath("//iframe")
    assert frame.get("sandbox") == "allow-same-origin"  # no allow-scripts, allow-forms, allow-top-navigation
    doc = lhtml.document_fromstring(frame.get("srcdoc"))
    assert doc.xpath("//head/meta[@http-equiv='Content-Security-Policy']/@content") == [FRAME_CSP]
    assert not doc.xpath("//script|//iframe|//link|//meta[@http-equiv='refresh']|//object|//embed|//base")
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name)
            assert name.lower() not in ("src", "srcset", "background", "poster", "action"), (el.tag, name)
            assert "tracker.example" not in value or name == "title", (el.tag, name, value)
    assert "tracker.example" not in "".join(doc.xpath("//style/text()"))
    assert all(a.get("href") == "#" for a in doc.iter("a"))


def test_remote_images_become_placeholders_and_are_counted() -> None:
    page, _ = _page(HOSTILE)
    root = lhtml.document_fromstring(page)
    # pixel, banner, srcset, input type=image and the <table background>; a cid: image is attached, not remote
    assert root.get_element_by_id("blocked").get("data-blocked") == "5"
    doc = lhtml.document_fromstring(_srcdocs(page)[0])
    boxes = [b.text_content() for b in doc.find_class("spamlint-img")]
    assert "[remote image blocked 600\u00d7300] alt: Big <b>sale</b>" in boxes
    assert any(b.startswith("[attached image]") for b in boxes)


def test_page_csp_allows_only_its_own_script() -> None:
    page, _ = _page((SAMPLES / "spammy-promotion.eml").read_bytes())
    csp = lhtml.document_fromstring(page).xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert csp == [PAGE_CSP]
    assert f"script-src {script_hash(SCRIPT)};" in PAGE_CSP and "default-src 'none'" in PAGE_CSP
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page.split("srcdoc=")[0])


def test_text_marks_cover_the_matched_words() -> None:
    page, _ = _page((SAMPLES / "promo-template.txt").read_bytes(), "promo-template.txt")
    doc = lhtml.document_fromstring(_srcdocs(page)[0])
    texts = {(m.get("data-spamlint-rule"), m.text_content()) for m in doc.xpath("//*[@data-spamlint-rule]")}
    assert ("prize-claim", "you have been selected") in texts
    assert ("shortened-link", "http://bit.ly/big-sale-now") in texts


def test_findings_without_position_are_listed_in_the_header_panel() -> None:
    page, report = _page((SAMPLES / "spammy-promotion.eml").read_bytes())
    panel = lhtml.document_fromstring(page).find_class("message")[0].text_content()
    for f in report.findings:
        if f.line is None:
            assert f.message in panel


def test_source_view_has_line_numbers_and_a_marker_per_body_finding() -> None:
    page, report = _page((SAMPLES / "spammy-promotion.eml").read_bytes())
    root = lhtml.document_fromstring(page)
    numbers = [int(n.text) for n in root.find_class("ln")]
    assert numbers[:3] == [8, 9, 10]  # the HTML part starts on line 8 of the file
    in_body = sum(f.line is not None and f.part == "text/html" for f in report.findings)
    assert len(root.xpath("//*[@data-spamlint-src]")) == in_body


def test_page_name_is_safe() -> None:
    assert page_name(3, "../x/<b>evil name.eml") == "0003-b_evil_name.eml.html"
    assert page_name(1, "dir/") == "0001-input.html"


def test_batch_index_is_sorted_by_score_and_links_each_page() -> None:
    reports = [spamlint.lint(p) for p in sorted(SAMPLES.iterdir())]
    files = html_files(reports, [None] * len(reports), builtin_rules())
    index = lhtml.document_fromstring(files["index.html"])
    links = [a.get("href") for a in index.iter("a")]
    assert sorted(links) == sorted(n for n in files if n != "index.html")
    scores = [float(td.text.split(" / ")[0]) for td in index.xpath("//tbody/tr/td[2]")]
    assert scores == sorted(scores, reverse=True)


def test_cli_one_input_to_a_file_and_a_batch_to_a_folder(tmp_path: Path) -> None:
    out = tmp_path / "one.html"
    result = CliRunner().invoke(main, ["--format", "html", "-o", str(out), str(SAMPLES / "spammy-promotion.eml")])
    assert result.exit_code == 1 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    folder = tmp_path / "reports"
    result = CliRunner().invoke(main, ["--format", "html", "-o", str(folder), str(SAMPLES)])
    assert result.exit_code == 1
    assert sorted(p.name for p in folder.iterdir()) == ["0001-newsletter.eml.html", "0002-promo-template.txt.html",
                                                         "0003-receipt.eml.html", "0004-spammy-promotion.eml.html",
                                                         "0005-welcome-template.html.html", "index.html"]
    assert 'href="../' not in (folder / "0004-spammy-promotion.eml.html").read_text(encoding="utf-8")


def test_cli_batch_without_a_folder_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["--format", "html", str(SAMPLES)])
    assert result.exit_code == 2
    assert "needs -o DIR" in result.stderr


def test_cli_standard_input_is_rendered_too() -> None:
    result = CliRunner().invoke(main, ["--format", "html", "-"], input=(SAMPLES / "spammy-promotion.eml").read_bytes())
    assert result.exit_code == 1
    assert "CONGRATULATIONS" in html.unescape(result.stdout)


def test_a_finding_at_a_link_marks_the_link_itself() -> None:
    page, _ = _page((SAMPLES / "spammy-promotion.eml").read_bytes())
    doc = lhtml.document_fromstring(_srcdocs(page)[0])
    tags = {m.get("data-spamlint-rule"): m.tag for m in doc.xpath("//*[@data-spamlint-rule]")}
    assert tags["click-here-link"] == "a"
    # two findings at one link: the first is the <a>, the second a span around it
    assert {tags["anchor-domain-mismatch"], tags["ip-address-link"]} == {"a", "span"}


def test_a_mark_tooltip_keeps_its_lines() -> None:
    page, _ = _page((SAMPLES / "spammy-promotion.eml").read_bytes())
    (mark,) = lhtml.document_fromstring(page).xpath("//mark[@data-spamlint-rule='reply-to-other-domain']")
    assert mark.get("title").split("\n")[1].startswith("Why: ")


# markup as senders write it, broken or not: tags, entities, comments, stray brackets and phrases rules look for
_PIECES = ["<p>", "</p>", "<b>", "</b>", "<a href='http://203.0.113.5/x'>", "</a>", "<img src='http://t.example/p.gif'>",
           "<div style='display:none'>", "</div>", "<!-- c -->", "&amp;", "&nbsp;", "<", ">", "\n", " ",
           "FREE", "act now", "100% free", "click here", "!!!", "WINNER", "you have been selected", "<script>x</script>",
           "<table><tr><td>", "</td></tr></table>", "\ue000", "\ue002", "F.R.E.E"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_any_markup_renders_with_one_mark_per_positioned_finding(pieces: list[str]) -> None:
    source = "<html><body>" + "".join(pieces) + "</body></html>"
    page, report = _page(source.encode(), "t.html")
    assert _marks(page) == sum(f.line is not None for f in report.findings)


def test_xhtml_with_an_xml_declaration_is_rendered_as_html() -> None:
    source = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
              '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml"><body>'
              "<p>You have been selected as our WINNER!!! <a href='http://203.0.113.9/x'>claim</a></p></body></html>\n")
    message = "From: a@example.org\nSubject: hi\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n" + source
    page, report = _page(message.encode(), "x.eml")
    doc = lhtml.document_fromstring(_srcdocs(page)[0])
    assert not doc.find_class("spamlint-plain") and doc.xpath("//a[@href='#']")
    assert _marks(page) == sum(f.line is not None for f in report.findings) > 0
