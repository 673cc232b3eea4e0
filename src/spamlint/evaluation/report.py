"""Present an Evaluation as text, Markdown or JSON: a name -> function dict, like spamlint.formatters."""

from __future__ import annotations

import json
from typing import Callable

from spamlint.evaluation.evaluate import Evaluation, FolderRow, RuleRate, display_folder

EvalFormatter = Callable[[Evaluation], str]
LEANS_TO_HAM = 0.5  # spam share below this: the rule fires relatively more on ham than on spam


def evaluation_dict(ev: Evaluation) -> dict:
    """The JSON shape of an evaluation."""
    c = ev.confusion
    return {
        "threshold": ev.threshold, "ham": ev.ham, "spam": ev.spam, "roc_auc": _round(ev.auc),
        "recall_at_fpr": [{"max_fpr": p.max_fpr, "threshold": p.threshold, "recall": round(p.recall, 4),
                           "false_pos_rate": round(p.false_pos_rate, 4)} for p in ev.operating_points],
        "confusion": {"spam_failed": c.true_pos, "spam_passed": c.false_neg, "ham_failed": c.false_pos,
                      "ham_passed": c.true_neg, "recall": round(c.recall, 4),
                      "false_pos_rate": round(c.false_pos_rate, 4)},
        "folders": [_folder_dict(f) for f in ev.folders],
        "leave_one_source_out": [_folder_dict(f) for f in ev.loso],
        "rules": [{"rule": r.rule, "category": r.category, "points": r.points, "ham_hits": r.ham_hits,
                   "spam_hits": r.spam_hits, "ham_rate": round(r.ham_rate, 4), "spam_rate": round(r.spam_rate, 4),
                   "spam_share": _round(r.spam_share)} for r in ev.rules],
        "errors": [{"input": name, "error": err} for name, err in ev.errors],
    }


def _folder_dict(f: FolderRow) -> dict:
    return {"folder": f.folder, "label": _label(f.spam), "messages": f.count, "failed": f.failed,
            "errors": f.errors, "mean_score": f.mean_score, "roc_auc": _round(f.auc),
            "recall_at_1pct_fpr": _round(f.recall)}


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _label(spam: bool) -> str:
    return "spam" if spam else "ham"


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def _headline(ev: Evaluation) -> list[tuple[str, str]]:
    c = ev.confusion
    rows = [("messages", f"{ev.ham} ham, {ev.spam} spam, {len(ev.errors)} errors"),
            ("ROC AUC", "n/a (needs ham and spam)" if ev.auc is None else f"{ev.auc:.4f}")]
    rows += [(f"recall at {p.max_fpr * 100:g}% ham FPR", f"{_pct(p.recall)} (threshold {p.threshold:g}, "
              f"ham FPR {_pct(p.false_pos_rate)})") for p in ev.operating_points]
    rows += [(f"spam failed at {ev.threshold:g}", f"{c.true_pos} of {c.true_pos + c.false_neg} ({_pct(c.recall)})"),
             (f"ham failed at {ev.threshold:g}", f"{c.false_pos} of {c.false_pos + c.true_neg} "
              f"({_pct(c.false_pos_rate)})")]
    return rows


def _folder_cells(f: FolderRow) -> list[str]:
    rate = f.failed / f.count if f.count else 0.0
    return [display_folder(f.folder), _label(f.spam), str(f.count), f"{f.failed} ({_pct(rate)})",
            f"{f.mean_score:g}", "-" if f.auc is None else f"{f.auc:.3f}",
            "-" if f.recall is None else _pct(f.recall), str(f.errors)]


def _loso_cells(f: FolderRow) -> list[str]:
    rate = f.failed / f.count if f.count else 0.0
    return [display_folder(f.folder), _label(f.spam), str(f.count), f"{f.failed} ({_pct(rate)})",
            "-" if f.auc is None else f"{f.auc:.3f}", "-" if f.recall is None else _pct(f.recall)]


def _rule_cells(r: RuleRate) -> list[str]:
    share = r.spam_share
    mark = " !" if share is not None and share < LEANS_TO_HAM else ""
    return [r.rule + mark, r.category, f"{r.points:g}", f"{r.ham_hits} ({_pct(r.ham_rate)})",
            f"{r.spam_hits} ({_pct(r.spam_rate)})", "-" if share is None else f"{share:.2f}"]


_FOLDER_HEAD = ["source", "label", "messages", "failed", "mean score", "AUC", "recall at 1% FPR", "errors"]
_FOLDER_NOTE = ("AUC: a spam source against the pooled ham, a ham source against the pooled spam; recall at 1% FPR: "
                "a spam source's share failing at the lowest threshold where at most 1% of the pooled ham fails.")
_LOSO_HEAD = ["left-out source", "label", "messages", "failed", "AUC", "recall at 1% FPR"]
_LOSO_NOTE = ("Leave-one-source-out: each row is measured with points fitted (scripts/fit_points.py's fit) "
              "on every other source, never on this one.")
_RULE_HEAD = ["rule", "category", "points", "ham hits", "spam hits", "S/O"]
_RULE_NOTE = ("S/O = spam rate / (spam rate + ham rate); rules marked ! fire relatively more on ham "
              "than on spam and are listed first.")


def format_text(ev: Evaluation) -> str:
    """Aligned plain-text tables for a terminal."""
    width = max(len(k) for k, _ in _headline(ev))
    out = [f"{k:<{width}}  {v}" for k, v in _headline(ev)]
    out += ["", *_aligned(_FOLDER_HEAD, [_folder_cells(f) for f in ev.folders]), _FOLDER_NOTE]
    if ev.loso:
        out += ["", *_aligned(_LOSO_HEAD, [_loso_cells(f) for f in ev.loso]), _LOSO_NOTE]
    out += ["", *_aligned(_RULE_HEAD, [_rule_cells(r) for r in ev.rules]), _RULE_NOTE]
    return "\n".join(out) + "\n"


def _aligned(head: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(x) for x in col) for col in zip(head, *rows)]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in [head, *rows]]


def format_markdown(ev: Evaluation) -> str:
    """GitHub-flavoured Markdown tables, for docs/evaluation.md."""
    out = _md(["metric", "value"], [list(r) for r in _headline(ev)])
    out += ["", *_md(_FOLDER_HEAD, [_folder_cells(f) for f in ev.folders]), "", _FOLDER_NOTE]
    if ev.loso:
        out += ["", *_md(_LOSO_HEAD, [_loso_cells(f) for f in ev.loso]), "", _LOSO_NOTE]
    out += ["", *_md(_RULE_HEAD, [_rule_cells(r) for r in ev.rules]), "", _RULE_NOTE]
    return "\n".join(out) + "\n"


def _md(head: list[str], rows: list[list[str]]) -> list[str]:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"
    return [line(head), "|" + "---|" * len(head), *(line(r) for r in rows)]


def format_json(ev: Evaluation) -> str:
    """Machine-readable: the same numbers, rates to four decimals."""
    return json.dumps(evaluation_dict(ev), indent=2) + "\n"


EVAL_FORMATS: dict[str, EvalFormatter] = {"text": format_text, "markdown": format_markdown, "json": format_json}
