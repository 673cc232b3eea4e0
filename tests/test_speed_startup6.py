"""Issue 15's sixth start-up pass: each fast path gives what the plain definition it replaces gives.

A small template's run imports no `regex`: modules on the start-up path read it through
`text.compiled.regex` (imported on first use; the flags and `escape` that rule constructors
read are written out there), the rule-pack cache's name reads regex's version from its file,
letter counts search ASCII text with the stdlib, and the rule loader's ASCII patterns are
stdlib ones.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import regex
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from spamlint.checks import structure
from spamlint.engine import cache, rules
from spamlint.text import compiled, words
from spamlint.text.compiled import AsciiOrRegex, RegexModule

ROOT = Path(__file__).resolve().parent.parent
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# text that mixes ASCII letters and digits with other scripts, marks, spaces and regex metacharacters
TEXT = st.text(st.sampled_from(list("aZ09 _-.\t\n()[]{}?*+|^$\\#&~@'\"") + ["\u00e9", "\u00aa", "\u00b2", "\u0416",
                                                                           "\u3042", "\u0301", "\u00a0", "\u2003",
                                                                           "\u0130", "\u212a", "\U0001d400"]),
               max_size=40) | st.text(max_size=20)


# -- text/compiled.py RegexModule: the regex module, imported on first use -------------------------------
def test_the_written_out_flags_are_regexs() -> None:
    for name in ("I", "IGNORECASE", "R", "REVERSE", "V0", "VERSION0"):
        assert vars(RegexModule)[name] == getattr(regex, name), name


@FAST
@given(TEXT, st.booleans())
@example(" \t\n\u2003()[]{}?*+|^$\\.-#&~'\"<>=!:,/@%", False)
@example("a b", True)
def test_escape_is_regex_escape(text: str, literal_spaces: bool) -> None:
    assert compiled.regex.escape(text) == regex.escape(text)
    assert compiled.regex.escape(text, literal_spaces=literal_spaces) == regex.escape(text, literal_spaces=literal_spaces)
    assert compiled.regex.escape(text, False, literal_spaces) == regex.escape(text, False, literal_spaces)
    assert compiled.regex.escape(text.encode()) == regex.escape(text.encode())


def test_escape_escapes_each_character_as_regex_does() -> None:
    for code in range(0x3000):
        assert compiled.regex.escape(chr(code)) == regex.escape(chr(code)), hex(code)


def test_other_attributes_are_the_modules() -> None:
    stand_in = RegexModule()
    assert "error" not in vars(stand_in)
    assert stand_in.error is regex.error
    assert "error" in vars(stand_in)  # kept: the next read is a plain attribute read
    assert stand_in.Pattern is regex.Pattern and stand_in.__version__ == regex.__version__
    made = stand_in.compile(r"\p{L}+", regex.IGNORECASE)
    assert made == regex.compile(r"\p{L}+", regex.IGNORECASE)
    assert stand_in.compile is regex.compile  # after the first call
    early = RegexModule().compile  # as a default argument takes it, before regex is needed
    assert early(r"(?r)\w+").pattern == regex.compile(r"(?r)\w+").pattern
    try:
        stand_in.__no_such_dunder__  # noqa: B018
    except AttributeError:
        pass
    else:
        raise AssertionError("a dunder read should not be forwarded")


# -- text/compiled.py LazyModule: html imported where a character reference needs it -----------------------
def test_a_lazy_module_reads_as_the_module() -> None:
    import html

    stand_in = compiled.LazyModule("html")
    assert "unescape" not in vars(stand_in)
    assert stand_in.unescape is html.unescape and "unescape" in vars(stand_in)
    assert stand_in.entities is html.entities
    with pytest.raises(AttributeError):
        stand_in.__no_such_dunder__  # noqa: B018
    with pytest.raises(AttributeError):
        stand_in.no_such_name  # noqa: B018


@FAST
@given(st.lists(st.sampled_from(["&amp;", "&nbsp;", "&#8217;", "&#x41;", "&lt", "&bogus;", "&", "a", " ", "\"", "="]),
                max_size=12).map("".join))
def test_attribute_values_with_references_unescape_as_html_does(value: str) -> None:
    import html

    from spamlint.inputs import html_text

    quote = "'" if '"' in value else '"'
    expected = html.unescape(value) if "&" in value else value
    if quote not in value:
        assert html_text._attrs(f" title={quote}{value}{quote}")["title"] == expected


# -- engine/cache.py: regex's version without importing regex -------------------------------------------
def test_regex_version_read_from_its_file_is_regexs() -> None:
    code = ("import sys; from spamlint.engine import cache; v = cache.regex_version(); "
            "print('regex' in sys.modules); import regex; print(v == regex.__version__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["False", "True"]
    assert cache.regex_version() == regex.__version__  # imported: the module's own


# -- text/compiled.py AsciiOrRegex: ASCII text searched with the stdlib ----------------------------------
def _same_searches(pattern: AsciiOrRegex, plain: regex.Pattern[str], text: str) -> None:
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in plain.finditer(text)]
    assert pattern.findall(text) == plain.findall(text)
    assert pattern.sub("", text) == plain.sub("", text)
    assert pattern.sub("<>", text, 2) == plain.sub("<>", text, 2)
    found, expected = pattern.search(text), plain.search(text)
    assert (found and found.span()) == (expected and expected.span())


@FAST
@given(TEXT)
@example("Hello, World! 123 \u00aa\u00ba")
@example("".join(map(chr, range(128))))
def test_letter_patterns_search_as_regex_does(text: str) -> None:
    _same_searches(words._LETTER_RUNS, regex.compile(r"\p{L}+"), text)
    _same_searches(structure._LETTER, regex.compile(r"\p{L}"), text)
    assert words.letter_count(text) == words._plain_letter_count(text)


def test_the_ascii_spellings_match_every_ascii_character_as_regex_does() -> None:
    for pattern, source in ((words._LETTER_RUNS, r"\p{L}+"), (structure._LETTER, r"\p{L}")):
        for code in range(128):
            assert bool(pattern._ascii.fullmatch(chr(code))) == bool(regex.fullmatch(source, chr(code))), code


def test_other_attributes_are_the_regex_patterns() -> None:
    pattern = compiled.ascii_or_regex(r"[A-Za-z]+", r"\p{L}+")
    assert pattern.pattern == r"\p{L}+" and pattern.flags == regex.compile(r"\p{L}+").flags
    assert pattern.sub(r"\\", "ab\u00e9") == regex.compile(r"\p{L}+").sub(r"\\", "ab\u00e9")


# -- engine/rules.py: the loader's ASCII patterns are stdlib ones ---------------------------------------
@FAST
@given(st.text(st.sampled_from("az09AZ-:_ \n\u0131\u212a\u00e9\u0660"), max_size=12) | st.text(max_size=8))
@example("1:2\n")
@example("abc\n")
@example("a-b-c")
def test_rule_loader_patterns_match_as_regex_did(text: str) -> None:
    for lazy, source in ((rules._ID, r"^[a-z0-9]+(?:-[a-z0-9]+)*$"), (rules._AT, r"^([1-9][0-9]*):([1-9][0-9]*)$"),
                         (rules._LANGUAGE, r"^[a-z]{2,3}$")):
        found, expected = lazy.match(text), regex.match(source, text)
        assert (found and found.groups()) == (expected and expected.groups()), source
        assert (found and found.span()) == (expected and expected.span()), source


# -- what a run imports -----------------------------------------------------------------------------------
def _run_and_modules(path: str, tmp: Path) -> tuple[str, str]:
    """The JSON report of a run that read the rule-pack cache, and which of regex and html it
    imported, else the stdlib patterns it compiled afresh (none: each came from the cache's code)."""
    code = (f"import sys, runpy; sys.argv = ['spamlint', '--format', 'json', {path!r}]\n"
            "try:\n    runpy.run_module('spamlint', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "from spamlint.text import compiled\n"
            "print([m for m in ('regex', 'html') if m in sys.modules] or sorted(k[0] for k in compiled.made))")
    env = {k: v for k, v in os.environ.items() if k != "SPAMLINT_NO_CACHE"} | {"XDG_CACHE_HOME": str(tmp)}
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT, env=env)
            for _ in range(2)]  # the first writes the rule-pack cache, the second reads it
    (*first, _), (*report, imported) = (run.stdout.strip().splitlines() for run in runs)
    assert first == report
    return "\n".join(report), imported


