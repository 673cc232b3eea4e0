"""Fit rule points by L2-regularised logistic regression on hit vectors, sources weighted equally.

The model is the product's own score: s(p) = sum over categories of min(sum of p_r * x_r, cap).
It is read as log-odds: P(spam) = sigmoid((s - (threshold - offset)) / temperature), so the
threshold sits where the model gives odds of e^(offset/temperature) for spam. The loss is the
logistic loss, each example weighted 1 / (messages in its source), ham sources times
`ham_weight`, so every source counts the same however large it is; plus `l2` * sum(p^2), plus a
steep penalty on any newsletter above threshold - `newsletter_margin`. Points are bounded per
rule (non-negative, category caps, small single-word lists) and found by projected Adam from 1
point each: no randomness, so a fit repeats exactly.

Readable points: the fitted points (but those at their floor) are scaled by the largest factor
k (a 0.02 grid, at most 2) at which,
after rounding to 0.1 and clamping to the bounds, no ham source of the training data has more
than `max_ham_fail` of its messages failing and no newsletter fails; then rounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from spamlint.evaluation.metrics import roc_auc

STEP = 0.1  # readable points are multiples of this


@dataclass(frozen=True)
class FitConfig:
    """The objective's knobs; the defaults are the ones the shipped points were fitted with."""

    threshold: float = 5.0
    offset: float = 3.0
    temperature: float = 1.0
    l2: float = 0.0001
    ham_weight: float = 8.0
    template_weight: float = 0.25
    newsletter_margin: float = 1.0
    newsletter_penalty: float = 50.0
    max_ham_fail: float = 0.005
    iterations: int = 300
    learning_rate: float = 0.1
    by_set: bool = True  # share a class's weight by corpus set first, then by the set's sources


@dataclass(frozen=True)
class Problem:
    """Hit matrix and what each row and column is: the data a fit sees."""

    rules: tuple[str, ...]
    category: np.ndarray  # per rule: index into caps
    caps: np.ndarray  # per category
    lower: np.ndarray  # per rule, points
    upper: np.ndarray
    start: np.ndarray  # per rule, points a fit starts from (a pinned rule: its current points)
    x: np.ndarray  # rows x rules, summed hit weights
    spam: np.ndarray  # per row
    newsletter: np.ndarray
    twin: np.ndarray  # the row is a header-less copy of a message (a template as it would be linted)
    source: np.ndarray  # per row, source name (a twin carries its message's source)


def raw_sums(x: np.ndarray, points: np.ndarray, category: np.ndarray, n_cat: int) -> np.ndarray:
    """Per row and category, the uncapped sum of points."""
    onehot = np.zeros((len(points), n_cat))
    onehot[np.arange(len(points)), category] = points
    return x @ onehot


def scores(problem: Problem, points: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """Capped scores of the selected rows (all rows when None) for these points."""
    x = problem.x if rows is None else problem.x[rows]
    raw = raw_sums(x, points, problem.category, len(problem.caps))
    return np.round(np.minimum(raw, problem.caps).sum(axis=1), 2)


def example_weights(problem: Problem, rows: np.ndarray, cfg: FitConfig) -> np.ndarray:
    """Per row: its class's weight (ham x ham_weight) shared equally by the class's sources, then
    equally by the source's messages; a twin group (header-less copies) gets template_weight of that.
    """
    spam, twin = problem.spam[rows], problem.twin[rows]
    group = np.char.add(problem.source[rows].astype(str), np.where(twin, "#twin", ""))
    _, inverse, counts = np.unique(group, return_inverse=True, return_counts=True)
    w = 1.0 / counts[inverse]
    sources = problem.source[rows].astype(str)
    for label, weight in ((True, 1.0), (False, cfg.ham_weight)):
        mine = spam == label
        if not cfg.by_set:
            w[mine] *= weight / max(len(np.unique(sources[mine])), 1)
            continue
        sets = np.array([s.split("/", 1)[0] for s in sources[mine]])
        share = np.ones(int(mine.sum()))
        for name in np.unique(sets):  # each set an equal share, split equally by its sources
            in_set = sets == name
            share[in_set] = 1.0 / len(np.unique(sources[mine][in_set]))
        w[mine] *= weight * share / max(len(np.unique(sets)), 1)
    return w * np.where(twin, cfg.template_weight, 1.0)


def fit_continuous(problem: Problem, rows: np.ndarray, cfg: FitConfig) -> np.ndarray:
    """Minimise the weighted logistic loss + L2 within the bounds (projected Adam); real-valued points."""
    news = problem.newsletter[rows] & ~problem.twin[rows]
    # Many messages share a hit vector: fit on the distinct (hits, label, newsletter) rows, weights summed.
    keys = np.column_stack([problem.x[rows], problem.spam[rows], news])
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    x, spam = uniq[:, :-2], uniq[:, -2] > 0
    w = np.bincount(inverse, weights=example_weights(problem, rows, cfg), minlength=len(uniq))
    news_share = np.bincount(inverse, weights=news, minlength=len(uniq)) / max(int(news.sum()), 1)
    sign = np.where(spam, -1.0, 1.0)  # loss softplus(sign * z): spam wants z high, ham low
    cat, n_cat = problem.category, len(problem.caps)
    p = np.clip(problem.start, problem.lower, problem.upper).astype(float)
    m, v = np.zeros_like(p), np.zeros_like(p)
    b1, b2 = 0.9, 0.999
    for t in range(1, cfg.iterations + 1):
        raw = raw_sums(x, p, cat, n_cat)
        active = raw < problem.caps  # a capped category does not move with its rules' points
        s = np.minimum(raw, problem.caps).sum(axis=1)
        z = (s - (cfg.threshold - cfg.offset)) / cfg.temperature
        over = np.maximum(s - (cfg.threshold - cfg.newsletter_margin), 0.0)
        d_s = w * sign * _sigmoid(sign * z) / cfg.temperature + cfg.newsletter_penalty * 2.0 * over * news_share
        grad = (x * (d_s[:, None] * active)[:, cat]).sum(axis=0) + 2.0 * cfg.l2 * p
        m = b1 * m + (1 - b1) * grad
        v = b2 * v + (1 - b2) * grad * grad
        step = cfg.learning_rate * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + 1e-8)
        p = np.clip(p - step, problem.lower, problem.upper)
    return p


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def readable(problem: Problem, points: np.ndarray, rows: np.ndarray, cfg: FitConfig) -> tuple[np.ndarray, float]:
    """Points on the 0.1 grid, scaled by the largest k that keeps the ham constraints: (points, k)."""
    # pinned rules keep their points; a rule the fit holds at its floor stays there
    fixed = (problem.lower == problem.upper) | (points <= problem.lower + 1e-6)
    best = None
    for k in np.round(np.arange(2.0, 0.19, -0.02), 2):
        q = _grid(np.where(fixed, points, points * k), problem)
        best = (q, float(k))
        if constraints_met(problem, q, rows, cfg):
            break
    assert best is not None
    return best


