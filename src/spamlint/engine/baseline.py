"""Baselines: record today's findings, and later report only findings that are not recorded.

A finding is identified by rule, input path and content (the end of its excerpt, else its
message; see model.findings.finding_content), never by line, so text added above a finding does
not bring it back.  Identical findings count: a baseline holding a phrase twice lets two
through, and a third occurrence is new.  Reports left with fewer findings are scored again, so
a file whose failing score is all recorded passes.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Sequence

from spamlint.engine.scoring import Report, score
from spamlint.errors import ConfigError
from spamlint.inputs.files import read_regular
from spamlint.model.findings import Finding, finding_content

BASELINE_MAX_BYTES = 256 * 1024 * 1024  # a baseline of a million findings is far smaller

VERSION = 1
Key = tuple[str, str, str]


def _key(path: str, f: Finding) -> Key:
    return (f.rule, path.replace("\\", "/"), finding_content(f))


def baseline_text(reports: Sequence[Report]) -> str:
    """The baseline file's content for these reports: sorted, one JSON object per finding."""
    keys = sorted(_key(r.path, f) for r in reports for f in r.findings)
    entries = [{"rule": rule, "path": path, "content": content} for rule, path, content in keys]
    return json.dumps({"spamlint-baseline": VERSION, "findings": entries}, ensure_ascii=False, indent=1) + "\n"


def write_baseline(path: Path, reports: Sequence[Report]) -> None:
    """Write the baseline file (UTF-8); raises ConfigError naming the file when it cannot."""
    try:
        path.write_text(baseline_text(reports), encoding="utf-8", errors="surrogateescape")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write the baseline: {exc.strerror or exc}") from None


def load_baseline(path: Path) -> Counter[Key]:
    """The recorded findings, counted; raises ConfigError naming the file for anything unreadable."""
    try:
        raw = read_regular(path, BASELINE_MAX_BYTES)  # never a FIFO or /dev/zero
        if len(raw) > BASELINE_MAX_BYTES:
            raise OSError(f"larger than {BASELINE_MAX_BYTES:,} bytes")
        data = json.loads(raw.decode("utf-8", errors="surrogateescape"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise ConfigError(f"{path}: not a spamlint baseline (bad JSON: {exc})") from None
    if not isinstance(data, dict) or data.get("spamlint-baseline") != VERSION or \
            not isinstance(data.get("findings"), list):
        raise ConfigError(f"{path}: not a spamlint baseline (expected {{\"spamlint-baseline\": {VERSION}, "
                          f"\"findings\": [...]}})")
    counts: Counter[Key] = Counter()
    for i, e in enumerate(data["findings"]):
        if not isinstance(e, dict) or not all(isinstance(e.get(k), str) for k in ("rule", "path", "content")):
            raise ConfigError(f"{path}: findings[{i}]: needs text fields rule, path and content")
        counts[(e["rule"], e["path"], e["content"])] += 1
    return counts


def apply_baseline(reports: Sequence[Report], recorded: Counter[Key]) -> list[Report]:
    """Each report without its recorded findings, scored again."""
    left = Counter(recorded)
    out = []
    for report in reports:
        kept = []
        for f in report.findings:
            key = _key(report.path, f)
            if left[key] > 0:
                left[key] -= 1
            else:
                kept.append(f)
        out.append(report if len(kept) == len(report.findings) else score(report.path, kept, report.threshold))
    return out