def test_a_template_run_imports_neither_regex_nor_html_and_compiles_no_pattern(tmp_path: Path) -> None:
    report, imported = _run_and_modules("samples/welcome-template.html", tmp_path)
    assert '"findings"' in report and imported == "[]"


def test_a_message_in_another_script_still_uses_regex(tmp_path: Path) -> None:
    message = tmp_path / "ru.eml"
    message.write_bytes("Subject: \u041f\u0440\u0438\u0432\u0435\u0442\nContent-Type: text/plain; charset=utf-8\n\n"
                        "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440! B\u0435\u0441\u043f\u043b\u0430"
                        "\u0442\u043d\u043e FREE money $$$\n".encode())
    report, imported = _run_and_modules(str(message), tmp_path)
    assert imported.startswith("['regex'") and '"findings"' in report


# -- engine/cache.py: patterns' code and remembered values decoded on first use --------------------------
SOURCES = [(r"(?P<w>\w+)@(\w+)", int(re.IGNORECASE)), ("caf\u00e9|[\udc80-\udcff]\t\n", 0), (r"\bfree\b", 0)]
VALUES = {"phrase": "caf\u00e9 \\b(?:x)\n", "tests": [["body", ["free"], True]], "other": {"k": [1, 2.5, None]}}
HERE = sys.modules[__name__]


