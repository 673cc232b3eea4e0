"""Inputs that used to take quadratic time or print huge lines finish quickly and quote little (issue 14, item 5).

Each runs the real command line in a child process with a time limit well under what the old
code took on the team's machine (45 s to over 120 s each), so a regression shows as a timeout,
not as a slow test; no timings are asserted beyond that bound.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [sys.executable, "-c", "from spamlint.cli import main; main()"]
CASES = [
    # (file name, content, what the old code did)
    ("marks.txt", "!" * 64000 + "x", "45 s: sentence ends sought at every mark of the run"),
    ("consonants.txt", "é " + "bcdfg" * 16000, "77 s: nonsense-words walked back over the run from every hint"),
    ("www.txt", "www." * 500000, "over 120 s: a 2 MB host's suffixes were copied one label at a time"),
    ("comments.html", "<!-- spamlint-disable caps-words -->" * 50000,
     "50 s and 50,000 findings: every disable searched all later comments for its enable"),
    ("huge-run.txt", "!" * 10_000_000, "a 2 MB message line quoting the whole run"),
]


@pytest.mark.parametrize(("name", "content", "old"), CASES, ids=[c[0] for c in CASES])
def test_pathological_text_is_linted_in_bounded_time_and_output(tmp_path: Path, name: str, content: str,
                                                                 old: str) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    run = subprocess.run([*CLI, "--format", "json", name], capture_output=True, cwd=tmp_path, timeout=30, check=False)
    assert run.returncode in (0, 1), run.stderr
    result = json.loads(run.stdout)["results"][0]
    assert len(result["findings"]) <= 200
    assert all(len(f["message"]) <= 400 for f in result["findings"])


def test_stdin_is_read_up_to_a_raised_input_limit(tmp_path: Path) -> None:
    """Standard input used to be cut at the default 32 MiB whatever the config said, silently."""
    (tmp_path / ".spamlint.yaml").write_text("limits:\n  max_input_bytes: 41943040\n")  # 40 MiB
    big = (b"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\n" * 520_000)  # 34 MiB
    data = (b'Subject: files\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n'
            b"--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n" + big +
            b"--b\nContent-Type: text/plain\n\nCongratulations, you have been selected. Claim your prize.\n--b--\n")
    run = subprocess.run([*CLI, "--format", "json", "-"], input=data, capture_output=True, cwd=tmp_path,
                         timeout=120, check=False)
    assert run.returncode in (0, 1), run.stderr
    rules = [f["rule"] for f in json.loads(run.stdout)["results"][0]["findings"]]
    assert "prize-claim" in rules  # the part after the 32nd MiB was read
