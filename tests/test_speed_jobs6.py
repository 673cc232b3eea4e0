"""Issue 15, sixth pass: `-j N` does the work of `-j 1`, with what every worker would do done once."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from spamlint.engine import batch, workers
from spamlint.inputs.sources import Source
from spamlint.text import normalize

ROOT = Path(__file__).resolve().parents[1]
FORKS = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork only on Linux")


def _hellos(count: int, folders: int = 1, root: Path = Path("in")) -> list[Source]:
    return [Source(name=str(root / f"f{i % folders}" / f"m{i}.txt"), ext=".txt", data=b"hello") for i in range(count)]


# -- engine/batch.py: each input's settings found before forking ------------------------------------
def _config_lookups_in_worker(source: Source) -> int:
    """What a worker reports instead of a lint: the folders looked up for a config so far, after its input's."""
    assert batch._OPTIONS is not None
    batch.config_for(source.name, batch._OPTIONS)
    return batch._config_in.cache_info().misses


@FORKS
@pytest.mark.parametrize("inputs", [4, 40])
def test_workers_inherit_each_inputs_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, inputs: int) -> None:
    monkeypatch.setattr(batch, "_work", _config_lookups_in_worker)
    sources = _hellos(inputs, folders=3, root=tmp_path)
    # every folder was looked up once, in the parent: a worker looks up none again
    assert list(batch.run(sources, batch.Options(), jobs=2)) == [3] * inputs
    assert batch._config_in.cache_info().misses == 3


@FORKS
def test_a_bad_config_found_before_forking_is_still_the_inputs_fatal_failure(tmp_path: Path) -> None:
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / ".spamlint.yaml").write_text("select: [no-such-rule]\n")
    sources = _hellos(2, root=tmp_path) + _hellos(2, root=tmp_path / "bad")
    parallel = list(batch.run(sources, batch.Options(), jobs=2))
    assert parallel == list(batch.run(sources, batch.Options(), jobs=1))
    assert [getattr(o, "fatal", False) for o in parallel] == [False, False, True, True]


# -- engine/batch.py: the confusables table read before forking -------------------------------------
def _confusables_in_worker(source: Source) -> int:
    """What a worker reports instead of a lint: whether it started with the confusables table read."""
    return normalize.confusables.cache_info().currsize


@FORKS
@pytest.mark.parametrize("inputs", [4, 2 * batch.PRELOAD_PER_WORKER])
def test_workers_of_a_large_batch_inherit_the_confusables_table(monkeypatch: pytest.MonkeyPatch, inputs: int) -> None:
    normalize.confusables.cache_clear()
    monkeypatch.setattr(batch, "_work", _confusables_in_worker)
    large = inputs >= 2 * batch.PRELOAD_PER_WORKER
    assert list(batch.run(_hellos(inputs), batch.Options(), jobs=2)) == [int(large)] * inputs
    assert normalize.confusables.cache_info().currsize == int(large)  # a small batch reads nothing it may not need


def test_the_letter_the_preload_folds_reads_the_confusables_table() -> None:
    normalize.confusables.cache_clear()
    assert normalize.fold_char.__wrapped__("\u0430") == "a"
    assert normalize.confusables.cache_info().misses == 1


