"""Snapshot spamlint's JSON output over a corpus, and compare two snapshots file by file.

    python scripts/compare_corpus.py snapshot ../shared/corpus before.jsonl
    ... change the code ...
    python scripts/compare_corpus.py snapshot ../shared/corpus after.jsonl
    python scripts/compare_corpus.py compare before.jsonl after.jsonl [--show 20]

A snapshot runs the installed command line (`spamlint --format json`, the code that ships),
one folder of the corpus at a time, and writes one line per input: its path and its result,
JSON with sorted keys. `compare` says which inputs differ (and how, for the first few) and
exits 1 when any does, so a refactor that must not change behaviour can prove it did not.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

SKIP_FOLDERS = frozenset({"_source"})  # the corpus' own licences and READMEs, not mail


def folders(root: Path) -> list[Path]:
    """The corpus sets under root, each linted as one batch."""
    return sorted(p for p in root.iterdir() if p.is_dir() and p.name not in SKIP_FOLDERS)


def lint_folder(folder: Path, jobs: int) -> list[dict]:
    """spamlint's JSON results for every input under folder (exit 0 or 1 are both fine)."""
    cmd = [sys.executable, "-m", "spamlint", "--format", "json", "-j", str(jobs), str(folder)]
    run = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if run.returncode not in (0, 1, 2) or not run.stdout.strip():
        raise SystemExit(f"{folder}: spamlint exited {run.returncode}: {run.stderr.strip()[:500]}")
    return json.loads(run.stdout)["results"]


def snapshot(root: Path, out: Path, jobs: int) -> int:
    """Write one JSON line per input under root; return how many."""
    lines = []
    for folder in folders(root):
        for result in lint_folder(folder, jobs):
            if SKIP_FOLDERS & set(Path(result["path"]).parts):
                continue
            lines.append(json.dumps(result, sort_keys=True, ensure_ascii=False))
    lines.sort()
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def load(path: Path) -> dict[str, dict]:
    """path -> result of a snapshot file."""
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line)
    return {row["path"]: row for row in rows}


def describe(before: dict, after: dict) -> str:
    """One line on how two results of the same input differ."""
    if before["score"] != after["score"]:
        return f"score {before['score']} -> {after['score']}"
    rules_a = sorted(f["rule"] for f in before["findings"])
    rules_b = sorted(f["rule"] for f in after["findings"])
    if rules_a != rules_b:
        return f"rules {sorted(set(rules_a) ^ set(rules_b))} differ"
    return "same score and rules, other fields differ"


def compare(a: Path, b: Path, show: int) -> int:
    """Print the inputs whose results differ; return how many do (missing inputs count)."""
    left, right = load(a), load(b)
    differ = sorted(p for p in left.keys() | right.keys() if left.get(p) != right.get(p))
    for path in differ[:show]:
        if path not in left or path not in right:
            print(f"{path}: only in {a if path in left else b}")
        else:
            print(f"{path}: {describe(left[path], right[path])}")
    print(f"{len(left)} inputs before, {len(right)} after, {len(differ)} differ")
    return len(differ)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    snap = sub.add_parser("snapshot", help="lint a corpus and write its JSON results")
    snap.add_argument("root", type=Path)
    snap.add_argument("out", type=Path)
    snap.add_argument("-j", "--jobs", type=int, default=2)
    cmp_ = sub.add_parser("compare", help="compare two snapshots")
    cmp_.add_argument("before", type=Path)
    cmp_.add_argument("after", type=Path)
    cmp_.add_argument("--show", type=int, default=20)
    args = parser.parse_args()
    if args.cmd == "snapshot":
        print(f"{snapshot(args.root, args.out, args.jobs)} inputs written to {args.out}")
        return 0
    return 1 if compare(args.before, args.after, args.show) else 0


if __name__ == "__main__":
    sys.exit(main())
