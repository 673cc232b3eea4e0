#!/usr/bin/env python3
"""Regenerate the result tables in docs/evaluation.md by running the `spamlint evaluate` commands it shows.

    python scripts/update_evaluation_doc.py [--jobs N]

The rules run once per file: every command shares one hit cache (.cache/evaluate.jsonl, reused
while rules and code are unchanged, whatever the points), so the runs after the first only score.

Run from anywhere; the commands run from the repository root with the corpus at
../shared/corpus, exactly as printed in the doc. Only the text between each
`<!-- eval:NAME:start -->` and `<!-- eval:NAME:end -->` marker pair is replaced.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "evaluation.md"
SA = "../shared/corpus/spamassassin"
SA_HAM = [f"{SA}/easy_ham", f"{SA}/easy_ham_2", f"{SA}/hard_ham"]
CACHE = ".cache/evaluate.jsonl"
# marker name -> the evaluate options after the common ones, as pairs shown one per line
RUNS = {
    "sources": [("--corpus", "../shared/corpus"), ("--loso", "")],
    "spamassassin": [*(("--ham", h) for h in SA_HAM), ("--spam", f"{SA}/spam"), ("--spam", f"{SA}/spam_2")],
    "phishing": [*(("--ham", h) for h in SA_HAM), ("--spam", "../shared/corpus/phishing_pot")],
}


def command(pairs: list[tuple[str, str]], jobs: int) -> tuple[list[str], str]:
    """The evaluate argv for one run, and the same command as the doc shows it."""
    head = ["spamlint", "evaluate", "--format", "markdown", "--jobs", str(jobs), "--cache", CACHE]
    argv = head + [x for pair in pairs for x in pair if x]
    shown = " \\\n    ".join([" ".join(head)] + [f"{a} {b}".strip() for a, b in pairs])
    return argv, shown


def block(name: str, jobs: int) -> str:
    """The doc block for one run: the command, then its Markdown output."""
    argv, shown = command(RUNS[name], jobs)
    (REPO / CACHE).parent.mkdir(exist_ok=True)
    out = subprocess.run([sys.executable, "-m", "spamlint", *argv[1:]], cwd=REPO, check=True,
                         capture_output=True, text=True).stdout
    return f"```sh\n{shown}\n```\n\n{out}\n{_stamp()}\n"


def _stamp() -> str:
    """Which code produced a table, so a stale one is easy to spot."""
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "rules", "src"], cwd=REPO,
                           capture_output=True, text=True).stdout.strip()
    commit = head.stdout.strip() or "unknown"
    return f"_Generated at commit {commit}{' with uncommitted rule or code changes' if dirty else ''}._"


def replace(doc: str, name: str, text: str) -> str:
    """Doc text with one marked block replaced."""
    pattern = re.compile(rf"(<!-- eval:{name}:start -->\n).*?(<!-- eval:{name}:end -->)", re.DOTALL)
    if not pattern.search(doc):
        raise SystemExit(f"{DOC}: no <!-- eval:{name}:start/end --> markers")
    return pattern.sub(lambda m: m.group(1) + text + m.group(2), doc)


def main() -> int:
    """Run every evaluation and rewrite the doc's marked blocks."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1)
    jobs = p.parse_args().jobs
    doc = DOC.read_text(encoding="utf-8")
    for name in RUNS:
        doc = replace(doc, name, block(name, jobs))
    DOC.write_text(doc, encoding="utf-8")
    print(f"updated {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
