"""Text from an input cannot steer a terminal or a CI log: controls are shown, not printed (issue 14, 1-2, 9)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spamlint.formatters.escape import clean
from spamlint.inputs.kinds import starts_like_html

CLI = [sys.executable, "-c", "from spamlint.cli import main; main()"]
FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")
# what must never reach the output raw: C0 (but the formats' own line breaks), DEL, C1, bidi, lone surrogates
_RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@pytest.mark.parametrize(("text", "shown"), [
    ("plain text, ünïcödé, 中文, 🙂", "plain text, ünïcödé, 中文, 🙂"),
    ("\x1b]0;PWNED\x07\x1b[2J act now", "\\x1b]0;PWNED\\x07\\x1b[2J act now"),
    ("a\nb\rc\td", "a\\x0ab\\x0dc\\x09d"),
    ("C1 \x9b31m", "C1 \\x9b31m"),
    ("evil\u202egnp.exe", "evil<U+202E>gnp.exe"),
    ("F\u200bR\u200dEE", "F<U+200B>R<U+200D>EE"),
    ("byte \udcff kept", "byte \\xff kept"),
    ("lone \ud800", "lone <U+D800>"),
])
def test_clean_shows_controls_visibly(text: str, shown: str) -> None:
    assert clean(text) == shown


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_clean_output_is_printable_and_encodes(text: str) -> None:
    out = clean(text)
    assert not _RAW_CONTROL.search(out)
    out.encode("utf-8")  # no lone surrogate survives
    if not _RAW_CONTROL.search(text) and not re.search("[\n\u00ad\u061c\u180e\u200b-\u200f\u2028-\u206f\ufeff\ufff9-\ufffb]", text):
        assert out == text  # ordinary text is untouched


def _lint(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*CLI, *args], capture_output=True, cwd=tmp_path, timeout=60, check=False)


@pytest.mark.parametrize("fmt", FORMATS)
def test_escape_sequences_in_a_subject_are_not_printed(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "a.eml").write_bytes(b"Subject: \x1b]0;PWNED\x07\x1b[2J ACT NOW!!! FREE\n\nhi FREE FREE\n")
    run = _lint(tmp_path, "--format", fmt, "a.eml")
    assert run.returncode in (0, 1), run.stderr
    out = run.stdout.decode("utf-8")
    assert "\x1b" not in out and "\x07" not in out
    if fmt == "text":
        assert "\\x1b]0;PWNED\\x07" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_newline_in_a_file_name_cannot_inject_a_line(tmp_path: Path, fmt: str) -> None:
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "x\n::error file=README.md::Rotate token\n.txt").write_text("FREE!!! BUY NOW!!! ACT NOW!!!")
    run = _lint(tmp_path, "--format", fmt, "t")
    assert run.returncode in (0, 1), run.stderr
    lines = run.stdout.decode("utf-8").splitlines()
    assert not any(line.startswith("::error file=README.md") for line in lines)
    assert not any(line.lstrip().startswith(("::error file=README", "Rotate token")) for line in lines)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_lone_surrogate_does_not_cost_the_batch_its_output(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "s.eml").write_bytes(b"Subject: =?utf-7?q?+2AA-_act_now?=\n\nhi\n")
    (tmp_path / "b.html").write_text("<p>FREE!!! You have been SELECTED, act now!!!</p>")
    run = _lint(tmp_path, "--format", fmt, "--show-passing", "s.eml", "b.html")
    assert run.returncode in (0, 1), run.stderr
    out = run.stdout.decode("utf-8")
    assert "b.html" in out and "s.eml" in out
    if fmt in ("json", "sarif"):
        json.loads(out)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_prints_under_a_legacy_terminal_encoding(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "u.html").write_text("<p>FREE 中文 🙂 offer, act now!!!</p>", encoding="utf-8")
    run = subprocess.run([*CLI, "--format", fmt, "u.html"], capture_output=True, cwd=tmp_path, timeout=60,
                         check=False, env={"PYTHONIOENCODING": "cp1252", "PATH": "/usr/bin:/bin"})
    assert run.returncode in (0, 1), run.stderr
    assert b"u.html" in run.stdout


def test_html_sniffing_is_linear_in_a_run_of_comments(tmp_path: Path) -> None:
    (tmp_path / "r.txt").write_bytes(b"<!---->" * 40 + b"x")
    run = _lint(tmp_path, "r.txt")  # the regex this replaced took time doubling per comment: hours here
    assert run.returncode == 0, run.stderr


# the plain definition: white space and comments, each ending at its first --> (or at once, as
# <!--> and <!---> do in HTML5), then a tag; atomic groups keep this reference from backtracking
_HTML_START = re.compile(rb"\s*(?:(?><!--(?:>|->|.*?-->))\s*)*+<(?:!doctype|html|head|body|table|div|p|center|meta|style|span|a|img|h[1-6])\b",
                         re.IGNORECASE | re.DOTALL)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([b"<!--", b"-->", b"-", b">", b" ", b"\n", b"<p>", b"<div", b"x", b"<!doctype", b"<pre>", b"<a "]),
                max_size=8))
def test_starts_like_html_agrees_with_the_pattern_it_replaced(pieces: list[bytes]) -> None:
    head = b"".join(pieces)
    assert starts_like_html(head) == bool(_HTML_START.match(head))


def _alias_bomb() -> str:
    """Nine levels of nine aliases: ~330 bytes that expand to 9**9 (387 million) strings."""
    lines = ["- &a [x,x,x,x,x,x,x,x,x]"]
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"- &{name} [{','.join(['*' + prev] * 9)}]")
    return "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_in_a_config_is_refused_quickly(tmp_path: Path) -> None:
    body = "ignore:\n" + "".join("  " + line + "\n" for line in _alias_bomb().splitlines())
    (tmp_path / ".spamlint.yaml").write_text(body)
    (tmp_path / "a.txt").write_text("hello")
    run = subprocess.run([*CLI, "a.txt"], capture_output=True, cwd=tmp_path, timeout=30, check=False)
    assert run.returncode == 2
    assert b".spamlint.yaml: refused: aliases expand" in run.stderr and len(run.stderr) < 500


def test_a_yaml_alias_bomb_in_a_rule_file_is_refused(tmp_path: Path) -> None:
    from spamlint import RuleError
    from spamlint.engine.rules import parse_rule
    with pytest.raises(RuleError, match="refused: aliases expand"):
        parse_rule("bomb.yaml", "id: bomb\nopts:\n" + "".join("  " + line + "\n" for line in _alias_bomb().splitlines()))


def test_ordinary_aliases_still_load() -> None:
    from spamlint.inputs.yaml_data import load_yaml
    assert load_yaml("a: &w [free, prize]\nb: *w\n") == {"a": ["free", "prize"], "b": ["free", "prize"]}


def test_error_messages_quote_a_bounded_excerpt_of_a_value(tmp_path: Path) -> None:
    from spamlint import ConfigError
    from spamlint.config import load_config
    (tmp_path / ".spamlint.yaml").write_text("threshold: [" + ",".join(["1"] * 100000) + "]\n")
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path / ".spamlint.yaml")
    assert len(str(err.value)) < 300


# Inputs and rule or config files that used to crash: each now gets a report or a one-line error
# that names the file and field (issue 14, "Crashes").
RULE = ("id: r\ncategory: links\ncheck: pattern\nscope: [body]\npoints: 1\nseverity: warning\nmessage: m\n"
        "why: w\nfix: f\noptions:\n  pattern: free\nexamples:\n  hit: [free]\n  miss: [x]\n")
CRASHERS = [
    # (name, files, args, exit code, what stderr says)
    ("rot13 meta", {"a.html": b"<meta charset=rot13><p>\xff hi</p>"}, ["a.html"], 0, b""),
    ("base64 meta", {"a.html": b"<meta charset=base64><p>\xff hi</p>"}, ["a.html"], 0, b""),
    ("hex part", {"a.eml": b"Content-Type: text/html; charset=hex\nSubject: x\n\n<p>\xff hi</p>"}, ["a.eml"], 1, b""),
    ("nested media", {"a.html": "<style>" + "@media x{" * 1000}, ["a.html"], 0, b""),
    ("long number", {"a.html": '<p style="width:' + "9" * 4301 + '">x</p>'}, ["a.html"], 0, b""),
    ("bad date", {"a.txt": "---\nsubject: 2024-13-01\n---\nhello"}, ["a.txt"], 2, b"front matter is not valid YAML"),
    ("foreign pyproject", {"pyproject.toml": b"[x]\na = '\xff'\n", "a.txt": "hi"}, ["a.txt"], 0, b""),
    ("our pyproject", {"pyproject.toml": b"[tool.spamlint]\na = '\xff'\n", "a.txt": "hi"}, ["a.txt"], 2, b"pyproject.toml: not UTF-8"),
    ("config bytes", {".spamlint.yaml": b"threshold: 5 # \xff\n", "a.txt": "hi"}, ["a.txt"], 2, b".spamlint.yaml: not UTF-8"),
    ("tool = 1", {"pyproject.toml": "tool = 1\n# tool.spamlint\n", "a.txt": "hi"}, ["a.txt"], 0, b""),
    ("huge threshold", {".spamlint.yaml": "threshold: " + "9" * 5000 + "\n", "a.txt": "hi"}, ["a.txt"], 2, b"cannot read a value"),
    ("check list", {"rules/r.yaml": RULE.replace("check: pattern", "check: [pattern]")}, [], 2, b"field 'check'"),
    ("folder rule", {"rules/x.yaml/k": "", "rules/r.yaml": RULE}, [], 0, b""),
    ("positional message", {"rules/r.yaml": RULE.replace("message: m", "message: '{0}'")}, [], 2, b"field 'message'"),
    ("wide message", {"rules/r.yaml": RULE.replace("message: m", "message: '{match:>999999999}'")}, [], 2, b"field 'message'"),
    ("nan points", {"rules/r.yaml": RULE.replace("points: 1", "points: .nan")}, [], 2, b"field 'points'"),
    ("inf points", {"rules/r.yaml": RULE.replace("points: 1", "points: .inf")}, [], 2, b"field 'points'"),
    ("rule bytes", {"rules/r.yaml": b"id: r # \xff\n"}, [], 2, b"r.yaml: not UTF-8"),
    ("long phrase", {"rules/r.yaml": RULE.replace("check: pattern", "check: phrases").replace(
        "  pattern: free", "  phrases: ['" + "word " * 200 + "']")}, [], 2, b"options.phrases"),
    ("huge repeat", {"rules/r.yaml": RULE.replace("hit: [free]", "hit: [{text: '" + "free " * 1000 + "', repeat: 1000000}]")},
     [], 2, b"examples.hit"),
]


@pytest.mark.parametrize(("files", "args", "code", "says"), [c[1:] for c in CRASHERS], ids=[c[0] for c in CRASHERS])
def test_former_crashers_get_a_report_or_a_one_line_error(tmp_path: Path, files: dict, args: list[str], code: int,
                                                            says: bytes) -> None:
    for name, data in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
    if "rules/r.yaml" in files:
        (tmp_path / ".spamlint.yaml").write_text("rule-paths: [rules]\n")
        (tmp_path / "a.txt").write_text("nothing to see")
        args = ["a.txt"]
    run = _lint(tmp_path, *args)
    assert b"Traceback" not in run.stderr and b"internal error" not in run.stderr, run.stderr
    assert run.returncode == code, run.stderr
    assert says in run.stderr
    assert len(run.stderr.splitlines()) <= 1


def _none_header_message() -> object:
    import email.message
    msg = email.message.EmailMessage()
    msg["Subject"] = "hello"
    msg.set_content("hi")
    msg._headers.append(("X-Set-In-Code", None))  # what `msg.__setitem__` lets through in some policies
    return msg


@pytest.mark.parametrize(("call", "error"), [
    (lambda s: s.lint(Path("a\0b")), "InputError"),
    (lambda s: s.lint(b"hi", threshold="5"), "ConfigError"),
    (lambda s: s.lint(b"hi", threshold=-1), "ConfigError"),
    (lambda s: s.lint(b"hi", threshold=float("nan")), "ConfigError"),
    (lambda s: s.lint(b"hi", rules="abc"), "ConfigError"),
    (lambda s: s.lint(b"hi", config=5), "ConfigError"),
    (lambda s: s.lint(b"hi", limits={}), "ConfigError"),
    (lambda s: s.Limits(max_input_bytes=1.5), "ConfigError"),
    (lambda s: s.Limits(max_links=-1), "ConfigError"),
    (lambda s: s.lint(_none_header_message()), "InputError"),
], ids=["nul path", "str threshold", "negative threshold", "nan threshold", "str rules", "int config",
        "dict limits", "float limit", "negative limit", "None header"])
def test_bad_library_arguments_raise_spamlint_errors(call: object, error: str) -> None:
    import spamlint
    with pytest.raises(spamlint.SpamlintError) as err:
        call(spamlint)  # type: ignore[operator]
    assert type(err.value).__name__ == error


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_newline_in_a_file_name_cannot_inject_a_checklist_line(tmp_path: Path, fmt: str) -> None:
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "x\n  PASS  injected\n.eml").write_bytes(b"From: a@example.org\nSubject: hi\n\nhello\n")
    run = _lint(tmp_path, "--profile", "bulk", "--format", fmt, "t")
    out = run.stdout.decode("utf-8")
    assert "\\x0a" in out and not any(line.lstrip().startswith("PASS  injected") for line in out.splitlines())
