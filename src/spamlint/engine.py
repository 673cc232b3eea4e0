"""Run rules over a document and stamp rule identity, points and severity on what checks report."""

from __future__ import annotations

from typing import Iterable, Sequence

from .document import Document
from .findings import Finding, Hit, sort_findings
from .rules import Rule


class _Details(dict):
    """Message placeholders: a missing key shows as itself instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def stamp(rule: Rule, hit: Hit) -> Finding:
    """Turn a check's Hit into a Finding of this rule."""
    message = rule.message.format_map(_Details(hit.detail or {})) if hit.detail else rule.message
    return Finding(
        rule=rule.id, category=rule.category, points=round(rule.points * hit.weight, 2),
        severity=rule.severity, message=message, part=hit.part, line=hit.line, column=hit.column,
        excerpt=hit.excerpt, fix=rule.fix,
    )


class Engine:
    """A compiled set of rules, reusable across documents and threads (it holds no per-run state)."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(r for r in rules if r.enabled)

    def run(self, doc: Document, only: Iterable[str] | None = None) -> list[Finding]:
        """All findings for one document, sorted by position."""
        wanted = set(only) if only is not None else None
        findings: list[Finding] = []
        for rule in self.rules:
            if wanted is not None and rule.id not in wanted:
                continue
            findings.extend(stamp(rule, hit) for hit in rule.check.run(doc, rule.scope))
        return sort_findings(findings)
