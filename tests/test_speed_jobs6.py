"""Issue 15, sixth pass: `-j N` does the work of `-j 1`, with what every worker would do done once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from spamlint.engine import batch
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
    return normalize._confusables.cache_info().currsize


@FORKS
@pytest.mark.parametrize("inputs", [4, 2 * batch.PRELOAD_PER_WORKER])
def test_workers_of_a_large_batch_inherit_the_confusables_table(monkeypatch: pytest.MonkeyPatch, inputs: int) -> None:
    normalize._confusables.cache_clear()
    monkeypatch.setattr(batch, "_work", _confusables_in_worker)
    large = inputs >= 2 * batch.PRELOAD_PER_WORKER
    assert list(batch.run(_hellos(inputs), batch.Options(), jobs=2)) == [int(large)] * inputs
    assert normalize._confusables.cache_info().currsize == int(large)  # a small batch reads nothing it may not need


def test_the_letter_the_preload_folds_reads_the_confusables_table() -> None:
    normalize._confusables.cache_clear()
    assert normalize.fold_char.__wrapped__("\u0430") == "a"
    assert normalize._confusables.cache_info().misses == 1


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
