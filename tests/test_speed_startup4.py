"""Issue 15's fourth start-up pass: each fast path gives what the plain definition it replaces gives.

Rules read back from the rule-pack cache are built by `validated_rule` without being checked
again; a run builds its engine once; the formats for tools are imported on first use.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from spamlint.config import Config
from spamlint.engine import batch, rules
from spamlint.text.patterns import compiling_later

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROOT = Path(__file__).resolve().parent.parent
_FIELDS = [f for f in rules.Rule.__dataclass_fields__ if f != "check"]


def _same_rule(a: rules.Rule, b: rules.Rule) -> None:
    """Every field equal and of the same type (1 and 1.0 are equal, but a float must stay a float)."""
    for name in _FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        assert x == y and type(x) is type(y), (a.id, name, x, y)
        if isinstance(x, dict):
            assert list(x) == list(y) and all(type(x[k]) is type(y[k]) for k in x), (a.id, name)
    assert type(a.check) is type(b.check) and a.check.opts == b.check.opts and a.check.language == b.check.language


# -- engine/rules.py: validated_rule is rule_from_data for data it accepted --------------------------------
def test_every_built_in_rule_from_the_cache_is_the_checked_rule() -> None:
    files = rules.builtin_rule_files()
    assert len(files) > 150
    for name, text in files:
        data = json.loads(json.dumps(yaml.safe_load(text)))  # as the cache gives it back
        with compiling_later():
            _same_rule(rules.validated_rule(name, data, rules.BUILTIN_DOCS), rules.rule_from_data(name, data, rules.BUILTIN_DOCS))


def test_builtin_rules_from_a_cache_are_the_rules_from_the_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("SPAMLINT_NO_CACHE", raising=False)
    rules.builtin_rules.cache_clear()
    try:
        first = rules.builtin_rules()  # writes the cache
        assert list(tmp_path.glob("spamlint/rulepack-*.json"))
        rules.builtin_rules.cache_clear()
        again = rules.builtin_rules()  # reads it: validated_rule
    finally:
        rules.builtin_rules.cache_clear()
    eager = [rules.parse_rule(name, text, rules.BUILTIN_DOCS) for name, text in rules.builtin_rule_files()]
    assert len(first) == len(again) == len(eager)
    for a, b, c in zip(first, again, eager):
        _same_rule(a, c)
        _same_rule(b, c)


_TEXT = st.text(st.sampled_from("ab \u00e9{}$\n"), min_size=1, max_size=6).filter(str.strip)
_EXAMPLE = st.one_of(
    _TEXT,
    st.fixed_dictionaries({"text": _TEXT}, optional={"repeat": st.integers(1, 4), "before": _TEXT, "after": _TEXT}),
)
_HIT = st.one_of(_EXAMPLE, st.fixed_dictionaries(
    {"text": _TEXT, "at": st.tuples(st.integers(1, 99), st.integers(1, 999)).map(lambda p: f"{p[0]}:{p[1]}")}))


@FAST
@given(
    phrases=st.one_of(
        st.lists(st.sampled_from(["free", "win big", "cash", "caf\u00e9"]), min_size=1, max_size=4),
        st.lists(st.dictionaries(st.sampled_from(["free", "win big", "cash"]), st.integers(0, 9) | st.floats(0, 9),
                                 min_size=1, max_size=1), min_size=1, max_size=3),
        st.dictionaries(st.sampled_from(["free", "win big", "cash"]), st.integers(0, 9), min_size=1),
    ),
    scope=st.sampled_from(["body", ["subject"], ["subject", "body"]]),
    extra=st.fixed_dictionaries({}, optional={
        "max_hits": st.integers(1, 5), "enabled": st.booleans(), "language": st.sampled_from(["de", "en"]),
        "url": st.sampled_from(["https://example.org/r ", "http://example.com/x"]),
        "points": st.integers(0, 9), "severity": st.sampled_from(["info", "warning", "error"]),
    }),
    options=st.fixed_dictionaries({}, optional={"canonical": st.booleans(), "not_after": st.lists(_TEXT, max_size=2),
                                               "not_after_words": st.integers(1, 5)}),
    hits=st.lists(_HIT, min_size=1, max_size=3), misses=st.lists(_EXAMPLE, min_size=1, max_size=2),
    docs=st.sampled_from([None, rules.BUILTIN_DOCS, "https://docs.example/"]),
)
def test_validated_rule_is_rule_from_data(phrases: Any, scope: Any, extra: dict[str, Any], options: dict[str, Any],
                                          hits: list[Any], misses: list[Any], docs: str | None) -> None:
    data = {"id": "some-rule", "category": "risky-words", "check": "phrases", "scope": scope, "points": 1.5,
            "severity": "warning", "message": "  found {match} ", "why": " why ", "fix": "fix\n",
            "options": {"phrases": phrases, **options}, "examples": {"hit": hits, "miss": misses}, **extra}
    data = json.loads(json.dumps(data))
    _same_rule(rules.validated_rule("rules/some-rule.yaml", data, docs),
               rules.rule_from_data("rules/some-rule.yaml", data, docs))


@pytest.mark.parametrize("check, options", [
    ("alt-text", {}),  # float options, all defaults
    ("alt-text", {"max_share": 1}),  # an int for a float
    ("hidden-text", {"risky_words": ["a"], "risky_weight": 2, "min_letters": 3}),
    ("phrase-density", {"phrases": [{"a": 2}, "b"], "min_density": 3}),  # weights as a list
    ("phrase-density", {"phrases": {"a": 2, "b": 1.5}}),  # weights as a mapping
    ("display-name-address", {}),  # a check without options
])
def test_validated_rule_fills_options_as_validate_options(check: str, options: dict[str, Any]) -> None:
    kind = rules.KINDS[check]
    filled, checked = rules._filled_options(kind, options), rules.validate_options(kind, options, "x")
    assert filled == checked and list(filled) == list(checked)
    assert [type(v) for v in filled.values()] == [type(v) for v in checked.values()]


# -- engine/batch.py: one engine per run -----------------------------------------------------------------
def test_engine_for_is_one_engine_however_it_is_called() -> None:
    cfg = Config(source="test")
    assert batch.engine_for(cfg) is batch.engine_for(cfg, ()) is batch.engine_for(cfg, extra_ignore=())
    assert batch.engine_for(cfg, ("missing-date",)) is not batch.engine_for(cfg)


def test_check_flags_still_refuses_unknown_names() -> None:
    from spamlint.errors import ConfigError

    for flags in (Config(select=("no-such-rule",), source="command line"),
                  Config(ignore=("no-such-rule",), source="command line")):
        with pytest.raises(ConfigError, match="no-such-rule"):
            batch.check_flags(batch.Options(flags))
    batch.check_flags(batch.Options(Config(select=("links",), ignore=("shortened-link",), source="command line")))


# -- what a small template's run imports -------------------------------------------------------------------
def _modules_after_template_run(prefixes: tuple[str, ...]) -> list[str]:
    code = ("import sys, runpy; sys.argv = ['spamlint', 'samples/welcome-template.html']\n"
            "try:\n    runpy.run_module('spamlint', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            f"print(sorted(m for m in sys.modules if m.startswith({prefixes!r})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1].replace("'", '"'))


def test_a_template_run_imports_no_formatter_for_tools() -> None:
    lazy = ("spamlint.formatters.junit", "spamlint.formatters.sarif", "spamlint.formatters.github",
            "spamlint.formatters.gitlab")
    assert _modules_after_template_run(lazy) == []


@pytest.mark.parametrize("fmt", ["sarif", "github", "gitlab", "junit"])
def test_a_lazy_formatter_is_the_module_function(fmt: str) -> None:
    import importlib

    from spamlint import lint
    from spamlint.formatters import FORMATTERS

    report = lint((ROOT / "samples" / "welcome-template.html").read_bytes(), name="welcome-template.html")
    module = importlib.import_module(f"spamlint.formatters.{fmt}")
    all_rules = rules.builtin_rules()
    assert FORMATTERS[fmt]([report], False, all_rules) == getattr(module, f"format_{fmt}")([report], False, all_rules)


# -- cli/check.py: one engine per run, and a config file made since is found by the next run ----------------
def test_a_cli_run_builds_one_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from spamlint.cli import main
    from spamlint.engine import run as run_module

    built: list[object] = []
    real_init = run_module.Engine.__init__

    def counting_init(self: Any, *args: Any, **kwargs: Any) -> None:
        built.append(self)
        real_init(self, *args, **kwargs)
    monkeypatch.setattr(run_module.Engine, "__init__", counting_init)
    result = CliRunner().invoke(main, [str(ROOT / "samples" / "welcome-template.html")])
    assert result.exit_code == 0, result.output
    assert len(built) == 1


def test_the_next_cli_run_in_a_process_finds_a_new_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from spamlint.cli import main

    page = tmp_path / "page.txt"
    page.write_text("FREE MONEY!!! CLICK HERE NOW!!! ACT NOW, LIMITED TIME!!!\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    first = CliRunner().invoke(main, ["page.txt", "--format", "json"])  # no config: threshold 5
    (tmp_path / ".spamlint.yaml").write_text("threshold: 0.5\n", encoding="utf-8")  # found only if looked for again
    second = CliRunner().invoke(main, ["page.txt", "--format", "json"])
    scores = [json.loads(r.output)["results"][0]["score"] for r in (first, second)]
    assert scores[0] == scores[1] > 0.5
    assert (first.exit_code, second.exit_code) == (0, 1)


# -- record.py: records are what @dataclass(frozen=True) made of the same fields ---------------------
def _records() -> list[tuple[type, bool]]:
    from spamlint.cli.check import _View
    from spamlint.limits import Limits
    from spamlint.model.document import Attachment, Document, Header, HiddenText, HtmlPart, Image, Link
    from spamlint.model.findings import Finding, Hit
    from spamlint.model.segment import Segment

    from spamlint.checks.base import Option
    from spamlint.engine.scoring import Report
    from spamlint.inputs.kinds import InputKind
    from spamlint.inputs.sources import Include, Source
    from spamlint.inputs.templating import Field
    from spamlint.text.authres import AuthResult

    slotted = [Header, Link, Image, HiddenText, Attachment, HtmlPart, Document, Segment, InputKind]
    plain = [Hit, Finding, Limits, Config, rules.Rule, batch.Options, batch.Failure, _View, Option, Report, Source,
             Include, Field, AuthResult]
    return [(c, True) for c in slotted] + [(c, False) for c in plain]


def _reference(cls: type, slots: bool) -> type:
    """The @dataclass(frozen=True) class of the record's fields (same name, defaults and flags)."""
    specs = []
    for f in dataclasses.fields(cls):
        kw = {k: getattr(f, k) for k in ("init", "repr", "compare", "hash")}
        if f.default is not dataclasses.MISSING:
            kw["default"] = f.default
        if f.default_factory is not dataclasses.MISSING:
            kw["default_factory"] = f.default_factory
        specs.append((f.name, f.type, dataclasses.field(**kw)))
    post = vars(cls).get("__post_init__")  # Document, Segment, Limits: the same method, run by dataclass's __init__
    namespace = {"__post_init__": post, "__qualname__": cls.__qualname__} if post else {"__qualname__": cls.__qualname__}
    return dataclasses.make_dataclass(cls.__name__, specs, frozen=True, slots=slots, namespace=namespace)


