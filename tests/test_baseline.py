"""--baseline: record today's findings, report only new ones later, matched without line numbers."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from spamlint.cli import main

SPAMMY = ("<html><body><p>CONGRATULATIONS WINNER!!! You have been SELECTED for a FREE PRIZE!!!</p>\n"
          "<p>Claim your prize within 24 hours: <a href='http://203.0.113.9/win'>http://203.0.113.9/win</a></p>\n"
          "</body></html>\n")


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_baseline_round_trip(tmp_path: Path) -> None:
    page, base = tmp_path / "promo.html", tmp_path / "baseline.json"
    page.write_text(SPAMMY)
    code, _, err = _run("--baseline", str(base), str(page))
    assert code == 0 and "recorded" in err and base.exists()
    recorded = json.loads(base.read_text(encoding="utf-8"))["findings"]
    assert recorded and all(set(e) == {"rule", "path", "content"} for e in recorded)

    # edits above the findings move every line: nothing comes back
    page.write_text(SPAMMY.replace("<body>", "<body>\n<p>Our spring newsletter, with a short note first.</p>\n\n"))
    code, out, _ = _run("--format", "json", "--baseline", str(base), str(page))
    assert code == 0 and json.loads(out)["results"][0]["findings"] == []

    # a new finding is reported, and a second occurrence of a recorded phrase is new too
    page.write_text(SPAMMY.replace("</body>", "<p>Visit <a href='https://bit.ly/x1'>our page</a>.</p>\n"
                                              "<p>Again: <a href='http://203.0.113.9/win'>here</a></p>\n</body>"))
    code, out, _ = _run("--format", "json", "--baseline", str(base), str(page))
    found = [(f["rule"], f["line"]) for f in json.loads(out)["results"][0]["findings"]]
    assert ("shortened-link", 3) in found and ("ip-address-link", 4) in found
    assert all(line >= 3 for _, line in found), found

    # --update-baseline records them: clean again
    assert _run("--baseline", str(base), "--update-baseline", str(page))[0] == 0
    code, out, _ = _run("--format", "json", "--baseline", str(base), str(page))
    assert json.loads(out)["results"][0]["findings"] == []


def test_a_failing_file_passes_when_its_findings_are_recorded_but_not_another_file(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(SPAMMY)
    base = tmp_path / "b.json"
    _run("--baseline", str(base), str(tmp_path / "a.html"))
    (tmp_path / "c.html").write_text(SPAMMY)
    code, out, _ = _run("--baseline", str(base), str(tmp_path / "a.html"), str(tmp_path / "c.html"))
    assert code == 1 and "c.html: score" in out and "a.html" not in out.split("c.html: score")[0].replace(
        str(tmp_path / "c.html"), "")


def test_a_broken_baseline_is_one_line_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(SPAMMY)
    base = tmp_path / "b.json"
    base.write_text("{not json")
    code, _, err = _run("--baseline", str(base), str(tmp_path / "a.html"))
    assert code == 2 and str(base) in err and err.count("\n") == 1
    assert _run("--update-baseline", str(tmp_path / "a.html"))[0] == 2
