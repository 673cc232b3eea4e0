"""No rule reads a spam filter's verdict headers, and the evaluation strips them before linting.

The newer corpus sets came through list servers whose X-Spam*, X-Spamd*, X-Rspamd* and
X-Bogosity headers give the label away: a score that read them would measure the servers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import spamlint
from spamlint.evaluation.corpus import strip_verdict_headers

REPO = Path(__file__).resolve().parents[1]

# Verdicts as list servers write them, folded, in both cases, full of words rules look for.
VERDICTS = (b"X-Spam-Flag: YES\n"
            b"X-Spam-Status: Yes, score=25.3 required=5.0 tests=FREE_MONEY,URGENT,VIAGRA,\n"
            b"\tHTML_ONLY,MISSING_DATE autolearn=spam version=3.4.6\n"
            b"X-Spam-Level: *************************\n"
            b"X-Spam-Report: FREE CASH!!! Click here to claim your prize, act now!!!\n"
            b"  Your account has been suspended http://192.0.2.7/login\n"
            b"x-spamd-result: default: True [15.00 / 15.00]; BAYES_SPAM(5.10)[100.00%]\n"
            b"X-Spamd-Bar: +++++++++++++++\n"
            b"X-Rspamd-Score: 15.2\n"
            b"X-Rspamd-Action: reject\n"
            b"X-Rspamd-Server: mx.example.net\n"
            b"X-Bogosity: Spam, tests=bogofilter, spamicity=1.000000, version=1.2.5\n")

MESSAGES = {
    "plain": (b"From: Ann <ann@example.org>\nTo: bob@example.org\nSubject: lunch\n"
              b"Date: Mon, 1 Jan 2024 10:00:00 +0000\nMessage-ID: <1@example.org>\n\n"
              b"Shall we meet for lunch on Tuesday at noon?\n"),
    "spammy": (b"From: Winner Desk <win1234@example.com>\nSubject: YOU HAVE WON!!!\n\n"
               b"CONGRATULATIONS you have won a FREE prize!!! Claim your prize now, act now!!!\n"),
    "html": (b"From: shop@example.com\nTo: you@example.org\nSubject: Sale\nMIME-Version: 1.0\n"
             b"Content-Type: text/html; charset=utf-8\n\n"
             b"<html><body><p>Verify your account within 24 hours: "
             b"<a href=\"http://192.0.2.7/login\">click here</a></p></body></html>\n"),
    "crlf-multipart": (b"From: a@example.org\r\nSubject: report\r\nMIME-Version: 1.0\r\n"
                       b"Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n--b1\r\n"
                       b"Content-Type: text/plain\r\n\r\nThe weekly report is below.\r\n--b1\r\n"
                       b"Content-Type: text/html\r\n\r\n<p>The weekly report is below.</p>\r\n--b1--\r\n"),
}
SAMPLES = sorted(p for p in (REPO / "samples").glob("*.eml"))


def _with_verdicts(message: bytes, where: str) -> bytes:
    """The message with the verdict headers at the top or just before the end of its header block."""
    crlf = b"\r\n" in message
    verdicts = VERDICTS.replace(b"\n", b"\r\n") if crlf else VERDICTS
    if where == "top":
        return verdicts + message
    end = message.index(b"\r\n\r\n" if crlf else b"\n\n") + (2 if crlf else 1)
    return message[:end] + verdicts + message[end:]


def _outcome(data: bytes) -> tuple[float, list[tuple[str, float]]]:
    report = spamlint.lint(data, name="msg.eml")
    return report.score, sorted((f.rule, f.points) for f in report.findings)


CASES = [(name, data) for name, data in MESSAGES.items()] + [(p.name, p.read_bytes()) for p in SAMPLES]


@pytest.mark.parametrize("where", ["top", "bottom"])
@pytest.mark.parametrize("name, message", CASES, ids=[c[0] for c in CASES])
def test_verdict_headers_change_no_score(name: str, message: bytes, where: str) -> None:
    assert _outcome(_with_verdicts(message, where)) == _outcome(message)


@pytest.mark.parametrize("where", ["top", "bottom"])
@pytest.mark.parametrize("name, message", CASES, ids=[c[0] for c in CASES])
def test_strip_removes_exactly_the_verdict_headers(name: str, message: bytes, where: str) -> None:
    assert strip_verdict_headers(_with_verdicts(message, where)) == message


def test_strip_leaves_the_body_and_other_headers_alone() -> None:
    message = (b"Subject: about X-Spam-Flag\nX-Mailer: mutt\nX-Spammer-Notes: not a verdict? it is X-Spam*\n\n"
               b"X-Spam-Flag: YES in the body stays\n")
    assert strip_verdict_headers(message) == (b"Subject: about X-Spam-Flag\nX-Mailer: mutt\n\n"
                                              b"X-Spam-Flag: YES in the body stays\n")
    assert strip_verdict_headers(b"<html><p>X-Spam: no header block here</p>\n") == \
        b"<html><p>X-Spam: no header block here</p>\n"


def test_the_comparison_can_see_a_header_that_rules_read() -> None:
    """Canary: the same words in a header rules do read (Subject) change the score."""
    message = MESSAGES["plain"]
    loud = message.replace(b"Subject: lunch", b"Subject: FREE CASH!!! CLAIM YOUR PRIZE, ACT NOW!!!")
    assert _outcome(loud) != _outcome(message)
    assert _outcome(MESSAGES["spammy"])[0] > 0
