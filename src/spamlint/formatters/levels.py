"""How serious a finding is shown to be: the rule's severity, capped by its file's verdict.

The verdict (score against threshold) is the only thing that fails a file.  A rule's severity
says what kind of problem a finding is; where a format has levels (GitHub annotations, SARIF,
GitLab Code Quality) a finding in a passing file is shown at most as a warning, so `error`
only ever appears for a file that fails and `--fail-on error` means exactly "a file failed".
"""

from __future__ import annotations

from spamlint.engine.scoring import Report
from spamlint.model.findings import Finding, Severity


def shown_level(report: Report, f: Finding) -> Severity:
    """The finding's severity, lowered to warning when its file passes."""
    if report.passed and f.severity is Severity.ERROR:
        return Severity.WARNING
    return f.severity


def gate(report: Report, fail_on: str) -> bool:
    """True when this report fails the --fail-on gate: 'error' = the file fails; 'warning' also a warning finding."""
    if not report.passed:
        return True
    if fail_on == "warning":
        return any(shown_level(report, f) is Severity.WARNING for f in report.findings)
    return False
