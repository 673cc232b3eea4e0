"""The text format: findings by position with excerpts, then subtotals and the verdict per file."""

from __future__ import annotations

from typing import Sequence

from spamlint.engine.rules import Rule
from spamlint.engine.scoring import Report
from spamlint.formatters.escape import clean
from spamlint.model.findings import Finding

_STYLES = {"error": "31", "warning": "33", "info": "36", "dim": "2", "bold": "1", "fail": "1;31", "pass": "1;32"}


def _paint(text: str, style: str, color: bool) -> str:
    return f"\x1b[{_STYLES[style]}m{text}\x1b[0m" if color else text


def _location(report: Report, f: Finding) -> str:
    if f.line is None:
        return clean(report.path)
    return f"{clean(report.path)}:{f.line}:{f.column or 1}"


def format_text(reports: Sequence[Report], color: bool = False, rules: Sequence[Rule] = ()) -> str:
    """Human-readable: findings by position with excerpts, then subtotals and the verdict per file."""
    out: list[str] = []
    for report in reports:
        for f in report.findings:
            where = _location(report, f)
            points = f"(+{f.points:g})"
            part = "" if f.part in ("text/html", "text/plain", "message") and f.line is None else f"  [{clean(f.part)}]"
            out.append(f"{_paint(where, 'bold', color)}  {_paint(f.rule, f.severity.value, color)}  "
                       f"{clean(f.message)}  {points}{part}")
            if f.excerpt:
                out.append(_paint(f"    | {clean(f.excerpt)}", "dim", color))
        out.append(_summary(report, color))
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n" if out else ""


def _summary(report: Report, color: bool) -> str:
    verdict = _paint(report.verdict.upper(), report.verdict, color)
    head = f"{clean(report.path)}: score {report.score:g} / threshold {report.threshold:g}  {verdict}"
    if not report.categories:
        return head + "  (no findings)"
    cats = ", ".join(f"{c} {v:g}" for c, v in report.categories.items())
    return f"{head}\n    {cats}"
