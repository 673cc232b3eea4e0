"""Fit rule points to labelled mail, as SpamAssassin's rescoring does, under readability constraints.

Each message is a vector of rule hit weights (the points a rule would add at 1 point). The
score is the product's own: per-category sums capped by scoring.CATEGORY_CAPS, then added up.
Points live on a 0.1 grid between per-rule bounds; coordinate descent visits rules in id order
and moves a rule to the grid value with the lowest objective, so a fit is deterministic.

The objective is lexicographic: first the number of protected messages (legitimate
newsletters) at or above `threshold - protect_margin`, then a logistic loss that pushes spam
above the threshold and ham below `threshold - ham_margin`, averaged per group so no corpus
dominates by size, plus a small L2 penalty that keeps rarely-firing rules modest.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from typing import Sequence

STEP = 0.1  # points are multiples of this: readable, and the grid the search walks


@dataclass(frozen=True)
class Example:
    """One message: (rule index, hit weight) pairs, its group, and whether it is spam."""

    hits: tuple[tuple[int, float], ...]
    group: str
    spam: bool
    protected: bool = False


@dataclass(frozen=True)
class FitConfig:
    """Knobs of the objective; the defaults are the ones the shipped points were fitted with."""

    threshold: float = 5.0
    ham_margin: float = 2.0
    protect_margin: float = 1.0
    temperature: float = 1.0
    l2: float = 0.002
    max_sweeps: int = 25
    group_weights: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Model:
    """Rules being fitted: their categories, the category caps, and each rule's bounds in steps."""

    categories: tuple[int, ...]
    caps: tuple[float, ...]
    lower: tuple[int, ...]
    upper: tuple[int, ...]


def to_steps(points: float) -> int:
    """Points as a whole number of grid steps."""
    return int(round(points / STEP))


def scores(examples: Sequence[Example], model: Model, steps: Sequence[int]) -> list[float]:
    """Each example's score for the given points (in steps): capped category sums, added up.

    Matches scoring.score up to the engine's rounding of each finding to 0.01 point.
    """
    return [_score(_raw(ex, model, steps), model.caps) for ex in examples]


def _raw(ex: Example, model: Model, steps: Sequence[int]) -> list[float]:
    raw = [0.0] * len(model.caps)
    for r, w in ex.hits:
        raw[model.categories[r]] += steps[r] * STEP * w
    return raw


def _score(raw: Sequence[float], caps: Sequence[float]) -> float:
    return sum(min(v, cap) for v, cap in zip(raw, caps))


def _softplus(z: float) -> float:
    return z + math.log1p(math.exp(-z)) if z > 0 else math.log1p(math.exp(z))


class _Objective:
    """Per-example loss and violation given a score, with group weights folded in."""

    def __init__(self, examples: Sequence[Example], cfg: FitConfig) -> None:
        sizes: dict[str, int] = {}
        for ex in examples:
            sizes[ex.group] = sizes.get(ex.group, 0) + 1
        self.weight = [cfg.group_weights.get(ex.group, 1.0) / sizes[ex.group] for ex in examples]
        self.cfg = cfg

    def loss(self, i: int, ex: Example, score: float) -> float:
        """Weighted logistic loss of one example at this score."""
        c = self.cfg
        if ex.spam:
            z = (c.threshold - score) / c.temperature
        else:
            z = (score - (c.threshold - c.ham_margin)) / c.temperature
        return self.weight[i] * _softplus(z)

    def violates(self, ex: Example, score: float) -> int:
        """1 when a protected message is too close to failing."""
        return int(ex.protected and score >= self.cfg.threshold - self.cfg.protect_margin - 1e-9)


def objective(examples: Sequence[Example], model: Model, steps: Sequence[int], cfg: FitConfig) -> tuple[int, float]:
    """(protected messages too close to failing, loss + L2 penalty) for these points."""
    obj = _Objective(examples, cfg)
    viol, loss = 0, 0.0
    for i, (ex, s) in enumerate(zip(examples, scores(examples, model, steps))):
        viol += obj.violates(ex, s)
        loss += obj.loss(i, ex, s)
    return viol, loss + cfg.l2 * sum((q * STEP) ** 2 for q in steps)


