"""Readable bounds for fitted points, the hit matrix a fit works on, and rewriting `points:` lines.

The fit itself is in evaluation/logistic.py; this module says what it may do (per-rule bounds,
rules with too little support keep their points) and turns hit vectors into its input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from spamlint.engine.rules import Rule
from spamlint.evaluation.hits import HitVector
from spamlint.evaluation.logistic import STEP, Problem
from spamlint.model.findings import CATEGORIES, CATEGORY_CAPS


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


def to_steps(points: float) -> int:
    """Points as a whole number of 0.1 steps."""
    return int(round(points / STEP))


def header_only(rule: Rule) -> bool:
    """A rule a bare template cannot trigger: it reads only headers or the MIME structure."""
    return set(rule.scope) <= {"headers", "message"}


def build_problem(vectors: Sequence[HitVector], rules: Sequence[Rule], limits: Limits,
                  min_support: int = 10, twins: bool = True) -> Problem:
    """The fit's input: one row per message (errors left out), plus header-less twins of non-newsletters.

    Fitted rules are the enabled ones with points above 0 (0-point rules are informational);
    a rule that fires on fewer than `min_support` messages is pinned at its current points.
    Twins: the corpora are full messages, where header rules are strong evidence; fitted to them
    alone, content rules fall to the floor and a spammy template scores almost nothing.
    """
    rules = [r for r in rules if r.enabled and r.points > 0]
    index = {r.id: i for i, r in enumerate(rules)}
    good = [v for v in vectors if not v.error]
    x = np.zeros((len(good), len(rules)))
    for i, vec in enumerate(good):
        for rid, weights in vec.hits:
            if rid in index:
                x[i, index[rid]] = sum(weights)
    spam = np.array([v.spam for v in good], dtype=bool)
    news = np.array([v.newsletter for v in good], dtype=bool)
    source = np.array([v.folder for v in good], dtype=object)
    twin = np.zeros(len(good), dtype=bool)
    if twins:
        keep = ~news
        visible = np.array([not header_only(r) for r in rules], dtype=float)
        x = np.vstack([x, x[keep] * visible])
        spam, news, source = (np.concatenate([a, a[keep]]) for a in (spam, news, source))
        twin = np.concatenate([twin, np.ones(int(keep.sum()), dtype=bool)])
    support = (x[~twin] > 0).sum(axis=0)
    return _with_bounds(rules, limits, support < min_support, x, spam, news, twin, source)


def _with_bounds(rules: Sequence[Rule], limits: Limits, pinned: np.ndarray, x: np.ndarray, spam: np.ndarray,
                 news: np.ndarray, twin: np.ndarray, source: np.ndarray) -> Problem:
    cats = {c: i for i, c in enumerate(CATEGORIES)}
    caps = np.array([CATEGORY_CAPS.get(c, np.inf) for c in CATEGORIES])
    upper = np.array([upper_bound(r.check_name, r.options, caps[cats[r.category]], limits) for r in rules])
    lower = np.minimum([lower_bound(r.category, limits) for r in rules], upper)
    current = np.array([r.points for r in rules])
    lower, upper = np.where(pinned, current, lower), np.where(pinned, current, upper)
    start = np.where(pinned, current, np.clip(1.0, lower, upper))
    return Problem(tuple(r.id for r in rules), np.array([cats[r.category] for r in rules]), caps,
                   lower, upper, start, x, spam, news, twin, source)
