"""The library examples in docs/usage.md run here, exactly as written."""

from __future__ import annotations

import re
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path
from unittest import mock

import pytest

import spamlint

DOCS = Path(__file__).resolve().parents[1] / "docs" / "usage.md"


def _example(name: str) -> str:
    """The python block that follows `<!-- example: NAME -->` in docs/usage.md."""
    m = re.search(rf"<!-- example: {name} -->\s*```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    assert m, f"docs/usage.md has no example {name!r}"
    return m.group(1)


def _run_send_example() -> tuple[dict, mock.MagicMock]:
    with mock.patch("smtplib.SMTP") as smtp_cls:
        namespace: dict = {"__name__": "docs_example"}
        exec(compile(_example("send"), f"{DOCS}:example-send", "exec"), namespace)
    return namespace, smtp_cls


def test_send_example_lints_then_sends_a_clean_message() -> None:
    namespace, smtp_cls = _run_send_example()
    smtp = smtp_cls.return_value.__enter__.return_value
    smtp.send_message.assert_called_once_with(namespace["msg"])
    assert spamlint.lint(namespace["msg"]).passed


def test_send_example_refuses_a_spammy_message_before_smtp() -> None:
    namespace, _ = _run_send_example()
    msg = EmailMessage()
    msg["From"] = "winner@prizes.example"
    msg["To"] = "you@example.org"
    msg["Subject"] = "RE: YOU WON!!! CLAIM YOUR FREE CASH PRIZE NOW!!!"
    msg.set_content("CONGRATULATIONS WINNER!!! You have been SELECTED. Act now, 100% free, risk free, "
                    "guaranteed!!! Verify your account at http://192.168.1.7/claim and https://bit.ly/x\n")
    with mock.patch("smtplib.SMTP") as smtp_cls:
        with pytest.raises(ValueError, match=r"not sent, spam score .* fake-reply-subject"):
            namespace["send_checked"](msg)
    smtp_cls.assert_not_called()


@pytest.mark.parametrize("templates, code", [
    ({"welcome.html": "<p>Hello {{ name }}, welcome to the garden club. We meet on Tuesdays.</p>"}, 0),
    ({"welcome.html": "<p>Hello {{ name }}, welcome to the garden club.</p>",
      "promo/sale.html": "<p>CONGRATULATIONS WINNER!!! Claim your FREE PRIZE now!!! "
                         '<a href="https://bit.ly/x">www.bank.example</a></p>'}, 1),
])
def test_suite_example_fails_when_a_template_passes_the_limit(tmp_path: Path, templates: dict, code: int) -> None:
    for rel, text in templates.items():
        (tmp_path / "templates" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "templates" / rel).write_text(text)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_email_templates.py").write_text(_example("suite"))
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == code, proc.stdout + proc.stderr
    if code:
        assert "templates/promo/sale.html" in proc.stdout and "spam score" in proc.stdout
        assert "1 failed, 1 passed" in proc.stdout


def test_library_and_cli_agree_on_real_files_with_a_config(tmp_path: Path) -> None:
    import json as _json

    from click.testing import CliRunner

    from spamlint.cli import main

    (tmp_path / ".spamlint.yaml").write_text("threshold: 3\nignore: [exclamation]\nsender-domains: [bit.ly]\n")
    sub = tmp_path / "emails"
    sub.mkdir()
    page = sub / "promo.html"
    page.write_text("<html><body><p>Claim your prize now!!! Visit <a href='https://bit.ly/x'>our page</a>.</p>"
                    "</body></html>\n")
    out = CliRunner().invoke(main, ["--format", "json", str(page)]).stdout
    [cli] = _json.loads(out)["results"]
    report = spamlint.lint(page)
    assert report.threshold == cli["threshold"] == 3
    assert [(f.rule, f.line, f.column) for f in report.findings] == [
        (f["rule"], f["line"], f["column"]) for f in cli["findings"]]
    assert report.score == cli["score"] and not any(f.category == "exclamation" for f in report.findings)
    defaults = spamlint.lint(page, config=False)
    assert defaults.threshold == 5.0 and any(f.category == "exclamation" for f in defaults.findings)


def test_a_str_naming_a_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.html").write_text("<p>Hello</p>")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(spamlint.InputError, match=r"pathlib\.Path\('a\.html'\)"):
        spamlint.lint("a.html")
    assert spamlint.lint(Path("a.html")).path == "a.html"
    assert spamlint.lint("b.html").passed  # no such file: it is content


def test_draft_does_not_expect_date_or_message_id(tmp_path: Path) -> None:
    msg = EmailMessage()
    msg["From"] = "news@garden.example"
    msg["To"] = "member@example.org"
    msg["Subject"] = "The March meeting"
    msg.set_content("Hello, we meet on Tuesday at seven in the hall.\n")
    rules = {f.rule for f in spamlint.lint(msg).findings}
    assert {"missing-date", "missing-message-id"} <= rules
    assert not {"missing-date", "missing-message-id"} & {f.rule for f in spamlint.lint(msg, draft=True).findings}
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text("draft: true\n")
    assert not {"missing-date", "missing-message-id"} & {f.rule for f in spamlint.lint(msg, config=cfg).findings}
    with pytest.raises(spamlint.ConfigError):
        spamlint.lint(msg, draft="yes")  # type: ignore[arg-type]
    cfg.write_text("draft: maybe\n")
    with pytest.raises(spamlint.ConfigError, match="draft"):
        spamlint.lint(msg, config=cfg)
    with pytest.raises(spamlint.ConfigError, match="threshold"):
        spamlint.lint(msg, threshold=-1)


@pytest.mark.parametrize("sample", sorted((Path(__file__).resolve().parents[1] / "samples").iterdir()),
                         ids=lambda p: p.name)
def test_library_and_cli_agree_on_the_samples(sample: Path) -> None:
    import json as _json

    from click.testing import CliRunner

    from spamlint.cli import main

    [cli] = _json.loads(CliRunner().invoke(main, ["--format", "json", str(sample)]).stdout)["results"]
    report = spamlint.lint(sample)
    assert (report.score, report.threshold, report.verdict) == (cli["score"], cli["threshold"], cli["verdict"])
    assert [(f.rule, f.line, f.column, f.message) for f in report.findings] == [
        (f["rule"], f["line"], f["column"], f["message"]) for f in cli["findings"]]
