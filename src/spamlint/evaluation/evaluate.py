"""Evaluate the rule pack on labelled folders of ham and spam: metrics and per-rule hit rates.

The library half of `spamlint evaluate`: it returns data; cli.py and evaluation/report.py present it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from spamlint.engine.rules import Rule, builtin_rules
from spamlint.evaluation.corpus import Item, collect, collect_corpus  # noqa: F401  (the evaluation's inputs)
from spamlint.evaluation.hits import HitVector, lint_hits, score_of
from spamlint.evaluation.metrics import Confusion, OperatingPoint, confusion, recall_at_fpr, roc_auc

FPR_LIMITS = (0.01, 0.001)
SOURCE_FPR = 0.01  # a spam source's recall is read where at most 1% of the pooled ham fails


@dataclass(frozen=True)
class Sample:
    """The outcome of linting one Item: score and, per rule, the points it added."""

    name: str
    folder: str
    spam: bool
    score: float = 0.0
    hits: tuple[tuple[str, float], ...] = ()
    error: str = ""


@dataclass(frozen=True)
class RuleRate:
    """How often one rule fires on ham and on spam (share of messages with at least one finding)."""

    rule: str
    category: str
    points: float
    ham_hits: int
    spam_hits: int
    ham_rate: float
    spam_rate: float

    @property
    def spam_share(self) -> float | None:
        """SpamAssassin's S/O: spam rate / (spam rate + ham rate); below 0.5 the rule leans to ham."""
        total = self.ham_rate + self.spam_rate
        return self.spam_rate / total if total else None


@dataclass(frozen=True)
class FolderRow:
    """Figures for the messages of one source (a corpus source or a command-line folder).

    `auc`: a spam source against the pooled ham, a ham source against the pooled spam;
    `recall`: a spam source's recall where at most 1% of the pooled ham fails (None for ham).
    """

    folder: str
    spam: bool
    count: int
    failed: int
    errors: int
    mean_score: float
    auc: float | None = None
    recall: float | None = None


@dataclass(frozen=True)
class Evaluation:
    """Everything `spamlint evaluate` reports."""

    threshold: float
    ham: int
    spam: int
    auc: float | None
    operating_points: tuple[OperatingPoint, ...]
    confusion: Confusion
    rules: tuple[RuleRate, ...]
    folders: tuple[FolderRow, ...]
    errors: tuple[tuple[str, str], ...]
    loso: tuple[FolderRow, ...] = ()


def to_samples(vectors: Sequence[HitVector], rules: Sequence[Rule]) -> list[Sample]:
    """Samples scored with the rules' own points, from hit vectors."""
    points = {r.id: r.points for r in rules if r.enabled}
    cats = {r.id: r.category for r in rules}
    return [Sample(v.name, v.folder, v.spam, error=v.error) if v.error else
            Sample(v.name, v.folder, v.spam, score_of(v, points, cats),
                   tuple((rid, round(sum(round(points.get(rid, 0.0) * w, 2) for w in ws), 2)) for rid, ws in v.hits))
            for v in vectors]


def lint_items(items: Sequence[Item], threshold: float, rules: Sequence[Rule] | None = None,
               jobs: int = 1, cache: str | None = None) -> list[Sample]:
    """Lint every item (verdict headers removed); results come back in input order for any `jobs`."""
    del threshold  # scores do not depend on it; kept for callers that pass it
    rules = builtin_rules() if rules is None else rules
    return to_samples(lint_hits(items, rules, jobs=jobs, cache=cache), rules)


def evaluate(samples: Sequence[Sample], threshold: float, rules: Sequence[Rule]) -> Evaluation:
    """Metrics over scored samples; samples with an error are reported, not scored."""
    good = [s for s in samples if not s.error]
    scores = [s.score for s in good]
    labels = [s.spam for s in good]
    n_spam = sum(labels)
    both = 0 < n_spam < len(good)
    return Evaluation(
        threshold=threshold, ham=len(good) - n_spam, spam=n_spam,
        auc=roc_auc(scores, labels) if both else None,
        operating_points=tuple(recall_at_fpr(scores, labels, f) for f in FPR_LIMITS) if both else (),
        confusion=confusion(scores, labels, threshold),
        rules=tuple(rule_rates(good, rules)), folders=tuple(folder_rows(samples, threshold)),
        errors=tuple((s.name, s.error) for s in samples if s.error),
    )


def rule_rates(samples: Sequence[Sample], rules: Sequence[Rule]) -> list[RuleRate]:
    """Per-rule hit rates, the rules that lean most to ham first (lowest spam share), unfired rules last."""
    n_ham = sum(1 for s in samples if not s.spam)
    n_spam = len(samples) - n_ham
    counts = {r.id: [0, 0] for r in rules}
    for s in samples:
        for rule_id, _ in s.hits:
            counts.setdefault(rule_id, [0, 0])[int(s.spam)] += 1
    meta = {r.id: r for r in rules}
    rows = [RuleRate(rid, meta[rid].category if rid in meta else "?", meta[rid].points if rid in meta else 0.0,
                     ham, spam, ham / n_ham if n_ham else 0.0, spam / n_spam if n_spam else 0.0)
            for rid, (ham, spam) in counts.items()]
    return sorted(rows, key=_rate_order)


def _rate_order(row: RuleRate) -> tuple[int, float, float, str]:
    share = row.spam_share
    return (share is None, share if share is not None else 0.0, -row.ham_rate, row.rule)


def folder_rows(samples: Sequence[Sample], threshold: float) -> list[FolderRow]:
    """One row per source, in the order the sources came."""
    good = [s for s in samples if not s.error]
    errors: dict[str, int] = {}
    for s in samples:
        errors[s.folder] = errors.get(s.folder, 0) + bool(s.error)
    return source_rows([s.folder for s in good], [s.spam for s in good], [s.score for s in good],
                       threshold, errors)


def source_rows(folders: Sequence[str], spam: Sequence[bool], scores: Sequence[float], threshold: float,
                errors: dict[str, int] | None = None) -> list[FolderRow]:
    """Per source: count, failed, mean score, AUC against the pooled other class, spam recall at 1% FPR."""
    errors = errors or {}
    order = list(dict.fromkeys([*errors, *folders]))
    ham = [sc for sc, y in zip(scores, spam) if not y]
    all_spam = [sc for sc, y in zip(scores, spam) if y]
    rows = []
    for folder in order:
        mine = [(sc, y) for f, sc, y in zip(folders, scores, spam) if f == folder]
        own = [sc for sc, _ in mine]
        is_spam = mine[0][1] if mine else False
        rows.append(FolderRow(folder, is_spam, len(own), sum(1 for sc in own if sc >= threshold),
                              errors.get(folder, 0), round(sum(own) / len(own), 2) if own else 0.0,
                              *_separation(own, is_spam, ham, all_spam)))
    return rows


def _separation(own: list[float], is_spam: bool, ham: list[float], spam: list[float]) -> tuple[float | None, float | None]:
    other = ham if is_spam else spam
    if not own or not other:
        return None, None
    labels = [is_spam] * len(own) + [not is_spam] * len(other)
    auc = roc_auc(own + other, labels)
    recall = recall_at_fpr(own + ham, [True] * len(own) + [False] * len(ham), SOURCE_FPR).recall if is_spam else None
    return auc, recall


def display_folder(path: str) -> str:
    """A short folder label: the last two path parts (`spamassassin/easy_ham`)."""
    parts = Path(path).parts
    return "/".join(parts[-2:]) if len(parts) > 1 else path