@pytest.mark.parametrize("cls, slots", _records(), ids=lambda c: getattr(c, "__name__", str(c)))
def test_a_record_is_initialised_as_its_dataclass(cls: type, slots: bool) -> None:
    import inspect

    ref = _reference(cls, slots)
    mine = inspect.signature(cls.__init__).parameters
    theirs = inspect.signature(ref.__init__).parameters
    assert list(mine) == list(theirs)
    factories = {f.name for f in dataclasses.fields(cls) if f.default_factory is not dataclasses.MISSING}
    for name, p in mine.items():
        assert p.kind == theirs[name].kind, name
        if name not in factories:
            assert p.default == theirs[name].default and type(p.default) is type(theirs[name].default), name
    assert cls.__match_args__ == ref.__match_args__
    assert ("__slots__" in vars(cls)) is ("__slots__" in vars(ref)) is slots
    assert cls.__doc__ and cls.__qualname__ == ref.__qualname__


_VALUE = st.one_of(st.none(), st.integers(1, 3), st.text("ab", max_size=2), st.tuples(st.integers(1, 2)),
                   st.sampled_from([1.5, True, ("a", "b")]))


def _args(cls: type, draw: Any) -> dict[str, Any]:
    """Values for a record's init fields: anything for most, what the class needs for the rest."""
    from spamlint.model.document import Header

    out: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        if cls.__name__ == "Limits":
            out[f.name] = draw(st.integers(1, 3)) if f.type != "float" else draw(st.sampled_from([0.5, 1.0]))
        elif f.name == "headers":
            out[f.name] = tuple(Header(n, v, 1) for n, v in draw(st.lists(st.tuples(st.sampled_from("aAb"), st.text("xy", max_size=2)), max_size=3)))
        elif cls.__name__ == "Segment" and f.name in ("part", "text"):
            out[f.name] = draw(st.text("ab", max_size=2))
        elif draw(st.booleans()) and f.default is not dataclasses.MISSING:
            continue  # the default
        else:
            out[f.name] = draw(_VALUE)
    return out


