"""Start-up, sixth pass: each fast path held to the plain definition it replaces.

- checks/brand.py: what a brand-claim rule reads of its claim patterns and its brands'
  alternation are remembered in the rule-pack cache; what comes back from it (through JSON) is
  what the plain functions give, and a run from the cache reads no claim pattern.
- engine/rules.py and engine/cache.py (cache format 5): a built-in rule from the cache reads its
  examples from the cache's line for them when first asked for; they equal the rule file's, a
  damaged line gives the file's, a pickled rule carries its examples, and a template run reads none.
- engine/cache.py: the stat index's digest is one update of the whole text (as updating it file
  by file gives); `_find_spec` finds a module as importlib.util.find_spec does, without importing it.
- engine/run.py `select_rules`: a rule already enabled, without points of the config's, is used
  as it is instead of as a copy equal to it (dataclasses.replace), which read every field.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from dataclasses import fields, replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "samples" / "welcome-template.html"


def _brand_rules() -> list[dict]:
    """The options of every built-in brand-claim rule, as the rule loader fills them in."""
    from spamlint.engine.rules import builtin_rules

    return [r.options for r in builtin_rules() if r.check_name == "brand-claim"]


def test_brand_needs_and_alternation_from_the_cache_are_the_plain_ones() -> None:
    from spamlint.checks import brand

    rules = _brand_rules()
    assert rules and any(o["claim_patterns"] for o in rules)
    for o in rules:
        patterns = o["claim_patterns"]
        plain = [(brand._needs_non_ascii(p), brand._caseless_needs(p)) for p in patterns]
        for read in (brand._pattern_needs(patterns),  # made or remembered in this process
                     brand._valid_needs(json.loads(json.dumps(brand._pattern_needs(patterns))), len(patterns))):
            assert read is not None
            assert [(never, None if chars is None else frozenset(chars)) for never, chars in read] == plain
        check = brand.BrandClaimCheck(o)
        assert check.brand == brand._alternation(o["brands"])


@pytest.mark.parametrize("value", [None, {}, [[True]], [[1, None]], [[True, "ab"]], [[True, [1]]], [[True, None]] * 2])
def test_brand_needs_refuses_what_it_did_not_write(value: Any) -> None:
    from spamlint.checks import brand

    assert brand._valid_needs(value, 1) is None


_COUNTED_RUN = """
import sys, runpy
read = []
{patch}
sys.argv = ['spamlint', '--format', 'json', *{args!r}]
try:
    runpy.run_module('spamlint', run_name='__main__')
except SystemExit:
    pass
print(len(read))
"""


def _counted_runs(tmp_path: Path, patch: str, args: list[str]) -> list[tuple[list[str], int]]:
    """Two CLI runs in a fresh process each, sharing tmp_path's cache folder (the first writes the
    rule-pack cache, the second reads it), with `patch` run first: it wraps a function so each
    call it counts appends to `read`.  Per run, its report's lines and the count."""
    env = {k: v for k, v in os.environ.items() if k != "SPAMLINT_NO_CACHE"} | {"XDG_CACHE_HOME": str(tmp_path)}
    script = _COUNTED_RUN.format(patch=textwrap.dedent(patch), args=args)
    runs = []
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                              cwd=ROOT, env=env)
        *report, count = done.stdout.strip().splitlines()
        runs.append((report, int(count)))
    return runs


def test_a_run_from_the_cache_reads_no_claim_pattern(tmp_path: Path) -> None:
    runs = _counted_runs(tmp_path, """
        from spamlint.text import prefilter
        from spamlint.checks import brand
        plain = prefilter.required_sets
        brand.required_sets = lambda *a, **k: (read.append(a[0]), plain(*a, **k))[1]
    """, [str(TEMPLATE)])
    assert runs[0][1] > 0 and runs[1][1] == 0


def _from_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    """The built-in rules as a run with a warm rule-pack cache builds them (in tmp_path's cache)."""
    from spamlint.engine import rules

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    rules.builtin_rules.cache_clear()
    try:
        rules.builtin_rules()  # no cache yet: from the files, then written
        rules.builtin_rules.cache_clear()
        return rules.builtin_rules()
    finally:
        rules.builtin_rules.cache_clear()


def _examples(rule: Any) -> tuple[Any, Any, Any]:
    return rule.examples_hit, rule.examples_miss, rule.examples_at


def _same(a: Any, b: Any) -> bool:
    """Every field but the check (a Check instance equals only itself) equal."""
    return all(getattr(a, f.name) == getattr(b, f.name) for f in fields(a) if f.name != "check")


def test_rules_from_the_cache_read_their_examples_on_first_use_as_the_files_give_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from spamlint.engine import rules

    cached = _from_cache(tmp_path, monkeypatch)
    assert all("_examples" in vars(r) and "examples_hit" not in vars(r) for r in cached)  # none read yet
    fresh = {name: rules.parse_rule(name, text, rules.BUILTIN_DOCS) for name, text in rules.builtin_rule_files()}
    for rule in cached:
        assert _examples(rule) == _examples(fresh[rule.source])
        assert "_examples" not in vars(rule)
        assert _same(rule, fresh[rule.source])


