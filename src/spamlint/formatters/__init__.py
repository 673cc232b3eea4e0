"""Formatters: a name -> function registry turning reports into text for a terminal or a tool."""

from __future__ import annotations

import json
from typing import Callable, Sequence

from spamlint.engine.rules import Rule
from spamlint.engine.scoring import Report
from spamlint.formatters.sarif import format_sarif
from spamlint.model.findings import Finding, Severity

# (reports, color, rules) -> text; `rules` describes every rule for formats that list them (SARIF)
Formatter = Callable[[Sequence[Report], bool, Sequence[Rule]], str]

_STYLES = {"error": "31", "warning": "33", "info": "36", "dim": "2", "bold": "1", "fail": "1;31", "pass": "1;32"}


def _paint(text: str, style: str, color: bool) -> str:
    return f"\x1b[{_STYLES[style]}m{text}\x1b[0m" if color else text


def _location(report: Report, f: Finding) -> str:
    if f.line is None:
        return report.path
    return f"{report.path}:{f.line}:{f.column or 1}"


def format_text(reports: Sequence[Report], color: bool = False, rules: Sequence[Rule] = ()) -> str:
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


def format_json(reports: Sequence[Report], color: bool = False, rules: Sequence[Rule] = ()) -> str:
    """Exactly one JSON document: {"results": [...]}."""
    # no indent: the C encoder is used, several times faster over a large batch
    return json.dumps({"results": [report_dict(r) for r in reports]}, ensure_ascii=False) + "\n"


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def format_github(reports: Sequence[Report], color: bool = False, rules: Sequence[Rule] = ()) -> str:
    """GitHub Actions workflow commands: an annotation per finding, an error per failing file."""
    out = []
    for report in reports:
        path = _github_path(report.path)
        for f in report.findings:
            where = f"file={_prop(path)}" + (f",line={f.line},col={f.column or 1}" if f.line is not None else "")
            out.append(f"::{_GITHUB_LEVEL[f.severity]} {where},title={_prop('spamlint ' + f.rule)}::"
                       f"{_data(f'{f.message} (+{f.points:g})')}")
        if not report.passed:
            out.append(f"::error file={_prop(path)},title=spamlint::"
                       f"{_data(f'spam score {report.score:g} reaches the threshold {report.threshold:g}')}")
    return "".join(line + "\n" for line in out)


def _github_path(path: str) -> str:
    return path.split("#", 1)[0] if ".mbox#" in path else path


def _data(text: str) -> str:
    """Escape a workflow-command message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    """Escape a workflow-command property value."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def statistics(reports: Sequence[Report]) -> list[dict]:
    """Counts per rule across all reports, most frequent first (like `ruff --statistics`)."""
    counts: dict[str, dict] = {}
    for report in reports:
        for f in report.findings:
            row = counts.setdefault(f.rule, {"rule": f.rule, "category": f.category, "count": 0,
                                             "points": 0.0, "files": set()})
            row["count"] += 1
            row["points"] = round(row["points"] + f.points, 2)
            row["files"].add(report.path)
    rows = sorted(counts.values(), key=lambda r: (-r["count"], r["rule"]))
    return [{**r, "files": len(r["files"])} for r in rows]


def format_statistics(reports: Sequence[Report], as_json: bool = False) -> str:
    """The --statistics table, or its JSON form."""
    rows = statistics(reports)
    if as_json:
        return json.dumps({"statistics": rows}, indent=2) + "\n"
    width = max((len(r["rule"]) for r in rows), default=4)
    lines = [f"{r['count']:>6}  {r['rule']:<{width}}  {r['category']:<18} {r['files']:>5} files  "
             f"{r['points']:>7g} points" for r in rows]
    return "".join(line + "\n" for line in lines)


FORMATTERS: dict[str, Formatter] = {
    "text": format_text,
    "json": format_json,
    "sarif": format_sarif,
    "github": format_github,
}
