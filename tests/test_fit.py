"""The points fitter: rule-file rewriting byte-for-byte, bounds, the constrained fit, the script end to end."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from spamlint.engine.rules import builtin_rules
from spamlint.evaluation.evaluate import collect, lint_items, unit_rules
from spamlint.evaluation.fitting import (
    STEP,
    Example,
    FitConfig,
    Limits,
    Model,
    fit,
    fold_of,
    objective,
    replace_points,
    scores,
    upper_bound,
)

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("fit_points", REPO / "scripts" / "fit_points.py")
fit_points = importlib.util.module_from_spec(_spec)
sys.modules["fit_points"] = fit_points  # dataclasses look their module up there
_spec.loader.exec_module(fit_points)

# (rule file text, new points, expected text)
REPLACE_CASES = [
    ("id: a\npoints: 1.5\nseverity: info\n", 2.0, "id: a\npoints: 2.0\nseverity: info\n"),
    ("id: a\r\npoints: 1.5  # fitted\r\nx: 1\r\n", 0.3, "id: a\r\npoints: 0.3  # fitted\r\nx: 1\r\n"),
    ("id: a\npoints:   3\noptions:\n  points: 4\n", 0.7, "id: a\npoints:   0.7\noptions:\n  points: 4\n"),
    ("id: a\npoints: 2\n", 2.0, "id: a\npoints: 2\n"),  # equal value: left exactly as written
    ("points: 1.0", 1.2, "points: 1.2"),  # no final newline
]


@pytest.mark.parametrize("text, points, expected", REPLACE_CASES)
def test_replace_points_changes_only_the_value(text: str, points: float, expected: str) -> None:
    assert replace_points(text, points) == expected


@pytest.mark.parametrize("text", ["id: a\n", "points: 1\npoints: 2\n", "  points: 1\n"])
def test_replace_points_needs_exactly_one_top_level_line(text: str) -> None:
    with pytest.raises(ValueError):
        replace_points(text, 1.0)


def test_write_points_keeps_real_rule_files_byte_for_byte(tmp_path: Path) -> None:
    rules = [r for r in builtin_rules() if r.points > 0]
    for r in rules:
        shutil.copy(REPO / "rules" / f"{r.id}.yaml", tmp_path)
    steps = [(i % 30) + 1 for i in range(len(rules))]
    assert fit_points.write_points(rules, steps, tmp_path)[1] == []
    for r, q in zip(rules, steps):
        old = (REPO / "rules" / f"{r.id}.yaml").read_bytes().splitlines(keepends=True)
        new = (tmp_path / f"{r.id}.yaml").read_bytes().splitlines(keepends=True)
        changed = [(a, b) for a, b in zip(old, new) if a != b]
        assert len(old) == len(new) and len(changed) <= 1, r.id
        assert yaml.safe_load(b"".join(new))["points"] == pytest.approx(q * STEP)
        assert all(a.startswith(b"points:") for a, _ in changed)


PHRASES = {"phrases": {"free": 1.0, "cash": 1.0, "act now": 1.0}}
CLAIMS = {"phrases": {"you have won": 1.0, "claim your prize": 1.0, "free": 1.0}}
LIMITS = Limits(min_points=0.1, word_max=1.0, phrase_max=2.0)
# (check, options, category cap, expected upper bound)
BOUND_CASES = [("pattern", {}, 4.0, 4.0), ("phrases", PHRASES, 4.0, 1.0), ("phrases", CLAIMS, 4.0, 2.0),
               ("phrases", CLAIMS, 1.5, 1.5), ("phrase-density", PHRASES, 4.0, 1.0), ("hidden-text", {}, 3.5, 3.5)]


def test_write_points_reports_a_missing_file_and_goes_on(tmp_path: Path) -> None:
    rules = [r for r in builtin_rules() if r.points > 0][:2]
    shutil.copy(REPO / "rules" / f"{rules[1].id}.yaml", tmp_path)
    written, problems = fit_points.write_points(rules, [1, 49], tmp_path)
    assert written == [tmp_path / f"{rules[1].id}.yaml"] and len(problems) == 1 and rules[0].id in problems[0]


@pytest.mark.parametrize("check, options, cap, expected", BOUND_CASES)
def test_upper_bound(check: str, options: dict, cap: float, expected: float) -> None:
    assert upper_bound(check, options, cap, LIMITS) == expected


def _toy() -> tuple[list[Example], Model]:
    """Rule 0 (category cap 3) and rule 2 mark spam, but both also hit one protected newsletter;
    rule 1 fires on ham only."""
    spam = [Example(((0, 1.0), (2, 1.0)), "spam", True) for _ in range(20)]
    mixed = [Example(((1, 1.0),), "ham", False) for _ in range(20)]
    ham = [Example((), "ham", False) for _ in range(20)]
    news = [Example(((0, 1.0), (2, 1.0)), "newsletters", False, protected=True)]
    return spam + mixed + ham + news, Model(categories=(0, 1, 1), caps=(3.0, 4.0), lower=(1, 1, 1), upper=(30, 40, 40))


def test_fit_keeps_protected_mail_below_the_margin_and_bounds() -> None:
    examples, model = _toy()
    cfg = FitConfig(threshold=5.0, protect_margin=0.5, group_weights={"newsletters": 0.01})
    steps = fit(examples, model, [10, 10, 10], cfg)
    assert all(lo <= q <= hi for q, lo, hi in zip(steps, model.lower, model.upper))
    news_score = scores(examples[-1:], model, steps)[0]
    assert news_score < 4.5 and news_score >= 4.0  # uses the room, never crosses the margin
    assert steps[1] == model.lower[1]  # a rule that only hits ham gets the floor
    assert objective(examples, model, steps, cfg) < objective(examples, model, [10, 10, 10], cfg)
    assert fit(examples, model, [10, 10, 10], cfg) == steps  # deterministic


def test_fit_repairs_a_start_that_breaks_the_constraint() -> None:
    examples, model = _toy()
    steps = fit(examples, model, [30, 1, 40], FitConfig())
    assert scores(examples[-1:], model, steps)[0] < 4.5


def test_fold_of_is_stable_and_spread() -> None:
    folds = [fold_of(f"ham/{i:05d}.eml", 5) for i in range(500)]
    assert folds == [fold_of(f"ham/{i:05d}.eml", 5) for i in range(500)]
    assert all(60 <= folds.count(f) <= 140 for f in range(5))


def _write_corpus(root: Path) -> dict[str, Path]:
    texts = {
        "ham": [b"Subject: lunch\n\nShall we meet for lunch on Tuesday?\n", b"Subject: notes\n\nMinutes attached.\n"],
        "newsletters": [b"<html><body><h1>News</h1><p>Our club met on Monday.</p></body></html>\n"],
        "spam": [b"Subject: FREE CASH!!!\n\nBuy now, free cash bonus, act now, claim your prize!!!\n"],
        "phishing": [b"Subject: Account suspended\n\nVerify within 24 hours: <a href='http://192.0.2.7/'>click here</a>\n"],
    }
    for group, items in texts.items():
        (root / group).mkdir()
        for i, text in enumerate(items):
            (root / group / f"{i}.eml").write_bytes(text)
    return {g: root / g for g in texts}


def test_model_scores_match_the_engine(tmp_path: Path) -> None:
    folders = _write_corpus(tmp_path)
    rules = tuple(r for r in builtin_rules() if r.points > 0)
    items = collect([str(folders["ham"])], [str(folders["spam"]), str(folders["phishing"])])
    real = lint_items(items, 5.0)
    unit = lint_items(items, 5.0, rules=unit_rules(rules))
    index = {r.id: i for i, r in enumerate(rules)}
    examples = [Example(tuple((index[rid], w) for rid, w in s.hits), "x", s.spam) for s in unit]
    model = fit_points.build_model(rules, LIMITS)
    fitted = scores(examples, model, [round(r.points / STEP) for r in rules])
    assert fitted == pytest.approx([s.score for s in real], abs=0.05)
    assert max(s.score for s in real) > 0


def test_script_end_to_end_writes_only_points_and_is_idempotent(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    folders = _write_corpus(tmp_path)
    rules_dir = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules_dir)
    before = {p.name: p.read_bytes() for p in rules_dir.glob("*.yaml")}
    args = [a for g, p in folders.items() for a in (f"--{g}", str(p))]
    args += ["--folds", "2", "--jobs", "1", "--min-support", "1", "--write", "--rules-dir", str(rules_dir)]
    assert fit_points.main(args) == 0
    out = capsys.readouterr().out
    assert "SpamAssassin AUC" in out and "newsletters failed" in out and "wrote" in out
    for p in rules_dir.glob("*.yaml"):
        old, new = before[p.name].splitlines(), p.read_bytes().splitlines()
        assert len(old) == len(new) and all(a.startswith(b"points:") for a, b in zip(old, new) if a != b)
    assert fit_points.main(args) == 0
    assert "wrote" not in capsys.readouterr().out  # a refit of what it wrote changes nothing


def test_template_twins_drop_header_and_mime_rules_and_keep_the_fold() -> None:
    by_id = {r.id: r for r in builtin_rules()}
    rules = [by_id["missing-date"], by_id["risky-words"], by_id["html-only"], by_id["shortened-link"]]
    examples = [Example(((0, 1.0), (1, 1.0), (2, 1.0), (3, 1.0)), "spam", True),
                Example(((1, 1.0),), "newsletters", False, protected=True)]
    twins, folds = fit_points.template_twins(rules, examples, [3, 4])
    assert [(t.hits, t.group, t.spam) for t in twins] == [(((1, 1.0), (3, 1.0)), "spam-template", True)]
    assert folds == [3]
