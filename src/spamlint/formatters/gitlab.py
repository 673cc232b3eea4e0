"""GitLab Code Quality: the JSON array a merge request's code-quality widget reads.

Each finding is one issue with the fields GitLab requires (description, check_name,
fingerprint, severity, location.path, location.lines.begin).  The fingerprint is stable across
edits that move a finding: it hashes the rule, the file and what was found (the end of the
excerpt, else the message) and an occurrence number among identical findings, never the line.
"""

from __future__ import annotations

import json
from typing import Sequence

from spamlint.engine.rules import Rule
from spamlint.engine.scoring import Report
from spamlint.formatters.escape import clean
from spamlint.formatters.levels import shown_level
from spamlint.model.findings import Severity, finding_content

# GitLab's levels: info, minor, major, critical, blocker
_GITLAB_LEVEL = {Severity.INFO: "info", Severity.WARNING: "minor", Severity.ERROR: "major"}


def fingerprint(rule: str, path: str, content: str, occurrence: int = 0) -> str:
    """A stable hash of rule, file and content (and which of several identical findings this is)."""
    import hashlib  # here, not at import: hashlib loads OpenSSL, and only this format needs it

    data = json.dumps([rule, path, content, occurrence], ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _file_path(report: Report) -> str:
    return report.path.split("#", 1)[0] if ".mbox#" in report.path else report.path


def format_gitlab(reports: Sequence[Report], color: bool = False, rules: Sequence[Rule] = ()) -> str:
    """A Code Quality report: a JSON array with one issue per finding."""
    issues = []
    for report in reports:
        seen: dict[tuple[str, str], int] = {}
        for f in report.findings:
            content = finding_content(f)
            n = seen.get((f.rule, content), 0)
            seen[(f.rule, content)] = n + 1
            issues.append({
                "type": "issue",
                "check_name": f.rule,
                "description": f"{clean(f.message)} (+{f.points:g})",
                "content": {"body": " ".join(f.fix.split())},
                "categories": ["Style"],
                "fingerprint": fingerprint(f.rule, report.path, content, n),
                "severity": _GITLAB_LEVEL[shown_level(report, f)],
                "location": {"path": clean(_file_path(report)), "lines": {"begin": f.line or 1}},
            })
    return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"
