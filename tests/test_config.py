"""Configuration: discovery, validation, precedence and every key's effect on a real lint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from spamlint.cli import main
from spamlint.config import Config, effective, find_config, load_config
from spamlint.errors import ConfigError

SPAMMY = """<html><body>
<p>CONGRATULATIONS WINNER!!! You have been SELECTED for a FREE PRIZE!!!</p>
<p><a href="https://bit.ly/3xYz">www.mybank.com</a></p>
</body></html>
"""
MISMATCH = '<p><a href="https://click.mail.example.net/x">www.example.com</a></p>\n'
USER_RULE = """id: gardening-jargon
category: risky-words
check: pattern
scope: body
points: 0.7
severity: info
message: "gardening jargon"
why: Test rule from a user's rule folder.
fix: Say it plainly.
options:
  pattern: '\\bmulch\\b'
examples:
  hit: ["Add mulch now."]
  miss: ["Add compost now."]
"""


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _lint(root: Path, *args: str) -> tuple[int, dict[str, list[dict]], str]:
    """Run the CLI with JSON output; findings by path."""
    result = CliRunner().invoke(main, ["--format", "json", *args], catch_exceptions=False)
    if result.exit_code == 2:
        return 2, {}, result.stderr
    data = json.loads(result.stdout)
    return result.exit_code, {r["path"]: r for r in data["results"]}, result.stderr


def _rules(report: dict) -> set[str]:
    return {f["rule"] for f in report["findings"]}


def test_find_config_walks_up_and_the_nearest_file_wins(tmp_path: Path) -> None:
    _write(tmp_path, {".spamlint.yaml": "threshold: 9\n", "a/b/c/x.html": "<p>x</p>",
                      "a/pyproject.toml": "[tool.spamlint]\nthreshold = 4\n",
                      "a/b/pyproject.toml": "[project]\nname = 'no-table'\n"})
    assert find_config((tmp_path / "a/b/c").resolve()) == (tmp_path / "a/pyproject.toml").resolve()
    assert find_config(tmp_path.resolve()) == (tmp_path / ".spamlint.yaml").resolve()
    assert load_config((tmp_path / "a/pyproject.toml").resolve()).threshold == 4.0


def test_spamlint_yaml_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    _write(tmp_path, {".spamlint.yaml": "threshold: 9\n", "pyproject.toml": "[tool.spamlint]\nthreshold = 4\n"})
    assert find_config(tmp_path.resolve()) == (tmp_path / ".spamlint.yaml").resolve()


@pytest.mark.parametrize("name, text, key", [
    (".spamlint.yaml", "treshold: 3\n", "treshold"),
    ("pyproject.toml", "[tool.spamlint]\nselct = ['links']\n", "selct"),
])
def test_unknown_key_is_a_one_line_error_naming_file_and_key(tmp_path: Path, name: str, text: str, key: str) -> None:
    _write(tmp_path, {name: text, "t.html": "<p>Hello</p>"})
    code, _, err = _lint(tmp_path, str(tmp_path / "t.html"))
    assert code == 2
    assert err.count("\n") == 1 and name in err and repr(key) in err and "Traceback" not in err


@pytest.mark.parametrize("text, fragment", [
    ("threshold: high\n", "threshold"),
    ("threshold: 0\n", "threshold"),
    ("select: 5\n", "select"),
    ("points: {caps-words: -1}\n", "points.caps-words"),
    ("points: {no-such-rule: 1}\n", "no-such-rule"),
    ("ignore: [no-such-rule]\n", "no-such-rule"),
    ("per-file-ignores: [a, b]\n", "per-file-ignores"),
    ("- just\n- a list\n", "mapping"),
    ("threshold: [\n", "not valid YAML"),
    ("rule-paths: [missing-folder]\n", "not a folder"),
])
def test_bad_values_exit_2_with_the_reason(tmp_path: Path, text: str, fragment: str) -> None:
    _write(tmp_path, {".spamlint.yaml": text, "t.html": "<p>Hello</p>"})
    code, _, err = _lint(tmp_path, str(tmp_path / "t.html"))
    assert code == 2 and fragment in err and err.startswith("spamlint: ")


@pytest.mark.parametrize("file_cfg, flags, expected", [
    (None, Config(), (None, None, ())),
    (Config(threshold=3.0, select=("links",), ignore=("a",)), Config(), (3.0, ("links",), ("a",))),
    (Config(threshold=3.0, select=("links",), ignore=("a",)), Config(threshold=7.0, select=("all-caps",), ignore=("b",)),
     (7.0, ("all-caps",), ("a", "b"))),
    (None, Config(threshold=2.0, ignore=("b",)), (2.0, None, ("b",))),
])
def test_precedence_defaults_then_file_then_flags(file_cfg: Config | None, flags: Config, expected: tuple) -> None:
    cfg = effective(file_cfg, flags)
    assert (cfg.threshold, cfg.select, cfg.ignore) == expected


@pytest.mark.parametrize("config, present, absent", [
    ("", {"caps-words", "shortened-link", "exclamation-run"}, set()),
    ("select: [links]\n", {"shortened-link", "anchor-domain-mismatch"}, {"caps-words", "exclamation-run"}),
    ("ignore: [exclamation, caps-words]\n", {"shortened-link"}, {"exclamation-run", "exclamation-sentence", "caps-words"}),
    ("select: [links]\nextend-select: [caps-words]\n", {"shortened-link", "caps-words"}, {"exclamation-run"}),
    ("select: 'links, all-caps'\nignore: [shortened-link]\n", {"caps-words", "anchor-domain-mismatch"},
     {"shortened-link", "exclamation-run"}),
])
def test_select_ignore_extend_select_by_id_and_category(tmp_path: Path, config: str, present: set, absent: set) -> None:
    _write(tmp_path, {".spamlint.yaml": config, "t.html": SPAMMY})
    _, reports, _ = _lint(tmp_path, str(tmp_path / "t.html"))
    found = _rules(reports[str(tmp_path / "t.html")])
    assert present <= found and not absent & found


def test_cli_flags_override_the_config_file(tmp_path: Path) -> None:
    _write(tmp_path, {".spamlint.yaml": "select: [links]\nthreshold: 100\n", "t.html": SPAMMY})
    path = str(tmp_path / "t.html")
    code, reports, _ = _lint(tmp_path, path)
    assert code == 0 and reports[path]["threshold"] == 100
    code, reports, _ = _lint(tmp_path, "--select", "exclamation", "--threshold", "0.1", path)
    assert code == 1 and _rules(reports[path]) == {"exclamation-run", "exclamation-sentence"}
    _, reports, _ = _lint(tmp_path, "--ignore", "anchor-domain-mismatch", path)
    assert _rules(reports[path]) == {"shortened-link"}


def test_explicit_config_replaces_discovery(tmp_path: Path) -> None:
    _write(tmp_path, {"proj/.spamlint.yaml": "select: [links]\n", "proj/t.html": SPAMMY,
                      "other.yaml": "select: [exclamation]\n"})
    path = str(tmp_path / "proj/t.html")
    _, reports, _ = _lint(tmp_path, "--config", str(tmp_path / "other.yaml"), path)
    assert _rules(reports[path]) == {"exclamation-run", "exclamation-sentence"}


def test_per_file_ignores_match_globs_relative_to_the_config(tmp_path: Path) -> None:
    _write(tmp_path, {".spamlint.yaml": "per-file-ignores:\n  'promo/*.html': [exclamation, shortened-link]\n",
                      "promo/a.html": SPAMMY, "news/b.html": SPAMMY})
    _, reports, _ = _lint(tmp_path, str(tmp_path))
    promo, news = _rules(reports[str(tmp_path / "promo/a.html")]), _rules(reports[str(tmp_path / "news/b.html")])
    assert "exclamation-run" in news and "shortened-link" in news
    assert "exclamation-run" not in promo and "shortened-link" not in promo and "caps-words" in promo


def test_rule_paths_add_user_rules_validated_like_builtins(tmp_path: Path) -> None:
    _write(tmp_path, {".spamlint.yaml": "rule-paths: [my-rules]\n", "my-rules/gardening-jargon.yaml": USER_RULE,
                      "t.txt": "Add mulch now, friends.\n"})
    path = str(tmp_path / "t.txt")
    _, reports, _ = _lint(tmp_path, path)
    hits = [f for f in reports[path]["findings"] if f["rule"] == "gardening-jargon"]
    assert [(h["line"], h["column"], h["points"]) for h in hits] == [(1, 5, 0.7)]
    (tmp_path / "my-rules/gardening-jargon.yaml").write_text(USER_RULE.replace("severity: info", "severity: loud"))
    code, _, err = _lint(tmp_path, path)
    assert code == 2 and "gardening-jargon.yaml" in err and "severity" in err


def test_points_override_changes_the_score(tmp_path: Path) -> None:
    _write(tmp_path, {".spamlint.yaml": "points: {shortened-link: 0, anchor-domain-mismatch: 0.25}\n", "t.html": SPAMMY})
    path = str(tmp_path / "t.html")
    _, reports, _ = _lint(tmp_path, path)
    points = {f["rule"]: f["points"] for f in reports[path]["findings"]}
    assert points["shortened-link"] == 0 and points["anchor-domain-mismatch"] == 0.25


def test_sender_domains_never_count_against_the_email(tmp_path: Path) -> None:
    _write(tmp_path, {"t.html": MISMATCH})
    path = str(tmp_path / "t.html")
    _, reports, _ = _lint(tmp_path, path)
    assert "anchor-domain-mismatch" in _rules(reports[path])
    (tmp_path / ".spamlint.yaml").write_text("sender-domains: [example.net]\n")
    _, reports, _ = _lint(tmp_path, path)
    assert "anchor-domain-mismatch" not in _rules(reports[path])


IMAGES = ('<html><body><p>Hello, our news.</p><p><a href="https://www.example.com/a">read</a></p>'
          '<img src="https://img.example.com/a.png" alt="x" width="300" height="200"></body></html>\n')


def test_sender_domains_are_never_unrelated_image_hosts(tmp_path: Path) -> None:
    _write(tmp_path, {"t.html": IMAGES.replace("www.example.com", "www.shop.example")})
    path = str(tmp_path / "t.html")
    _, reports, _ = _lint(tmp_path, path, "--select", "unrelated-image-host")
    assert _rules(reports[path]) == {"unrelated-image-host"}
    (tmp_path / ".spamlint.yaml").write_text("sender-domains: [example.com]\n")
    _, reports, _ = _lint(tmp_path, path, "--select", "unrelated-image-host")
    assert _rules(reports[path]) == set()


def test_library_lint_accepts_a_config_path(tmp_path: Path) -> None:
    import spamlint

    _write(tmp_path, {"cfg.yaml": "select: [links]\nthreshold: 2\npoints: {shortened-link: 2.5}\n"})
    report = spamlint.lint(SPAMMY, config=tmp_path / "cfg.yaml")
    assert {f.rule for f in report.findings} == {"shortened-link", "anchor-domain-mismatch"}
    assert report.threshold == 2 and report.verdict == "fail"
    with pytest.raises(ConfigError):
        spamlint.lint(SPAMMY, config=tmp_path / "missing.yaml")


RECEIVED_MAIL = """Authentication-Results: mx.receiver.example; spf=fail smtp.mailfrom=b@bank.example
Received: from [91.204.17.23] (unknown [91.204.17.23])
        by mx.receiver.example (Postfix) with ESMTP id 4A1B2C3D; Tue, 25 Jun 2024 10:09:18 +0200
