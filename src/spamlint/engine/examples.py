"""Run a rule's `examples:` as tests: each hit example must fire the rule, each miss must not.

The same contract tests/test_rule_examples.py holds the built-in rules to, offered to users for
the rules in their `rule-paths` (`spamlint rules --test`).
"""

from __future__ import annotations

from dataclasses import dataclass

from spamlint.engine.rules import Rule
from spamlint.engine.run import Engine
from spamlint.errors import SpamlintError
from spamlint.inputs import mime


@dataclass(frozen=True)
class ExampleFailure:
    """One example that did not behave as its rule says: which rule, which example, what happened."""

    rule: str
    source: str
    example: str  # "hit 2", "miss 1" (1-based, in the file's order)
    problem: str

    def __str__(self) -> str:
        return f"{self.source}: rule {self.rule}: {self.example} example {self.problem}"


def check_examples(rule: Rule) -> list[ExampleFailure]:
    """Every way this rule's examples fail; an empty list when they all behave."""
    engine = Engine([rule])
    out: list[ExampleFailure] = []
    cases = [("hit", i, t) for i, t in enumerate(rule.examples_hit)] + \
            [("miss", i, t) for i, t in enumerate(rule.examples_miss)]
    for kind, i, text in cases:
        label = f"{kind} {i + 1}"
        try:
            findings = engine.run(mime.load(text.encode("utf-8", "surrogateescape"), "example"))
        except SpamlintError as exc:
            out.append(ExampleFailure(rule.id, rule.source, label, f"could not be linted: {exc}"))
            continue
        if kind == "miss" and findings:
            where = f" at {findings[0].line}:{findings[0].column}" if findings[0].line is not None else ""
            out.append(ExampleFailure(rule.id, rule.source, label, f"should not hit but does{where}: "
                                                                   f"{findings[0].message}"))
        elif kind == "hit" and not findings:
            out.append(ExampleFailure(rule.id, rule.source, label, "should hit but does not"))
        elif kind == "hit":
            at = rule.examples_at[i] if i < len(rule.examples_at) else None
            first = (findings[0].line, findings[0].column)
            if at is not None and first != at:
                out.append(ExampleFailure(rule.id, rule.source, label,
                                          f"hits at {first[0]}:{first[1]}, but `at` says {at[0]}:{at[1]}"))
    return out