def _grid(points: np.ndarray, problem: Problem) -> np.ndarray:
    steps = np.round(points / STEP)
    return np.clip(steps, np.round(problem.lower / STEP), np.round(problem.upper / STEP)) * STEP


def constraints_met(problem: Problem, points: np.ndarray, rows: np.ndarray, cfg: FitConfig) -> bool:
    """No newsletter fails and no ham source has more than max_ham_fail of its messages failing."""
    real = rows[~problem.twin[rows]]
    ham = real[~problem.spam[real]]
    failed = scores(problem, points, ham) >= cfg.threshold
    if np.any(failed & problem.newsletter[ham]):
        return False
    for src in np.unique(problem.source[ham]):
        mine = problem.source[ham] == src
        if failed[mine].sum() > int(cfg.max_ham_fail * mine.sum() + 1e-9):
            return False
    return True


def fit(problem: Problem, cfg: FitConfig, rows: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Readable fitted points on the selected rows (all when None), and the scale factor used."""
    rows = np.arange(len(problem.spam)) if rows is None else rows
    return readable(problem, fit_continuous(problem, rows, cfg), rows, cfg)


def without_source(problem: Problem, source: str) -> np.ndarray:
    """Row indices of every source but one (its twins go too)."""
    return np.flatnonzero(problem.source != source)


def messages(problem: Problem) -> np.ndarray:
    """Row indices of the real messages (no twins)."""
    return np.flatnonzero(~problem.twin)


@dataclass(frozen=True)
class TemplateFigures:
    """How header-less twins (messages as bare templates) score: what a refit does to templates."""

    spam_caught: float  # mean over spam sources of the share of their twins at or above the threshold
    ham_failed: float  # share of all ham twins at or above the threshold
    auc: float  # mean over spam sources of the AUC of their twins against all ham twins


def template_figures(problem: Problem, points: np.ndarray, threshold: float) -> TemplateFigures | None:
    """Twin figures for these points, sources weighted equally; None when there are no twins of both kinds."""
    rows = np.flatnonzero(problem.twin)
    spam = problem.spam[rows]
    if not spam.any() or spam.all():
        return None
    values = scores(problem, points, rows)
    ham = values[~spam]
    sources = problem.source[rows].astype(str)
    caught, aucs = [], []
    for src in np.unique(sources[spam]):
        mine = values[spam & (sources == src)]
        caught.append(float((mine >= threshold).mean()))
        aucs.append(roc_auc(list(np.r_[mine, ham]), [True] * len(mine) + [False] * len(ham)))
    return TemplateFigures(float(np.mean(caught)), float((ham >= threshold).mean()), float(np.mean(aucs)))


def leave_one_out(problem: Problem, cfg: FitConfig, sources: Sequence[str]) -> dict[str, np.ndarray]:
    """Per source, the scores of every real message under points fitted without that source."""
    real = messages(problem)
    return {src: scores(problem, fit(problem, cfg, without_source(problem, src))[0], real) for src in sources}
