"""Bytes -> Document: sniffing, MIME walking, transfer encodings, charsets, headers."""

from __future__ import annotations

import base64

import pytest

from spamlint.inputs import mime

PLAIN = b"From: a@example.org\nTo: b@example.org\nSubject: Hello\n\nBody line one.\nLine two FREE.\n"


@pytest.mark.parametrize(
    ("data", "ext", "kind"),
    [
        (PLAIN, "", "message"),
        (PLAIN, ".eml", "message"),
        (b"From MAILER-DAEMON Fri Jul  8 12:08:34 2011\n" + PLAIN, "", "message"),
        (b"<!DOCTYPE html><html><body>x</body></html>", "", "html"),
        (b"  <table><tr><td>x</td></tr></table>", "", "html"),
        (b"Dear team,\nNote: this is plain text.\n", ".txt", "text"),
        (b"Note: a line that looks like a header\n\nbut no known header field.", "", "text"),
        (b"<p>anything</p>", ".eml", "message"),
        (b"Subject: x", ".html", "html"),
    ],
)
def test_sniff(data: bytes, ext: str, kind: str) -> None:
    assert mime.sniff(data, ext) == kind


def test_mbox_from_line_and_crlf_keep_header_lines() -> None:
    data = b"From someone Sat Jan  3 01:05:34 1996\r\n" + PLAIN.replace(b"\n", b"\r\n")
    doc = mime.load(data, "m.eml")
    assert doc.subject is not None and doc.subject.text == "Hello"
    assert doc.header("Subject").line == 4
    assert doc.subject.locate(0) == (4, 10)
    body = doc.bodies[0]
    assert body.locate(body.text.index("FREE")) == (7, 10)


def test_rfc2047_subject_and_8bit_header() -> None:
    data = (b"From: =?utf-8?q?J=C3=BCrgen?= <j@example.org>\nSubject: =?iso-8859-1?b?" +
            base64.b64encode("Grüße aus Köln".encode("latin-1")) + b"?=\nX-Raw: caf\xc3\xa9\n\nhi\n")
    doc = mime.load(data)
    assert doc.subject.text == "Grüße aus Köln"
    assert doc.header("From").value.startswith("Jürgen")
    assert doc.header("X-Raw").value == "café"


def test_broken_encoded_word_is_kept_not_raised() -> None:
    doc = mime.load(b"From: a@example.org\nSubject: =?utf-8?b?!!!notbase64?= tail\n\nhi\n")
    assert "tail" in doc.subject.text


def _multipart(parts: list[bytes], boundary: str = "BOUND", kind: str = "alternative") -> bytes:
    head = f"From: a@example.org\nSubject: s\nMIME-Version: 1.0\nContent-Type: multipart/{kind}; boundary=\"{boundary}\"\n\n"
    body = b"".join(b"--" + boundary.encode() + b"\n" + p + b"\n" for p in parts)
    return head.encode() + body + b"--" + boundary.encode() + b"--\n"


def test_alternative_qp_and_base64_parts_are_decoded() -> None:
    plain = b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nCaf=C3=A9 open=\n today\n"
    html = (b"Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" +
            base64.b64encode("<p>Café <a href='https://x.example/'>open</a></p>".encode()))
    doc = mime.load(_multipart([plain, html]))
    assert [s.part for s in doc.bodies] == ["text/plain", "text/html"]
    assert "Café open today" in doc.bodies[0].text
    assert [s.primary for s in doc.bodies] == [False, True]
    assert [l.url for l in doc.links] == ["https://x.example/"]


def test_nested_multipart_and_attachments_are_listed_not_scanned() -> None:
    inner = _multipart([b"Content-Type: text/plain\n\ninner text"], "INNER", "alternative")
    inner_part = b"Content-Type: multipart/alternative; boundary=\"INNER\"\n\n" + inner.split(b"\n\n", 1)[1]
    attach = (b"Content-Type: application/octet-stream; name=\"tool.exe\"\nContent-Disposition: attachment; "
              b"filename=\"tool.exe\"\nContent-Transfer-Encoding: base64\n\n" + base64.b64encode(b"FREE MONEY" * 10))
    doc = mime.load(_multipart([inner_part, attach], "OUTER", "mixed"))
    assert [s.text.strip() for s in doc.bodies] == ["inner text"]
    assert [(a.filename, a.content_type) for a in doc.attachments] == [("tool.exe", "application/octet-stream")]


@pytest.mark.parametrize(
    ("charset", "payload", "text", "problem"),
    [
        ("utf-8", "naïve".encode(), "naïve", False),
        ("iso-8859-1", "naïve".encode("latin-1"), "naïve", False),
        ("x-unknown-charset", "naïve".encode(), "naïve", True),
        ("us-ascii", "naïve".encode(), "naïve", True),
        (None, "naïve".encode("cp1252"), "naïve", False),
    ],
)
def test_charsets_fall_back_instead_of_failing(charset: str | None, payload: bytes, text: str, problem: bool) -> None:
    ctype = b"Content-Type: text/plain" + (f"; charset={charset}".encode() if charset else b"")
    doc = mime.load(b"From: a@example.org\nSubject: s\n" + ctype + b"\nContent-Transfer-Encoding: 8bit\n\n" + payload)
    assert doc.bodies[0].text.strip() == text
    assert bool(doc.problems) is problem


def test_plain_text_links_are_found_with_positions() -> None:
    doc = mime.load(b"From: a@example.org\nSubject: s\n\nSee https://bit.ly/x, or www.example.com.\n")
    assert [(l.url, l.line, l.column) for l in doc.links] == [("https://bit.ly/x", 4, 5), ("www.example.com", 4, 26)]


def test_template_is_one_body_and_not_a_message() -> None:
    doc = mime.load(b"<html><body><p>Hi {{ name }}</p></body></html>", "t.html", ".html")
    assert doc.kind == "html" and not doc.is_message and doc.headers == ()
    assert "name" not in doc.bodies[0].text


def test_non_utf8_template_is_decoded() -> None:
    doc = mime.load('<meta charset="windows-1252"><p>Caf\xe9</p>'.encode("cp1252"), "t.html", ".html")
    assert "Café" in doc.bodies[0].text