def _hashable(obj: Any) -> bool:
    try:
        hash(obj)
    except TypeError:
        return False
    return True


@FAST
@given(st.data())
def test_records_behave_as_their_dataclasses(data: Any) -> None:
    import copy
    import pickle

    cls, slots = data.draw(st.sampled_from(_records()))
    ref = _reference(cls, slots)
    a_args, b_args = _args(cls, data.draw), _args(cls, data.draw)
    a, b, ra, rb = cls(**a_args), cls(**b_args), ref(**a_args), ref(**b_args)
    assert repr(a) == repr(ra)
    assert (a == b) is (ra == rb) and (a != b) is (ra != rb)
    assert (a == ra) is False and a.__eq__(1) is NotImplemented
    assert _hashable(a) is _hashable(ra)
    if _hashable(a):
        assert hash(a) == hash(ra)
    assert [getattr(a, f.name) for f in dataclasses.fields(cls)] == [getattr(ra, f.name) for f in dataclasses.fields(ref)]
    changed = dataclasses.replace(a, **b_args)
    assert repr(changed) == repr(dataclasses.replace(ra, **b_args))
    assert dataclasses.asdict(a) == dataclasses.asdict(ra) if cls.__name__ != "Document" else True
    for f in dataclasses.fields(cls):
        with pytest.raises(dataclasses.FrozenInstanceError, match=f"cannot assign to field {f.name!r}"):
            setattr(a, f.name, 1)
        with pytest.raises(dataclasses.FrozenInstanceError, match=f"cannot delete field {f.name!r}"):
            delattr(a, f.name)
    if cls.__name__ != "Document":  # its header index is a mappingproxy, which pickles in neither
        assert pickle.loads(pickle.dumps(a)) == a and copy.deepcopy(a) == a and copy.copy(a) == a
    assert hasattr(a, "__dict__") is hasattr(ra, "__dict__")


