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