# -- engine/workers.py: runs of consecutive inputs, answered one by one ---------------------------
def test_runs_cover_every_input_once_in_order_shrinking_towards_the_end() -> None:
    queue = workers._Queue(range(196), 2)
    runs = []
    while run := queue.run():
        runs.append([index for index, _ in run])
    assert [i for run in runs for i in run] == list(range(196))
    sizes = [len(r) for r in runs]
    assert sizes[0] == workers.RUN_MAX and sizes[-1] == 1 and sizes == sorted(sizes, reverse=True)
    assert all(size <= max(1, (196 - sum(sizes[:n])) // (workers.RUN_SHARE * 2)) for n, size in enumerate(sizes))


def test_a_stream_of_inputs_goes_out_one_at_a_time_and_put_back_tasks_go_first() -> None:
    queue = workers._Queue(iter("abc"), 2)
    assert queue.run() == [(0, "a")]
    queue.put_back([(7, "x"), (8, "y")])
    assert [queue.run(), queue.run(), queue.run(), queue.run()] == [[(7, "x")], [(8, "y")], [(1, "b")], [(2, "c")]]
    assert queue.run() == []


class _Named(str):
    """A source for in_workers: the lost-input message reads its name."""

    @property
    def name(self) -> str:
        return str(self)


_LOG: list[Path] = []
_VICTIM: list[str] = []


def _double_or_die(source: _Named) -> str:
    """Log that the source was started, then double it; die on the victim as the OOM killer would kill its worker."""
    with open(_LOG[0], "a") as log:
        log.write(f"{source}\n")
    if source == _VICTIM[0]:
        os.kill(os.getpid(), signal.SIGKILL)
    return source * 2


@FORKS
@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_a_worker_killed_inside_a_run_costs_only_the_input_it_was_linting(tmp_path: Path, jobs: int) -> None:
    sources = [_Named(f"s{i}") for i in range(60)]
    runs = list(iter(workers._Queue(sources, jobs).run, []))
    victim = next(index for run in runs[1:] if len(run) >= 3 for index, _ in run[1:2])  # inside a run, not its first
    _LOG[:], _VICTIM[:] = [tmp_path / "started.log"], [sources[victim]]
    out = list(workers.in_workers(sources, jobs, multiprocessing.get_context("fork"), lambda _: None, None,
                                  _double_or_die, lambda message: ("lost", message)))
    assert out[victim] == ("lost", f"{sources[victim]}: not linted: its worker process was lost "
                                   "(killed by SIGKILL; out of memory?)")
    assert out[:victim] + out[victim + 1:] == [s * 2 for s in sources if s != sources[victim]]
    # the rest of the dead worker's run went to another worker: every input was started exactly once
    assert sorted(_LOG[0].read_text().split()) == sorted(sources)


# -- the command line: -j N's JSON is -j 1's, byte for byte ----------------------------------------
@FORKS
def test_jobs_give_byte_identical_json_over_a_folder_of_samples(tmp_path: Path) -> None:
    for copy in range(12):  # 60 inputs in 12 folders: runs of several inputs, some across folders
        shutil.copytree(ROOT / "samples", tmp_path / f"set{copy:02}")
    outputs = {jobs: subprocess.run([sys.executable, "-m", "spamlint", "--format", "json", "-j", str(jobs), "."],
                                    cwd=tmp_path, capture_output=True, check=False)
               for jobs in (1, 2, 3)}
    assert outputs[1].stdout.count(b'"path"') == 60 and outputs[1].stderr == b""
    assert outputs[2].stdout == outputs[1].stdout and outputs[3].stdout == outputs[1].stdout
    assert outputs[2].returncode == outputs[1].returncode == outputs[3].returncode


# -- engine/batch.py: rule patterns compiled before forking only for batches of messages ----------
@FORKS
@pytest.mark.parametrize(("ext", "warmed"), [(".txt", True), (".eml", True), ("", True), (".html", False),
                                              (".HTM", False), (".mjml", False)])
def test_rule_patterns_are_compiled_before_forking_only_when_inputs_may_be_messages(
        monkeypatch: pytest.MonkeyPatch, ext: str, warmed: bool) -> None:
    calls: list[int] = []
    monkeypatch.setattr(batch, "_warm_rules", lambda rules: calls.append(len(rules)))
    monkeypatch.setattr(batch, "_work", lambda source: None)
    inputs = 2 * batch.PRELOAD_PER_WORKER
    sources = [Source(name=f"m{i}{ext}", ext=ext, data=b"hello") for i in range(inputs)]
    assert list(batch.run(sources, batch.Options(), jobs=2)) == [None] * inputs
    assert calls == ([len(batch.builtin_rules())] if warmed else [])
    # a mixed batch: warmed when enough of its inputs may be messages for every worker to meet some
    calls.clear()
    mixed = sources[: inputs // 2] + [Source(name=f"t{i}.html", ext=".html", data=b"<p>hi") for i in range(inputs)]
    list(batch.run(mixed, batch.Options(), jobs=2))
    assert calls == []


# -- engine/batch.py: what reading HTML imports, imported before forking ---------------------------
IMPORTS_IN_WORKER = """
import sys
from spamlint.engine import batch
from spamlint.inputs.sources import Source

init, work, at_fork = batch._init_worker, batch._work, []
batch._init_worker = lambda options: (at_fork.append(set(sys.modules)), init(options))
batch._work = lambda source: (work(source), sorted(set(sys.modules) - at_fork[0]))[1]
page = b"<html><body><p style='color:#c00; font-weight:bold'>Tom &amp; Jerry</p></body></html>"
sources = [Source(name=f"t{i}.html", ext=".html", data=page) for i in range(int(sys.argv[1]))]
print(" ".join(sorted(set().union(*batch.run(sources, batch.Options(), jobs=2)))))
"""


@FORKS
@pytest.mark.parametrize("inputs", [4, 2 * batch.PRELOAD_PER_WORKER])
def test_workers_of_a_large_batch_inherit_what_reading_html_imports(inputs: int) -> None:
    run = subprocess.run([sys.executable, "-c", IMPORTS_IN_WORKER, str(inputs)], capture_output=True, text=True,
                         check=True)
    imported = set(run.stdout.split())
    large = inputs >= 2 * batch.PRELOAD_PER_WORKER
    assert bool({"html", "html.entities", "tinycss2", "tinycss2.color3"} & imported) is not large, imported
