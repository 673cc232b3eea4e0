"""Leave-one-source-out: for each source, points fitted without it, measured on it.

This is the figure that says how the score does on mail from a source nobody tuned it on:
a spam source's AUC and recall against the pooled ham, a ham source's share failing, each
under a fit that never saw a message of that source.
"""

from __future__ import annotations

from typing import Sequence

from spamlint.engine.rules import Rule
from spamlint.evaluation.evaluate import FolderRow, source_rows
from spamlint.evaluation.fitting import Limits, build_problem
from spamlint.evaluation.hits import HitVector
from spamlint.evaluation.logistic import FitConfig, leave_one_out, messages


def loso_rows(vectors: Sequence[HitVector], rules: Sequence[Rule], cfg: FitConfig | None = None,
              limits: Limits | None = None, min_support: int = 10) -> list[FolderRow]:
    """One row per source, every figure taken from the fit that left that source out."""
    cfg = cfg or FitConfig()
    problem = build_problem(vectors, rules, limits or Limits(), min_support)
    real = messages(problem)
    folders = [str(f) for f in problem.source[real]]
    spam = [bool(y) for y in problem.spam[real]]
    sources = list(dict.fromkeys(folders))
    held = leave_one_out(problem, cfg, sources)
    rows = []
    for src in sources:
        row = next(r for r in source_rows(folders, spam, [float(s) for s in held[src]], cfg.threshold)
                   if r.folder == src)
        rows.append(row)
    return rows

