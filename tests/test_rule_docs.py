"""Every rule has a documentation address: built-in rules a generated page in docs/rules/, users' rules
their `url:`, the config's `docs-url`, or their own file; `spamlint rules ID` and SARIF show it."""

from __future__ import annotations

import importlib.util
import json
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from spamlint.cli import main
from spamlint.config import is_web_url
from spamlint.engine.rules import BUILTIN_DOCS, builtin_rules
from spamlint.errors import RuleError
from spamlint.formatters.rule_docs import rule_page
from test_rules_cmd import RULE, project  # noqa: F401  (project: a folder with one custom rule)
from test_sarif import SCHEMA

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("rule_docs", ROOT / "scripts" / "rule_docs.py")
assert _spec and _spec.loader
rule_docs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rule_docs)


def test_generated_rule_pages_are_up_to_date() -> None:
    stale = rule_docs.stale()
    assert not stale, f"docs/rules/ is stale ({', '.join(stale[:5])}...): run python scripts/rule_docs.py"


def test_builtin_links_are_the_project_urls_rules_pages() -> None:
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    assert BUILTIN_DOCS == urls["Rules"] + "{id}.md"
    assert urls["Rules"].startswith(urls["Repository"] + "/")
    for rule in builtin_rules():
        assert is_web_url(rule.url) and rule.url == BUILTIN_DOCS.format(id=rule.id)
        assert (ROOT / "docs" / "rules" / f"{rule.id}.md").is_file()  # the page the link names exists
        assert (ROOT / "docs" / "rules" / f"../../{rule.source}").resolve().is_file()  # and its link to the rule file


def test_page_escapes_markup_and_fences_any_example() -> None:
    rule = next(r for r in builtin_rules() if r.id == "fake-reply-subject")
    tricky = rule.__class__(**{**rule.__dict__, "why": "A <body> tag, *stars* and `<code>`.",
                               "examples_hit": ("```\n<b>x</b>\n```\n", "y" * 5000)})
    page = rule_page(tricky, "../../rules/fake-reply-subject.yaml")
    assert "A \\<body\\> tag, \\*stars\\* and `<code>`." in page
    assert "````text\n```\n<b>x</b>\n```\n````" in page  # a fence longer than the example's own
    assert "(the first 1,200 of 5,000 characters)" in page and "y" * 1201 not in page


def _documentation(rule_id: str) -> str:
    result = CliRunner().invoke(main, ["rules", rule_id], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return next(line for line in result.stdout.splitlines() if line.startswith("Documentation: "))


@pytest.mark.parametrize(("config", "extra", "url"), [
    ("", "", "{file}"),  # no docs of its own: the rule file is its documentation
    ("docs-url: https://wiki.example.com/mail-rules/\n", "", "https://wiki.example.com/mail-rules/no-webinar"),
    ("docs-url: https://wiki.example.com/rules#{id}\n", "", "https://wiki.example.com/rules#no-webinar"),
    ("docs-url: https://wiki.example.com/rules/{id}\n", "url: https://docs.example.org/webinar\n",
     "https://docs.example.org/webinar"),  # the rule's own url wins
])
def test_custom_rule_documentation_address(project: Path, config: str, extra: str, url: str) -> None:
    (project / ".spamlint.yaml").write_text("rule-paths: [my-rules]\n" + config)
    (project / "my-rules" / "no-webinar.yaml").write_text(RULE + extra)
    expected = url.format(file=(project / "my-rules" / "no-webinar.yaml").resolve().as_uri())
    assert _documentation("no-webinar") == f"Documentation: {expected}"
    assert _documentation("prize-claim") == f"Documentation: {BUILTIN_DOCS.format(id='prize-claim')}"


@pytest.mark.parametrize(("config", "extra", "error"), [
    ("docs-url: wiki/rules\n", "", "key 'docs-url': must be an http(s) address"),
    ("docs-url: [a]\n", "", "key 'docs-url': must be an http(s) address"),
    ("", "url: ftp://files.example/rule\n", "rule 'no-webinar': field 'url': must be an absolute http(s) address"),
    ("", "url: https://x.example/a b\n", "field 'url'"),
])
def test_bad_documentation_addresses_name_file_and_field(project: Path, config: str, extra: str, error: str) -> None:
    (project / ".spamlint.yaml").write_text("rule-paths: [my-rules]\n" + config)
    (project / "my-rules" / "no-webinar.yaml").write_text(RULE + extra)
    result = CliRunner().invoke(main, ["rules", "no-webinar"], catch_exceptions=False)
    assert result.exit_code == 2 and error in result.stderr
    assert (".spamlint.yaml" if config else "no-webinar.yaml") in result.stderr


def test_rule_url_is_validated_at_load(tmp_path: Path) -> None:
    from spamlint.engine.rules import load_rule_dir

    (tmp_path / "no-webinar.yaml").write_text(RULE + "url: javascript:alert(1)\n")
    with pytest.raises(RuleError, match="no-webinar.yaml: rule 'no-webinar': field 'url'"):
        load_rule_dir(tmp_path)


def test_sarif_gives_every_rule_an_absolute_help_uri(project: Path) -> None:
    (project / ".spamlint.yaml").write_text("rule-paths: [my-rules]\ndocs-url: https://wiki.example.com/r/{id}\n")
    Path("a.html").write_text("<html><body><p>Join our free webinar today.</p></body></html>")
    result = CliRunner().invoke(main, ["--format", "sarif", "a.html"], catch_exceptions=False)
    log = json.loads(result.stdout)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["no-webinar"]["helpUri"] == "https://wiki.example.com/r/no-webinar"
    assert "Documentation: https://wiki.example.com/r/no-webinar" in rules["no-webinar"]["help"]["text"]
    assert "[Documentation](https://wiki.example.com/r/no-webinar)" in rules["no-webinar"]["help"]["markdown"]
    assert all(is_web_url(r["helpUri"]) and "Fix:" in r["help"]["text"] for r in rules.values())
    if SCHEMA.is_file():
        import jsonschema

        schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
        errors = list(jsonschema.validators.validator_for(schema)(schema).iter_errors(log))
        assert not errors, errors[0].message
