"""GitHub Actions workflow commands: an annotation per finding, an error per failing file.

A finding in a passing file is never an `::error` (see levels.py).
"""

from __future__ import annotations

from typing import Sequence

from spamlint.engine.rules import Rule
from spamlint.engine.scoring import Report
from spamlint.formatters.escape import clean
from spamlint.formatters.levels import shown_level
from spamlint.model.findings import Severity

_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def format_github(reports: Sequence[Report], color: bool = False, rules: Sequence[Rule] = ()) -> str:
    """GitHub Actions workflow commands: an annotation per finding, an error per failing file."""
    out = []
    for report in reports:
        path = clean(_github_path(report.path))
        for f in report.findings:
            where = f"file={_prop(path)}" + (f",line={f.line},col={f.column or 1}" if f.line is not None else "")
            out.append(f"::{_GITHUB_LEVEL[shown_level(report, f)]} {where},title={_prop('spamlint ' + f.rule)}::"
                       f"{_data(f'{clean(f.message)} (+{f.points:g})')}")
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
