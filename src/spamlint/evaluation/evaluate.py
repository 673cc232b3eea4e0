"""Evaluate the rule pack on labelled folders of ham and spam: metrics and per-rule hit rates.

The library half of `spamlint evaluate`: it returns data; cli.py and evaluation/report.py present it.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from spamlint.engine.rules import Rule, builtin_rules
from spamlint.engine.run import Engine
from spamlint.engine.scoring import score
from spamlint.errors import SpamlintError
from spamlint.evaluation.metrics import Confusion, OperatingPoint, confusion, recall_at_fpr, roc_auc
from spamlint.inputs import mime
from spamlint.inputs.sources import Source, expand

FPR_LIMITS = (0.01, 0.001)
# Corpus folders keep licences and READMEs of their origin in `_source/`; they are not mail.
SKIP_FOLDERS = frozenset({"_source"})


@dataclass(frozen=True)
class Item:
    """One labelled input: where it came from on the command line and whether it is spam."""

    source: Source
    folder: str
    spam: bool


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
    """Pass/fail counts for the messages of one command-line folder."""

    folder: str
    spam: bool
    count: int
    failed: int
    errors: int
    mean_score: float


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


def collect(ham: Sequence[str], spam: Sequence[str]) -> list[Item]:
    """Labelled inputs from folders or files, walked the way `spamlint check` walks them."""
    items: list[Item] = []
    for paths, is_spam in ((ham, False), (spam, True)):
        for path in paths:
            items.extend(Item(src, path, is_spam) for src in expand([path]) if not _skipped(src))
    return items


def _skipped(source: Source) -> bool:
    return source.path is not None and not SKIP_FOLDERS.isdisjoint(source.path.parts[:-1])


def unit_rules(rules: Iterable[Rule]) -> tuple[Rule, ...]:
    """The rules with 1 point each, so a finding's points are its hit weight (features for fitting)."""
    return tuple(dataclasses.replace(r, points=1.0) for r in rules)


# Per-process state for workers: built once per process, never shared between processes.
_STATE: dict[str, object] = {}


def _init(rules: tuple[Rule, ...] | None, threshold: float) -> None:
    _STATE["engine"] = Engine(builtin_rules() if rules is None else rules)
    _STATE["threshold"] = threshold


def _lint_item(item: Item) -> Sample:
    engine = _STATE["engine"]
    assert isinstance(engine, Engine)
    name = item.source.name
    try:
        doc = mime.load(item.source.read(), name, item.source.ext)
        report = score(doc.name, engine.run(doc), float(_STATE["threshold"]))  # what spamlint.lint_document does
    except SpamlintError as exc:
        return Sample(name, item.folder, item.spam, error=str(exc))
    except Exception as exc:  # a bug in a check must not end a corpus run; it is counted and shown
        return Sample(name, item.folder, item.spam, error=f"{name}: internal error ({type(exc).__name__}: {exc})")
    hits: dict[str, float] = {}
    for f in report.findings:
        hits[f.rule] = hits.get(f.rule, 0.0) + f.points
    return Sample(name, item.folder, item.spam, report.score, tuple(sorted(hits.items())))


def lint_items(items: Sequence[Item], threshold: float, rules: Sequence[Rule] | None = None,
               jobs: int = 1) -> list[Sample]:
    """Lint every item with one Engine per process; results come back in input order for any `jobs`."""
    args = (None if rules is None else tuple(rules), threshold)
    if jobs <= 1:
        _init(*args)
        return [_lint_item(item) for item in items]
    ctx = multiprocessing.get_context("fork")  # workers inherit the loaded rule pack
    with ctx.Pool(jobs, initializer=_init, initargs=args) as pool:
        return list(pool.imap(_lint_item, items, chunksize=16))


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
    """One row per command-line folder, in the order the folders were given."""
    groups: dict[str, list[Sample]] = {}
    for s in samples:
        groups.setdefault(s.folder, []).append(s)
    rows = []
    for folder, group in groups.items():
        good = [s for s in group if not s.error]
        mean = sum(s.score for s in good) / len(good) if good else 0.0
        rows.append(FolderRow(folder, group[0].spam, len(good), sum(1 for s in good if s.score >= threshold),
                              len(group) - len(good), round(mean, 2)))
    return rows


def display_folder(path: str) -> str:
    """A short folder label: the last two path parts (`spamassassin/easy_ham`)."""
    parts = Path(path).parts
    return "/".join(parts[-2:]) if len(parts) > 1 else path
