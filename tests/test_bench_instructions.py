"""scripts/bench_instructions.py: reading callgrind's total, and the in-process runs it counts.

Nothing here is timed or compared with a figure: the counts themselves are the script's output.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_instructions", REPO / "scripts" / "bench_instructions.py")
bench_instructions = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_instructions)

CALLGRIND_STDERR = """==4242== Callgrind, a call-graph generating cache profiler
==4242== Command: python -c pass
==4242==
==4242== Events    : Ir
==4242== Collected : 38012345
==4242==
==4242== I   refs:      38,012,345
"""


def test_collected_reads_the_total_line() -> None:
    assert bench_instructions.collected(CALLGRIND_STDERR) == 38012345


@pytest.mark.parametrize("stderr", ["", "valgrind: failed to start tool 'callgrind'\n", "==1== I   refs: 5\n"])
def test_collected_without_a_total_says_so(stderr: str) -> None:
    with pytest.raises(ValueError, match="Collected"):
        bench_instructions.collected(stderr)


@pytest.mark.parametrize(("direct_url", "expected"), [
    ('{"url": "file:///src/spamlint", "dir_info": {"editable": true}}', True),
    ('{"url": "file:///src/spamlint", "dir_info": {}}', False),  # pip install . from a folder
    ('{"url": "file:///src/spamlint", "dir_info": {"editable": "yes"}}', False),  # PEP 610: a boolean
    ('{"url": "https://example.org/spamlint.whl", "archive_info": {}}', False),
    (None, False),  # installed from an index: no direct_url.json
    ("not json", False),
    ("[]", False),
])
def test_editable_reads_pep_610(direct_url: str | None, expected: bool) -> None:
    assert bench_instructions.editable(direct_url) is expected


@pytest.mark.parametrize("mode", ["bare", "load"])
def test_in_process_runs_read_real_samples(mode: str) -> None:
    # the runs `report` counts: each must read every file it is given without failing, or the
    # count would be of an early exit
    samples = [str(p) for p in sorted((REPO / "samples").iterdir()) if p.suffix in (".eml", ".html")]
    run = subprocess.run(bench_instructions.in_process(mode, samples), capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout == ""


def test_links_run_lints_the_messages_it_is_given() -> None:
    run = subprocess.run(bench_instructions.in_process("links", ["0", "40"]), capture_output=True, text=True,
                         check=False)
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize(("label", "code"), bench_instructions.STARTUP_STEPS)
def test_startup_steps_are_code_that_runs(label: str, code: str) -> None:
    # a step that raised would be counted as far as its error, not as the start-up it names
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 0, f"{label}: {run.stderr}"


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_count_runs_a_command_under_callgrind() -> None:
    small = bench_instructions.count([sys.executable, "-S", "-c", "pass"])
    more = bench_instructions.count([sys.executable, "-S", "-c", "sum(range(200000))"])
    assert 1_000_000 < small < more


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_count_refuses_a_run_that_failed() -> None:
    with pytest.raises(RuntimeError, match="exited with 3"):
        bench_instructions.count([sys.executable, "-S", "-c", "raise SystemExit(3)"])