def fit(examples: Sequence[Example], model: Model, start: Sequence[int], cfg: FitConfig) -> list[int]:
    """Coordinate descent on the grid from `start` (clamped to the bounds); returns steps per rule."""
    steps = [min(max(q, lo), hi) for q, lo, hi in zip(start, model.lower, model.upper)]
    obj = _Objective(examples, cfg)
    raws = [_raw(ex, model, steps) for ex in examples]
    members: list[list[tuple[int, float]]] = [[] for _ in steps]
    for i, ex in enumerate(examples):
        for r, w in ex.hits:
            members[r].append((i, w))
    for _ in range(cfg.max_sweeps):
        moved = False
        for r in range(len(steps)):
            best = _best_value(r, steps[r], examples, raws, members[r], model, obj)
            if best != steps[r]:
                cat = model.categories[r]
                for i, w in members[r]:
                    raws[i][cat] += (best - steps[r]) * STEP * w
                steps[r] = best
                moved = True
        if not moved:
            break
    return steps


def _best_value(r: int, current: int, examples: Sequence[Example], raws: list[list[float]],
                members: list[tuple[int, float]], model: Model, obj: _Objective) -> int:
    """The grid value for rule r with the lowest (violations, loss); the current one on ties."""
    cat = model.categories[r]
    cap = model.caps[cat]
    rows = []
    for i, w in members:
        raw = raws[i]
        other = _score(raw, model.caps) - min(raw[cat], cap)
        rows.append((i, examples[i], other, raw[cat] - current * STEP * w, w * STEP))

    def value(q: int) -> tuple[int, float]:
        viol, loss = 0, obj.cfg.l2 * (q * STEP) ** 2
        for i, ex, other, rest, w in rows:
            s = other + min(rest + q * w, cap)
            viol += obj.violates(ex, s)
            loss += obj.loss(i, ex, s)
        return viol, loss

    best, best_val = current, value(current)
    for q in range(model.lower[r], model.upper[r] + 1):
        v = value(q)
        if v[0] < best_val[0] or (v[0] == best_val[0] and v[1] < best_val[1] - 1e-12):
            best, best_val = q, v
    return best


@dataclass(frozen=True)
class Limits:
    """Readability bounds: every fitted rule keeps a floor, word lists stay small, caps bound all."""

    min_points: float = 0.1
    word_max: float = 1.0
    phrase_max: float = 2.5
    content_min: float = 0.1


# Families a bare template can show: the corpora are full messages, where header rules are
# strong evidence, so without a floor the fit would leave templates nearly unscored.
CONTENT_CATEGORIES = frozenset({"risky-words", "misleading-claims", "all-caps", "exclamation",
                                "hashbusting", "hidden-content", "images", "links"})


def lower_bound(category: str, limits: Limits) -> float:
    """The fewest points a fitted rule may carry: more for content a template can show."""
    return limits.content_min if category in CONTENT_CATEGORIES else limits.min_points


def upper_bound(check: str, options: dict, cap: float, limits: Limits) -> float:
    """The most points a rule may carry: its category cap, less for phrase lists.

    A phrase rule whose list is mostly single words gets `word_max`: one word is weak evidence
    and fires on plenty of legitimate mail. Other phrase rules get `phrase_max`, because with
    the `phrases` check every distinct phrase found adds the rule's points again.
    """
    if check not in ("phrases", "phrase-density"):
        return cap
    phrases = list(options.get("phrases") or ())
    single = sum(1 for p in phrases if len(p.split()) == 1)
    limit = limits.word_max if phrases and 2 * single >= len(phrases) else limits.phrase_max
    return min(cap, limit)


_POINTS_LINE = re.compile(r"^points:([ \t]*)([^#\r\n]*?)([ \t]*(?:#[^\r\n]*)?)(?=\r?$)", re.MULTILINE)


def replace_points(text: str, points: float) -> str:
    """The rule file's text with only the value on its top-level `points:` line changed.

    Everything else, comments and line endings included, stays byte-for-byte; a value that
    is already equal is left as written.
    """
    found = list(_POINTS_LINE.finditer(text))
    if len(found) != 1:
        raise ValueError(f"expected one top-level 'points:' line, found {len(found)}")
    m = found[0]
    try:
        if float(m.group(2)) == round(points, 1):
            return text
    except ValueError:
        pass  # an unreadable old value is simply replaced
    return f"{text[:m.start(2)]}{points:.1f}{text[m.end(2):]}"


def fold_of(key: str, k: int) -> int:
    """A stable fold number for a message key (same on every machine and run)."""
    return int(hashlib.sha1(key.encode("utf-8", "surrogateescape")).hexdigest()[:8], 16) % k
