#!/usr/bin/env python3
"""Fit the built-in rules' points to the development corpora; print before/after; --write saves them.

    python scripts/fit_points.py                 # fit and report, change nothing
    python scripts/fit_points.py --write         # also rewrite the `points:` line of rules/*.yaml

Deterministic: the same corpora and rules give the same points (folds come from a hash of
each file's name, rules are visited in id order). See docs/evaluation.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from spamlint.engine.rules import Rule, builtin_rules
from spamlint.engine.scoring import CATEGORY_CAPS, DEFAULT_THRESHOLD
from spamlint.evaluation.evaluate import Sample, collect, lint_items, unit_rules
from spamlint.evaluation.fitting import (
    STEP,
    Example,
    FitConfig,
    Limits,
    Model,
    fit,
    fold_of,
    lower_bound,
    objective,
    replace_points,
    scores,
    to_steps,
    upper_bound,
)
from spamlint.evaluation.metrics import confusion, recall_at_fpr, roc_auc
from spamlint.model.findings import CATEGORIES

REPO = Path(__file__).resolve().parents[1]
# group -> (is spam, protected, folders under the corpus root)
LAYOUT = {
    "ham": (False, False, ["spamassassin/easy_ham", "spamassassin/easy_ham_2", "spamassassin/hard_ham"]),
    "newsletters": (False, True, ["html_newsletters/real", "html_newsletters/templates"]),
    "spam": (True, False, ["spamassassin/spam", "spamassassin/spam_2"]),
    "phishing": (True, False, ["phishing_pot"]),
}


@dataclass(frozen=True)
class Data:
    """The fitted rules, one Example per message, and each message's fold."""

    rules: tuple[Rule, ...]
    examples: tuple[Example, ...]
    folds: tuple[int, ...]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options; every objective knob has the default the shipped points used."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus",
                   help="corpus root with the standard layout [default: ../shared/corpus from the repo]")
    for group in LAYOUT:
        p.add_argument(f"--{group}", action="append", metavar="DIR",
                       help=f"{group} folder, repeatable [default: {', '.join(LAYOUT[group][2])} under --corpus]")
    p.add_argument("--folds", type=int, default=5, help="cross-validation folds [default: 5]")
    p.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1, help="lint processes [default: all CPUs]")
    p.add_argument("--min-support", type=int, default=10,
                   help="rules firing on fewer messages keep the points in their files [default: 10]")
    p.add_argument("--write", action="store_true", help="write the fitted points into the rule files")
    p.add_argument("--rules-dir", type=Path, default=REPO / "rules", help="where --write edits rule files")
    d, lim = FitConfig(), Limits()
    p.add_argument("--ham-margin", type=float, default=d.ham_margin, help="ham should stay this far below the threshold")
    p.add_argument("--protect-margin", type=float, default=d.protect_margin,
                   help="newsletters must stay this far below the threshold (hard constraint)")
    p.add_argument("--ham-weight", type=float, default=10.0, help="weight of ham loss against each spam group's")
    p.add_argument("--l2", type=float, default=d.l2, help="penalty on squared points")
    p.add_argument("--word-max", type=float, default=lim.word_max, help="most points for a single-word list rule")
    p.add_argument("--template-weight", type=float, default=0.5,
                   help="weight of each message's header-less twin, so templates keep a score [default: 0.5]")
    p.add_argument("--content-min", type=float, default=lim.content_min,
                   help="fewest points for a rule of a family templates can show (words, claims, links ...)")
    p.add_argument("--phrase-max", type=float, default=lim.phrase_max, help="most points for other phrase rules")
    return p.parse_args(argv)


def folders(args: argparse.Namespace) -> dict[str, list[str]]:
    """Group -> folders, from the options or the corpus layout."""
    return {g: getattr(args, g) or [str(args.corpus / sub) for sub in LAYOUT[g][2]] for g in LAYOUT}


TEMPLATE_TWINS = ("ham", "spam", "phishing")


def load(groups: dict[str, list[str]], jobs: int, folds: int) -> Data:
    """Lint every message once with 1-point rules: hit weights per rule are the features."""
    rules = tuple(r for r in builtin_rules() if r.enabled and r.points > 0)  # 0-point rules are informational
    index = {r.id: i for i, r in enumerate(rules)}
    examples, fold_ids = [], []
    for group, paths in groups.items():
        spam, protected, _ = LAYOUT[group]
        items = collect([] if spam else paths, paths if spam else [])
        for s in lint_items(items, DEFAULT_THRESHOLD, rules=unit_rules(rules), jobs=jobs):
            if s.error:
                print(f"skipped: {s.error}", file=sys.stderr)
                continue
            hits = tuple((index[rid], w) for rid, w in s.hits if rid in index and w > 0)
            examples.append(Example(hits, group, spam, protected))
            fold_ids.append(fold_of(f"{group}/{_relative(s)}", folds))
    twins, twin_folds = template_twins(rules, examples, fold_ids)
    return Data(rules, tuple(examples + twins), tuple(fold_ids + twin_folds))


