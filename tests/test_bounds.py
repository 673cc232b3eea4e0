"""Every input bounded as a whole, and one bad input never costs the batch (issue 14, items 6-8, 10, 11).

Each repro runs the real command line in a child process, under a time limit (and, where
memory is the point, an address-space limit), so a regression shows as a timeout or a
MemoryError in the child, never as a slow or flaky timed unit test.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from spamlint import Limits
from spamlint.text.patterns import Searches, user_pattern

CLI = [sys.executable, "-c", "from spamlint.cli import main; main()"]


def cli(args: list[str], cwd: Path, timeout: float = 60, memory_mb: int | None = None,
        stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """The command line in a child process, killed after `timeout` s, its address space capped at memory_mb."""
    def cap() -> None:
        if memory_mb is not None:
            size = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (size, size))

    return subprocess.run([*CLI, *args], cwd=cwd, capture_output=True, timeout=timeout, check=False,
                          preexec_fn=cap, input=stdin)


def results(run: subprocess.CompletedProcess[bytes]) -> dict[str, Any]:
    """path -> JSON result of a --format json run."""
    return {r["path"]: r for r in json.loads(run.stdout)["results"]}


def multipart(count: int, body: str, ctype: str = "text/html") -> str:
    """A message of `count` parts of the same body."""
    parts = "".join(f"--b\nContent-Type: {ctype}\n\n{body}\n" for _ in range(count))
    return f'Subject: hi\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n{parts}--b--\n'


# --- item 6: a counted work budget per input, each rule a share ---------------------------------

@pytest.mark.parametrize(("attrs", "expect"), [("size=9 color=#00ff00", set()),
                                                ("size=7 color=red", {"big-font", "loud-font-colour"})])
def test_unclosed_font_tags_in_499_parts_are_linted_in_bounded_time(tmp_path: Path, attrs: str,
                                                                    expect: set[str]) -> None:
    """618 s before: each <font without > was scanned to the end of its part, per tag, per rule."""
    (tmp_path / "font.eml").write_text(multipart(499, f"<font {attrs} " * 1500))
    run = cli(["--format", "json", "font.eml"], tmp_path, timeout=90)
    assert run.returncode in (0, 1), run.stderr
    findings = results(run)["font.eml"]["findings"]
    rules = {f["rule"] for f in findings}
    assert rules & {"big-font", "loud-font-colour"} == expect
    assert not [f for f in findings if f["rule"] == "limit-reached"]  # nothing ran out: the work was linear


def test_the_same_file_gives_the_same_json_alone_and_among_workers(tmp_path: Path) -> None:
    """A rule's result may not depend on machine load: the heavy file alone, then in a batch of 3 workers."""
    (tmp_path / "font.eml").write_text(multipart(300, "<font size=7 color=red " * 1500))
    for i in range(4):
        (tmp_path / f"busy{i}.eml").write_text(multipart(200, "<font size=9 color=#00ff00 " * 1500))
    alone = cli(["--format", "json", "font.eml"], tmp_path, timeout=90)
    batch = cli(["--format", "json", "-j", "3", "."], tmp_path, timeout=180)
    assert batch.returncode in (0, 1), batch.stderr
    assert results(batch)["font.eml"] == results(alone)["font.eml"]


def test_a_rule_out_of_its_budget_is_named_in_the_report(tmp_path: Path) -> None:
    """A subject given on the command line is not part of the input's size: a tiny share runs out."""
    (tmp_path / ".spamlint.yaml").write_text("limits:\n  search_factor: 1\n  min_search_chars: 100\n")
    (tmp_path / "t.html").write_text("<html><body><p>Hello, the June programme is attached.</p></body></html>")
    args = ["--format", "json", "--subject", "FREE money " * 500, "t.html"]
    first, again = cli(args, tmp_path), cli(args, tmp_path)
    reached = [f["message"] for f in results(first)["t.html"]["findings"] if f["rule"] == "limit-reached"]
    assert any("rule money-amount ran out of its search budget of 100 characters" in m for m in reached)
    assert all("search_factor=1" in m for m in reached)
    assert first.stdout == again.stdout


def test_searches_charge_what_they_scan_and_stay_out_once_out() -> None:
    searches = Searches(Limits(search_factor=1, min_search_chars=30), size=0)
    searches.start("some-rule")
    pattern = user_pattern(r"b\d")
    assert [m.group() for m in pattern.finditer("aaaa b1 aaaa b2 aaaa", searches)] == ["b1", "b2"]
    assert searches.left == 30 - 20  # the text once, though two searches ran
    assert pattern.search("x" * 9 + "b3", searches) is None  # 11 characters > the 10 left
    assert pattern.search("b4", searches) is None  # once out, out
    assert searches.problems == [("limit", "rule some-rule ran out of its search budget of 30 characters "
                                           "(limit search_factor=1)")]
    searches.start("next-rule")  # a fresh share for the next rule
    assert pattern.found("b5", searches) and pattern.found("b5", searches)  # the memo's answer is charged too
    assert searches.left == 30 - 4