def test_a_rule_from_the_cache_pickles_and_copies_with_its_examples(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import copy
    import pickle

    cached = _from_cache(tmp_path, monkeypatch)
    rule = next(r for r in cached if r.check_name == "pattern")
    data = pickle.dumps(rule)
    assert len(data) < 100_000  # its examples, not the cache file they were read from
    again = pickle.loads(data)
    assert _same(again, rule) and _examples(again) == _examples(rule)
    assert copy.copy(cached[1]) == cached[1] and replace(cached[2], points=1.0).examples_hit == cached[2].examples_hit
    assert type(rule).examples_at == () and not hasattr(type(rule), "examples_hit")  # the class attributes dataclass set


def test_a_damaged_examples_line_gives_the_rule_files_examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from spamlint.engine import rules

    _from_cache(tmp_path, monkeypatch)
    pack, = (tmp_path / "spamlint").glob("rulepack-*.json")
    lines = pack.read_text(encoding="utf-8").split("\n")
    head = json.loads(lines[0])
    first = len(head["patterns"]) + len(head["values"]) + 1  # the first examples line
    lines[first] = "{not json"
    lines[first + 1] = json.dumps({"hit": 3})  # JSON, but not examples
    pack.write_text("\n".join(lines), encoding="utf-8")
    rules.builtin_rules.cache_clear()
    try:
        cached = rules.builtin_rules()
    finally:
        rules.builtin_rules.cache_clear()
    fresh = {name: rules.parse_rule(name, text, rules.BUILTIN_DOCS) for name, text in rules.builtin_rule_files()}
    damaged = [r for r in cached if r.source in head["examples"][:2]]
    assert len(damaged) == 2
    for rule in cached:
        assert _examples(rule) == _examples(fresh[rule.source])


def test_a_template_run_from_the_cache_reads_no_rule_examples(tmp_path: Path) -> None:
    runs = _counted_runs(tmp_path, """
        from spamlint.engine import rules
        plain = rules._read_examples
        rules._read_examples = lambda rule: (read.append(rule.id) if "_examples" in vars(rule) else None, plain(rule))[1]
    """, [str(TEMPLATE)])
    (first, first_count), (second, second_count) = runs
    assert first_count == second_count == 0 and first == second and '"findings"' in "\n".join(first)


def _plain_select(rules: Any, select: Any, ignore: Any, extend_select: Any, points: dict[str, float]) -> list[Any]:
    """select_rules as it was: every chosen rule copied, enabled, with the config's points."""
    from spamlint.engine.run import _named, _wanted

    chosen = [r for r in rules if _wanted(r, select) or _named(r, extend_select, by_category=r.enabled)]
    chosen = [r for r in chosen if not _named(r, ignore)]
    return [replace(r, points=points[r.id], enabled=True) if r.id in points else replace(r, enabled=True)
            for r in chosen]


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_select_rules_gives_what_copying_every_rule_gave(data: st.DataObject) -> None:
    from spamlint.engine.rules import builtin_rules
    from spamlint.engine.run import select_rules
    from spamlint.model.findings import CATEGORIES

    # the built-in pack with some rules shipped off (enabled: false), which naming them turns on
    pack = tuple(replace(r, enabled=False) if i % 7 == 0 else r for i, r in enumerate(builtin_rules()))
    ids = sorted(r.id for r in pack)
    names = st.lists(st.sampled_from(ids + list(CATEGORIES)), max_size=4)
    select = data.draw(st.none() | names)
    ignore, extend = data.draw(names), data.draw(names)
    points = data.draw(st.dictionaries(st.sampled_from(ids), st.floats(0, 10), max_size=3))
    got = select_rules(pack, select, ignore, extend, points)
    assert got == _plain_select(pack, select, ignore, extend, points)
    by_id = {r.id: r for r in pack}
    assert all(g is by_id[g.id] for g in got if by_id[g.id].enabled and g.id not in points)  # not copied


@pytest.mark.parametrize("name", ["regex", "json", "yaml", "click", "spamlint", "no_such_module_xyz", "_sre"])
def test_find_spec_is_importlib_util_find_spec(name: str) -> None:
    import importlib.util

    from spamlint.engine import cache

    plain, ours = importlib.util.find_spec(name), cache._find_spec(name)
    if name in sys.modules:  # find_spec answers from sys.modules; ours asks the finders, as it does for the rest
        assert ours is not None and ours.origin == plain.origin and ours.name == plain.name
    else:
        assert (ours is None) == (plain is None)
        if plain is not None:
            assert (ours.origin, ours.name, ours.submodule_search_locations) == \
                (plain.origin, plain.name, plain.submodule_search_locations)


def test_the_stat_index_name_is_the_file_by_file_digest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from spamlint import __version__
    from spamlint.engine import cache, rules
    from spamlint.text import compiled

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    paths = [path for _, path in rules._builtin_rule_paths()]
    digest = compiled.digest()
    for part in (f"stat {cache._FORMAT}", __version__, sys.version, sys.implementation.cache_tag or "",
                 cache.regex_version()):
        digest.update(part.encode() + b"\0")
    for path in (*paths, *cache.code_files()):
        st = os.stat(path)
        digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}\0".encode(
            "utf-8", "surrogatepass"))
    assert cache.stat_file(paths) == tmp_path / "spamlint" / f"rulestat-{digest.hexdigest()[:32]}.json"


_CONSOLE_RUN = textwrap.dedent("""
    import sys
    before = 'importlib.util' in sys.modules  # an editable install's finder imports it at start-up
    from spamlint.cli import main  # as the console script runs it (python -m imports importlib.util for runpy)
    sys.argv = ['spamlint', '--format', 'json', {path!r}]
    try:
        main()
    except SystemExit:
        pass
    print(before or 'importlib.util' not in sys.modules)
""")


def test_a_template_run_from_the_console_script_does_not_import_importlib_util(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SPAMLINT_NO_CACHE"} | {"XDG_CACHE_HOME": str(tmp_path)}
    for _ in range(2):  # writing the cache, then reading it
        done = subprocess.run([sys.executable, "-c", _CONSOLE_RUN.format(path=str(TEMPLATE))],
                              capture_output=True, text=True, check=True, cwd=ROOT, env=env)
        assert done.stdout.strip().splitlines()[-1] == "True"
