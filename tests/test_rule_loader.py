"""The rule loader refuses bad rule files with the file, the rule and the field named; categories carry their caps."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from spamlint import Engine, RuleError, load_document
from spamlint.engine.rules import KINDS, parse_rule
from spamlint.engine.scoring import CATEGORY_CAPS as SCORING_CAPS
from spamlint.engine.scoring import score
from spamlint.model.findings import CATEGORIES, CATEGORY_CAPS, Finding, Severity

GOOD: dict[str, Any] = {
    "id": "my-rule", "category": "risky-words", "check": "phrases", "scope": "body", "points": 1.5,
    "severity": "warning", "message": "risky {phrase}", "why": "because", "fix": "reword",
    "options": {"phrases": ["free gift"]},
    "examples": {"hit": ["a free gift"], "miss": ["a gift"]},
}


def load(changes: dict[str, Any] | None = None, drop: str | None = None, source: str = "mine/my-rule.yaml"):
    """Load GOOD with some fields changed or one dropped (and no scope for a kind that takes none)."""
    data = {**GOOD, **(changes or {})}
    if "scope" in data and not KINDS[data["check"]].scopes if data["check"] in KINDS else False:
        del data["scope"]
    if drop:
        del data[drop]
    return parse_rule(source, yaml.safe_dump(data))


def test_the_good_rule_loads() -> None:
    rule = load()
    assert (rule.id, rule.scope, rule.points, rule.severity) == ("my-rule", ("body",), 1.5, Severity.WARNING)
    assert rule.options["phrases"] == {"free gift": 1.0} and rule.options["canonical"] is True  # defaults filled in


@pytest.mark.parametrize("field", ["id", "category", "check", "scope", "points", "severity", "message", "why", "fix",
                                   "examples"])
def test_missing_field(field: str) -> None:
    with pytest.raises(RuleError, match=rf"^mine/my-rule\.yaml: rule .*: missing field '{field}'"):
        load(drop=field)


@pytest.mark.parametrize("changes, match", [
    ({"colour": "red"}, r"unknown field 'colour'"),
    ({"options": {"phrases": ["x"], "colour": "red"}}, r"field 'options\.colour': check 'phrases' has no such option \(known: "),
    ({"options": {}}, r"field 'options\.phrases': required by check 'phrases'"),
    ({"check": "phrase-density", "options": {"phrases": ["x"], "min_hits": "two"}},
     r"field 'options\.min_hits': must be a int, got 'two'"),
    ({"check": "phrase-density", "options": {"phrases": ["x"], "min_hits": True}}, r"field 'options\.min_hits': must be a int"),
    ({"options": {"phrases": ["x"], "mode": "density"}}, r"field 'options\.mode': mode density is now the check 'phrase-density'"),
    ({"options": {"phrases": ["x"], "canonical": "yes"}}, r"field 'options\.canonical': must be a bool"),
    ({"check": "pattern", "options": {"pattern": "(unclosed"}}, r"field 'options': invalid pattern"),
    ({"options": "free gift"}, r"field 'options': must be a mapping"),
    ({"scope": "links"}, r"field 'scope': 'links' is not a scope of check 'phrases' \(allowed: body, html, subject, text\)"),
    ({"scope": []}, r"field 'scope': must be a scope name or a list of them"),
    ({"scope": ["body", 3]}, r"field 'scope': must be a scope name or a list of them"),
    ({"check": "no-such-check"}, r"field 'check': unknown check 'no-such-check'; known: "),
    ({"category": "misc"}, r"field 'category': 'misc' is not one of risky-words, "),
    ({"points": -1}, r"field 'points': must be a number from 0 to 100"),
    ({"points": "1"}, r"field 'points': must be a number from 0 to 100"),
    ({"severity": "fatal"}, r"field 'severity': must be info, warning or error"),
    ({"message": "  "}, r"field 'message': must be non-empty text"),
    ({"id": "My_Rule"}, r"field 'id': must be kebab-case words"),
    ({"examples": {"hit": ["a free gift"]}}, r"field 'examples\.miss': must be a non-empty list"),
    ({"examples": {"hit": [], "miss": ["a"]}}, r"field 'examples\.hit': must be a non-empty list"),
    ({"examples": {"hit": ["x"], "miss": ["y"], "maybe": ["z"]}}, r"field 'examples': unknown key 'maybe'"),
    ({"examples": {"hit": [{"text": "a free gift", "at": "1"}], "miss": ["y"]}}, r"field 'examples\.hit': 'at' must be \"LINE:COLUMN\""),
    ({"examples": {"hit": [{"text": "a free gift", "at": "0:3"}], "miss": ["y"]}}, r"field 'examples\.hit': 'at' must be \"LINE:COLUMN\""),
    ({"examples": {"hit": ["x"], "miss": [{"text": "y", "at": "1:1"}]}}, r"field 'examples\.miss': 'at' belongs to hit examples"),
    ({"examples": {"hit": [{"text": "x", "where": "1:1"}], "miss": ["y"]}}, r"field 'examples\.hit': each example must be a text or"),
])
def test_bad_field_names_file_rule_and_field(changes: dict[str, Any], match: str) -> None:
    with pytest.raises(RuleError, match=r"^mine/my-rule\.yaml: rule '?[\w-]+'?: " + match):
        load(changes)


def test_id_must_equal_the_file_name() -> None:
    with pytest.raises(RuleError, match=r"^mine/other\.yaml: rule 'my-rule': field 'id': must equal the file name 'other'"):
        load(source="mine/other.yaml")


@pytest.mark.parametrize("text, match", [
    ("id: [unclosed", r"^mine/my-rule\.yaml:\d+: not valid YAML"),
    ("- a\n- b\n", r"^mine/my-rule\.yaml: a rule file must be a mapping of fields"),
])
def test_not_a_rule_file(text: str, match: str) -> None:
    with pytest.raises(RuleError, match=match):
        parse_rule("mine/my-rule.yaml", text)


def test_examples_keep_the_plain_form_and_take_a_position() -> None:
    rule = load({"examples": {"hit": ["a free gift", {"text": "x free gift", "at": "1:3"},
                                      {"before": "a ", "text": "free gift ", "repeat": 2, "at": "1:3"}],
                              "miss": ["a gift"]}})
    assert rule.examples_hit == ("a free gift", "x free gift", "a free gift free gift ")
    assert rule.examples_at == (None, (1, 3), (1, 3))


def test_unused_suppression_is_a_kind_of_the_suppression_layer() -> None:
    rule = load({"id": "my-rule", "category": "structure", "check": "unused-suppression",
                 "options": {}, "message": "{directive} {reason}"})
    assert rule.check_name == "unused-suppression" and "unused-suppression" in KINDS
    doc = load_document("<p>Hi</p>\n<!-- spamlint-disable-next-line caps-words -->\n<p>calm</p>\n")
    found = Engine([rule]).run(doc)
    assert [(f.rule, f.line, f.message) for f in found] == [
        ("my-rule", 2, "spamlint-disable-next-line suppresses nothing for caps-words")]


# -- categories and their caps: one table ---------------------------------------------------------
def test_categories_and_caps_are_one_table() -> None:
    assert CATEGORIES == tuple(CATEGORY_CAPS)
    assert SCORING_CAPS is CATEGORY_CAPS
    assert all(0 < cap < 5.0 for cap in CATEGORY_CAPS.values())  # no family fails a message on its own


def _finding(category: str, points: float) -> Finding:
    return Finding(rule="r", category=category, points=points, severity=Severity.INFO, message="m", part="text/plain",
                   line=1, column=1, excerpt="", fix="")


@pytest.mark.parametrize("category", CATEGORIES)
def test_each_category_is_capped(category: str) -> None:
    cap = CATEGORY_CAPS[category]
    report = score("x", [_finding(category, cap * 0.75), _finding(category, cap * 0.75)])
    assert report.categories == {category: cap}
    assert report.score == cap


def test_caps_apply_per_category_and_the_sum_decides() -> None:
    found = [_finding("risky-words", 2.0), _finding("risky-words", 2.0), _finding("links", 1.25), _finding("size", 0.5)]
    report = score("x", found, threshold=5.0)
    assert report.categories == {"risky-words": 3.0, "links": 1.25, "size": 0.5}
    assert (report.score, report.verdict) == (4.75, "pass")
    assert score("x", found + [_finding("headers", 0.25)], threshold=5.0).verdict == "fail"


def test_caps_can_be_overridden_for_fitting() -> None:
    report = score("x", [_finding("size", 4.0)], caps={"size": 1.0})
    assert report.score == 1.0
    assert score("x", [_finding("size", 4.0)], caps={}).score == 4.0
