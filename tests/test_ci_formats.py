"""GitLab Code Quality and JUnit XML: the fields and elements CI systems read, and stable fingerprints."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import spamlint
from spamlint.engine.scoring import score
from spamlint.formatters import FORMATTERS, format_gitlab, format_junit
from spamlint.model.findings import Finding, Severity

SPAMMY = ("<html><body><p>CONGRATULATIONS WINNER!!! You have been SELECTED for a FREE PRIZE!!!</p>\n"
          "<p>Claim your prize within 24 hours: <a href='http://203.0.113.9/win'>http://203.0.113.9/win</a></p>\n"
          "</body></html>\n")
CLEAN = "<html><body><p>Hello, the gardening club meets on Tuesday at seven.</p></body></html>\n"
GITLAB_LEVELS = {"info", "minor", "major", "critical", "blocker"}


def test_gitlab_issues_have_the_required_fields() -> None:
    report = spamlint.lint(SPAMMY, name="mail/spam.html")
    issues = json.loads(format_gitlab([report]))
    assert len(issues) == len(report.findings) > 3
    for issue, f in zip(issues, report.findings):
        assert issue["check_name"] == f.rule and f.message in issue["description"]
        assert issue["severity"] in GITLAB_LEVELS
        assert issue["location"]["path"] == "mail/spam.html"
        assert issue["location"]["lines"]["begin"] == (f.line or 1)
        assert len(issue["fingerprint"]) == 32
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_gitlab_fingerprint_survives_lines_added_above() -> None:
    before = json.loads(format_gitlab([spamlint.lint(SPAMMY, name="a.html")]))
    moved = SPAMMY.replace("<body>", "<body>\n<p>A new first paragraph about the weather.</p>\n\n")
    after = json.loads(format_gitlab([spamlint.lint(moved, name="a.html")]))
    lines = {i["fingerprint"]: i["location"]["lines"]["begin"] for i in before}
    kept = [i for i in after if i["fingerprint"] in lines]
    assert len(kept) == len(before) and all(i["location"]["lines"]["begin"] == lines[i["fingerprint"]] + 3 for i in kept
                        if lines[i["fingerprint"]] > 1)
    other_file = json.loads(format_gitlab([spamlint.lint(SPAMMY, name="b.html")]))
    assert not {i["fingerprint"] for i in other_file} & set(lines)


def test_gitlab_passing_file_is_never_major() -> None:
    f = Finding(rule="r", category="links", points=1, severity=Severity.ERROR, message="m", part="text/html",
                line=2, column=1, excerpt="x", fix="")
    assert json.loads(format_gitlab([score("p.html", [f], threshold=5)]))[0]["severity"] == "minor"
    assert json.loads(format_gitlab([score("p.html", [f], threshold=1)]))[0]["severity"] == "major"


def test_junit_one_testcase_per_file_and_a_failure_per_failing_file() -> None:
    spam, clean = spamlint.lint(SPAMMY, name="spam.html"), spamlint.lint(CLEAN, name="clean.html")
    root = ET.fromstring(format_junit([clean, spam]))
    assert root.tag == "testsuites" and root.get("tests") == "2" and root.get("failures") == "1"
    [suite] = root.findall("testsuite")
    assert suite.get("name") == "spamlint" and suite.get("tests") == "2" and suite.get("failures") == "1"
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["clean.html", "spam.html"]
    assert cases[0].find("failure") is None
    failure = cases[1].find("failure")
    assert failure is not None and failure.get("type") == "spam-score"
    assert failure.get("message") == f"spam score {spam.score:g} reaches the threshold {spam.threshold:g}"
    assert all(f.rule in failure.text for f in spam.findings)
    assert failure.text.count("\n    help: ") >= 1


def test_junit_escapes_controls_and_parses() -> None:
    f = Finding(rule="r", category="links", points=1, severity=Severity.ERROR, message="a\x1b]0;x\x07<&>\"",
                part="text/html", line=2, column=1, excerpt="x", fix="")
    root = ET.fromstring(format_junit([score("we\x1bird<&>.html", [f], threshold=1)]))
    case = root.find("testsuite/testcase")
    assert case is not None and "\x1b" not in case.get("name") and "<&>" in case.get("name")
    assert "\\x1b" in case.find("failure").text


def test_both_formats_are_registered() -> None:
    assert FORMATTERS["gitlab"] is format_gitlab and FORMATTERS["junit"] is format_junit
