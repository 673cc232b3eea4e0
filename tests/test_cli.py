"""The command line: exit codes, one-line errors, batches (-j), mbox and maildir inputs, terminal behaviour."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from spamlint.cli import main

SPAMMY = ("<html><body><p>CONGRATULATIONS WINNER!!! You have been SELECTED for a FREE PRIZE!!!</p>"
          "<p>Claim your prize within 24 hours: <a href='http://203.0.113.9/win'>http://203.0.113.9/win</a></p>"
          "</body></html>\n")
CLI = [sys.executable, "-c", "from spamlint.cli import main; main()"]
CLEAN = "<html><body><p>Hello, the gardening club meets on Tuesday at seven.</p></body></html>\n"


def _message(n: int, body: str) -> str:
    return (f"From: sender{n}@example.org\nTo: you@example.org\nSubject: note {n}\n"
            f"Date: Mon, 1 Jan 2024 10:00:00 +0000\nMessage-ID: <{n}@example.org>\n\n{body}\n")


def _invoke(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture()
def files(tmp_path: Path) -> Path:
    (tmp_path / "spam.html").write_text(SPAMMY)
    (tmp_path / "clean.html").write_text(CLEAN)
    return tmp_path


@pytest.mark.parametrize("names, code", [(["clean.html"], 0), (["spam.html"], 1), (["clean.html", "spam.html"], 1)])
def test_exit_code_is_0_pass_1_fail(files: Path, names: list[str], code: int) -> None:
    assert _invoke(*[str(files / n) for n in names])[0] == code


@pytest.mark.parametrize("args, fragment", [
    (["missing.html"], "missing.html: no such file"),
    (["--format", "xml", "clean.html"], "xml"),
    (["--select", "no-such-rule", "clean.html"], "no-such-rule"),
    (["--ignore", "nope", "clean.html"], "nope"),
    (["--threshold", "-1", "clean.html"], "threshold"),
    (["--config", "absent.yaml", "clean.html"], "absent.yaml"),
    (["--statistics", "--format", "sarif", "clean.html"], "--statistics"),
])
def test_usage_config_and_input_errors_exit_2_with_one_line(files: Path, monkeypatch: pytest.MonkeyPatch,
                                                            args: list[str], fragment: str) -> None:
    monkeypatch.chdir(files)
    code, _, err = _invoke(*args)
    assert code == 2 and fragment in err and "Traceback" not in err


def test_a_missing_file_does_not_stop_the_batch(files: Path) -> None:
    code, out, err = _invoke("--format", "json", str(files / "nope.html"), str(files / "spam.html"))
    assert code == 2 and err.strip().count("\n") == 0
    assert [r["path"] for r in json.loads(out)["results"]] == [str(files / "spam.html")]


def test_binary_garbage_and_stdin_never_give_a_traceback(tmp_path: Path) -> None:
    junk = tmp_path / "junk.eml"
    junk.write_bytes(bytes(range(256)) * 40)
    proc = subprocess.run([*CLI, str(junk), "-"], input=b"\xff\xfe<p>HI!!!</p>",
                          capture_output=True, timeout=120)
    assert proc.returncode in (0, 1, 2) and b"Traceback" not in proc.stderr


def _corpus(root: Path, n: int = 24) -> list[str]:
    for i in range(n):
        (root / f"m{i:02d}.html").write_text(SPAMMY if i % 3 == 0 else CLEAN.replace("Tuesday", f"day {i}"))
    return sorted(str(p) for p in root.glob("*.html"))


def test_jobs_give_results_identical_to_a_serial_run_in_input_order(tmp_path: Path) -> None:
    paths = _corpus(tmp_path)
    serial = _invoke("--format", "json", *reversed(paths))
    parallel = _invoke("--format", "json", "-j", "2", *reversed(paths))
    assert serial == parallel and serial[0] == 1
    assert [r["path"] for r in json.loads(serial[1])["results"]] == list(reversed(paths))


def test_mbox_messages_are_separate_results(tmp_path: Path) -> None:
    box = tmp_path / "inbox.mbox"
    box.write_text("".join(f"From sender{n}@example.org Mon Jan  1 10:00:00 2024\n" + _message(n, body)
                           for n, body in enumerate(["Lunch at noon?", "FREE MONEY NOW!!! CLICK HERE!!!"], 1)))
    code, out, _ = _invoke("--format", "json", str(box))
    results = json.loads(out)["results"]
    assert [r["path"] for r in results] == [f"{box}#1", f"{box}#2"]
    assert [{f["rule"] for f in r["findings"] if f["category"] == "exclamation"} for r in results] == [
        set(), {"exclamation-run", "exclamation-sentence"}]
    assert {f["line"] for f in results[1]["findings"] if f["rule"] == "exclamation-run"} == {7}


def test_maildir_messages_are_named_by_file(tmp_path: Path) -> None:
    md = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (md / sub).mkdir(parents=True)
    (md / "new" / "1700000000.1.host").write_text(_message(1, "Lunch at noon?"))
    (md / "cur" / "1700000001.2.host:2,S").write_text(_message(2, "WIN CASH NOW!!!"))
    (md / "tmp" / "1700000002.3.host").write_text(_message(3, "half delivered"))
    for target in (md, tmp_path):
        _, out, _ = _invoke("--format", "json", str(target))
        names = [Path(r["path"]).name for r in json.loads(out)["results"]]
        assert names == ["1700000000.1.host", "1700000001.2.host:2,S"]


def test_statistics_replace_the_findings(files: Path) -> None:
    code, out, _ = _invoke("--statistics", str(files / "spam.html"), str(files / "clean.html"))
    assert code == 1 and "score" not in out
    counts = {line.split()[1]: int(line.split()[0]) for line in out.splitlines()}
    assert counts["exclamation-run"] == 2
    _, out, _ = _invoke("--statistics", "--format", "json", str(files / "spam.html"))
    assert {r["rule"] for r in json.loads(out)["statistics"]} == set(counts)


def _on_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run the CLI with stdout and stderr on a pseudo-terminal; return everything it wrote."""
    leader, follower = pty.openpty()
    base = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    proc = subprocess.Popen([*CLI, *args], stdout=follower, stderr=follower, env={**base, **env})
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the terminal closes when the process exits
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_colour_on_a_terminal_unless_no_color(files: Path) -> None:
    spam = str(files / "spam.html")
    assert "\x1b[" in _on_terminal([spam], {})
    assert "\x1b[" not in _on_terminal([spam], {"NO_COLOR": "1"})
    code, out, _ = _invoke(spam)
    assert "\x1b[" not in out