def test_a_record_without_the_mapping_gets_a_fresh_one() -> None:
    from spamlint.engine.scoring import Report
    from spamlint.model.document import HtmlPart
    from spamlint.model.segment import Segment

    seg = Segment("text/html", "x")
    one, two = HtmlPart("text/html", "<p>x", seg), HtmlPart("text/html", "<p>x", seg)
    assert dict(one.tag_counts) == {} and one.tag_counts is not two.tag_counts
    assert type(one.tag_counts) is type(_reference(HtmlPart, True)("text/html", "<p>x", seg).tag_counts)
    first, second = Report("a", (), 5.0), Report("a", (), 5.0)
    assert first.categories == {} and first.categories is not second.categories


def test_limits_built_in_code_are_still_checked() -> None:
    from spamlint.errors import ConfigError
    from spamlint.limits import Limits

    with pytest.raises(ConfigError, match="Limits.max_links"):
        Limits(max_links=0)
    with pytest.raises(ConfigError, match="Limits.regex_timeout"):
        Limits(regex_timeout=float("nan"))


# -- checks/phrases.py: each phrase's accents stripped once ------------------------------------------------
@FAST
@given(st.dictionaries(st.text(st.sampled_from("aAl\u00e9\u0301 \u0130\u00dfI"), min_size=1, max_size=6).filter(str.strip),
                       st.integers(0, 5), min_size=1, max_size=6))
