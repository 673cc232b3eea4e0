"""Formatters: a name -> function registry turning reports into text for a terminal or a tool.

A new output format is one module here with a `format_NAME(reports, color, rules) -> str`
function and one entry in FORMATTERS; the CLI's --format choices come from its keys.
"""

from __future__ import annotations

from typing import Callable, Sequence

from spamlint.engine.rules import Rule
from spamlint.engine.scoring import Report
from spamlint.formatters.json_report import finding_dict, format_json, report_dict
from spamlint.formatters.statistics import format_statistics, statistics
from spamlint.formatters.text import format_text

__all__ = ["FORMATTERS", "Formatter", "finding_dict", "format_github", "format_gitlab", "format_html", "format_json", "format_junit", "format_sarif",
           "format_statistics", "format_text", "report_dict", "statistics"]



def format_html(reports: Sequence[Report], color: bool = False, rules: Sequence[Rule] = ()) -> str:
    """The HTML report (formatters/html): imported on first use, as it costs start-up a few hundredths of a second."""
    from spamlint.formatters.html import format_html as html_report

    return html_report(reports, color, rules)


# the formats for tools are imported on first use too: a run prints one format, and each module's
# imports and patterns cost start-up (JUnit's alone about a millisecond)
def format_sarif(reports: Sequence[Report], color: bool = False, rules: Sequence[Rule] = ()) -> str:
    """The SARIF log as one JSON document (formatters/sarif.py)."""
    from spamlint.formatters.sarif import format_sarif as sarif

    return sarif(reports, color, rules)


def format_github(reports: Sequence[Report], color: bool = False, rules: Sequence[Rule] = ()) -> str:
    """GitHub Actions workflow commands (formatters/github.py)."""
    from spamlint.formatters.github import format_github as github

    return github(reports, color, rules)


def format_gitlab(reports: Sequence[Report], color: bool = False, rules: Sequence[Rule] = ()) -> str:
    """A GitLab Code Quality report (formatters/gitlab.py)."""
    from spamlint.formatters.gitlab import format_gitlab as gitlab

    return gitlab(reports, color, rules)


def format_junit(reports: Sequence[Report], color: bool = False, rules: Sequence[Rule] = ()) -> str:
    """JUnit XML, a test case per input (formatters/junit.py)."""
    from spamlint.formatters.junit import format_junit as junit

    return junit(reports, color, rules)


# (reports, color, rules) -> text; `rules` describes every rule for formats that list them (SARIF)
Formatter = Callable[[Sequence[Report], bool, Sequence[Rule]], str]

FORMATTERS: dict[str, Formatter] = {
    "text": format_text,
    "json": format_json,
    "sarif": format_sarif,
    "github": format_github,
    "gitlab": format_gitlab,
    "junit": format_junit,
    "html": format_html,
}
