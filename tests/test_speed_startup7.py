"""Issue 15's start-up, fifth pass, second round: each fast path gives what the plain definition it replaces gives.

The rule-pack cache is found through an index named by the rule files' and code's stat
(engine/cache.py stat_file), so a run reads and hashes no rule file or module: the rules it gives
are the rules read from the files, and any change to a file the key covers misses the index and
falls back to the content hash.  The cyclic collector is paused while spamlint and the CLI import
and while the CLI builds its engine, which it then freezes: the collector is left as it was found.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from spamlint.cli import main
from spamlint.engine import cache, rules
from test_speed_startup4 import _same_rule

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "samples" / "welcome-template.html"


@pytest.fixture
def cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private cache folder of the test's own; the rule pack built afresh before and after."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("SPAMLINT_NO_CACHE", raising=False)
    rules.builtin_rules.cache_clear()
    yield tmp_path / "xdg" / "spamlint"
    rules.builtin_rules.cache_clear()


def _fresh() -> tuple[rules.Rule, ...]:
    rules.builtin_rules.cache_clear()
    return rules.builtin_rules()


# -- engine/cache.py stat_file: the index of a rule pack --------------------------------------------------
def test_rules_found_through_the_index_are_the_rules_from_the_files(cached: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _fresh()  # writes the cache and its index
    assert len(list(cached.glob("rulestat-*.json"))) == 1 and len(list(cached.glob("rulepack-*.json"))) == 1
    read: list[str] = []
    plain_read = rules._read_utf8
    monkeypatch.setattr(rules, "_read_utf8", lambda path: read.append(path) or plain_read(path))
    monkeypatch.setattr(cache, "code_stamp", lambda: pytest.fail("the index holds the code stamp"))
    again = _fresh()  # through the index
    assert read == []  # no rule file read, none hashed
    monkeypatch.undo()
    eager = [rules.parse_rule(name, text, rules.BUILTIN_DOCS) for name, text in rules.builtin_rule_files()]
    assert len(first) == len(again) == len(eager)
    for a, b in zip(again, eager):
        _same_rule(a, b)


def test_the_index_key_covers_each_files_path_size_and_times(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("SPAMLINT_NO_CACHE", raising=False)
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("id: a\n")
    b.write_text("id: b\n")
    key = cache.stat_file([str(a), str(b)])
    assert key is not None and key.name.startswith("rulestat-") and key.parent == cache.cache_dir()
    assert cache.stat_file([str(a), str(b)]) == key  # nothing changed
    assert cache.stat_file([str(b), str(a)]) != key  # another order, other names
    st = a.stat()
    os.utime(a, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    assert cache.stat_file([str(a), str(b)]) != key  # modified (its change time moves too)
    changed = cache.stat_file([str(a), str(b)])
    a.write_text("id: aa\n")
    assert cache.stat_file([str(a), str(b)]) != changed  # another size
    assert cache.stat_file([str(a), str(tmp_path / "gone.yaml")]) is None  # a file it cannot look at
    monkeypatch.setenv("SPAMLINT_NO_CACHE", "1")
    assert cache.stat_file([str(a), str(b)]) is None


def test_the_index_key_covers_the_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    for folder in cache._CODE:
        (tmp_path / "pkg" / folder).mkdir(parents=True)
        (tmp_path / "pkg" / folder / "m.py").write_text("x = 1\n")
    monkeypatch.setattr(cache, "__file__", str(tmp_path / "pkg" / "engine" / "cache.py"))
    assert cache.code_files() == [str(tmp_path / "pkg" / folder / "m.py") for folder in cache._CODE]
    before = cache.stat_file([])
    (tmp_path / "pkg" / "text" / "m.py").write_text("x = 22\n")
    assert cache.stat_file([]) != before
    monkeypatch.setattr(cache, "__file__", str(tmp_path / "nowhere" / "engine" / "cache.py"))
    assert cache.code_files() is None and cache.stat_file([]) is None


def test_an_edited_rule_file_misses_the_index(cached: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "rulepack"
    folder.mkdir()
    paths = []
    for name, path in rules._builtin_rule_paths():
        paths.append((name, str(shutil.copy(path, folder / Path(path).name))))
    monkeypatch.setattr(rules, "_builtin_rule_paths", lambda: paths)
    first = {r.id: r for r in _fresh()}
    assert {r.id: r.points for r in _fresh()} == {i: r.points for i, r in first.items()}  # through the index
    for name, path in paths:  # the first rule file whose points are written as {points:g}
        text = Path(path).read_text(encoding="utf-8")
        rule_id = rules.parse_rule(name, text, rules.BUILTIN_DOCS).id
        points = first[rule_id].points
        edited = text.replace(f"points: {points:g}\n", f"points: {points + 1:g}\n", 1)
        if edited != text:
            break
    assert edited != text
    Path(path).write_text(edited, encoding="utf-8")
    again = {r.id: r for r in _fresh()}
    assert again[rule_id].points == points + 1
    assert {r.id: r.points for r in _fresh()} == {i: r.points for i, r in again.items()}
    assert len(list(cached.glob("rulestat-*.json"))) == 2


@pytest.mark.parametrize("content", [
    "not json", "[]", json.dumps({"format": 0, "pack": "rulepack-" + "0" * 32 + ".json", "code": "x"}),
    json.dumps({"format": cache._FORMAT, "pack": "../rulepack-" + "0" * 32 + ".json", "code": "x"}),
    json.dumps({"format": cache._FORMAT, "pack": "rulepack-" + "0" * 31 + "g.json", "code": "x"}),
    json.dumps({"format": cache._FORMAT, "pack": "rulepack-" + "0" * 33 + ".json", "code": "x"}),
    json.dumps({"format": cache._FORMAT, "pack": "rulepack-" + "0" * 32 + ".json", "code": 1}),
])
def test_an_index_that_is_not_what_save_index_writes_is_not_used(tmp_path: Path, content: str) -> None:
    folder = tmp_path / "c"
    folder.mkdir(mode=0o700)
    index = folder / ("rulestat-" + "1" * 32 + ".json")
    index.write_text(content)
    index.chmod(0o600)
    assert cache.load_index(index) is None


def test_an_index_is_used_only_when_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    index = cache.stat_file([])
    pack = cache.cache_file([("rules/x.yaml", "id: x")])
    assert index is not None and pack is not None
    cache.save(pack, {"rules/x.yaml": {"id": "x"}})
    cache.save_index(index, pack)
    assert cache.load_index(index) == (pack, cache.code_stamp())
    assert cache.load(*cache.load_index(index)) == {"rules/x.yaml": {"id": "x"}}
    assert cache.load(pack, "another code stamp") is None  # the pack must be of the index's code
    if hasattr(os, "getuid"):
        index.chmod(0o666)
        assert cache.load_index(index) is None
    assert cache.load_index(None) is None


# -- the cyclic collector: paused while importing and building, left as it was found ----------------------
@pytest.mark.parametrize("was_on", [True, False])
def test_importing_spamlint_and_its_cli_leaves_the_collector_as_it_found_it(was_on: bool) -> None:
    code = (f"import gc\n{'gc.enable()' if was_on else 'gc.disable()'}\nimport spamlint\nfirst = gc.isenabled()\n"
            "import spamlint.cli\nprint(first, gc.isenabled())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == [str(was_on), str(was_on)]


def test_the_cli_freezes_what_it_built_and_leaves_the_collector_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    frozen = gc.get_freeze_count()
    try:
        result = CliRunner().invoke(main, ["--format", "json", str(TEMPLATE)], catch_exceptions=False)
        assert result.exit_code in (0, 1) and json.loads(result.output)
        assert gc.isenabled() and gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()


def test_the_cli_output_is_the_same_without_a_cache(tmp_path: Path) -> None:
    """A run through the index prints what a run with no cache prints."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    command = [sys.executable, "-m", "spamlint", "--format", "json", str(TEMPLATE)]
    runs = [subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT) for _ in range(3)]
    assert list((tmp_path / "xdg" / "spamlint").glob("rulestat-*.json"))
    plain = subprocess.run(command, capture_output=True, text=True, env={**env, "SPAMLINT_NO_CACHE": "1"}, cwd=ROOT)
    assert all(r.stdout == plain.stdout and r.returncode == plain.returncode for r in runs)


