#!/usr/bin/env python3
"""Fit the built-in rules' points to the development corpus; print per-source figures; --write saves them.

    python scripts/fit_points.py --corpus ../shared/corpus            # fit and report, change nothing
    python scripts/fit_points.py --corpus ../shared/corpus --write    # also rewrite `points:` in rules/*.yaml
    python scripts/fit_points.py --corpus ../shared/corpus --loso     # and leave-one-source-out figures

Every rule in rules/ is fitted (new rules need no code change); labels and sources come from
the table in spamlint.evaluation.corpus. The rules run once per file and the hits are kept in
--cache, so a second run only fits. Deterministic: the same corpus and rules give the same
points. See docs/evaluation.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from spamlint.engine.rules import Rule, builtin_rules
from spamlint.evaluation.corpus import collect_corpus
from spamlint.evaluation.evaluate import FolderRow, source_rows
from spamlint.evaluation.fitting import Limits, build_problem, replace_points
from spamlint.evaluation.hits import lint_hits
from spamlint.evaluation.logistic import (FitConfig, Problem, fit, leave_one_out, messages, scores,
                                         template_figures)

REPO = Path(__file__).resolve().parents[1]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options; every objective knob has the default the shipped points used."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus",
                   help="corpus root laid out like ../shared/corpus [default: ../shared/corpus from the repo]")
    p.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1, help="lint processes [default: all CPUs]")
    p.add_argument("--cache", type=Path, default=REPO / ".cache" / "fit_points.jsonl",
                   help="per-file rule hits, reused while rules and code are unchanged [default: .cache/fit_points.jsonl]")
    p.add_argument("--no-cache", action="store_true", help="lint every file again and keep nothing")
    p.add_argument("--loso", action="store_true", help="also report leave-one-source-out figures (one fit per source)")
    p.add_argument("--min-support", type=int, default=10,
                   help="rules firing on fewer messages keep the points in their files [default: 10]")
    p.add_argument("--write", action="store_true", help="write the fitted points into the rule files")
    p.add_argument("--rules-dir", type=Path, default=REPO / "rules", help="where --write edits rule files")
    p.add_argument("--by-source", dest="by_set", action="store_false",
                   help="share each class's weight equally by source folder, not by corpus set then source")
    d, lim = FitConfig(), Limits()
    for name, help_text in (("offset", "the model's even-odds score lies this far below the threshold"),
                            ("temperature", "points per unit of log-odds"),
                            ("l2", "penalty on squared points"),
                            ("ham_weight", "weight of the ham class against the spam class"),
                            ("template_weight", "weight of header-less twins (templates) against their messages"),
                            ("newsletter_margin", "newsletters are pushed at least this far below the threshold"),
                            ("max_ham_fail", "most failing share of any ham source after scaling")):
        p.add_argument(f"--{name.replace('_', '-')}", type=float, default=getattr(d, name),
                       help=f"{help_text} [default: {getattr(d, name)}]")
    for name in ("word_max", "phrase_max", "content_min"):
        p.add_argument(f"--{name.replace('_', '-')}", type=float, default=getattr(lim, name),
                       help=f"Limits.{name} [default: {getattr(lim, name)}]")
    return p.parse_args(argv)


def config(args: argparse.Namespace) -> tuple[FitConfig, Limits]:
    """The fit's knobs from the options."""
    cfg = FitConfig(offset=args.offset, temperature=args.temperature, l2=args.l2, ham_weight=args.ham_weight,
                    template_weight=args.template_weight, newsletter_margin=args.newsletter_margin,
                    max_ham_fail=args.max_ham_fail, by_set=args.by_set)
    return cfg, Limits(word_max=args.word_max, phrase_max=args.phrase_max, content_min=args.content_min)


def rows_for(problem: Problem, values: np.ndarray, threshold: float) -> list[FolderRow]:
    """Per-source figures for scores of the real messages (problem row order)."""
    real = messages(problem)
    return source_rows([str(s) for s in problem.source[real]], [bool(y) for y in problem.spam[real]],
                       [float(v) for v in values], threshold)


def print_sources(columns: dict[str, list[FolderRow]]) -> None:
    """One line per source, one column group (failed %, AUC, recall at 1% FPR) per setting."""
    names = list(columns)
    first = columns[names[0]]
    print(f"\n{'source':46}{'n':>6}" + "".join(f"  {n:>25}" for n in names))
    print(f"{'':52}" + "".join(f"  {'fail%':>8}{'AUC':>7}{'rec@1%':>10}" for _ in names))
    for i, row in enumerate(first):
        cells = []
        for n in names:
            r = next(x for x in columns[n] if x.folder == row.folder)
            auc = "-" if r.auc is None else f"{r.auc:.3f}"
            rec = "-" if r.recall is None else f"{100 * r.recall:.1f}"
            cells.append(f"  {100 * r.failed / max(r.count, 1):8.1f}{auc:>7}{rec:>10}")
        label = f"{row.folder} ({'spam' if row.spam else 'ham'})"
        print(f"{label:46}{row.count:6}" + "".join(cells))


