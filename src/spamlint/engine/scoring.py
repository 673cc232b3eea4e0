"""Scoring: sum finding points with a cap per category, compare with the threshold."""

from __future__ import annotations

from dataclasses import field

from spamlint.model.findings import CATEGORIES, CATEGORY_CAPS, Finding
from spamlint.record import Record, record

DEFAULT_THRESHOLD = 5.0
__all__ = ["CATEGORY_CAPS", "DEFAULT_THRESHOLD", "Report", "score"]  # the caps are listed in model/findings.py


@record()
class Report(Record):
    """The outcome of linting one input."""

    path: str
    findings: tuple[Finding, ...]
    threshold: float
    categories: dict[str, float] = field(default_factory=dict)
    score: float = 0.0

    @property
    def verdict(self) -> str:
        """'fail' at or above the threshold, otherwise 'pass'."""
        return "fail" if self.score >= self.threshold else "pass"

    @property
    def passed(self) -> bool:
        """True when the verdict is pass."""
        return self.verdict == "pass"


def score(path: str, findings: list[Finding], threshold: float = DEFAULT_THRESHOLD,
          caps: dict[str, float] | None = None) -> Report:
    """Build a Report: per-category subtotals (capped) and their sum."""
    caps = CATEGORY_CAPS if caps is None else caps
    raw: dict[str, float] = {}
    for f in findings:
        raw[f.category] = raw.get(f.category, 0.0) + f.points
    subtotals = {c: round(min(raw[c], caps.get(c, float("inf"))), 2) for c in CATEGORIES if c in raw}
    total = float(round(sum(subtotals.values()), 2))
    return Report(path=path, findings=tuple(findings), threshold=threshold, categories=subtotals, score=total)