def template_twins(rules: Sequence[Rule], examples: list[Example], folds: list[int]) -> tuple[list[Example], list[int]]:
    """Each corpus message again as a bare template would show it: without header and MIME rules.

    Templates are linted before they are sent, so they have no headers; fitting to full
    messages alone would leave nearly all the weight on header rules and templates unscored.
    A twin keeps its message's fold, so cross-validation never sees a message's twin in training.
    """
    visible = [not set(r.scope) <= {"headers", "message"} for r in rules]
    twins, twin_folds = [], []
    for ex, fold in zip(examples, folds):
        if ex.group in TEMPLATE_TWINS:
            twins.append(Example(tuple((r, w) for r, w in ex.hits if visible[r]), f"{ex.group}-template", ex.spam))
            twin_folds.append(fold)
    return twins, twin_folds


def _relative(sample: Sample) -> str:
    # Fold keys must not depend on where the corpus lives on this machine.
    return os.path.relpath(sample.name, sample.folder) if sample.name != sample.folder else Path(sample.name).name


def support(data: Data) -> list[int]:
    """How many messages (ham and spam) each rule fires on."""
    counts = [0] * len(data.rules)
    for e in data.examples:
        for r, _ in e.hits:
            counts[r] += 1
    return counts


def build_model(rules: Sequence[Rule], limits: Limits, fixed: Sequence[bool] = ()) -> Model:
    """Categories, caps and per-rule bounds (in grid steps); a fixed rule's bounds pin its current points."""
    cats = {c: i for i, c in enumerate(CATEGORIES)}
    caps = tuple(CATEGORY_CAPS.get(c, float("inf")) for c in CATEGORIES)
    upper = [to_steps(upper_bound(r.check_name, r.options, caps[cats[r.category]], limits)) for r in rules]
    lower = [min(to_steps(lower_bound(r.category, limits)), u) for r, u in zip(rules, upper)]
    for r, pinned in enumerate(fixed):
        if pinned:
            lower[r] = upper[r] = to_steps(rules[r].points)
    return Model(tuple(cats[r.category] for r in rules), caps, tuple(lower), tuple(upper))


def metrics(examples: Sequence[Example], values: Sequence[float]) -> dict[str, str]:
    """The issue's targets for one set of scores."""
    def pick(*groups: str) -> tuple[list[float], list[bool]]:
        rows = [(s, e.spam) for e, s in zip(examples, values) if e.group in groups]
        return [s for s, _ in rows], [y for _, y in rows]

    out: dict[str, str] = {}
    for name, spam_group in (("SpamAssassin", "spam"), ("phishing", "phishing")):
        sc, lab = pick("ham", spam_group)
        if 0 < sum(lab) < len(lab):
            out[f"{name} AUC"] = f"{roc_auc(sc, lab):.4f}"
            out[f"{name} recall@1%"] = f"{recall_at_fpr(sc, lab, 0.01).recall:.3f}"
            out[f"{name} caught"] = f"{confusion(sc, lab, DEFAULT_THRESHOLD).recall:.3f}"
    for group in ("ham", "newsletters"):
        sc, lab = pick(group)
        out[f"{group} failed"] = f"{confusion(sc, lab, DEFAULT_THRESHOLD).false_pos}/{len(sc)}"
    sc, lab = pick("ham-template", "spam-template", "phishing-template")
    if 0 < sum(lab) < len(lab):  # the same mail without headers, as a template would be
        out["as templates AUC"] = f"{roc_auc(sc, lab):.4f}"
        out["as templates caught"] = f"{confusion(sc, lab, DEFAULT_THRESHOLD).recall:.3f}"
    return out


def print_table(columns: dict[str, dict[str, str]]) -> None:
    """Metric rows, one column per setting."""
    names = list(columns)
    keys = list(next(iter(columns.values())))
    print(f"{'':22}" + "".join(f"{n:>16}" for n in names))
    for k in keys:
        print(f"{k:22}" + "".join(f"{columns[n].get(k, '-'):>16}" for n in names))