def print_templates(settings: dict[str, np.ndarray], problem: Problem, threshold: float) -> None:
    """The header-less twins (messages as bare templates) under each set of points."""
    print("\ntemplates (header-less twins; spam sources weighted equally)")
    for name, points in settings.items():
        t = template_figures(problem, points, threshold)
        if t is not None:
            print(f"  {name:24} spam caught {100 * t.spam_caught:5.1f}%  ham failing {100 * t.ham_failed:5.2f}%"
                  f"  AUC {t.auc:.3f}")


def print_rules(problem: Problem, current: np.ndarray, final: np.ndarray) -> None:
    """Old and new points per rule with its ham and spam message counts."""
    real = messages(problem)
    fired = problem.x[real] > 0
    ham = fired[~problem.spam[real]].sum(axis=0)
    spam = fired[problem.spam[real]].sum(axis=0)
    print(f"\n{'rule':30}{'old':>5}{'new':>6}{'ham':>7}{'spam':>7}")
    for i in sorted(range(len(problem.rules)), key=lambda k: problem.rules[k]):
        pinned = "  kept: too few hits" if problem.lower[i] == problem.upper[i] else ""
        print(f"{problem.rules[i]:30}{current[i]:5.1f}{final[i]:6.1f}{ham[i]:7}{spam[i]:7}{pinned}")


def write_points(rules: Sequence[Rule], points: Sequence[float], rules_dir: Path) -> tuple[list[Path], list[str]]:
    """Rewrite the `points:` line of each rule file whose points changed: (files written, problems)."""
    written, problems = [], []
    for rule, value in zip(rules, points):
        path = rules_dir / f"{rule.id}.yaml"
        try:
            old = path.read_bytes().decode("utf-8")
            new = replace_points(old, value)
        except (OSError, ValueError) as exc:  # a file renamed or edited since the run began
            problems.append(f"{path}: not written: {exc}")
            continue
        if new != old:
            path.write_bytes(new.encode("utf-8"))
            written.append(path)
    return written, problems


def main(argv: Sequence[str] | None = None) -> int:
    """Lint (or read the cache), fit, report, and optionally write the points."""
    args = parse_args(argv)
    cfg, limits = config(args)
    t0 = time.monotonic()
    items, problems = collect_corpus(args.corpus)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not items:
        print(f"{args.corpus}: no labelled messages", file=sys.stderr)
        return 2
    rules = builtin_rules()
    cache = None if args.no_cache else args.cache
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
    vectors = lint_hits(items, rules, jobs=args.jobs, cache=cache)
    for v in vectors:
        if v.error:
            print(f"skipped: {v.error}", file=sys.stderr)
    problem = build_problem(vectors, rules, limits, args.min_support)
    print(f"{len(vectors)} messages ready in {time.monotonic() - t0:.1f}s; fitting {len(problem.rules)} rules")
    by_id = {r.id: r for r in rules}
    fitted = [by_id[rid] for rid in problem.rules]
    current = np.array([r.points for r in fitted])
    final, scale = fit(problem, cfg)
    real = messages(problem)
    columns = {"before (file points)": rows_for(problem, scores(problem, current, real), cfg.threshold),
               "after (fit, in sample)": rows_for(problem, scores(problem, final, real), cfg.threshold)}
    if args.loso:
        sources = [r.folder for r in columns["before (file points)"]]
        held = leave_one_out(problem, cfg, sources)
        columns["after (leave-one-out)"] = [next(r for r in rows_for(problem, held[s], cfg.threshold) if r.folder == s)
                                            for s in sources]
    print(f"fitted in {time.monotonic() - t0:.1f}s; points scaled by {scale:g} to meet the ham constraints")
    print_sources(columns)
    print_templates({"before (file points)": current, "after (fit)": final}, problem, cfg.threshold)
    print_rules(problem, current, final)
    status = save(fitted, final, problem, args.rules_dir) if args.write else 0
    print(f"done in {time.monotonic() - t0:.1f}s")
    return status


def save(rules: Sequence[Rule], points: np.ndarray, problem: Problem, rules_dir: Path) -> int:
    """Write the fitted (not the pinned) rules' points; 1 if some file could not be written."""
    keep = [i for i in range(len(rules)) if problem.lower[i] != problem.upper[i]]
    written, problems = write_points([rules[i] for i in keep], [float(points[i]) for i in keep], rules_dir)
    for path in written:
        print(f"wrote {path}")
    for problem_text in problems:
        print(problem_text, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
