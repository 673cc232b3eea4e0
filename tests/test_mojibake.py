"""The mojibake check: which runs of characters read as bytes decoded in the wrong charset."""

from __future__ import annotations

import pytest

import spamlint
from spamlint.checks.mojibake import _garbled_runs

RUN_CASES = [
    ("UTF-8 read as Windows-1252", "We\u00e2\u20ac\u2122re here", 1),
    ("UTF-8 read as Latin-1, two letters", "Gr\u00c3\u00bc\u00c3\u0178e", 2),
    ("Shift-JIS read as Windows-1252", "\u201a\u00e0\u201a\u00e0\u201a\u00aa", 1),
    ("Big5 read as Latin-1", "\u00af\u00c2\u00b0\u00d3\u00b7~\u00bf\u00ec\u00a4\u00bd", 2),
    ("accented words are letters", "Caf\u00e9 cr\u00e8me na\u00efve Gr\u00f6\u00dfe S\u00e3o", 0),
    ("one sign repeated is decoration", "\u00b2\u00b2\u00b2\u00b2\u00b2\u00b2", 0),
    ("typographic quotes and dashes alone", "\u201cquoted\u201d \u2014 \u20ac25 \u00a92024", 0),
    ("no-break spaces and soft hyphens are not charset mistakes", "\u00a0\u00a0\u00a0 fr\u00ad\u00ad\u00adee", 0),
]


@pytest.mark.parametrize("label, text, expected", RUN_CASES, ids=[c[0] for c in RUN_CASES])
def test_garbled_runs(label: str, text: str, expected: int) -> None:
    assert len(list(_garbled_runs(text))) == expected


def test_finding_points_at_the_first_run_and_counts_them() -> None:
    body = "Hello,\n\nWe\u00e2\u20ac\u2122re glad you\u00e2\u20ac\u2122re here \u00e2\u20ac\u201d don\u00e2\u20ac\u2122t go.\n"
    head = "Subject: hi\nContent-Type: text/plain; charset=utf-8\n\n"  # text garbled before it was encoded
    report = spamlint.lint(f"{head}{body}".encode("utf-8"))
    found = [f for f in report.findings if f.rule == "garbled-text"]
    assert len(found) == 1
    assert (found[0].line, found[0].column) == (6, 3)
    assert "4 runs" in found[0].message


def test_two_runs_are_below_the_default_minimum() -> None:
    report = spamlint.lint("Subject: hi\n\nWe\u00e2\u20ac\u2122re glad you\u00e2\u20ac\u2122re here.\n".encode("utf-8"))
    assert not [f for f in report.findings if f.rule == "garbled-text"]
