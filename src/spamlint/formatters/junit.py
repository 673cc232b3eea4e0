"""JUnit XML: one test case per linted file, a failure per failing file listing its findings.

CI systems (GitLab, Jenkins, Azure, CircleCI) show a JUnit report as tests: a passing file is a
passing test; a failing file's <failure> carries its score in `message` and one line per
finding in the text.  Elements: <testsuites><testsuite name="spamlint" tests failures errors=0>
<testcase classname="spamlint" name=PATH file=PATH>[<failure type="spam-score" message=...>].
"""

from __future__ import annotations

import re
from typing import Sequence

from spamlint.engine.rules import Rule
from spamlint.engine.scoring import Report
from spamlint.formatters.escape import clean

# characters XML 1.0 cannot hold at all, even escaped (clean() already shows controls visibly)
_NOT_XML = re.compile("[\ufffe\uffff]")


def _x(text: str) -> str:
    return _NOT_XML.sub("?", clean(text))


def _finding_line(report: Report, f) -> str:
    where = f"{report.path}:{f.line}:{f.column or 1}" if f.line is not None else report.path
    line = f"{_x(where)}  {f.rule}  {_x(f.message)}  (+{f.points:g})"
    return line + (f"\n    help: {_x(' '.join(f.fix.split()))}" if f.fix.strip() else "")


def format_junit(reports: Sequence[Report], color: bool = False, rules: Sequence[Rule] = ()) -> str:
    """One <testsuite> named spamlint; a <testcase> per input; a <failure> per failing input."""
    import xml.etree.ElementTree as ET  # only this format needs it: kept off every run's start-up

    failures = sum(not r.passed for r in reports)
    root = ET.Element("testsuites", name="spamlint", tests=str(len(reports)), failures=str(failures), errors="0")
    suite = ET.SubElement(root, "testsuite", name="spamlint", tests=str(len(reports)),
                          failures=str(failures), errors="0", skipped="0")
    for report in reports:
        path = _x(report.path)
        case = ET.SubElement(suite, "testcase", classname="spamlint", name=path, file=path.split("#", 1)[0])
        if not report.passed:
            failure = ET.SubElement(case, "failure", type="spam-score",
                                    message=f"spam score {report.score:g} reaches the threshold {report.threshold:g}")
            failure.text = "\n".join(_finding_line(report, f) for f in report.findings)
        elif report.findings:
            out = ET.SubElement(case, "system-out")
            out.text = "\n".join(_finding_line(report, f) for f in report.findings)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
