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
    (_finding(line=None, severity=Severity.ERROR), "::error file=dir/a b.html,title=spamlint caps-words::m (+1)"),
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