def test_progress_bar_only_on_a_terminal_and_never_with_json(tmp_path: Path) -> None:
    paths = _corpus(tmp_path)
    assert "linting" in _on_terminal(["--format", "github", *paths], {})
    assert "linting" not in _on_terminal(["--format", "json", *paths], {})
    assert "linting" not in _on_terminal(paths[:3], {})
    code, out, err = _invoke(*paths)
    assert "linting" not in err


def test_a_folder_with_nothing_to_lint_says_so(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("# not a template\n")
    code, out, err = _invoke(str(tmp_path))
    assert code == 0 and out == "" and err.startswith("spamlint: warning: no files to lint")


def test_batch_lists_failing_files_and_a_closing_summary(files: Path) -> None:
    code, out, _ = _invoke(str(files / "clean.html"), str(files / "spam.html"))
    assert code == 1 and "clean.html" not in out and "spam.html: score" in out
    assert out.splitlines()[-1].startswith("2 files checked, 1 failed, ")
    assert "help: " in out
    _, shown, _ = _invoke("--show-passing", str(files / "clean.html"), str(files / "spam.html"))
    assert "clean.html: score" in shown
    _, single, _ = _invoke(str(files / "clean.html"))
    assert "clean.html: score" in single and single.splitlines()[-1].startswith("1 file checked, 0 failed")


def test_quiet_prints_only_failing_files(files: Path) -> None:
    code, out, _ = _invoke("-q", str(files / "clean.html"), str(files / "spam.html"))
    assert code == 1 and "clean.html" not in out and "spam.html" in out and "checked" not in out
    assert _invoke("--quiet", str(files / "clean.html"))[1] == ""


def test_exit_zero_and_fail_on(files: Path, tmp_path: Path) -> None:
    assert _invoke("--exit-zero", str(files / "spam.html"))[0] == 0
    assert _invoke("--exit-zero", str(files / "missing.html"))[0] == 2  # errors still count
    warned = tmp_path / "warn.html"  # passes, with warning-level findings (a run of exclamation marks)
    warned.write_text("<html><body><p>Hello!!! The gardening club meets on Tuesday at seven.</p></body></html>\n")
    code, out, _ = _invoke("--format", "json", str(warned))
    assert code == 0 and any(f["severity"] == "warning" for f in json.loads(out)["results"][0]["findings"])
    assert _invoke("--fail-on", "warning", str(warned))[0] == 1
    assert _invoke("--fail-on", "warning", str(files / "clean.html"))[0] == 0


def test_output_file_gets_the_report(files: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.json"
    target.parent.mkdir()
    code, out, _ = _invoke("--format", "json", "-o", str(target), str(files / "spam.html"))
    assert code == 1 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["results"][0]["verdict"] == "fail"


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_output_file_gets_the_bulk_checklist(files: Path, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"profile.{fmt}"
    code, out, _ = _invoke("--profile", "bulk", "--format", fmt, "-o", str(target), str(files / "spam.html"))
    assert code == 0 and out == ""  # the checklist went to the file, not to standard output (a template: nothing fails)
    text = target.read_text(encoding="utf-8")
    assert "bulk-sender requirements" in text if fmt == "text" else json.loads(text)["profiles"][0]["requirements"]
