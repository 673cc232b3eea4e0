"""SARIF output validates against the official 2.1.0 schema and carries rules, locations and regions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from spamlint.cli import main
from spamlint.engine.rules import builtin_rules
from spamlint.formatters.sarif import artifact_uri

_SCHEMA_NAME = Path("schemas") / "sarif-schema-2.1.0.json"
# ../shared beside the repository, or /work/shared when the repository is a worktree elsewhere
SCHEMA = next((p for p in (Path(__file__).resolve().parents[2] / "shared" / _SCHEMA_NAME,
                           Path("/work/shared") / _SCHEMA_NAME) if p.is_file()),
              Path(__file__).resolve().parents[2] / "shared" / _SCHEMA_NAME)
SPAMMY = """---
subject: "RE: FREE GIFT!!!"
---
<html><body>
<p>CONGRATULATIONS WINNER!!! You have been SELECTED for a FREE PRIZE!!!</p>
<p><a href="https://bit.ly/3xYz">www.mybank.com</a></p>
<!-- spamlint-disable-next-line no-such-rule -->
</body></html>
"""
MESSAGE = "From: a@example.org\nTo: b@example.org\nSubject: hi\n\nFREE MONEY NOW!!! Click here!\n"


@pytest.fixture()
def sarif(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.chdir(tmp_path)
    Path("templates").mkdir()
    Path("templates/promo page.html").write_text(SPAMMY)
    Path("mail.eml").write_text(MESSAGE)
    result = CliRunner().invoke(main, ["--format", "sarif", "templates", "mail.eml"], catch_exceptions=False)
    assert result.exit_code == 1
    return json.loads(result.stdout)


def test_sarif_is_valid_against_the_official_schema(sarif: dict) -> None:
    if not SCHEMA.is_file():
        pytest.skip(f"the SARIF schema is not at {SCHEMA} (it lives in ../shared beside the repository, or /work/shared)")
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(sarif), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def test_sarif_snapshot_is_valid_against_the_official_schema() -> None:
    if not SCHEMA.is_file():
        pytest.skip(f"the SARIF schema is not at {SCHEMA} (it lives in ../shared beside the repository, or /work/shared)")
    import jsonschema

    snapshot = Path(__file__).resolve().parent / "expected" / "samples.sarif"
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(json.loads(snapshot.read_text(encoding="utf-8"))), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def test_one_sarif_rule_per_spamlint_rule_with_help(sarif: dict) -> None:
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(r.id for r in builtin_rules())
    for r in rules:
        assert r["help"]["text"] and "Fix:" in r["help"]["text"] and r["fullDescription"]["text"]
        assert r["defaultConfiguration"]["level"] in ("error", "warning", "note")


def test_every_result_has_a_physical_location_and_region(sarif: dict) -> None:
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert {r["ruleId"] for r in results} >= {"shortened-link", "fake-reply-subject", "unused-suppression"}
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        [loc] = r["locations"]
        assert loc["physicalLocation"]["artifactLocation"]["uri"] in ("templates/promo%20page.html", "mail.eml")
        assert loc["physicalLocation"]["region"]["startLine"] >= 1
    link = next(r for r in results if r["ruleId"] == "shortened-link")
    assert link["locations"][0]["physicalLocation"]["region"] == {"startLine": 6, "startColumn": 4,
                                                                  "snippet": {"text": "https://bit.ly/3xYz"}}
    assert [s["path"] for s in run["properties"]["reports"]] == ["templates/promo page.html", "mail.eml"]


@pytest.mark.parametrize("path, uri", [
    ("a/b c.html", "a/b%20c.html"), ("-", "stdin"), ("box.mbox#3", "box.mbox"), ("/tmp/x.eml", "file:///tmp/x.eml"),
])
def test_artifact_uris(path: str, uri: str) -> None:
    assert artifact_uri(path) == uri
