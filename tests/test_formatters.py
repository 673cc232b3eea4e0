"""Formatters: the JSON shape, GitHub annotations, text colour and --statistics."""

from __future__ import annotations

import json

import pytest

import spamlint
from spamlint.engine.scoring import score
from spamlint.formatters import (
    FORMATTERS,
    format_github,
    format_json,
    format_statistics,
    format_text,
    statistics,
)
from spamlint.model.findings import Finding, Severity

SPAMMY = """<html><body>
<p>CONGRATULATIONS WINNER!!! You have been SELECTED for a FREE PRIZE!!!</p>
<p><a href="https://bit.ly/3xYz">www.mybank.com</a></p>
<p>Dear friend, act now: this exclusive deal expires within 24 hours. Claim your prize, 100% guaranteed!</p>
</body></html>
"""
FINDING_KEYS = ["rule", "category", "points", "severity", "message", "line", "column", "part", "excerpt", "fix"]


def _finding(rule: str = "caps-words", line: int | None = 3, message: str = "m", severity: Severity = Severity.WARNING,
             points: float = 1.0, category: str = "all-caps") -> Finding:
    return Finding(rule=rule, category=category, points=points, severity=severity, message=message,
                   part="text/html", line=line, column=5 if line else None, excerpt="EX", fix="do this")


def test_json_keeps_its_shape_exactly() -> None:
    report = spamlint.lint(SPAMMY, name="a.html")
    data = json.loads(format_json([report]))
    assert list(data) == ["results"]
    [result] = data["results"]
    assert list(result) == ["path", "score", "threshold", "verdict", "categories", "findings"]
    assert all(list(f) == FINDING_KEYS for f in result["findings"])
    assert result["path"] == "a.html" and result["verdict"] == "fail" and result["score"] == report.score


@pytest.mark.parametrize("finding, expected", [
    (_finding(), "::warning file=dir/a b.html,line=3,col=5,title=spamlint caps-words::m (+1)"),
    # an error-severity finding in a passing file is shown as a warning: ::error only for failing files
    (_finding(line=None, severity=Severity.ERROR), "::warning file=dir/a b.html,title=spamlint caps-words::m (+1)"),
    (_finding(severity=Severity.INFO, points=0), "::notice file=dir/a b.html,line=3,col=5,title=spamlint caps-words::m (+0)"),
    (_finding(message="50% off\nnow"), "::warning file=dir/a b.html,line=3,col=5,title=spamlint caps-words::50%25 off\\x0anow (+1)"),
])
def test_github_annotations(finding: Finding, expected: str) -> None:
    report = score("dir/a b.html", [finding], threshold=100)
    assert format_github([report]) == expected + "\n"


def test_github_escapes_properties_and_marks_failing_files() -> None:
    report = score("x,y:z.html", [_finding(points=2.5, category="links")], threshold=2)
    lines = format_github([report]).splitlines()
    assert lines[0].startswith("::warning file=x%2Cy%3Az.html,line=3")
    assert lines[1] == "::error file=x%2Cy%3Az.html,title=spamlint::spam score 2.5 reaches the threshold 2"
    assert len(format_github([score("ok.html", [_finding()], threshold=5)]).splitlines()) == 1


def test_github_error_level_only_in_a_failing_file() -> None:
    finding = _finding(severity=Severity.ERROR, points=3)
    failing = format_github([score("f.html", [finding], threshold=2)]).splitlines()
    passing = format_github([score("p.html", [finding], threshold=5)]).splitlines()
    assert failing[0].startswith("::error file=f.html,line=3") and failing[1].startswith("::error file=f.html,title=spamlint::")
    assert passing == ["::warning file=p.html,line=3,col=5,title=spamlint caps-words::m (+3)"]


def test_text_shows_the_fix_as_help_and_a_closing_summary() -> None:
    a = score("a.html", [_finding(points=3), _finding(line=7, points=3)], threshold=2)
    b = score("b.html", [_finding()], threshold=5)
    text = format_text([a, b])
    assert text.count("    help: do this") == 2  # b passes: not listed in a batch
    assert "b.html" not in text
    assert text.splitlines()[-1] == "2 files checked, 1 failed, 3 findings (1 passing not listed; --show-passing lists them)"
    assert "b.html: score 1 / threshold 5  PASS" in format_text([a, b], show_passing=True)
    assert format_text([b]).splitlines()[-1] == "1 file checked, 0 failed, 1 finding"
    quiet = format_text([a, b], quiet=True)
    assert "b.html" not in quiet and "checked" not in quiet and "a.html:3:5" in quiet
    assert format_text([b], quiet=True) == ""


def test_findings_sort_by_position_across_parts() -> None:
    plain = Finding(rule="z", category="links", points=1, severity=Severity.INFO, message="m", part="text/plain",
                    line=2, column=1, excerpt="", fix="")
    html = Finding(rule="a", category="links", points=1, severity=Severity.INFO, message="m", part="text/html",
                   line=9, column=1, excerpt="", fix="")
    header = Finding(rule="h", category="headers", points=1, severity=Severity.INFO, message="m", part="headers",
                     line=None, column=None, excerpt="", fix="")
    from spamlint.model.findings import sort_findings
    assert [f.rule for f in sort_findings([html, plain, header])] == ["h", "z", "a"]


def test_text_colour_only_when_asked() -> None:
    report = spamlint.lint(SPAMMY, name="a.html")
    assert "\x1b[" not in format_text([report], False)
    assert "\x1b[" in format_text([report], True)
    assert format_text([report], True).replace("\x1b[0m", "").count("caps-words") == format_text([report]).count("caps-words")


def test_statistics_count_per_rule_across_files() -> None:
    a = score("a", [_finding(), _finding(line=4), _finding(rule="shortened-link", category="links", points=1.5)])
    b = score("b", [_finding(line=9)])
    rows = statistics([a, b])
    assert [(r["rule"], r["count"], r["files"], r["points"]) for r in rows] == [
        ("caps-words", 3, 2, 3.0), ("shortened-link", 1, 1, 1.5)]
    text = format_statistics([a, b]).splitlines()
    assert text[0].split()[:2] == ["3", "caps-words"] and len(text) == 2
    assert json.loads(format_statistics([a, b], as_json=True))["statistics"] == rows


def test_every_formatter_handles_no_reports_and_no_findings() -> None:
    clean = spamlint.lint("<p>Hello, the club meets on Tuesday.</p>", name="c.html")
    for name, fmt in FORMATTERS.items():
        assert isinstance(fmt([], False, ()), str), name
        assert isinstance(fmt([clean], False, ()), str), name


def test_counts_in_messages_read_naturally() -> None:
    from spamlint.engine.run import Count

    assert f"{Count(1):image}" == "1 image" and f"{Count(3):image}" == "3 images"
    assert f"{Count(1):has|have}" == "has" and f"{Count(2):has|have}" == "have" and f"{Count(5):>3}" == "  5"
    report = spamlint.lint("<html><body><p>Our garden club news for March.</p><img src='https://example.org/a.png'>"
                           "</body></html>", name="a.html")
    assert any(f.message == "1 of 1 image has no alt text" for f in report.findings)
