"""The layering declared in pyproject.toml ([tool.importlinter]) holds: `lint-imports` exits 0."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _lint_imports() -> str:
    beside = Path(sys.executable).parent / "lint-imports"  # the venv's, even when it is not on PATH
    found = str(beside) if beside.is_file() else shutil.which("lint-imports")
    assert found, "lint-imports is missing: pip install -e '.[test]' (import-linter)"
    return found


def test_import_contracts_are_kept() -> None:
    result = subprocess.run([_lint_imports(), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_contracts_cover_the_layers_the_docs_name() -> None:
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
    kinds = {c["type"] for c in contracts}
    assert {"layers", "acyclic_siblings", "protected", "forbidden"} <= kinds
    layers = next(c for c in contracts if c["type"] == "layers")["layers"]
    assert layers[0] == "cli" and layers[-1] == "errors"
