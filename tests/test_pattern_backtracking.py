"""Built-in patterns stay linear on the inputs that once made them backtrack into the timeout.

Each input used to run a rule's search for the whole regex_timeout and end in a
`limit-reached` finding; the rewritten patterns answer at once with the same matches.
"""

from __future__ import annotations

import pytest

import spamlint

CASES = [
    ("money-amount: a long chain of thousands groups", "1,000" + ",000" * 2700, None),
    ("money-amount: the chain still counts when it names a currency", "1,000" + ",000" * 2700 + " dollars", "money-amount"),
    ("exclamation-run: a long run of question marks", "?" * 20000, None),
    ("exclamation-run: a long mixed run", "?" * 20000 + "!", "exclamation-run"),
]


@pytest.mark.parametrize("label, body, rule", CASES, ids=[c[0] for c in CASES])
def test_no_timeout_and_same_answer(label: str, body: str, rule: str | None) -> None:
    report = spamlint.lint(f"Subject: numbers\n\n{body}\n".encode())
    rules = {f.rule for f in report.findings}
    assert "limit-reached" not in rules
    if rule is not None:
        assert rule in rules