# -- engine/rules.py: a message's fields read by _string.formatter_parser, as string.Formatter().parse ------
@given(st.text(st.sampled_from(list("ab{}:!|0. rs")), max_size=30))
@settings(max_examples=300, deadline=None)
def test_message_fields_are_read_as_string_formatter_reads_them(text: str) -> None:
    import string

    try:
        expected: object = list(string.Formatter().parse(text))
    except ValueError as exc:
        expected = ("error", str(exc))
    try:
        got: object = list(rules.formatter_parser(text))
    except ValueError as exc:
        got = ("error", str(exc))
    assert got == expected


# -- cli: the commands other than check imported when named or listed ---------------------------------------
def test_every_command_is_found_and_listed_as_before() -> None:
    import click

    from spamlint.cli import domain, evaluate, rules as rules_module

    ctx = click.Context(main)
    assert main.list_commands(ctx) == ["check", "domain", "evaluate", "rules"]
    assert main.get_command(ctx, "domain") is domain.domain_cmd
    assert main.get_command(ctx, "evaluate") is evaluate.evaluate_cmd
    assert main.get_command(ctx, "rules") is rules_module.rules_cmd
    assert main.get_command(ctx, "nothing") is None
    help_text = CliRunner().invoke(main, ["--help"]).output
    assert all(f"\n  {name} " in help_text for name in ("check", "domain", "evaluate", "rules"))
    listed = CliRunner().invoke(main, ["rules"])
    assert listed.exit_code == 0 and "all-caps" in listed.output


def test_a_template_run_imports_neither_the_other_commands_nor_string(tmp_path: Path) -> None:
    code = ("import runpy, sys\nsys.argv = ['spamlint', sys.argv[1]]\ntry:\n"
            "    runpy.run_module('spamlint', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('spamlint.cli.domain', 'spamlint.cli.rules', 'spamlint.cli.evaluate', 'string')"
            " if m in sys.modules), file=sys.stderr)")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    for _ in range(2):  # the first run writes the cache
        out = subprocess.run([sys.executable, "-c", code, str(TEMPLATE)], capture_output=True, text=True, env=env, cwd=ROOT)
    assert out.stderr.strip().splitlines()[-1] == "[]"


def test_importing_spamlint_freezes_nothing_and_keeps_what_another_program_froze() -> None:
    code = ("import gc, weakref\nclass Node:\n    pass\n"
            "a = Node(); a.me = a; gone = weakref.ref(a); del a\n"  # cyclic garbage made before the import
            "import spamlint, spamlint.cli\nassert gc.get_freeze_count() == 0\n"
            "gc.collect()\nassert gone() is None\n"  # aged, not frozen: a full collection frees it
            "import importlib, sys\n"
            "for name in [m for m in sys.modules if m.startswith('spamlint')]:\n    del sys.modules[name]\n"
            "gc.freeze(); kept = gc.get_freeze_count()\n"  # another program's frozen objects
            "importlib.import_module('spamlint.cli')\nassert gc.get_freeze_count() == kept, 'thawed'\nprint('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "ok", out.stderr
