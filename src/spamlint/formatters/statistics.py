"""--statistics: how often each rule fired across a batch (like `ruff --statistics`)."""

from __future__ import annotations

import json
from typing import Sequence

from spamlint.engine.scoring import Report


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
