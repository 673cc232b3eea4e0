"""SARIF 2.1.0 output, for code-scanning tools (GitHub code scanning, VS Code SARIF viewer)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence
from urllib.parse import quote

from spamlint._version import __version__
from spamlint.engine.rules import Rule
from spamlint.engine.scoring import Report
from spamlint.formatters.escape import clean
from spamlint.formatters.levels import shown_level
from spamlint.model.findings import Finding, Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def to_sarif(reports: Sequence[Report], rules: Sequence[Rule]) -> dict:
    """One SARIF run: a rule entry per spamlint rule, a result with a location per finding."""
    by_id = {r.id: r for r in sorted(rules, key=lambda r: r.id)}
    for report in reports:  # a finding of a rule the caller did not list still needs an entry
        for f in report.findings:
            by_id.setdefault(f.rule, None)  # type: ignore[arg-type]
    ids = sorted(by_id)
    index = {rid: i for i, rid in enumerate(ids)}
    driver = {
        "name": "spamlint", "version": __version__, "semanticVersion": __version__,
        "rules": [_rule(rid, by_id[rid]) for rid in ids],
    }
    results = [_result(report, f, index[f.rule]) for report in reports for f in report.findings]
    summaries = [{"path": r.path, "score": r.score, "threshold": r.threshold, "verdict": r.verdict} for r in reports]
    run = {"tool": {"driver": driver}, "results": results, "columnKind": "unicodeCodePoints",
           "properties": {"reports": summaries}}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def format_sarif(reports: Sequence[Report], color: bool = False, rules: Sequence[Rule] = ()) -> str:
    """The SARIF log as one JSON document."""
    return json.dumps(to_sarif(reports, rules), ensure_ascii=False, indent=2) + "\n"


def _rule(rid: str, rule: Rule | None) -> dict:
    if rule is None:
        return {"id": rid, "shortDescription": {"text": rid}}
    why = " ".join(rule.why.split())
    fix = " ".join(rule.fix.split())
    text, markdown = f"{why}\n\nFix: {fix}", f"**Why:** {why}\n\n**Fix:** {fix}"
    # the rule's documentation: always absolute (http(s), or a user rule file's file: URI), as helpUri must be
    link = {"helpUri": rule.url} if rule.url else {}
    if rule.url:
        text, markdown = f"{text}\n\nDocumentation: {rule.url}", f"{markdown}\n\n[Documentation]({rule.url})"
    return {
        "id": rid,
        "name": "".join(w.capitalize() for w in rid.split("-")),
        "shortDescription": {"text": why.split(". ")[0].rstrip(".") + "."},
        "fullDescription": {"text": why},
        **link,
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"category": rule.category, "points": rule.points, "tags": [rule.category]},
    }


def _result(report: Report, f: Finding, rule_index: int) -> dict:
    region: dict = {"startLine": f.line or 1}
    if f.line is not None and f.column:
        region["startColumn"] = f.column
    if f.excerpt:
        region["snippet"] = {"text": clean(f.excerpt)}
    location = {"physicalLocation": {"artifactLocation": {"uri": artifact_uri(clean(report.path))}, "region": region}}
    return {
        "ruleId": f.rule, "ruleIndex": rule_index, "level": _LEVEL[shown_level(report, f)],
        "message": {"text": f"{clean(f.message)} (+{f.points:g} points). Fix: {' '.join(f.fix.split())}"},
        "locations": [location],
        "properties": {"points": f.points, "category": f.category, "part": clean(f.part), "input": clean(report.path),
                       "positioned": f.line is not None},
    }


def artifact_uri(path: str) -> str:
    """A URI reference for an input name: relative paths stay relative; mbox '#N' names the file."""
    path = path.split("#", 1)[0] if "#" in path and not Path(path).exists() else path
    if path == "-":
        return "stdin"
    p = Path(path)
    if p.is_absolute():
        return p.as_uri()
    return quote(p.as_posix())