def cross_validate(data: Data, model: Model, start: list[int], cfg: FitConfig, k: int) -> tuple[list[float], list[list[int]]]:
    """Out-of-fold scores (each message scored by a fit that never saw it) and each fold's points."""
    oof = [0.0] * len(data.examples)
    per_fold = []
    for f in range(k):
        train = [e for e, fold in zip(data.examples, data.folds) if fold != f]
        steps = fit(train, model, start, cfg)
        per_fold.append(steps)
        held = [i for i, fold in enumerate(data.folds) if fold == f]
        for i, s in zip(held, scores([data.examples[i] for i in held], model, steps)):
            oof[i] = s
    return oof, per_fold


def print_rules(data: Data, start: list[int], final: list[int], per_fold: list[list[int]], fixed: list[bool]) -> None:
    """Old and new points per rule, with the range the folds gave (wide = unstable)."""
    ham_hits = [0] * len(data.rules)
    spam_hits = [0] * len(data.rules)
    for e in data.examples:
        for r, _ in e.hits:
            (spam_hits if e.spam else ham_hits)[r] += 1
    print(f"\n{'rule':28}{'category':19}{'old':>5}{'new':>6}{'folds':>10}{'ham':>7}{'spam':>7}")
    for r, rule in sorted(enumerate(data.rules), key=lambda p: p[1].id):
        lo, hi = min(f[r] for f in per_fold) * STEP, max(f[r] for f in per_fold) * STEP
        print(f"{rule.id:28}{rule.category:19}{start[r] * STEP:5.1f}{final[r] * STEP:6.1f}"
              f"{f'{lo:.1f}-{hi:.1f}':>10}{ham_hits[r]:7}{spam_hits[r]:7}{'  kept: too few hits' if fixed[r] else ''}")


def write_points(rules: Sequence[Rule], steps: Sequence[int], rules_dir: Path) -> tuple[list[Path], list[str]]:
    """Rewrite the `points:` line of each rule file whose points changed: (files written, problems)."""
    written, problems = [], []
    for rule, q in zip(rules, steps):
        path = rules_dir / f"{rule.id}.yaml"
        try:
            old = path.read_bytes().decode("utf-8")
            new = replace_points(old, q * STEP)
        except (OSError, ValueError) as exc:  # a file renamed or edited since the run began
            problems.append(f"{path}: not written: {exc}")
            continue
        if new != old:
            path.write_bytes(new.encode("utf-8"))
            written.append(path)
    return written, problems


def main(argv: Sequence[str] | None = None) -> int:
    """Fit, report, and optionally write the points."""
    args = parse_args(argv)
    weights = {"ham": args.ham_weight, "newsletters": args.ham_weight}
    weights.update({f"{g}-template": weights.get(g, 1.0) * args.template_weight for g in TEMPLATE_TWINS})
    cfg = FitConfig(ham_margin=args.ham_margin, protect_margin=args.protect_margin, l2=args.l2, group_weights=weights)
    t0 = time.monotonic()
    data = load(folders(args), args.jobs, args.folds)
    print(f"linted {len(data.examples)} messages in {time.monotonic() - t0:.1f}s; fitting {len(data.rules)} rules")
    fixed = [n < args.min_support for n in support(data)]
    model = build_model(data.rules, Limits(word_max=args.word_max, phrase_max=args.phrase_max, content_min=args.content_min), fixed)
    current = [to_steps(r.points) for r in data.rules]
    # Fitted rules start from 1 point, not from the files, so refitting is idempotent.
    start = [q if pinned else to_steps(1.0) for q, pinned in zip(current, fixed)]
    oof, per_fold = cross_validate(data, model, start, cfg, args.folds)
    final = fit(data.examples, model, start, cfg)
    print_table({"before": metrics(data.examples, scores(data.examples, model, current)),
                 "after (train)": metrics(data.examples, scores(data.examples, model, final)),
                 f"after ({args.folds}-fold)": metrics(data.examples, oof)})
    print(f"objective before {objective(data.examples, model, current, cfg)}, "
          f"after {objective(data.examples, model, final, cfg)}")
    print_rules(data, current, final, per_fold, fixed)
    status = save(data.rules, final, fixed, args.rules_dir) if args.write else 0
    print(f"done in {time.monotonic() - t0:.1f}s")
    return status


def save(rules: Sequence[Rule], steps: Sequence[int], fixed: Sequence[bool], rules_dir: Path) -> int:
    """Write the fitted (not the kept) rules' points; 1 if some file could not be written."""
    fitted = [(rule, q) for rule, q, pinned in zip(rules, steps, fixed) if not pinned]
    written, problems = write_points([r for r, _ in fitted], [q for _, q in fitted], rules_dir)
    for path in written:
        print(f"wrote {path}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
