"""Every built-in rule's examples run as tests: each 'hit' must fire the rule, each 'miss' must not.

A hit example that states `at: "LINE:COL"` must have its first finding there.  The examples of
`domain-problem` rules are DNS zones for example.com (auth/audit.py `audit_example` reads them
offline, with `; ip:`, `; selector:` and `; servfail:` comment lines); the audit's problems feed the run.
"""

from __future__ import annotations

import pytest

from spamlint import Engine, load_document
from spamlint.auth.audit import audit_example
from spamlint.engine.rules import builtin_rules

RULES = builtin_rules()
CASES = [(r, "hit", i, ex) for r in RULES for i, ex in enumerate(r.examples_hit)] + [
    (r, "miss", i, ex) for r in RULES for i, ex in enumerate(r.examples_miss)
]


def _id(case: tuple) -> str:
    rule, kind, i, _ = case
    return f"{rule.id}-{kind}{i}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_example(case: tuple) -> None:
    rule, kind, i, text = case
    if rule.check_name == "domain-problem":
        findings = Engine([rule]).run(load_document("", name="example"), dns_problems=audit_example(text))
    else:
        findings = Engine([rule]).run(load_document(text, name="example"))
    if kind == "hit":
        assert findings, f"{rule.id} should fire on:\n{text}"
        assert all(f.rule == rule.id for f in findings)
        at = rule.examples_at[i] if i < len(rule.examples_at) else None
        if at is not None:
            first = findings[0]
            assert (first.line, first.column) == at, f"{rule.id} hit {i}: first finding at {first.line}:{first.column}, example says {at[0]}:{at[1]}"
    else:
        assert not findings, f"{rule.id} should not fire on:\n{text}\ngot: {findings}"


def test_every_rule_has_both_kinds_of_example() -> None:
    for rule in RULES:
        assert rule.examples_hit and rule.examples_miss, rule.id


def test_rule_pack_is_not_empty() -> None:
    assert len(RULES) >= 20