def _refuse() -> Any:
    raise AssertionError("built again")


def _saved_and_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache file holding the code of SOURCES and the VALUES remembered, written and read back into fresh tables."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    for table in ("_known", "made", "_values"):
        monkeypatch.setattr(compiled, table, {})
    for source, flags in SOURCES:
        compiled.compile_pattern(source, flags)
    for what, value in VALUES.items():
        compiled.remembered(HERE, what, lambda value=value: value, lambda v: v)
    where = cache.cache_file([("rules/x.yaml", "id: x")])
    assert where is not None
    cache.save(where, {"rules/x.yaml": {"id": "x"}})
    for table in ("_known", "made", "_values"):
        monkeypatch.setattr(compiled, table, {})
    assert cache.load(where) == {"rules/x.yaml": {"id": "x"}}
    return where


def test_kept_code_and_values_are_decoded_on_first_use_and_equal_the_plain_ones(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _saved_and_loaded(tmp_path, monkeypatch)
    assert all(type(compiled._known[key]) is compiled.Raw for key in SOURCES)
    assert len(compiled._values) >= len(VALUES) and all(type(v) is compiled.Raw for v in compiled._values.values())
    first = SOURCES[0]
    assert compiled.compile_pattern(*first) == re.compile(*first)
    assert type(compiled._known[first]) is tuple  # decoded once, kept decoded
    assert all(type(compiled._known[key]) is compiled.Raw for key in SOURCES[1:])
    for source, flags in SOURCES:
        assert compiled.compile_pattern(source, flags) == re.compile(source, flags)
    assert not compiled.made  # every one from the file
    for what, value in VALUES.items():
        assert compiled.remembered(HERE, what, _refuse, lambda v: v) == value
    exported = compiled.export()  # a later save keeps what was never decoded
    assert {(e[0], e[1]) for e in exported} >= set(SOURCES)
    assert sorted(map(repr, compiled.export_values().values())) == sorted(map(repr, VALUES.values()))


@pytest.mark.parametrize("damage", ["drop a line", "bad json", "not an entry", "bad key"])
def test_kept_lines_that_are_not_what_save_writes_are_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               damage: str) -> None:
    where = _saved_and_loaded(tmp_path, monkeypatch)
    head, *lines = where.read_text(encoding="utf-8").split("\n")
    if damage == "drop a line":
        lines.pop()
    elif damage == "bad json":
        lines = ["[1, 2" for _ in lines]
    elif damage == "not an entry":
        lines = ['[32, "!!", 0, {}, []]' for _ in lines]
    else:
        head = head.replace('"patterns":[[', '"patterns":[[1,', 1)
    where.write_text("\n".join([head, *lines]), encoding="utf-8")
    for table in ("_known", "made", "_values"):
        monkeypatch.setattr(compiled, table, {})
    assert cache.load(where) == {"rules/x.yaml": {"id": "x"}}  # the rules are still read
    for source, flags in SOURCES:
        assert compiled.compile_pattern(source, flags) == re.compile(source, flags)
        assert (source, flags) in compiled.made  # compiled afresh
    for what, value in VALUES.items():
        assert compiled.remembered(HERE, what, lambda: "built", lambda v: v if v == value else None) == "built"


