"""Per-source hit rates of chosen rules: `python scripts/rule_rates.py CORPUS RULE_OR_CATEGORY...`.

Every folder that holds messages directly is a source; its label comes from the corpus README
layout (ham/spam folders, set names).  Prints, per source, the share of inputs each rule fires on.
Reads no X-Spam*/X-Rspamd*/X-Bogosity header (no rule does).
"""

from __future__ import annotations

import os
import sys
from collections import Counter, defaultdict

from spamlint import load_document
from spamlint.engine.rules import builtin_rules
from spamlint.engine.run import Engine

SPAM_MARKERS = ("spam", "phishing")
HAM_WORDS = ("ham", "newsletters")


def label(source: str) -> str:
    """'spam' or 'ham' from the corpus folder names."""
    parts = source.split("/")
    if any(p in ("ham", "easy_ham", "easy_ham_2", "hard_ham") for p in parts):
        return "ham"
    return "spam" if any(m in source for m in SPAM_MARKERS) else "ham"


def main(corpus: str, names: list[str]) -> None:
    """Lint every file under corpus with the named rules and print per-source rates."""
    rules = [r for r in builtin_rules() if r.id in names or r.category in names]
    engine = Engine(rules)
    counts: dict[str, Counter] = defaultdict(Counter)
    totals: Counter = Counter()
    for folder, _, files in os.walk(corpus):
        if "/_source" in folder:
            continue
        for f in files:
            if f.endswith((".md", ".tsv")):
                continue
            parts = os.path.relpath(folder, corpus).split(os.sep)
            source = "/".join(parts[:3 if parts[0] == "non_english" else 2])
            with open(os.path.join(folder, f), "rb") as fh:
                doc = load_document(fh.read(), name=f)
            totals[source] += 1
            for rule in {x.rule for x in engine.run(doc)}:
                counts[source][rule] += 1
    ids = sorted(r.id for r in rules)
    print("label source n " + " ".join(ids))
    for source in sorted(totals, key=lambda s: (label(s), s)):
        n = totals[source]
        print(label(source), source, n, " ".join(f"{counts[source][i] / n * 100:.1f}" for i in ids))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
