"""`--profile bulk`: the Gmail/Yahoo bulk-sender requirements as one pass/fail line each.

Each line is decided by the findings of named rules: a fail rule fired -> fail; an unchecked
rule fired -> "could not check"; the requirement cannot be seen in this kind of run -> "not
checked" with what would check it; otherwise pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from spamlint.engine.scoring import Report

_GOOGLE = "Google Email sender guidelines (bulk senders, from February 2024)"
_YAHOO = "Yahoo Sender Best Practices (bulk senders, from February 2024)"


@dataclass(frozen=True)
class Requirement:
    """One line of a profile: what is required, the rules that fail or leave it unchecked, where it is seen."""

    name: str
    fail: tuple[str, ...]
    unchecked: tuple[str, ...]
    seen_in: tuple[str, ...]  # "domain" (spamlint domain), "online" (check --online), "message" (any check)
    why: str


BULK: tuple[Requirement, ...] = (
    Requirement("SPF record valid (and passing for the sending IP)",
                ("spf-missing", "spf-multiple", "spf-syntax", "spf-pass-all", "spf-too-many-lookups",
                 "spf-void-lookups", "spf-include-missing", "spf-ip-not-allowed"), ("spf-unchecked",),
                ("domain", "online"), f"{_GOOGLE}: set up SPF and DKIM; {_YAHOO}: implement SPF and DKIM"),
    Requirement("DKIM signing with a valid key",
                ("dkim-key-missing", "dkim-key-syntax", "dkim-key-too-short", "dkim-key-revoked",
                 "dkim-signature-fail", "dkim-unsigned"), ("dkim-unchecked",),
                ("domain", "online"), f"{_GOOGLE}: set up SPF and DKIM; {_YAHOO}: implement SPF and DKIM"),
    Requirement("DMARC record (at least p=none)", ("dmarc-missing", "dmarc-syntax"), ("dmarc-unchecked",),
                ("domain", "online"), f"{_GOOGLE} and {_YAHOO}: publish a DMARC policy, p=none or stricter"),
    Requirement("From domain aligned with SPF or DKIM", ("dmarc-not-aligned",), ("dmarc-unchecked",),
                ("online",), f"{_GOOGLE}: the From domain must align with the SPF or DKIM domain (DMARC alignment)"),
    Requirement("One-click unsubscribe (RFC 8058) on marketing mail",
                ("one-click-unsubscribe", "missing-list-unsubscribe"), (),
                ("message", "online"), f"{_GOOGLE} and {_YAHOO}: List-Unsubscribe with List-Unsubscribe-Post one-click"),
    Requirement("Forward and reverse DNS of the sending IP", ("ptr-missing", "ptr-not-confirmed"), ("ptr-unchecked",),
                ("online", "domain-ip"), f"{_GOOGLE}: sending IPs must have valid forward and reverse DNS (PTR) records"),
)
COMPLAINT_HINT = ("Spam complaint rate under 0.3% (aim for 0.1%): watch it in Google Postmaster Tools and "
                  "Yahoo's complaint feedback loop; no message or DNS record shows it")


@dataclass(frozen=True)
class Line:
    """A profile line: status pass, fail, unchecked, not-checked or hint; the rules that decided it; why."""

    status: str
    name: str
    rules: tuple[str, ...]
    why: str
    note: str = ""


def bulk_lines(report: Report, mode: str) -> list[Line]:
    """The bulk-sender checklist for one report; mode is "domain", "domain-ip", "online" or "message"."""
    fired = {f.rule for f in report.findings}
    out = []
    for req in BULK:
        visible = mode in req.seen_in or (mode == "domain-ip" and "domain" in req.seen_in)
        bad = tuple(r for r in req.fail if r in fired)
        unsure = tuple(r for r in req.unchecked if r in fired)
        if bad:
            out.append(Line("fail", req.name, bad, req.why))
        elif unsure:
            out.append(Line("unchecked", req.name, unsure, req.why, "DNS did not answer"))
        elif not visible:
            out.append(Line("not-checked", req.name, (), req.why, _how(req)))
        else:
            out.append(Line("pass", req.name, (), req.why))
    out.append(Line("hint", COMPLAINT_HINT, (), f"{_GOOGLE}; {_YAHOO}"))
    return out


def _how(req: Requirement) -> str:
    if req.seen_in == ("online",):
        return "needs a message checked with --online"
    if "domain-ip" in req.seen_in:
        return "needs --ip (spamlint domain) or a message checked with --online"
    if "message" in req.seen_in:
        return "needs a message"
    return "needs spamlint domain or --online"


def passed(lines: Sequence[Line]) -> bool:
    """True when no line failed or could not be checked."""
    return not any(line.status in ("fail", "unchecked") for line in lines)


def format_lines(path: str, lines: Sequence[Line]) -> str:
    """The checklist as text: one line per requirement, then why each is required."""
    marks = {"pass": "PASS", "fail": "FAIL", "unchecked": "????", "not-checked": "----", "hint": "NOTE"}
    out = [f"{path}: Gmail/Yahoo bulk-sender requirements"]
    for line in lines:
        extra = f" ({', '.join(line.rules)})" if line.rules else ""
        note = f" [{line.note}]" if line.note else ""
        out.append(f"  {marks[line.status]}  {line.name}{extra}{note}")
    out.append(f"  => {'PASS' if passed(lines) else 'FAIL'}")
    return "\n".join(out) + "\n"


def as_dict(path: str, lines: Sequence[Line]) -> dict:
    """The checklist as JSON-ready data."""
    return {"path": path, "profile": "bulk", "passed": passed(lines),
            "requirements": [{"status": l.status, "requirement": l.name, "rules": list(l.rules), "why": l.why,
                              "note": l.note} for l in lines]}