# -- text/compiled.py LazyBytes: the input modules' bytes patterns, compiled on first use ----------------
def test_module_level_bytes_patterns_equal_compiling_them() -> None:
    import spamlint.cli  # noqa: F401 - everything a run imports

    found = [(mod.__name__, name, value) for mod in list(sys.modules.values())
             if getattr(mod, "__name__", "").startswith("spamlint.")
             for name, value in vars(mod).items() if isinstance(value, compiled.LazyBytes)]
    assert len(found) >= 10
    for module, name, lazy in found:
        made = lazy._made if "_made" in vars(lazy) else lazy._make()
        assert isinstance(made.pattern, bytes), f"{module}.{name}"
        assert made == re.compile(made.pattern, made.flags), f"{module}.{name}"
    from spamlint.inputs import kinds

    assert kinds.HEADER_LINE.match(b"Subject: x").group(1) == re.compile(rb"^([!-9;-~]+):").match(b"Subject: x").group(1)


# -- cli: one click.Path for the options that name a file ------------------------------------------------
def test_the_shared_file_type_is_the_one_each_option_made() -> None:
    import click

    from spamlint.cli import check as check_cmd, common, rules as rules_cmd

    assert vars(common.A_FILE) == vars(click.Path(dir_okay=False, path_type=Path))
    typed = {(cmd.name, p.name): p.type for cmd in (check_cmd.check, rules_cmd.rules_cmd) for p in cmd.params}
    assert typed[("check", "config_path")] is typed[("check", "baseline")] is typed[("rules", "config_path")]


def test_a_folder_given_as_a_file_is_still_refused(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from spamlint.cli import main

    result = CliRunner().invoke(main, ["check", "--config", str(tmp_path), str(ROOT / "samples" / "welcome-template.html")])
    assert result.exit_code == 2 and "is a directory" in result.output


# -- record.py: a record's __init__ written when first used ---------------------------------------------
def _pair() -> tuple[type, type]:
    """A record and the @dataclass(frozen=True) class of the same fields, made afresh."""
    import dataclasses

    from spamlint.record import Record, record

    def body(ns: dict) -> None:
        ns["__annotations__"] = {"a": "int", "b": "str", "c": "list"}
        ns["b"] = "x"
        ns["c"] = dataclasses.field(default_factory=list)
        ns["__post_init__"] = lambda self: object.__setattr__(self, "c", [*self.c, "post"])

    import types

    made = record()(types.new_class("R", (Record,), exec_body=body))
    plain = dataclasses.dataclass(frozen=True)(types.new_class("R", (), exec_body=body))
    return made, plain


def test_a_records_init_is_written_when_first_read() -> None:
    import inspect

    from spamlint.record import _FirstInit

    made, plain = _pair()
    assert type(vars(made)["__init__"]) is _FirstInit
    shape = [(p.name, p.kind, repr(p.default)) for p in inspect.signature(made).parameters.values()]  # writes it
    assert shape == [(p.name, p.kind, repr(p.default)) for p in inspect.signature(plain).parameters.values()]
    assert inspect.isfunction(vars(made)["__init__"])
    made, plain = _pair()
    assert repr(made(1)) == repr(plain(1)) and made(1, "y").c == plain(1, "y").c == ["post"]
    assert inspect.isfunction(vars(made)["__init__"])
    for args, kwargs in (((), {}), ((1, 2, 3, 4), {}), ((1,), {"d": 2}), ((1,), {"a": 2})):
        with pytest.raises(TypeError) as expected:
            plain(*args, **kwargs)
        with pytest.raises(TypeError) as got:
            made(*args, **kwargs)
        assert str(got.value) == str(expected.value)
