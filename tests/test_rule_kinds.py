"""Check kinds: scope only where a kind honours it, max_hits a rule field the engine applies,
split and merged kinds, and check modules that share helpers without reaching into each other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import spamlint
from spamlint import RuleError
from spamlint.checks import CHECKS
from spamlint.engine.rules import Rule, parse_rule

CHECKS_DIR = Path(spamlint.__file__).parent / "checks"


def rule_text(check: str, scope: str | None = "body", options: str = "{}", extra: str = "") -> str:
    """A small rule file for `check`; scope None leaves the field out."""
    scope_line = f"scope: {scope}\n" if scope is not None else ""
    return (f"id: mine\ncategory: structure\ncheck: {check}\n{scope_line}points: 1\nseverity: info\n"
            f"message: m\nwhy: w\nfix: f\n{extra}options: {options}\nexamples: {{hit: [a], miss: [b]}}\n")


def load(text: str) -> Rule:
    return parse_rule("mine/mine.yaml", text)


def found(rule: Rule, text: str) -> list[tuple[str, int | None, int | None]]:
    """(part, line, column) of the rule's findings in a template text."""
    return [(f.part, f.line, f.column) for f in spamlint.lint(text, name="t.txt", rules=[rule]).findings
            if f.rule == rule.id]


# -- scope -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("check, options", [("link-pattern", "{}"), ("header-pattern", "{header: To, pattern: x}"),
                                            ("hidden-text", "{}"), ("html-only", "{}"), ("fake-reply", "{prefixes: [Re]}")])
def test_scope_is_refused_naming_file_rule_and_field_where_the_check_takes_none(check: str, options: str) -> None:
    with pytest.raises(RuleError, match=rf"^mine/mine\.yaml: rule 'mine': field 'scope': check '{check}' takes no scope"):
        load(rule_text(check, scope="body", options=options))


def test_a_check_without_scope_looks_at_its_fixed_parts() -> None:
    assert load(rule_text("link-pattern", scope=None)).scope == ("links",)
    assert load(rule_text("header-pattern", scope=None, options="{header: To, pattern: x}")).scope == ("headers",)


def test_scope_is_required_where_the_check_takes_one() -> None:
    with pytest.raises(RuleError, match=r"^mine/mine\.yaml: rule 'mine': missing field 'scope' \(check 'pattern'"):
        load(rule_text("pattern", scope=None, options="{pattern: x}"))


@pytest.mark.parametrize("scope", ["links", "[body, headers]", "[]", "3"])
def test_a_scope_the_check_cannot_read_is_refused(scope: str) -> None:
    with pytest.raises(RuleError, match=r"rule 'mine': field 'scope'"):
        load(rule_text("pattern", scope=scope, options="{pattern: x}"))


@pytest.mark.parametrize("scope, parts", [("subject", ["subject"]), ("body", ["text/plain"]),
                                          ("[subject, body]", ["subject", "text/plain"])])
def test_a_text_check_reads_exactly_its_scope(scope: str, parts: list[str]) -> None:
    rule = load(rule_text("pattern", scope=scope, options="{pattern: 'FREE!?'}"))
    assert [part for part, _, _ in found(rule, "---\nsubject: FREE\n---\nFREE!\n")] == parts


def test_every_kind_either_takes_a_scope_or_says_what_it_looks_at() -> None:
    for name, cls in CHECKS.items():
        if name == "unused-suppression":  # the suppression layer's; it leaves the checks (issue 9, item 6)
            continue
        assert bool(cls.scopes) != bool(cls.looks_at), name


# -- max_hits --------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["0", "-1", "1.5", "true", "'3'", "[3]", "null"])
def test_max_hits_must_be_a_whole_number_of_at_least_one(value: str) -> None:
    with pytest.raises(RuleError, match=r"^mine/mine\.yaml: rule 'mine': field 'max_hits': must be a whole number >= 1"):
        load(rule_text("pattern", options="{pattern: x}", extra=f"max_hits: {value}\n"))


def test_max_hits_among_the_options_says_where_it_belongs() -> None:
    with pytest.raises(RuleError, match=r"field 'options\.max_hits': max_hits is a field of the rule"):
        load(rule_text("pattern", options="{pattern: x, max_hits: 2}"))


