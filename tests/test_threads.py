"""spamlint.lint from several threads at once gives the same reports as one call after another."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import spamlint
from spamlint import Limits

SAMPLES = sorted((Path(__file__).parent.parent / "samples").glob("*.*"))
EXTRA = [
    b"From: a@example.org\nSubject: FREE!!! W I N N E R\nContent-Type: text/html\n\n"
    b'<p style="display:none">hidden offer</p><a href="http://192.168.0.1/x">www.bank.com</a>',
    b"From: a@example.org\nSubject: deep\nContent-Type: multipart/mixed; boundary=b0\n\n"
    + b"".join(b"--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n" % (i, i + 1) for i in range(40)) + b"--b40\n\nx",
    "<html><body>{{ name }}, your ACCOUNT is SUSPENDED!!! Verify now: <a href='https://bit.ly/x'>here</a></body></html>",
    b"",
]


def _inputs() -> list[tuple[object, str]]:
    items: list[tuple[object, str]] = [(p, p.name) for p in SAMPLES]
    items += [(data, f"extra{i}") for i, data in enumerate(EXTRA)]
    return items * 6  # the same input in several threads at once, too


def _lint(item: tuple[object, str]) -> spamlint.Report:
    source, name = item
    return spamlint.lint(source, name=name, limits=Limits(max_mime_depth=10))


@pytest.mark.parametrize("workers", [4, 16])
def test_threads_give_the_same_reports_as_sequential_calls(workers: int) -> None:
    items = _inputs()
    sequential = [_lint(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        threaded = list(pool.map(_lint, items))
    assert threaded == sequential
    assert any(r.findings for r in sequential) and any(f.rule == "limit-reached" for r in sequential for f in r.findings)


def test_the_default_engine_is_built_once_under_contention(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spamlint, "_ENGINE", None)
    with ThreadPoolExecutor(max_workers=16) as pool:
        engines = set(pool.map(lambda _: id(spamlint._default_engine()), range(64)))
    assert len(engines) == 1
