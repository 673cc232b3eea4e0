"""The text format: findings by position with excerpts and fixes, the verdict per file, then a closing summary."""

from __future__ import annotations

from typing import Sequence

from spamlint.engine.rules import Rule
from spamlint.engine.scoring import Report
from spamlint.formatters.escape import clean
from spamlint.model.findings import Finding

_STYLES = {"error": "31", "warning": "33", "info": "36", "dim": "2", "bold": "1", "fail": "1;31", "pass": "1;32",
           "help": "32"}


def _paint(text: str, style: str, color: bool) -> str:
    return f"\x1b[{_STYLES[style]}m{text}\x1b[0m" if color else text


def plural(count: int, noun: str) -> str:
    """'1 file', '3 files', '0 findings'."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _location(report: Report, f: Finding) -> str:
    if f.line is None:
        return clean(report.path)
    return f"{clean(report.path)}:{f.line}:{f.column or 1}"


def format_text(reports: Sequence[Report], color: bool = False, rules: Sequence[Rule] = (), *,
                quiet: bool = False, show_passing: bool | None = None) -> str:
    """Human-readable: findings by position with excerpt and fix, the verdict per file, a closing summary.

    `show_passing` lists passing files too (default: only when there is one input); `quiet`
    prints only failing files and their findings, without the closing summary."""
    if show_passing is None:
        show_passing = len(reports) == 1
    shown = [r for r in reports if not r.passed or (show_passing and not quiet)]
    out: list[str] = []
    for report in shown:
        out += _findings(report, color)
        out.append(_verdict(report, color))
        out.append("")
    if reports and not quiet:
        out.append(closing_summary(reports, hidden=len(reports) - len(shown)))
    return "\n".join(out).rstrip("\n") + "\n" if out else ""


def _findings(report: Report, color: bool) -> list[str]:
    out = []
    for f in report.findings:
        part = "" if f.part in ("text/html", "text/plain", "message") and f.line is None else f"  [{clean(f.part)}]"
        out.append(f"{_paint(_location(report, f), 'bold', color)}  {_paint(f.rule, f.severity.value, color)}  "
                   f"{clean(f.message)}  (+{f.points:g}){part}")
        if f.excerpt:
            out.append(_paint(f"    | {clean(f.excerpt)}", "dim", color))
        if f.fix.strip():
            out.append(f"    {_paint('help:', 'help', color)} {clean(' '.join(f.fix.split()))}")
    return out


def _verdict(report: Report, color: bool) -> str:
    verdict = _paint(report.verdict.upper(), report.verdict, color)
    head = f"{clean(report.path)}: score {report.score:g} / threshold {report.threshold:g}  {verdict}"
    if not report.categories:
        return head + "  (no findings)"
    cats = ", ".join(f"{c} {v:g}" for c, v in report.categories.items())
    return f"{head}\n    {cats}"


def closing_summary(reports: Sequence[Report], hidden: int = 0) -> str:
    """'3 files checked, 1 failed, 7 findings' (and how many passing files were not listed)."""
    failed = sum(not r.passed for r in reports)
    findings = sum(len(r.findings) for r in reports)
    line = f"{plural(len(reports), 'file')} checked, {failed} failed, {plural(findings, 'finding')}"
    if hidden:
        line += f" ({hidden} passing not listed; --show-passing lists them)"
    return line
