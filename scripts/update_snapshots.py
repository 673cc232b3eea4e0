"""Regenerate the committed expected CLI output for every file in samples/ (and for the whole folder).

Run from the repository root after a deliberate change to rules or output:
    python scripts/update_snapshots.py
then read the diff of tests/expected/ before committing it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORMATS = {"txt": ["--format", "text"], "json": ["--format", "json"], "github": ["--format", "github"],
           "gitlab": ["--format", "gitlab"], "junit": ["--format", "junit"], "html": ["--format", "html"]}
# SARIF carries every rule's metadata (~150 kB), so it is snapshotted once, over the whole folder
FOLDER_FORMATS = {"sarif": ["--format", "sarif"]}


def run(sample: Path, args: list[str]) -> str:
    """The CLI's standard output for one sample (or folder), run as a user would from the repo root."""
    cmd = [sys.executable, "-m", "spamlint", *args, str(sample.relative_to(ROOT))]
    env = {"NO_COLOR": "1", "PATH": "", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, check=False).stdout


def main() -> None:
    """Write tests/expected/<sample>.<fmt> for each sample and format, and samples.<fmt> for the folder."""
    out_dir = ROOT / "tests" / "expected"
    out_dir.mkdir(exist_ok=True)
    for sample in sorted((ROOT / "samples").iterdir()):
        for ext, args in FORMATS.items():
            (out_dir / f"{sample.name}.{ext}").write_text(run(sample, args), encoding="utf-8")
            print(f"wrote tests/expected/{sample.name}.{ext}")
    for ext, args in FOLDER_FORMATS.items():
        (out_dir / f"samples.{ext}").write_text(run(ROOT / "samples", args), encoding="utf-8")
        print(f"wrote tests/expected/samples.{ext}")


if __name__ == "__main__":
    main()
