"""The pre-commit hook, run by the real `pre-commit try-repo` against a temporary git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SPAMMY = """<html><body>
<p>CONGRATULATIONS WINNER!!! You have been SELECTED for a FREE PRIZE!!!</p>
<p>Act now, 100% free, risk free, guaranteed. Click here to claim your cash bonus!!!</p>
<p>Dear friend, you have been selected: claim your prize within 24 hours, this exclusive deal expires tonight.</p>
<p><a href="https://bit.ly/3xYz">www.mybank.com</a></p>
</body></html>
"""
CLEAN = """<html><body>
<p>Hello {{ first_name }},</p>
<p>Here is the monthly report of the gardening club. We planted tomatoes in April.</p>
<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>
</body></html>
"""
GIT_ID = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
          "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT_ID})


def _try_repo(project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    # --ref HEAD: the committed hook, not whatever half-done edits sit in a shared working tree
    # (try-repo would copy tracked edits but leave out new untracked modules they import).
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    env = {**os.environ, **GIT_ID, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run([shutil.which("pre-commit") or "pre-commit", "try-repo", str(REPO), "spamlint",
                           "--ref", head.strip(), "--all-files", "--color", "never"],
                          cwd=project, env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.skipif(shutil.which("pre-commit") is None or shutil.which("git") is None or not (REPO / ".git").exists(),
                    reason="needs a git checkout and the pre-commit and git executables (pip install -e '.[test]')")
def test_hook_fails_on_the_spammy_template_and_passes_without_it(tmp_path: Path) -> None:
    project = tmp_path / "newsletters"
    (project / "templates").mkdir(parents=True)
    (project / "templates" / "welcome.html").write_text(CLEAN)
    (project / "templates" / "promo.html").write_text(SPAMMY)
    (project / "README.md").write_text("# newsletters\n\nNOT A TEMPLATE!!! FREE FREE FREE!!!\n")
    _git(project, "init", "-q")
    _git(project, "add", ".")
    _git(project, "commit", "-q", "-m", "templates")

    failed = _try_repo(project, tmp_path / "pc-home")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "templates/promo.html" in failed.stdout and "FAIL" in failed.stdout
    # the passing template is checked but not listed; the closing summary counts it
    assert "welcome.html" not in failed.stdout and "2 files checked, 1 failed" in failed.stdout
    assert "README.md" not in failed.stdout.split("Using config:")[-1]

    _git(project, "rm", "-q", "templates/promo.html")
    _git(project, "commit", "-q", "-m", "drop the promo")
    passed = _try_repo(project, tmp_path / "pc-home")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "spamlint" in passed.stdout and "Passed" in passed.stdout
