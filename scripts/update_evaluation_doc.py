#!/usr/bin/env python3
"""Regenerate the result tables in docs/evaluation.md by running the `spamlint evaluate` commands it shows.

    python scripts/update_evaluation_doc.py [--jobs N]

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
NEWSLETTERS = ["../shared/corpus/html_newsletters/real", "../shared/corpus/html_newsletters/templates"]
# marker name -> (ham folders, spam folders)
RUNS = {
    "spamassassin": (SA_HAM, [f"{SA}/spam", f"{SA}/spam_2"]),
    "phishing": (SA_HAM, ["../shared/corpus/phishing_pot"]),
    "all": (SA_HAM + NEWSLETTERS, [f"{SA}/spam", f"{SA}/spam_2", "../shared/corpus/phishing_pot"]),
}


def command(ham: list[str], spam: list[str], jobs: int) -> list[str]:
    """The evaluate command line for these folders."""
    args = ["spamlint", "evaluate", "--format", "markdown", "--jobs", str(jobs)]
    return args + [a for h in ham for a in ("--ham", h)] + [a for s in spam for a in ("--spam", s)]


def block(name: str, jobs: int) -> str:
    """The doc block for one run: the command, then its Markdown output."""
    ham, spam = RUNS[name]
    argv = command(ham, spam, jobs)
    out = subprocess.run([sys.executable, "-m", "spamlint", *argv[1:]], cwd=REPO, check=True,
                         capture_output=True, text=True).stdout
    shown = " \\\n    ".join([" ".join(argv[:6])] + [f"{a} {b}" for a, b in zip(argv[6::2], argv[7::2])])
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
