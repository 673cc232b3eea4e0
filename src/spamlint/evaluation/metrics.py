"""Ranking and threshold metrics over scores and labels: pure functions, no I/O.

Labels are booleans: True = spam (the positive class), False = ham. A message "fails" (is
flagged) when its score is at or above the threshold, the same rule as Report.verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True)
class Confusion:
    """Pass/fail counts at one threshold: spam that fails is a true positive."""

    threshold: float
    true_pos: int
    false_neg: int
    false_pos: int
    true_neg: int

    @property
    def recall(self) -> float:
        """Share of spam that fails (is caught)."""
        return _ratio(self.true_pos, self.true_pos + self.false_neg)

    @property
    def false_pos_rate(self) -> float:
        """Share of ham that fails (is wrongly flagged)."""
        return _ratio(self.false_pos, self.false_pos + self.true_neg)

    @property
    def precision(self) -> float:
        """Share of failing messages that are spam."""
        return _ratio(self.true_pos, self.true_pos + self.false_pos)


@dataclass(frozen=True)
class OperatingPoint:
    """The best recall reachable while the ham false-positive rate stays within a limit."""

    max_fpr: float
    threshold: float
    recall: float
    false_pos_rate: float


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _split(scores: Sequence[float], labels: Sequence[bool]) -> tuple[list[float], list[float]]:
    if len(scores) != len(labels):
        raise ValueError(f"{len(scores)} scores but {len(labels)} labels")
    spam = [s for s, y in zip(scores, labels) if y]
    ham = [s for s, y in zip(scores, labels) if not y]
    return spam, ham


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """Area under the ROC curve: P(spam scores above ham), ties counting one half.

    Computed as the Mann-Whitney U statistic with mid-ranks, so tied scores are exact.
    """
    spam, ham = _split(scores, labels)
    if not spam or not ham:
        raise ValueError("ROC AUC needs at least one spam and one ham score")
    ordered = sorted(zip(scores, labels), key=lambda p: p[0])
    rank_sum = 0.0
    i = 0
    while i < len(ordered):
        j = i
        while j < len(ordered) and ordered[j][0] == ordered[i][0]:
            j += 1
        mid_rank = (i + 1 + j) / 2  # ranks i+1..j share their mean
        rank_sum += mid_rank * sum(1 for _, y in ordered[i:j] if y)
        i = j
    n_spam, n_ham = len(spam), len(ham)
    return (rank_sum - n_spam * (n_spam + 1) / 2) / (n_spam * n_ham)


def confusion(scores: Sequence[float], labels: Sequence[bool], threshold: float) -> Confusion:
    """Pass/fail counts when scores at or above the threshold fail."""
    spam, ham = _split(scores, labels)
    tp = sum(1 for s in spam if s >= threshold)
    fp = sum(1 for s in ham if s >= threshold)
    return Confusion(threshold, tp, len(spam) - tp, fp, len(ham) - fp)


def recall_at_fpr(scores: Sequence[float], labels: Sequence[bool], max_fpr: float) -> OperatingPoint:
    """Highest spam recall over thresholds whose ham false-positive rate is <= max_fpr.

    Only thresholds a real cut-off can take are tried (each distinct score, and one above them
    all), with no interpolation between them: a tie is flagged or passed as a whole.
    """
    spam, ham = _split(scores, labels)
    if not spam or not ham:
        raise ValueError("recall at a false-positive rate needs spam and ham scores")
    allowed = int(max_fpr * len(ham) + 1e-9)  # ham that may fail
    ham_desc = sorted(ham, reverse=True)
    # The lowest threshold that lets at most `allowed` ham fail lies just above ham_desc[allowed].
    limit = ham_desc[allowed] if allowed < len(ham_desc) else None
    candidates = sorted({s for s in scores if limit is None or s > limit})
    threshold = candidates[0] if candidates else _above(max(scores))
    point = confusion(scores, labels, threshold)
    return OperatingPoint(max_fpr, threshold, point.recall, point.false_pos_rate)


def _above(value: float) -> float:
    """A threshold just above every score, where nothing fails."""
    return value + 1.0