@pytest.mark.parametrize("extra, expected", [("", 5), ("max_hits: 2\n", 2), ("max_hits: 100\n", 7)])
def test_the_engine_reports_at_most_max_hits_and_a_kind_gives_the_default(extra: str, expected: int) -> None:
    rule = load(rule_text("pattern", options="{pattern: x}", extra=extra))
    assert rule.max_hits == (5 if not extra else int(extra.split()[1]))
    assert len(found(rule, "x " * 7)) == expected


def test_a_kind_without_a_default_reports_every_hit() -> None:
    rule = load(rule_text("phrases", options="{phrases: [alpha, beta, gamma, delta]}"))
    assert rule.max_hits is None
    assert [column for _, _, column in found(rule, "alpha beta gamma delta")] == [1, 7, 12, 18]


# -- split and merged kinds ------------------------------------------------------------------------
@pytest.mark.parametrize("old, new", [("caps", "all-caps"), ("image-text", "image-only"), ("mime-shape", "empty-body"),
                                      ("display-name", "display-name-brand"), ("link-host", "link-pattern"),
                                      ("ip-link", "link-pattern")])
def test_an_old_kind_name_says_which_kind_to_use(old: str, new: str) -> None:
    with pytest.raises(RuleError, match=rf"field 'check': check '{old}' is now .*'{new}'"):
        load(rule_text(old))


def test_phrases_density_mode_points_at_phrase_density() -> None:
    with pytest.raises(RuleError, match=r"field 'options\.mode': mode density is now the check 'phrase-density'"):
        load(rule_text("phrases", options="{phrases: [a], mode: density}"))


def test_all_caps_judges_sentences_or_whole_segments() -> None:
    by_sentence = load(rule_text("all-caps", options="{min_words: 2}"))
    whole = load(rule_text("all-caps", options="{min_words: 2, per: segment}"))
    calm = "SHOUTING IS RUDE. But this sentence is calm."
    assert len(found(by_sentence, calm)) == 1 and found(whole, calm) == []
    loud = "SHOUTING IS RUDE. AND LOUD TOO."
    assert len(found(by_sentence, loud)) == 2 and len(found(whole, loud)) == 1


def test_caps_words_counts_capitals_among_normal_words() -> None:
    rule = load(rule_text("caps-words", options="{min_words: 2}"))
    assert found(rule, "This AMAZING offer is FREE today.") == [("text/plain", 1, 6)]
    assert found(load(rule_text("all-caps", options="{min_words: 2}")), "This AMAZING offer is FREE today.") == []


def test_phrase_density_fires_once_when_phrases_are_dense() -> None:
    rule = load(rule_text("phrase-density", options="{phrases: [free], min_hits: 2, min_density: 5}"))
    assert found(rule, "free free " + "word " * 10) == [("text/plain", 1, 1)]
    assert found(rule, "free " + "word " * 30) == []


@pytest.mark.parametrize("options, hosts", [("{domains: [bit.ly]}", ["bit.ly"]), ("{ip_host: true}", ["10.0.0.1"]),
                                            ("{host_pattern: 'ly$', ip_host: true}", [])])
def test_link_pattern_links_meet_every_criterion_given(options: str, hosts: list[str]) -> None:
    rule = load(rule_text("link-pattern", scope=None, options=options))
    html = '<a href="https://bit.ly/x">a</a> <a href="http://10.0.0.1/x">b</a> <a href="https://example.org/">c</a>'
    findings = spamlint.lint(html, name="t.html", rules=[rule]).findings
    assert [f.excerpt.split("/")[2] for f in findings if f.rule == "mine"] == hosts


def test_the_readme_names_every_check_kind() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    missing = [name for name in CHECKS if f"`{name}`" not in readme and name != "unused-suppression"]
    assert not missing, missing


# -- check modules ---------------------------------------------------------------------------------
def test_check_modules_import_only_base_and_common_from_other_checks() -> None:
    for path in CHECKS_DIR.glob("*.py"):
        if path.name == "__init__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("spamlint.checks"):
                assert node.module in ("spamlint.checks.base", "spamlint.checks.common"), (path.name, node.module)
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("spamlint."):
                private = [a.name for a in node.names if a.name.startswith("_")]
                # hashbusting's span merge lives in text/normalize, which another change makes public
                assert not private or (path.name, private) == ("hashbusting.py", ["_merge"]), (path.name, private)
