"""Template mode: placeholders are invisible to rules, positions stay right, front matter feeds header rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import spamlint
from spamlint.cli import main
from spamlint.inputs.templating import front_matter, mask_placeholders

PLACEHOLDERS = [
    "{{ FIRST_NAME }}", "{{FIRST_NAME|upper}}", "{% IF VIP %}", "{%- ENDIF -%}", "{# FREE MONEY!!! #}",
    "{{{ UNESCAPED_BLOCK }}}", "{{#each ITEMS}}", "{{/each}}", "*|FNAME|*", "*|MC:SUBJECT|*",
    "%%FIRST_NAME%%", "[[UNSUB_LINK]]", "{{ 'BUY NOW!!!' }}",
]


@pytest.mark.parametrize("placeholder", PLACEHOLDERS)
def test_placeholders_are_masked_to_spaces_of_the_same_length(placeholder: str) -> None:
    text = f"Hi {placeholder}, friend"
    masked = mask_placeholders(text)
    assert len(masked) == len(text) and masked == f"Hi {' ' * len(placeholder)}, friend"


@pytest.mark.parametrize("placeholder", PLACEHOLDERS)
@pytest.mark.parametrize("wrap", ["<html><body><p>Dear reader, {} here is the news of the week.</p></body></html>",
                                  "Dear reader, {} here is the news of the week.\n"])
def test_placeholders_never_produce_findings(placeholder: str, wrap: str) -> None:
    loud = " ".join([placeholder] * 6)  # six capitalised, exclaiming placeholders in a row
    templated = spamlint.lint(wrap.format(loud), name="t").findings
    blank = spamlint.lint(wrap.format(" " * len(loud)), name="t").findings
    assert templated == blank
    assert not [f for f in templated if f.category in ("all-caps", "exclamation", "risky-words")]
    assert spamlint.lint(wrap.format("FREE CASH NOW!!! " * 6), name="t").findings  # the same text unmasked hits


@pytest.mark.parametrize("text, rule, line, column", [
    ("<p>{{ FIRST_NAME }}, FREE CASH PRIZE WINNER TODAY</p>", "caps-words", 1, 22),
    ("<p>{{ a }}\n  {% if x %}Hello!!! now</p>", "exclamation-run", 2, 18),
    ("*|FNAME|*, {{ b }} read this!!!\n", "exclamation-run", 1, 29),
])
def test_positions_after_placeholders_point_into_the_template(text: str, rule: str, line: int, column: int) -> None:
    hits = [f for f in spamlint.lint(text, name="t").findings if f.rule == rule]
    assert (hits[0].line, hits[0].column) == (line, column)
    assert text.splitlines()[line - 1][column - 1] in "FH!"


@pytest.mark.parametrize("href", ["{{ url }}", "{{{ tracking_url }}}", "*|ARCHIVE|*", "https://{{ domain }}/x",
                                  "%%view_online%%"])
def test_templated_link_targets_are_unknown_not_suspicious(href: str) -> None:
    doc = spamlint.load_document(f'<p><a href="{href}">www.mybank.com</a></p>', name="t")
    assert [link.templated for link in doc.links] == [True]
    assert not [f for f in spamlint.lint_document(doc).findings if f.category == "links"]


def test_front_matter_is_blanked_and_keeps_lines() -> None:
    text = "---\nsubject: Hello\nlayout: email\n---\n<p>Hi</p>\n"
    fields, body = front_matter(text)
    assert fields["subject"].value == "Hello" and (fields["subject"].line, fields["subject"].column) == (2, 10)
    assert body.count("\n") == text.count("\n") and body.endswith("<p>Hi</p>\n") and body.strip() == "<p>Hi</p>"
    assert fields["layout"].value == "email"  # not a header: it says the template has a layout (layout_of)


@pytest.mark.parametrize("text", ["--- not front matter\nHello\n", "---\njust a line\n---\nHello\n", "Hello\n---\nx: 1\n---\n"])
def test_text_without_a_front_matter_mapping_is_left_alone(text: str) -> None:
    assert front_matter(text) == ({}, text)


TEMPLATE = """---
subject: "RE: Your FREE GIFT is waiting!!!"
from: Deals <deals@shop.example>
reply-to: winners@claims.example
preheader: "Open now, act fast"
---
<html><body><p>Hello {{ name }}, here is the news.</p></body></html>
"""


def test_front_matter_runs_subject_and_header_rules_at_their_lines() -> None:
    report = spamlint.lint(TEMPLATE, name="t.html")
    where = {(f.rule, f.line, f.column) for f in report.findings}
    assert ("fake-reply-subject", 2, 11) in where
    assert ("exclamation-subject", 2, TEMPLATE.splitlines()[1].index("!") + 1) in where
    assert ("reply-to-other-domain", 4, 1) in where


def test_templates_are_not_judged_by_message_only_header_rules() -> None:
    report = spamlint.lint(TEMPLATE, name="t.html")
    assert not [f for f in report.findings if f.part == "headers"]
    doc = spamlint.load_document(TEMPLATE, name="t.html")
    assert doc.kind == "html" and not doc.is_message


def _cli(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["--format", "json", *args], catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout) if result.stdout else {}


def test_cli_subject_and_from_apply_to_templates_and_override_front_matter(tmp_path: Path) -> None:
    page = tmp_path / "t.html"
    page.write_text("<p>Hello there, the news of the week.</p>\n")
    _, data = _cli(str(page))
    assert not [f for f in data["results"][0]["findings"] if f["part"] in ("subject", "header:From")]
    _, data = _cli("--subject", "Fwd: free money!!!", "--from", "x@shop.example", str(page))
    rules = {f["rule"] for f in data["results"][0]["findings"]}
    assert {"fake-reply-subject", "exclamation-subject"} <= rules
    fm = tmp_path / "fm.html"
    fm.write_text(TEMPLATE)
    _, data = _cli("--subject", "A calm subject", str(fm))
    rules = {f["rule"] for f in data["results"][0]["findings"]}
    assert "fake-reply-subject" not in rules and "reply-to-other-domain" in rules


def test_cli_subject_does_not_change_a_message(tmp_path: Path) -> None:
    eml = tmp_path / "m.eml"
    eml.write_text("From: a@example.org\nTo: b@example.org\nSubject: Lunch\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n"
                   "Message-ID: <1@example.org>\n\nSee you at noon.\n")
    _, plain = _cli(str(eml))
    _, flagged = _cli("--subject", "Re: FREE MONEY!!!", str(eml))
    assert plain == flagged


def test_bad_front_matter_is_an_input_error(tmp_path: Path) -> None:
    page = tmp_path / "t.html"
    page.write_text("---\nsubject: [unclosed\n---\n<p>Hi</p>\n")
    result = CliRunner().invoke(main, [str(page)])
    assert result.exit_code == 2 and "t.html" in result.stderr and "front matter" in result.stderr


def test_templates_get_no_origin_findings() -> None:
    """Templates have no Received trail or authentication results: the origin rules never run on them."""
    report = spamlint.lint(TEMPLATE, name="t.html")
    assert not [f for f in report.findings if f.category == "origin"]
    from spamlint.text.facts import Context

    assert Context(spamlint.load_document(TEMPLATE, name="t.html")).facts.trail.hops == ()


# A template rendered inside a layout or with partials has no <html>/<body> of its own by design.
LAYOUT_TEMPLATES = [
    ("a.j2", '{% extends "layouts/base.html" %}\n{% block content %}\n<p>Our spring offer</p>\n{% endblock %}\n'),
    ("b.njk", '{%- extends "base.njk" -%}\n{% block body %}<p>Our spring offer</p>{% endblock %}\n'),
    ("c.twig", "{% include 'header.twig' %}\n<p>Our spring offer</p>\n{% include 'footer.twig' %}\n"),
    ("d.liquid", "{% layout 'newsletter' %}\n<p>Our spring offer</p>\n"),
    ("e.liquid", "{% render 'header' %}\n<p>Our spring offer</p>\n"),
    ("f.hbs", '{{#> layout title="Offer"}}\n<p>Our spring offer</p>\n{{/layout}}\n'),
    ("g.mustache", "{{> header}}\n<p>Our spring offer</p>\n{{> footer}}\n"),
    ("h.html", "---\nsubject: Spring\nlayout: email\n---\n<p>Our spring offer</p>\n"),
]
FRAGMENTS = [  # template syntax, but no layout: the skeleton is still missing
    ("i.liquid", "{% layout none %}\n<p>Our spring offer</p>\n"),
    ("j.j2", "{% import 'macros.html' as m %}\n<p>{{ m.hello() }} Our spring offer</p>\n"),
    ("k.html", "---\nsubject: Spring\nlayout: false\n---\n<p>Our spring offer</p>\n"),
    ("l.hbs", "{{#if vip}}<p>Our spring offer</p>{{/if}}\n"),
]


@pytest.mark.parametrize(("name", "text"), LAYOUT_TEMPLATES + FRAGMENTS, ids=[n for n, _ in LAYOUT_TEMPLATES + FRAGMENTS])
def test_html_skeleton_spares_templates_that_have_a_layout(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text)
    _, data = _cli(str(tmp_path / name))
    rules = {f["rule"] for f in data["results"][0]["findings"]}
    assert ("html-skeleton" in rules) == ((name, text) in FRAGMENTS)
    doc = spamlint.load_document(tmp_path / name)
    assert doc.kind == "html" and (doc.layout is None) == ((name, text) in FRAGMENTS)


def test_a_layout_statement_does_not_spare_a_received_message() -> None:
    eml = ("From: deals@shop.example\nTo: b@example.org\nSubject: Offer\nContent-Type: text/html\n\n"
           '{% extends "base.html" %}<p>Our spring offer</p>\n')
    assert "html-skeleton" in {f.rule for f in spamlint.lint(eml.encode()).findings}


@pytest.mark.parametrize("text", ["{{>" * 90000, "{% extends" + " " * 300000 + "x", "{% include " + "a" * 300000,
                                  "{{#> " + "b" * 300000, "{%" * 150000])
def test_layout_search_stays_linear_on_unclosed_statements(text: str) -> None:
    from spamlint.inputs.templating import layout_of

    assert layout_of(text, {}) is None  # bounded pieces: each start position scans at most ~320 characters
