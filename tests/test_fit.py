"""The points fitter: rule-file rewriting byte-for-byte, bounds, the logistic fit, the script end to end."""

from __future__ import annotations

import dataclasses
import importlib.util
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from spamlint.engine.rules import builtin_rules
from spamlint.evaluation.corpus import collect_corpus
from spamlint.evaluation.fitting import Limits, build_problem, replace_points, upper_bound
from spamlint.evaluation.hits import lint_hits
from spamlint.evaluation.logistic import (
    STEP,
    FitConfig,
    Problem,
    constraints_met,
    example_weights,
    fit,
    fit_continuous,
    leave_one_out,
    messages,
    scores,
    template_figures,
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
    assert fit_points.write_points(rules, [q * STEP for q in steps], tmp_path)[1] == []
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
    written, problems = fit_points.write_points(rules, [0.1, 4.9], tmp_path)
    assert written == [tmp_path / f"{rules[1].id}.yaml"] and len(problems) == 1 and rules[0].id in problems[0]


@pytest.mark.parametrize("check, options, cap, expected", BOUND_CASES)
def test_upper_bound(check: str, options: dict, cap: float, expected: float) -> None:
    assert upper_bound(check, options, cap, LIMITS) == expected


def _problem(rows: list[tuple[tuple[float, ...], bool, str]], categories: tuple[int, ...] = (0, 1, 1),
             caps: tuple[float, ...] = (3.0, 4.0), upper: float = 4.0, newsletter: str = "news") -> Problem:
    """A hand-made fit input: rows of (hit weights per rule, spam?, source)."""
    n = len(rows[0][0])
    x = np.array([r[0] for r in rows], dtype=float)
    source = np.array([r[2] for r in rows], dtype=object)
    return Problem(tuple(f"r{i}" for i in range(n)), np.array(categories), np.array(caps), np.full(n, 0.1),
                   np.full(n, upper), np.ones(n), x, np.array([r[1] for r in rows]),
                   source == newsletter, np.zeros(len(rows), dtype=bool), source)


def _toy() -> Problem:
    """r0 and r2 mark spam (r0 also hits a newsletter); r1 fires on ham of a large source only."""
    rows = [((1.0, 0.0, 1.0), True, "spam") for _ in range(20)]
    rows += [((0.0, 1.0, 0.0), False, "big-ham") for _ in range(200)] + [((0.0,) * 3, False, "big-ham")] * 200
    rows += [((0.0,) * 3, False, "small-ham")] * 5 + [((1.0, 0.0, 0.0), False, "news")]
    return _problem(rows)


def test_fit_respects_bounds_grid_and_constraints() -> None:
    problem, cfg = _toy(), FitConfig()
    points, scale = fit(problem, cfg)
    assert np.all(points >= problem.lower - 1e-9) and np.all(points <= problem.upper + 1e-9)
    assert np.allclose(points / STEP, np.round(points / STEP))  # readable: multiples of 0.1
    assert points[1] == pytest.approx(0.1)  # a rule that only hits ham stays at the floor
    assert points[0] + points[2] > 3.0 and points[2] > points[0]  # the separating rules earn weight
    assert constraints_met(problem, points, np.arange(len(problem.spam)), cfg)
    assert scores(problem, points)[-1] < cfg.threshold  # the newsletter passes
    assert 0 < scale <= 2.0
    again, _ = fit(problem, cfg)
    assert np.array_equal(points, again)  # deterministic


def test_category_cap_bounds_the_score() -> None:
    problem = _problem([((1.0, 1.0, 0.0), True, "spam"), ((0.0, 0.0, 0.0), False, "ham")], categories=(0, 0, 1),
                       caps=(1.5, 4.0))
    assert scores(problem, np.array([4.0, 4.0, 4.0]))[0] == pytest.approx(1.5)


def test_sources_weigh_equally_whatever_their_size() -> None:
    """A rule firing on a small ham source is held down as hard as one firing on a large source."""
    rows = [((1.0, 1.0, 0.0), True, "spam")] * 50
    rows += [((1.0, 0.0, 0.0), False, "large")] * 20 + [((0.0, 0.0, 0.0), False, "large")] * 1980
    rows += [((0.0, 1.0, 0.0), False, "small")] * 2 + [((0.0, 0.0, 0.0), False, "small")] * 18
    problem = _problem(rows, categories=(0, 1, 1), newsletter="none")
    p = fit_continuous(problem, np.arange(len(rows)), FitConfig())
    assert p[1] < p[0]  # fires on 10% of the small source vs 1% of the large one


def test_a_newsletter_is_never_failed_by_the_fit() -> None:
    rows = [((3.0, 3.0, 0.0), True, "spam")] * 30 + [((0.0,) * 3, False, "ham")] * 30
    rows += [((3.0, 3.0, 0.0), False, "news")]  # looks exactly like the spam
    problem = _problem(rows, caps=(9.0, 9.0), upper=3.0)
    points, _ = fit(problem, FitConfig())
    assert scores(problem, points)[-1] < 5.0


def test_leave_one_out_fits_without_the_source() -> None:
    problem = _toy()
    held = leave_one_out(problem, FitConfig(), ["spam"])
    # without any spam to learn from, nothing pushes points up: every message passes
    assert np.all(held["spam"][problem.spam[messages(problem)]] < 5.0)
    assert held["spam"].shape == (len(messages(problem)),)


def test_template_figures_read_only_the_twins_sources_weighted_equally() -> None:
    rows = [((3.0, 0.0, 0.0), True, "a")] * 2 + [((0.0, 0.0, 0.0), True, "b")] * 8  # the messages
    rows += [((3.0, 0.0, 0.0), True, "a"), ((0.0, 0.0, 0.0), True, "a")]  # twins of a: one caught
    rows += [((3.0, 0.0, 0.0), True, "b")] * 3 + [((0.0, 0.0, 0.0), True, "b")]  # twins of b: 3 of 4
    rows += [((0.0, 0.0, 0.0), False, "ham")] * 3 + [((3.0, 0.0, 0.0), False, "ham")]  # ham twins
    base = _problem(rows, caps=(9.0, 9.0))
    twin = np.arange(len(rows)) >= 10
    problem = dataclasses.replace(base, twin=twin)
    low = template_figures(problem, np.array([1.0, 0.1, 0.1]), 5.0)  # twins score 0 or 3: none fails
    assert low is not None and low.spam_caught == 0.0 and low.ham_failed == 0.0
    t = template_figures(problem, np.array([3.0, 0.1, 0.1]), 5.0)  # twins score 0 or 9
    assert t is not None
    assert t.spam_caught == pytest.approx((1 / 2 + 3 / 4) / 2)  # each source counts the same
    assert t.ham_failed == pytest.approx(1 / 4)
    # a: spam {9, 0} vs ham {0, 0, 0, 9}: 5 of 8 pairs (ties half) -> 0.625; b: {9, 9, 9, 0}: 12 of 16 -> 0.75
    assert t.auc == pytest.approx((0.625 + 0.75) / 2)
    assert template_figures(base, np.array([3.0, 0.1, 0.1]), 5.0) is None  # no twins, no figures


def _write_corpus(root: Path) -> Path:
    """A corpus in the shared layout: SpamAssassin ham and spam, a newsletter, phishing."""
    texts = {
        "spamassassin/easy_ham": [b"Subject: lunch\n\nShall we meet for lunch on Tuesday?\n",
                                  b"Subject: notes\n\nMinutes attached.\n"],
        "html_newsletters/real": [b"<html><body><h1>News</h1><p>Our club met on Monday.</p></body></html>\n"],
        "spamassassin/spam": [b"Subject: FREE CASH!!!\n\nBuy now, free cash bonus, act now, claim your prize!!!\n"],
        "phishing_pot": [b"Subject: Account suspended\nX-Spam-Flag: YES\n\n"
                         b"Verify within 24 hours: <a href='http://192.0.2.7/'>click here</a>\n"],
    }
    for folder, items in texts.items():
        (root / folder).mkdir(parents=True)
        for i, text in enumerate(items):
            (root / folder / f"{i}.eml").write_bytes(text)
    return root


def test_problem_scores_match_the_engine(tmp_path: Path) -> None:
    import spamlint
    items, _ = collect_corpus(_write_corpus(tmp_path / "corpus"))
    rules = builtin_rules()
    problem = build_problem(lint_hits(items, rules), rules, Limits(), min_support=0)
    current = np.array([r.points for r in rules if r.enabled and r.points > 0])
    expected = [spamlint.lint(item.source.path).score for item in items]
    assert scores(problem, current, messages(problem)) == pytest.approx(expected, abs=0.011)
    assert max(expected) > 0
    twins = problem.x[problem.twin]
    header_rules = [i for i, r in enumerate(problem.rules) if set(next(x for x in rules if x.id == r).scope)
                    <= {"headers", "message"}]
    assert not twins[:, header_rules].any()  # a twin is its message as a template: no header rules


def test_script_end_to_end_writes_only_points_and_is_idempotent(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    corpus = _write_corpus(tmp_path / "corpus")
    rules_dir = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules_dir)
    before = {p.name: p.read_bytes() for p in rules_dir.glob("*.yaml")}
    args = ["--corpus", str(corpus), "--jobs", "1", "--min-support", "1", "--cache", str(tmp_path / "c.jsonl"),
            "--write", "--rules-dir", str(rules_dir), "--loso"]
    assert fit_points.main(args) == 0
    out = capsys.readouterr().out
    assert "phishing_pot (spam)" in out and "leave-one-out" in out and "wrote" in out
    assert "templates (header-less twins" in out and "after (fit)" in out
    for p in rules_dir.glob("*.yaml"):
        old, new = before[p.name].splitlines(), p.read_bytes().splitlines()
        assert len(old) == len(new) and all(a.startswith(b"points:") for a, b in zip(old, new) if a != b)
    assert (tmp_path / "c.jsonl").is_file()
    assert fit_points.main(args) == 0  # the second run reads the cache
    assert "wrote" not in capsys.readouterr().out  # a refit of what it wrote changes nothing


@pytest.mark.parametrize(("by_set", "expected"), [
    # by set: the two spam sets share the spam class equally, and a's three sources share a's half
    (True, {"a/1": 1 / 6, "a/2": 1 / 6, "a/3": 1 / 6, "b": 1 / 2}),
    # by source: each of the four spam sources a quarter, however they group into sets
    (False, {"a/1": 1 / 4, "a/2": 1 / 4, "a/3": 1 / 4, "b": 1 / 4}),
])
def test_spam_weight_is_shared_by_set_then_source(by_set: bool, expected: dict[str, float]) -> None:
    rows = [((1.0, 0.0, 0.0), True, s) for s in ("a/1", "a/2", "a/2", "a/3", "b", "b", "b")]
    rows += [((0.0, 1.0, 0.0), False, "ham")]
    problem = _problem(rows)
    w = example_weights(problem, np.arange(len(rows)), FitConfig(by_set=by_set))
    per_source: dict[str, float] = {}
    for (_, spam, source), weight in zip(rows, w):
        if spam:
            per_source[source] = per_source.get(source, 0.0) + weight
    assert per_source == pytest.approx(expected)
