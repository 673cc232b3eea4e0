"""Issue 15's start-up paths give what the plain definitions they replace give.

Rules read back from the rule-pack cache compile their patterns on first use; the prefilter's
prefilter tests and the phrase patterns' sources come from the cache; module-level patterns are `Lazy`.
Each is held here to the eager, computed-afresh definition.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
import regex
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from spamlint import Engine, load_document
from spamlint.checks import Check
from spamlint.engine import cache, rules
from spamlint.text import compiled, patterns, prefilter, words
from spamlint.text.compiled import Lazy
from spamlint.text.patterns import Searches, UserPattern, compiling_later, user_pattern

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROOT = Path(__file__).resolve().parent.parent


def _patterns_of(value: Any) -> Iterator[UserPattern | Lazy]:
    """The rule patterns and lazy patterns a check holds (in attributes, lists and tuples)."""
    if isinstance(value, (UserPattern, Lazy, re.Pattern, regex.Pattern)):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _patterns_of(item)
    elif isinstance(value, Check):
        for item in vars(value).values():
            yield from _patterns_of(item)


def _two_packs() -> tuple[list[rules.Rule], list[rules.Rule]]:
    """The built-in rules built eagerly from their files, and as builtin_rules builds them from a cache."""
    files = rules.builtin_rule_files()
    eager = [rules.parse_rule(name, text, rules.BUILTIN_DOCS) for name, text in files]
    data = {name: json.loads(json.dumps(yaml.safe_load(text))) for name, text in files}
    with compiling_later():
        later = [rules.rule_from_data(name, data[name], rules.BUILTIN_DOCS) for name, _ in files]
    return eager, later


# -- text/patterns.py: rule patterns from the cache compile on first use --------------------------------
def test_rules_from_the_cache_find_what_rules_from_the_files_find() -> None:
    eager, later = _two_packs()
    waiting = [p for r in later for p in _patterns_of(r.check)
               if isinstance(p, UserPattern) and "compiled" not in vars(p)]
    assert len(waiting) > 30  # nothing compiled while the rules were built
    assert not patterns.compiles_later()  # only inside the block
    for a, b in zip(eager, later, strict=True):
        if a.check_name == "domain-problem":
            continue
        for text in (*a.examples_hit, *a.examples_miss):
            doc = load_document(text, name="example")
            assert Engine([a]).run(doc) == Engine([b]).run(doc), a.id
    for a, b in zip(eager, later, strict=True):
        both = [(v, vars(b.check)[k]) for k, v in vars(a.check).items() if k in vars(b.check)]
        for p, q in zip(_patterns_of([p for p, _ in both]), _patterns_of([q for _, q in both]), strict=True):
            assert (p.pattern, p.flags) == (q.pattern, q.flags), a.id
            if isinstance(p, UserPattern):
                assert isinstance(q, UserPattern) and p.tests == q.tests, a.id


def test_warm_compiles_every_pattern_left_for_later() -> None:
    _, later = _two_packs()
    for rule in later:
        if isinstance(rule.check, Check):
            rule.check.warm()
        for p in _patterns_of(rule.check):
            if isinstance(p, (UserPattern, Lazy)):
                assert "compiled" in vars(p) if isinstance(p, UserPattern) else "_made" in vars(p), rule.id
    assert later_by_id(later, "brand-impersonation").check.__dict__.get("name_re") is not None


def later_by_id(pack: list[rules.Rule], rid: str) -> rules.Rule:
    return next(r for r in pack if r.id == rid)


def test_a_users_bad_pattern_is_still_refused_when_it_loads(tmp_path: Path) -> None:
    rules.builtin_rules()  # from the cache, when there is one: the block must not outlive it
    (tmp_path / "bad-one.yaml").write_text(
        "id: bad-one\ncategory: structure\ncheck: pattern\nscope: body\npoints: 1\nseverity: info\n"
        "message: m\nwhy: w\nfix: f\noptions: {pattern: '(unclosed'}\nexamples: {hit: [a], miss: [b]}\n")
    with pytest.raises(rules.RuleError, match="bad-one.*invalid pattern"):
        rules.load_rule_dir(tmp_path)


PIECES = ["a", "b", "ab", "é", "\\d", "[a-c]", "[^b]", "(?:", "(", ")", "|", "*", "+", "?", "{2}", "{1,3}",
          ".", "\\s", "\\b", "^", "$", "(?i)", "x", "1"]
TEXTS = ["a", "b", "ab", "ABA", "é", "É", "1", "22", " ", "\n", "x", "c", "-"]


@FAST
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join),
       st.sampled_from([0, regex.IGNORECASE, regex.MULTILINE]),
       st.lists(st.sampled_from(TEXTS), max_size=12).map("".join))
@example("a{2}|b", regex.IGNORECASE, "xAAb")
@example("(a)(b)?", 0, "ab a")
def test_a_pattern_left_for_later_searches_as_one_compiled_at_once(source: str, flags: int, text: str) -> None:
    try:
        now = user_pattern(source, flags)
    except regex.error:
        return  # left for later only what compiled before
    later = UserPattern.later(source, flags)
    assert "compiled" not in vars(later)
    assert later.tests == now.tests
    assert later.found(text, Searches()) == now.found(text, Searches())  # compiled only if the prefilter lets it by
    for name in ("search", "match", "fullmatch"):
        a, b = getattr(later, name)(text, Searches()), getattr(now, name)(text, Searches())
        assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups()))
    assert later.findall(text, Searches()) == now.findall(text, Searches())
    assert (later.compiled.pattern, later.flags, later.compiled.groups) == (now.pattern, now.flags, now.compiled.groups)


# -- text/compiled.py `remembered`: prefilter tests and phrase sources from the cache ----------------------------
@FAST
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join),
       st.sampled_from([0, regex.IGNORECASE, regex.VERBOSE]))
def test_remembered_tests_are_the_prefilters(source: str, flags: int) -> None:
    plain = () if flags & regex.VERBOSE else prefilter.tests_for(source, bool(flags))
    assert patterns._tests(source, flags) == plain
    assert patterns._tests(source, flags) == plain  # and again, remembered


PHRASE_WORDS = ["free", "fr", "money", "mo ney", "il", "li", "l", "I", "é", "$$$", "win  now", "win", "a", ""]
phrase_lists = st.lists(st.sampled_from(PHRASE_WORDS), max_size=8)


@FAST
@given(phrase_lists, st.booleans(), st.booleans())
@example([], False, False)
@example(["il", "li", "l"], True, True)
def test_a_phrase_pattern_is_its_source_built_afresh(phrases: list[str], loose: bool, lowered: bool) -> None:
    made = words.phrase_pattern(phrases, loose, lowered)
    again = words.phrase_pattern(phrases, loose, lowered)  # remembered now
    fresh = re.compile(words._phrase_source(phrases, loose, lowered), 0 if lowered else re.IGNORECASE)
    assert made == again == fresh


def test_phrase_sources_come_back_from_the_cache_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(compiled, "_values", {})
    lists = [["free money", "win now"], ["act now", "limited time"]]
    expected = [words.phrase_pattern(p, lowered=True) for p in lists]
    where = cache.cache_file([("rules/x.yaml", "id: x")])
    cache.save(where, {})
    monkeypatch.setattr(compiled, "_values", {})
    assert cache.load(where) == {}

    def refuse(*args: Any) -> str:
        raise AssertionError("built again")
    monkeypatch.setattr(words, "_phrase_source", refuse)
    assert [words.phrase_pattern(p, lowered=True) for p in lists] == expected


def test_an_edited_module_never_reuses_what_its_old_code_made(monkeypatch: pytest.MonkeyPatch) -> None:
    phrases = ["stale", "source"]
    words.phrase_pattern(phrases)
    built: list[int] = []
    plain = words._phrase_source
    monkeypatch.setattr(words, "_phrase_source", lambda *a: built.append(1) or plain(*a))
    words.phrase_pattern(phrases)
    assert not built  # remembered
    monkeypatch.setitem(compiled._prints, words.__name__, "the digest of an edited words.py")
    assert words.phrase_pattern(phrases) == re.compile(plain(phrases, False, False), re.IGNORECASE)
    assert built  # built afresh under the new digest


@pytest.mark.parametrize("junk", [None, 3, ["x"], [[1, 2]], [["a", "b", "c"]], {"a": 1}, [[7, ["x"], False]],
                                  [[0, [1], False]], [[0, "x", False]], [[0, ["x"], 1]]])
def test_a_value_that_is_not_one_is_made_again(monkeypatch: pytest.MonkeyPatch, junk: Any) -> None:
    monkeypatch.setattr(compiled, "_values", {})
    source = "abc|abd"
    right = patterns._tests(source, 0)
    key = next(iter(compiled._values))
    monkeypatch.setitem(compiled._values, key, junk)
    assert patterns._tests(source, 0) == right
    words.phrase_pattern(["junk value"])
    for key in compiled._values:
        compiled._values[key] = junk
    assert words.phrase_pattern(["junk value"]) == re.compile(words._phrase_source(["junk value"], False, False),
                                                              re.IGNORECASE)


# -- engine/cache.py: what names a cache -----------------------------------------------------------------
def test_the_cache_is_named_by_regex(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    files = [("rules/x.yaml", "id: x")]
    first = cache.cache_file(files)
    monkeypatch.setattr(regex, "__version__", "0.0.0")
    assert cache.cache_file(files) != first


def test_a_cache_written_by_other_code_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    where = cache.cache_file([("rules/x.yaml", "id: x")])
    cache.save(where, {"rules/x.yaml": {"id": "x"}})
    assert cache.load(where) == {"rules/x.yaml": {"id": "x"}}
    monkeypatch.setattr(cache, "code_stamp", lambda: "the digest of edited code")
    assert cache.load(where) is None
    cache.save(where, {"rules/x.yaml": {"id": "y"}})  # the next save replaces it
    assert cache.load(where) == {"rules/x.yaml": {"id": "y"}}


def test_the_code_stamp_changes_with_any_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def stamp_of(file: str) -> str:
        monkeypatch.setattr(cache, "__file__", file)
        cache.code_stamp.cache_clear()
        return cache.code_stamp()

    try:
        for folder in cache._CODE:
            (tmp_path / folder).mkdir()
            (tmp_path / folder / "m.py").write_text("x = 1\n")
        before = stamp_of(str(tmp_path / "engine" / "cache.py"))
        assert len(before) == 32 and stamp_of(str(tmp_path / "engine" / "cache.py")) == before
        (tmp_path / "text" / "m.py").write_text("x = 2\n")
        assert stamp_of(str(tmp_path / "engine" / "cache.py")) != before
        assert stamp_of(str(tmp_path / "nowhere" / "engine" / "cache.py")) == ""
    finally:
        monkeypatch.undo()
        cache.code_stamp.cache_clear()


def test_rules_from_a_cache_compile_no_rule_pattern_until_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    rules.builtin_rules.cache_clear()
    try:
        rules.builtin_rules()  # writes the cache
        rules.builtin_rules.cache_clear()
        pack = rules.builtin_rules()  # reads it
    finally:
        rules.builtin_rules.cache_clear()
    held = [p for r in pack for p in _patterns_of(r.check) if isinstance(p, UserPattern)]
    assert held and not any("compiled" in vars(p) for p in held)


# -- text/compiled.py `Lazy`: module-level patterns ------------------------------------------------------
def _module_lazies() -> list[tuple[str, str, Lazy]]:
    import spamlint.cli  # noqa: F401 - everything a run imports

    return [(mod.__name__, name, value) for mod in list(sys.modules.values())
            if getattr(mod, "__name__", "").startswith("spamlint.")
            for name, value in vars(mod).items() if isinstance(value, Lazy)]


def test_module_level_lazy_patterns_equal_compiling_them() -> None:
    found = _module_lazies()
    assert len(found) > 80
    for module, name, lazy in found:
        made = lazy._made if "_made" in vars(lazy) else lazy._make()
        if isinstance(made, re.Pattern):
            assert made == re.compile(made.pattern, made.flags), f"{module}.{name}"
            assert (made.pattern, made.flags & ~re.UNICODE) in compiled._deferred, f"{module}.{name}"
        else:
            assert isinstance(made, regex.Pattern), f"{module}.{name}"
            assert made.pattern == regex.compile(made.pattern, made.flags).pattern


def test_a_lazy_pattern_reads_as_the_pattern() -> None:
    lazy = compiled.lazy(r"(?P<w>\w+)@(\w+)", re.IGNORECASE)
    plain = re.compile(r"(?P<w>\w+)@(\w+)", re.IGNORECASE)
    assert "_made" not in vars(lazy)
    text = "Mail a@b or C@D"
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in plain.finditer(text)]
    assert lazy.sub("x", text) == plain.sub("x", text)
    assert (lazy.pattern, lazy.flags, lazy.groups, lazy.groupindex) == (plain.pattern, plain.flags, plain.groups,
                                                                       plain.groupindex)
    assert "search" not in vars(lazy)
    assert lazy.search(text).span() == plain.search(text).span()
    assert "search" in vars(lazy)  # kept: the next read is a plain attribute read
    with pytest.raises(AttributeError):
        lazy.__missing_dunder__  # noqa: B018




# -- engine/rules.py: the rule files read without importlib.resources -----------------------------------
def _through_resources() -> list[tuple[str, str]]:
    from importlib import resources

    root = resources.files("spamlint.rulepack")
    return [(f"rules/{p.name}", p.read_text(encoding="utf-8"))
            for p in sorted((p for p in root.iterdir() if p.name.endswith(".yaml")), key=lambda p: p.name)]


def test_rule_files_read_directly_are_what_importlib_resources_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _through_resources()
    assert len(expected) > 100
    assert rules.builtin_rule_files() == expected

    def no_folder(path: Any) -> Any:
        raise NotADirectoryError(path)
    monkeypatch.setattr(os, "scandir", no_folder)  # as inside a zip
    assert rules.builtin_rule_files() == expected


def test_a_run_imports_neither_multiprocessing_nor_importlib_resources() -> None:
    code = ("import sys, spamlint.cli; from spamlint.engine.rules import builtin_rules; builtin_rules(); "
            "print(sorted(m for m in sys.modules if m.startswith(('multiprocessing', 'importlib.resources'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("was_on", [True, False])
def test_building_the_rule_pack_leaves_the_collector_as_it_found_it(was_on: bool) -> None:
    import gc

    rules.builtin_rules.cache_clear()
    (gc.enable if was_on else gc.disable)()
    try:
        rules.builtin_rules()
        assert gc.isenabled() is was_on
    finally:
        gc.enable()
        rules.builtin_rules.cache_clear()


# -- email imported where it is used -------------------------------------------------------------------
def test_a_template_run_imports_no_email_parser_nor_the_bulk_profile() -> None:
    unused = ("email.message", "email.utils", "email.parser", "email.policy", "spamlint.engine.profile")
    code = ("import sys, runpy; sys.argv = ['spamlint', 'samples/welcome-template.html']\n"
            "try:\n    runpy.run_module('spamlint', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            f"print(sorted(m for m in sys.modules if m in {unused!r}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("source", [b"x", "x", bytearray(b"x"), memoryview(b"x"), Path("x"), 3, None, object()])
def test_is_message_is_isinstance(source: object) -> None:
    import email.message

    import spamlint

    assert spamlint._is_message(source) is isinstance(source, email.message.Message)
    assert spamlint._is_message(email.message.Message())