def test_phrase_maps_are_the_plain_comprehensions(phrases: dict[str, int]) -> None:
    from spamlint.checks.phrases import PhrasesCheck
    from spamlint.text.words import fold_il, strip_accents

    check = PhrasesCheck(rules.validate_options(PhrasesCheck, {"phrases": phrases}, "x"))
    weights = {" ".join(k.lower().split()): float(v) for k, v in phrases.items()}
    assert check.weights == weights
    aliases = {a: k for k in weights if (a := strip_accents(k)) != k}
    by_folded = {fold_il(strip_accents(k)): k for k in weights}
    assert list(check.aliases.items()) == list(aliases.items())
    assert list(check.by_folded.items()) == list(by_folded.items())


def test_a_template_run_imports_no_email_module() -> None:
    assert _modules_after_template_run(("email",)) == []


def test_lenient_base64_is_still_reported() -> None:
    import email

    from spamlint.inputs.decoding import transfer_problem

    bad = email.message_from_bytes(b"Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\naGVsbG8*===\n")
    bad.get_payload(decode=True)  # decoding is what records the defects
    assert transfer_problem(bad) == "base64 with invalid characters or padding; decoded as far as possible"
    good = email.message_from_bytes(b"Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\naGVsbG8=\n")
    good.get_payload(decode=True)
    assert transfer_problem(good) is None


@pytest.mark.parametrize("damage", [
    lambda d: d.pop("points"), lambda d: d.update(severity="loud"), lambda d: d.update(examples=[]),
    lambda d: d.update(options=[1]), lambda d: d.update(message=3),
])
def test_a_damaged_cache_entry_is_read_from_its_file(damage: Any) -> None:
    name, text = next((n, t) for n, t in rules.builtin_rule_files() if n.endswith("/shortened-link.yaml"))
    data = json.loads(json.dumps(yaml.safe_load(text)))
    damage(data)
    with compiling_later():
        _same_rule(rules._cached_rule(name, data, text), rules.parse_rule(name, text, rules.BUILTIN_DOCS))


# -- text/index.py: a phrase check's indexes skip normalising phrases that are normalised already ----------
_ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)


@FAST
@given(_ANY_TEXT)
def test_normalising_a_phrase_twice_changes_nothing(text: str) -> None:
    from spamlint.text.words import fold_il

    once = " ".join(text.lower().split())
    assert " ".join(once.lower().split()) == once
    folded = fold_il(text)
    assert " ".join(folded.lower().split()) == folded


def _index_fields(index: Any) -> tuple[Any, ...]:
    return (index.needs, index.unanchored, index.always, index.leads)


@FAST
@given(st.dictionaries(st.text(st.sampled_from("aAl\u00e9\u0301 $\u0130\u00dfI\u03a3"), min_size=1, max_size=6).filter(str.strip),
                       st.integers(0, 5), min_size=1, max_size=6))
@example({"$ \u0301 x": 1, "\u00c9t\u00e9  L\u00e0": 2, "\u0130l": 1})  # an alias with two spaces, led by no word
def test_a_phrase_checks_indexes_are_the_plain_ones(phrases: dict[str, int]) -> None:
    from spamlint.checks.phrases import PhrasesCheck
    from spamlint.text.index import PhraseIndex

    check = PhrasesCheck(rules.validate_options(PhrasesCheck, {"phrases": phrases}, "x"))
    assert _index_fields(check.needs) == _index_fields(PhraseIndex([*check.weights, *check.aliases]))
    assert _index_fields(check.loose_needs) == _index_fields(PhraseIndex(check.by_folded))


def test_every_built_in_phrase_checks_indexes_are_the_plain_ones() -> None:
    from spamlint.checks.phrases import PhrasesCheck
    from spamlint.text.index import PhraseIndex

    checks = [r.check for r in rules.builtin_rules() if isinstance(r.check, PhrasesCheck)]
    assert len(checks) > 40
    for check in checks:
        assert _index_fields(check.needs) == _index_fields(PhraseIndex([*check.weights, *check.aliases]))
        assert _index_fields(check.loose_needs) == _index_fields(PhraseIndex(check.by_folded))