From: Bank <alerts@bank.example>
Subject: Notice

Hello.
"""


def test_trusted_networks_move_the_entry_hop(tmp_path: Path) -> None:
    _write(tmp_path, {"m.eml": RECEIVED_MAIL})
    path = str(tmp_path / "m.eml")
    _, reports, _ = _lint(tmp_path, path, "--select", "origin")
    assert {"helo-bare-ip", "end-user-direct-to-mx", "spf-fail"} <= _rules(reports[path])
    (tmp_path / ".spamlint.yaml").write_text("trusted-networks: [91.204.17.0/24]\n")
    _, reports, _ = _lint(tmp_path, path, "--select", "origin")
    assert _rules(reports[path]) == set()


def test_trusted_authserv_ids_replace_the_inferred_receiver(tmp_path: Path) -> None:
    _write(tmp_path, {"m.eml": RECEIVED_MAIL})
    path = str(tmp_path / "m.eml")
    (tmp_path / ".spamlint.yaml").write_text("trusted-authserv-ids: [mx.elsewhere.example]\n")
    _, reports, _ = _lint(tmp_path, path, "--select", "spf-fail")
    assert _rules(reports[path]) == set()
    (tmp_path / ".spamlint.yaml").write_text("trusted-authserv-ids: [receiver.example]\n")
    _, reports, _ = _lint(tmp_path, path, "--select", "spf-fail")
    assert _rules(reports[path]) == {"spf-fail"}


@pytest.mark.parametrize("text,message", [
    ("trusted-networks: [10.0.0.0/33]\n", "'trusted-networks': '10.0.0.0/33' is not an IP network"),
    ("trusted-networks: 5\n", "key 'trusted-networks'"),
    ("trusted-authserv-ids: [3]\n", "key 'trusted-authserv-ids'"),
])
def test_origin_settings_are_validated(tmp_path: Path, text: str, message: str) -> None:
    cfg = tmp_path / ".spamlint.yaml"
    cfg.write_text(text)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace(".", r"\.")):
        load_config(cfg)


def test_every_config_key_is_a_row_of_the_one_table_in_usage() -> None:
    """docs/usage.md documents each key in one contiguous Markdown table (a blank line would cut it)."""
    from spamlint.config import KEYS

    usage = (Path(__file__).resolve().parents[1] / "docs" / "usage.md").read_text(encoding="utf-8")
    start = usage.index("| key | value | effect |")
    table = usage[start:usage.index("\n\n", start)]
    rows = {line.split("|")[1].strip().strip("`") for line in table.splitlines()[2:]}
    assert set(KEYS) <= rows, f"missing from the table: {sorted(set(KEYS) - rows)}"
