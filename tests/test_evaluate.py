"""The evaluator: metrics against hand-computed cases, per-rule rates, corpus runs on tiny folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import spamlint
from spamlint.cli import main
from spamlint.engine.rules import builtin_rules
from spamlint.evaluation.evaluate import Sample, collect, collect_corpus, evaluate, lint_items, rule_rates, source_rows
from spamlint.evaluation.hits import lint_hits
from spamlint.evaluation.metrics import confusion, recall_at_fpr, roc_auc

F, T = False, True

# (scores, labels, AUC worked out by hand over every spam/ham pair, ties counting 1/2)
AUC_CASES = [
    ([1, 2, 3, 4], [F, F, T, T], 1.0),
    ([1, 2, 3, 4], [T, T, F, F], 0.0),
    ([1, 1, 1, 1], [F, T, F, T], 0.5),
    ([1, 2, 2, 3], [F, F, T, T], 3.5 / 4),  # spam {2,3} vs ham {1,2}: 1 + 0.5 + 1 + 1
    ([0, 0, 1], [F, T, T], 0.75),  # spam {0,1} vs ham {0}: 0.5 + 1
    ([3, 1, 2, 2, 0], [T, F, T, F, F], 5.5 / 6),  # spam {3,2} vs ham {1,2,0}: 3 + (1 + 0.5 + 1)
]


@pytest.mark.parametrize("scores, labels, expected", AUC_CASES)
def test_roc_auc_by_hand(scores: list[float], labels: list[bool], expected: float) -> None:
    assert roc_auc(scores, labels) == pytest.approx(expected)


@pytest.mark.parametrize("scores, labels", [([1, 2], [T, T]), ([1, 2], [F, F]), ([1, 2], [T])])
def test_roc_auc_refuses_one_class_or_mismatch(scores: list[float], labels: list[bool]) -> None:
    with pytest.raises(ValueError):
        roc_auc(scores, labels)


HAM_0_TO_99 = list(range(100))
# (ham scores, spam scores, max FPR, expected threshold, recall, ham FPR)
FPR_CASES = [
    (HAM_0_TO_99, [50, 99, 100, 150], 0.01, 99, 0.75, 0.01),  # one ham (99) may fail
    (HAM_0_TO_99, [50, 99, 100, 150], 0.001, 100, 0.5, 0.0),  # no ham may fail
    ([0] * 98 + [5, 5], [5, 6], 0.01, 6, 0.5, 0.0),  # a tie of two ham at 5 cannot be split
    ([0] * 97 + [5, 5, 5], [5], 0.05, 5, 1.0, 0.03),  # ...but fails whole when the budget allows
    ([10] * 100, [1, 2], 0.01, 11, 0.0, 0.0),  # nothing to gain: threshold above every score
]


@pytest.mark.parametrize("ham, spam, max_fpr, threshold, recall, fpr", FPR_CASES)
def test_recall_at_fpr_by_hand(ham: list[float], spam: list[float], max_fpr: float, threshold: float,
                               recall: float, fpr: float) -> None:
    point = recall_at_fpr(ham + spam, [F] * len(ham) + [T] * len(spam), max_fpr)
    assert (point.threshold, point.recall, point.false_pos_rate) == pytest.approx((threshold, recall, fpr))


def test_confusion_fails_at_or_above_threshold() -> None:
    c = confusion([4.9, 5.0, 5.1, 0.0], [F, F, T, T], 5.0)
    assert (c.true_pos, c.false_neg, c.false_pos, c.true_neg) == (1, 1, 1, 1)
    assert (c.recall, c.false_pos_rate, c.precision) == (0.5, 0.5, 0.5)


def _sample(spam: bool, *rules: str, score: float = 0.0) -> Sample:
    return Sample("x", "spam" if spam else "ham", spam, score, tuple((r, 1.0) for r in rules))


def test_rule_rates_put_rules_that_lean_to_ham_first() -> None:
    samples = [_sample(F, "exclamation-run", "caps-words"), _sample(F, "caps-words"), _sample(F),
               _sample(T, "exclamation-run", "caps-words"), _sample(T, "risky-words")]
    rows = {r.rule: r for r in rule_rates(samples, builtin_rules())}
    assert (rows["caps-words"].ham_rate, rows["caps-words"].spam_rate) == pytest.approx((2 / 3, 1 / 2))
    assert rows["caps-words"].spam_share == pytest.approx(0.5 / (0.5 + 2 / 3))
    assert rows["risky-words"].spam_share == 1.0 and rows["hidden-text"].spam_share is None
    order = [r.rule for r in rule_rates(samples, builtin_rules())]
    assert order.index("caps-words") < order.index("exclamation-run") < order.index("risky-words")
    assert order.index("risky-words") < order.index("hidden-text")  # rules that never fired go last


HAM = [b"From: Ann <ann@example.org>\nTo: bob@example.org\nSubject: lunch\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n"
       b"Message-ID: <1@example.org>\n\nShall we meet for lunch on Tuesday at noon?\n",
       b"<html><body><p>Minutes of the garden club meeting are attached below.</p></body></html>\n"]
SPAM = [b"Subject: YOU HAVE WON!!!\n\nCONGRATULATIONS you have won a FREE prize!!! Claim your prize now, "
        b"act now, buy now, free cash bonus, limited time offer!!!\n",
        b"Subject: Account suspended\n\nYour account has been suspended. Verify within 24 hours: "
        b"<a href=\"http://192.0.2.7/login\">click here</a>\n"]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """ham/ and spam/ folders with the messages above, a broken link, and a _source/ licence."""
    for label, texts in (("ham", HAM), ("spam", SPAM)):
        folder = tmp_path / label
        folder.mkdir()
        for i, text in enumerate(texts):
            (folder / f"{i:05d}.eml").write_bytes(text)
    (tmp_path / "spam" / "00009.eml").symlink_to(tmp_path / "missing.eml")  # unreadable input
    (tmp_path / "ham" / "_source").mkdir()
    (tmp_path / "ham" / "_source" / "LICENSE").write_text("not a message\n")
    return tmp_path


def test_collect_labels_and_skips_source_folders(corpus: Path) -> None:
    items = collect([str(corpus / "ham")], [str(corpus / "spam")])
    assert [(Path(i.source.name).name, i.spam) for i in items] == [
        ("00000.eml", F), ("00001.eml", F), ("00000.eml", T), ("00001.eml", T), ("00009.eml", T)]


def test_samples_match_lint_and_errors_are_counted(corpus: Path) -> None:
    samples = lint_items(collect([str(corpus / "ham")], [str(corpus / "spam")]), 5.0)
    bad = [s for s in samples if s.error]
    assert [Path(s.name).name for s in bad] == ["00009.eml"] and "no such file" in bad[0].error
    for s in samples:
        if not s.error:
            report = spamlint.lint(Path(s.name))
            assert s.score == report.score
            assert [r for r, _ in s.hits] == sorted({f.rule for f in report.findings})
    result = evaluate(samples, 5.0, builtin_rules())
    assert (result.ham, result.spam, len(result.errors)) == (2, 2, 1)
    assert [(f.count, f.errors) for f in result.folders] == [(2, 0), (2, 1)]


def test_parallel_run_gives_identical_samples(corpus: Path) -> None:
    items = collect([str(corpus / "ham")], [str(corpus / "spam")]) * 5
    assert lint_items(items, 5.0, jobs=2) == lint_items(items, 5.0, jobs=1)


def test_cli_json_and_markdown(corpus: Path) -> None:
    args = ["evaluate", "--ham", str(corpus / "ham"), "--spam", str(corpus / "spam")]
    result = CliRunner().invoke(main, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["ham"], data["spam"], len(data["errors"])) == (2, 2, 1)
    assert data["confusion"]["spam_failed"] + data["confusion"]["spam_passed"] == 2
    assert "no such file" in result.stderr
    markdown = CliRunner().invoke(main, [*args, "--format", "markdown"]).stdout
    assert "| metric | value |" in markdown and "| rule | category |" in markdown


def test_cli_error_lines_escape_control_characters_in_file_names(corpus: Path) -> None:
    (corpus / "spam" / "x\x1b]0;PWNED\x07.eml").symlink_to(corpus / "missing.eml")  # unreadable, hostile name
    result = CliRunner().invoke(main, ["evaluate", "--ham", str(corpus / "ham"), "--spam", str(corpus / "spam")])
    lines = [line for line in result.stderr.splitlines() if "PWNED" in line]
    assert len(lines) == 1 and "\\x1b" in lines[0] and "\x1b" not in lines[0] and "\x07" not in lines[0]


def test_cli_without_inputs_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["evaluate"])
    assert result.exit_code == 2 and "needs messages" in result.stderr


SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "spamassassin"


@pytest.mark.corpus
@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared corpus (../shared/corpus) is not on this machine")
def test_corpus_slice_lints_without_errors_in_any_job_count() -> None:
    paths = [str(p) for folder in ("easy_ham", "spam") for p in sorted((SHARED / folder).iterdir())[:25]]
    items = collect(paths[:25], paths[25:])
    samples = lint_items(items, 5.0, jobs=2)
    assert samples == lint_items(items, 5.0, jobs=1)
    assert not [s.error for s in samples if s.error]


def _layout(root: Path) -> Path:
    """A corpus in the shared layout, with a folder the table does not know and a licence folder."""
    files = {"spamassassin/easy_ham/1.eml": HAM[0], "spamassassin/spam/1.eml": SPAM[0],
             "ham_modern/list_a/1.eml": HAM[0], "ham_modern/list_b/1.eml": HAM[1],
             "phishing_pot/1.eml": SPAM[1], "phishing_pot/_source/x/README.eml": SPAM[1],
             "html_newsletters/real/1.html": HAM[1], "unknown_set/1.eml": HAM[0],
             "spamassassin/other/1.eml": HAM[0]}
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def test_collect_corpus_labels_sources_from_the_table(tmp_path: Path) -> None:
    items, problems = collect_corpus(_layout(tmp_path))
    got = sorted((i.folder, i.spam, i.newsletter) for i in items)
    assert got == [("ham_modern/list_a", F, F), ("ham_modern/list_b", F, F), ("html_newsletters/real", F, T),
                   ("phishing_pot", T, F), ("spamassassin/easy_ham", F, F), ("spamassassin/spam", T, F)]
    assert any("unknown_set" in p for p in problems) and any("spamassassin/other" in p for p in problems)


def test_source_rows_measure_each_source_against_the_pooled_other_class() -> None:
    folders = ["h1"] * 100 + ["h2"] * 2 + ["s1"] * 4 + ["s2"] * 2
    spam = [F] * 102 + [T] * 6
    scores = list(range(100)) + [200, 0] + [150, 99.5, 1, 250] + [-1, -2]
    rows = {r.folder: r for r in source_rows(folders, spam, scores, 100.0)}
    assert (rows["h2"].failed, rows["s1"].failed, rows["s2"].failed) == (1, 2, 0)
    # one of 102 ham (the 200) may fail: the cut lies just above the next ham (99), at 99.5: 3 of s1 fail
    assert rows["s1"].recall == pytest.approx(0.75) and rows["h1"].recall is None
    # s1 against 102 ham: 150 beats 101, 99.5 beats 101, 1 beats the two 0s and ties 1, 250 beats all
    assert rows["s2"].auc == pytest.approx(0.0) and rows["s1"].auc == pytest.approx((101 + 101 + 2.5 + 102) / 408)
    # h2 (200, 0) against all 6 spam: only 250 is above 200; 150, 99.5, 1 and 250 are above 0
    assert rows["h2"].auc == pytest.approx(5 / 12)


def test_cli_corpus_per_source_and_leave_one_out(tmp_path: Path) -> None:
    root = _layout(tmp_path / "corpus")
    cache = tmp_path / "hits.jsonl"
    args = ["evaluate", "--corpus", str(root), "--format", "json", "--cache", str(cache), "--loso"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [f["folder"] for f in data["folders"]] == [
        "spamassassin/easy_ham", "spamassassin/spam", "phishing_pot", "html_newsletters/real",
        "ham_modern/list_a", "ham_modern/list_b"]
    assert [f["folder"] for f in data["leave_one_source_out"]] == [f["folder"] for f in data["folders"]]
    assert "unknown_set" in result.stderr and cache.is_file()
    again = CliRunner().invoke(main, args)
    assert json.loads(again.stdout) == data  # from the cache, the same figures
    text = CliRunner().invoke(main, ["evaluate", "--corpus", str(root), "--loso"]).stdout
    assert "left-out source" in text and "recall at 1% FPR" in text


def test_cache_is_ignored_when_rules_change(tmp_path: Path) -> None:
    root = _layout(tmp_path / "corpus")
    items, _ = collect_corpus(root)
    cache = tmp_path / "hits.jsonl"
    rules = builtin_rules()
    first = lint_hits(items, rules, cache=cache)
    assert lint_hits(items, rules, cache=cache) == first
    fewer = [r for r in rules if r.id != "exclamation-subject"]
    assert all("exclamation-subject" not in dict(v.hits) for v in lint_hits(items, fewer, cache=cache))
