"""The CLI over samples/ matches the committed expected output (regenerate: scripts/update_snapshots.py)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples").iterdir())
_spec = importlib.util.spec_from_file_location("update_snapshots", ROOT / "scripts" / "update_snapshots.py")
snapshots = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(snapshots)  # type: ignore[union-attr]


@pytest.mark.parametrize("fmt", sorted(snapshots.FORMATS))
@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_cli_output_matches_expected(sample: Path, fmt: str) -> None:
    expected = (ROOT / "tests" / "expected" / f"{sample.name}.{fmt}").read_text(encoding="utf-8")
    assert snapshots.run(sample, snapshots.FORMATS[fmt]) == expected


@pytest.mark.parametrize("fmt", sorted(snapshots.FOLDER_FORMATS))
def test_cli_folder_output_matches_expected(fmt: str) -> None:
    expected = (ROOT / "tests" / "expected" / f"samples.{fmt}").read_text(encoding="utf-8")
    assert snapshots.run(ROOT / "samples", snapshots.FOLDER_FORMATS[fmt]) == expected


@pytest.mark.parametrize(
    ("name", "verdict"),
    [("newsletter.eml", "pass"), ("receipt.eml", "pass"), ("welcome-template.html", "pass"),
     ("spammy-promotion.eml", "fail"), ("promo-template.txt", "fail")],
)
def test_sample_verdicts(name: str, verdict: str) -> None:
    data = json.loads(snapshots.run(ROOT / "samples" / name, ["--format", "json"]))
    assert data["results"][0]["verdict"] == verdict


def test_samples_cover_the_four_kinds() -> None:
    names = {s.name for s in SAMPLES}
    assert {"newsletter.eml", "receipt.eml", "spammy-promotion.eml", "welcome-template.html"} <= names


def test_readme_sample_output_is_what_the_cli_prints() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- sample-output:start -->", 1)[1].split("<!-- sample-output:end -->", 1)[0]
    shown = block.split("```\n", 1)[1].rsplit("```", 1)[0]
    assert shown == (ROOT / "tests" / "expected" / "promo-template.txt.txt").read_text(encoding="utf-8")
