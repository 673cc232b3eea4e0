"""The JSON format: one document, {"results": [...]}, with a stable shape per report and finding."""

from __future__ import annotations

import json
from typing import Sequence

from spamlint.engine.rules import Rule
from spamlint.engine.scoring import Report
from spamlint.formatters.escape import clean, clean_or_none
from spamlint.model.findings import Finding


def report_dict(report: Report) -> dict:
    """The JSON shape of one report."""
    return {
        "path": clean(report.path),
        "score": report.score,
        "threshold": report.threshold,
        "verdict": report.verdict,
        "categories": dict(report.categories),
        "findings": [finding_dict(f) for f in report.findings],
    }


def finding_dict(f: Finding) -> dict:
    """The JSON shape of one finding."""
    return {
        "rule": f.rule, "category": f.category, "points": f.points, "severity": f.severity.value,
        "message": clean(f.message), "line": f.line, "column": f.column, "part": clean(f.part),
        "excerpt": clean_or_none(f.excerpt), "fix": f.fix,
    }


def format_json(reports: Sequence[Report], color: bool = False, rules: Sequence[Rule] = ()) -> str:
    """Exactly one JSON document: {"results": [...]}."""
    # no indent: the C encoder is used, several times faster over a large batch
    return json.dumps({"results": [report_dict(r) for r in reports]}, ensure_ascii=False) + "\n"
