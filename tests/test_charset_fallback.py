"""Bytes that are not UTF-8 and carry no usable MIME charset: the fallback never guesses."""

from __future__ import annotations

import codecs

import pytest

import spamlint
from spamlint.inputs.decoding import decode_bytes, decode_template, fallback_charset

BIG5 = "男性荷爾蒙".encode("big5")

CASES = [
    ("meta charset", b'<html><meta charset="big5"><p>' + BIG5, True, "big5"),
    ("http-equiv meta", b'<META http-equiv=Content-Type content="text/html; charset=big5"><p>' + BIG5, True, "big5"),
    ("xml declaration", b'<?xml version="1.0" encoding="ISO-8859-2"?><p>\xb1', True, "iso8859-2"),
    ("unknown declared name", b'<meta charset="x-no-such"><p>caf\xe9', True, "cp1252"),
    ("a meta claiming UTF-16 is ignored", b'<meta charset="utf-16"><p>caf\xe9', True, "cp1252"),
    ("plain text never reads markup", b'<meta charset="big5"> caf\xe9', False, "cp1252"),
    ("UTF-16 byte-order mark", codecs.BOM_UTF16_LE + "hi".encode("utf-16-le"), False, "utf-16"),
    ("nothing declared", b"<p>caf\xe9", True, "cp1252"),
]


@pytest.mark.parametrize("label, data, is_html, expected", CASES, ids=[c[0] for c in CASES])
def test_fallback_charset(label: str, data: bytes, is_html: bool, expected: str) -> None:
    assert fallback_charset(data, is_html) == expected


def test_declared_meta_charset_is_used_even_when_some_bytes_are_invalid() -> None:
    data = b'<meta charset="big5"><p>' + BIG5 + b"\xff\xff</p>"  # two bytes big5 cannot read
    text, problem = decode_bytes(data, None, is_html=True)
    assert "男性荷爾蒙" in text and "\ufffd" in text
    assert problem is None  # no MIME charset was declared, so none was wrong


def test_template_in_a_legacy_charset_reads_its_meta() -> None:
    assert "男性荷爾蒙" in decode_template(b'<meta charset="big5"><p>' + BIG5, is_html=True)


def test_message_without_mime_charset_reads_the_html_meta() -> None:
    msg = b"Subject: hi\nContent-Type: text/html\n\n<html><meta charset=big5><body><p>" + BIG5 + b"</p></body></html>\n"
    doc = spamlint.load_document(msg)
    assert "男性荷爾蒙" in " ".join(seg.text for seg in doc.segments(("body",)))


def test_broken_rfc2231_continuations_do_not_stop_the_run() -> None:
    msg = b"Subject: hello\nContent-Type: text/plain; charset*0=ut; charset*=utf-8''x\n\nhello there\n"
    doc = spamlint.load_document(msg)
    assert [seg.text.strip() for seg in doc.segments(("body",))] == ["hello there"]


def test_findings_in_an_undeclared_8bit_part_point_at_file_lines() -> None:
    msg = b"Subject: hi\nFrom: a@example.org\n\nHello,\n\nPrice \xa3160,000 dollars, caf\xe9.\n"
    report = spamlint.lint(msg)
    found = [f for f in report.findings if f.rule == "money-amount"]
    assert [(f.line, f.column) for f in found] == [(6, 7)]
