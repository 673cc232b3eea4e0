"""`spamlint rules` reads the config's rule-paths; `spamlint rules --test` runs users' rule examples."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from spamlint.cli import main

RULE = """id: no-webinar
category: risky-words
check: phrases
scope: body
points: 1
severity: warning
message: "webinar pitch: \\"{phrase}\\""
why: Our list treats webinar pitches as promotions.
fix: Move the webinar to the events newsletter.
options:
  phrases:
    - free webinar: 1.0
examples:
  hit:
    - "<p>Join our free webinar today.</p>"
  miss:
    - "<p>The meeting notes are attached.</p>"
"""


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "my-rules").mkdir()
    (tmp_path / "my-rules" / "no-webinar.yaml").write_text(RULE)
    (tmp_path / ".spamlint.yaml").write_text("rule-paths: [my-rules]\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_rules_lists_and_documents_custom_rules(project: Path) -> None:
    code, out, _ = _run("rules")
    assert code == 0 and any(line.startswith("no-webinar ") for line in out.splitlines())
    assert any(line.startswith("prize-claim ") for line in out.splitlines())
    code, out, _ = _run("rules", "no-webinar")
    assert code == 0 and "Move the webinar to the events newsletter." in out and "no-webinar.yaml" in out
    assert "1 point," in out


def test_rules_test_passes_on_good_examples(project: Path) -> None:
    code, out, _ = _run("rules", "--test")
    assert code == 0 and out.strip() == "2 examples of 1 rule checked, 0 failed"


def test_rules_test_names_rule_and_example_that_fail(project: Path) -> None:
    bad = RULE.replace('- "<p>The meeting notes are attached.</p>"', '- "<p>A free webinar recording.</p>"')
    bad = bad.replace('- "<p>Join our free webinar today.</p>"',
                      '- "<p>Join our free webinar today.</p>"\n    - "<p>Join our webinar today.</p>"')
    (project / "my-rules" / "no-webinar.yaml").write_text(bad)
    code, out, _ = _run("rules", "--test")
    lines = out.splitlines()
    assert code == 1
    assert any("rule no-webinar: hit 2 example should hit but does not" in line for line in lines)
    assert any("rule no-webinar: miss 1 example should not hit but does" in line for line in lines)
    assert lines[-1] == "3 examples of 1 rule checked, 2 failed"


def test_rules_test_one_builtin_rule_and_no_custom_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = _run("rules", "--test")
    assert code == 0 and "no rules of your own" in err
    code, out, _ = _run("rules", "--test", "prize-claim")
    assert code == 0 and out.rstrip().endswith("checked, 0 failed")
    assert _run("rules", "no-such-rule")[0] == 2
