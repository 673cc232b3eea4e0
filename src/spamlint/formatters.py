"""Formatters: a name -> function registry turning reports into text for a terminal or a tool."""

from __future__ import annotations

import json
from typing import Callable, Sequence

from .findings import Finding
from .scoring import Report

Formatter = Callable[[Sequence[Report], bool], str]

_STYLES = {"error": "31", "warning": "33", "info": "36", "dim": "2", "bold": "1", "fail": "1;31", "pass": "1;32"}


def _paint(text: str, style: str, color: bool) -> str:
    return f"\x1b[{_STYLES[style]}m{text}\x1b[0m" if color else text


def _location(report: Report, f: Finding) -> str:
    if f.line is None:
        return report.path
    return f"{report.path}:{f.line}:{f.column or 1}"


def format_text(reports: Sequence[Report], color: bool = False) -> str:
    """Human-readable: findings by position with excerpts, then subtotals and the verdict per file."""
    out: list[str] = []
    for report in reports:
        for f in report.findings:
            where = _location(report, f)
            points = f"(+{f.points:g})"
            part = "" if f.part in ("text/html", "text/plain", "message") and f.line is None else f"  [{f.part}]"
            out.append(f"{_paint(where, 'bold', color)}  {_paint(f.rule, f.severity.value, color)}  "
                       f"{f.message}  {points}{part}")
            if f.excerpt:
                out.append(_paint(f"    | {f.excerpt}", "dim", color))
        out.append(_summary(report, color))
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n" if out else ""


def _summary(report: Report, color: bool) -> str:
    verdict = _paint(report.verdict.upper(), report.verdict, color)
    head = f"{report.path}: score {report.score:g} / threshold {report.threshold:g}  {verdict}"
    if not report.categories:
        return head + "  (no findings)"
    cats = ", ".join(f"{c} {v:g}" for c, v in report.categories.items())
    return f"{head}\n    {cats}"


def report_dict(report: Report) -> dict:
    """The JSON shape of one report."""
    return {
        "path": report.path,
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
        "message": f.message, "line": f.line, "column": f.column, "part": f.part,
        "excerpt": f.excerpt, "fix": f.fix,
    }


def format_json(reports: Sequence[Report], color: bool = False) -> str:
    """Exactly one JSON document: {"results": [...]}."""
    return json.dumps({"results": [report_dict(r) for r in reports]}, ensure_ascii=False, indent=2) + "\n"


FORMATTERS: dict[str, Formatter] = {
    "text": format_text,
    "json": format_json,
}
