"""Per-source tables from a compare_corpus.py snapshot: where ham fails, and which rules put it there.

    python scripts/compare_corpus.py snapshot ../shared/corpus snap.jsonl
    python scripts/source_table.py snap.jsonl              # ham: fails, score >= 3, top rules
    python scripts/source_table.py snap.jsonl --spam       # spam: fails, score >= 3
    python scripts/source_table.py before.jsonl after.jsonl --rules   # rule hits per group, before -> after

A source is the corpus set and its first folder (ham_modern/autofs_list, spamassassin/hard_ham).
Labels follow the corpus README: every set is ham except spamassassin/spam*, phishing_pot,
spam_modern and non_english/spam.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

SPAM_SETS = ("spamassassin/spam", "phishing_pot", "spam_modern", "non_english/spam")
HIGH = 3.0


def source(path: str) -> str:
    """corpus set / first folder of a result's path (phishing_pot files sit in the set itself)."""
    parts = path.split("/corpus/", 1)[-1].split("/")
    return parts[0] if parts[0] == "phishing_pot" else "/".join(parts[:2])


def is_spam(src: str) -> bool:
    """Whether a source holds spam, by the corpus README's labels."""
    return src.startswith(SPAM_SETS)


def group(src: str) -> str:
    """A coarse group for rule-hit tables: ham, or which spam collection."""
    if not is_spam(src):
        return "ham"
    return {"spamassassin": "sa_spam", "phishing_pot": "phish", "spam_modern": "spam_modern"}.get(
        src.split("/")[0], "ne_spam")


def results(snapshot: Path) -> list[dict]:
    """The results of a snapshot file, one per input."""
    return [json.loads(line) for line in snapshot.read_text(encoding="utf-8").splitlines() if line]


def source_table(rows: list[dict], spam: bool) -> list[str]:
    """One line per source: inputs, fails, scores >= 3 and (ham) the rules adding most points there."""
    n, fail, high = Counter(), Counter(), Counter()
    points: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        src = source(r["path"])
        if is_spam(src) != spam:
            continue
        n[src] += 1
        fail[src] += r["verdict"] == "fail"
        high[src] += r["score"] >= HIGH
        if r["score"] >= HIGH:
            for f in r["findings"]:
                points[src][f["rule"]] += f["points"]
    out = []
    for src in sorted(n):
        out.append(f"{src:48} n={n[src]:5}  fail={fail[src]:4}  score>={HIGH:g}={high[src]:4}")
        if not spam and points[src]:
            out.append("    " + ", ".join(f"{rule} {p:.1f}" for rule, p in points[src].most_common(8)))
    out.append(f"{'total':48} n={sum(n.values()):5}  fail={sum(fail.values()):4}  score>={HIGH:g}={sum(high.values()):4}")
    return out


def rule_hits(rows: list[dict]) -> dict[str, Counter]:
    """rule -> group -> inputs it fires on."""
    hits: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        g = group(source(r["path"]))
        for rule in {f["rule"] for f in r["findings"]}:
            hits[rule][g] += 1
    return hits


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("snapshots", nargs="+", type=Path)
    ap.add_argument("--spam", action="store_true", help="tabulate the spam sources instead of ham")
    ap.add_argument("--rules", action="store_true", help="rule hits per group; with two snapshots, changes only")
    args = ap.parse_args()
    if not args.rules:
        for snap in args.snapshots:
            print(f"== {snap}")
            print("\n".join(source_table(results(snap), args.spam)))
        return
    tables = [rule_hits(results(s)) for s in args.snapshots]
    groups = ("ham", "sa_spam", "spam_modern", "phish", "ne_spam")
    print(f"{'rule':28}" + "".join(f"{g:>13}" for g in groups))
    for rule in sorted(set().union(*tables)):
        cells = [[t[rule][g] for g in groups] for t in tables]
        if len(tables) > 1 and cells[0] == cells[-1]:
            continue
        print(f"{rule:28}" + "".join(f"{' -> '.join(str(c[i]) for c in cells):>13}" for i in range(len(groups))))


if __name__ == "__main__":
    main()
