"""What some rules add: the built-in pack with and without them, on the same inputs.

    python scripts/rule_effect.py ../shared/corpus RULE_OR_CATEGORY... [--jobs 2]

Prints ROC AUC and recall at 1% ham FPR for a few pairings of the development sets, then the
ham sources with inputs failing at the threshold, once without the named rules and once with
them.  Reads no X-Spam*/X-Spamd*/X-Rspamd*/X-Bogosity header (no rule does).
"""

from __future__ import annotations

import argparse
from typing import Sequence

from spamlint.engine.rules import builtin_rules
from spamlint.evaluation.evaluate import Sample, collect, lint_items
from spamlint.evaluation.metrics import recall_at_fpr, roc_auc

HAM = ("ham_modern", "spamassassin/easy_ham", "spamassassin/easy_ham_2", "spamassassin/hard_ham",
       "html_newsletters", "newsletters_more", "non_english/ham")
SPAM = ("spam_modern", "spamassassin/spam", "spamassassin/spam_2", "phishing_pot", "non_english/spam")
PAIRINGS = (
    ("spam_modern vs ham_modern", ("ham_modern",), ("spam_modern",)),
    ("SpamAssassin spam vs ham", HAM[1:4], SPAM[1:3]),
    ("phishing_pot vs all ham", HAM, ("phishing_pot",)),
    ("non_english/spam vs all ham", HAM, ("non_english/spam",)),
    ("all spam vs all ham", HAM, SPAM),
)


def _in(sample: Sample, root: str, sets: Sequence[str]) -> bool:
    return any(sample.name.startswith(f"{root}/{s}/") for s in sets)


def report(samples: Sequence[Sample], root: str, tag: str, threshold: float) -> None:
    """Print the pairings' AUC and recall at 1% FPR, and ham sources with failures."""
    for name, ham, spam in PAIRINGS:
        chosen = [s for s in samples if _in(s, root, spam if s.spam else ham)]
        scores, labels = [s.score for s in chosen], [s.spam for s in chosen]
        point = recall_at_fpr(scores, labels, 0.01)
        print(f"{tag:8} {name:30} AUC {roc_auc(scores, labels):.3f}  recall@1%FPR {point.recall * 100:.1f}%")
    failing: dict[str, list[int]] = {}
    for s in samples:
        if not s.spam:
            row = failing.setdefault(s.folder, [0, 0])
            row[0] += 1
            row[1] += s.score >= threshold
    print(f"{tag:8} ham failing: " + (", ".join(f"{k} {v[1]}/{v[0]}" for k, v in failing.items() if v[1]) or "none"))


def main() -> None:
    """Lint the sets twice (without and with the named rules) and print both reports."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("rules", nargs="+", help="rule ids or categories")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--threshold", type=float, default=5.0)
    args = parser.parse_args()
    root = args.corpus.rstrip("/")
    items = collect([f"{root}/{h}" for h in HAM], [f"{root}/{s}" for s in SPAM])
    every = builtin_rules()
    without = [r for r in every if r.id not in args.rules and r.category not in args.rules]
    for tag, rules in (("without", without), ("with", every)):
        report(lint_items(items, args.threshold, rules, jobs=args.jobs), root, tag, args.threshold)


if __name__ == "__main__":
    main()
