"""The parse path's shortcuts give what the slower, plainer way gives (table-driven)."""

from __future__ import annotations

import email
import email.message
import re
from email import policy
from pathlib import Path

import pytest

from spamlint.inputs.decoding import Fields, content_charset, decode_header_value, param, part_filename
from spamlint.inputs.html_text import parse_html
from spamlint.inputs.mime import _URL, _header_lines, _parse
from spamlint.inputs.sources import read_file

_PLAIN_URL = re.compile(r"""\b(?:https?://|www\.)[^\s<>"'()\[\]{}]+""", re.IGNORECASE)


def _message(fields: list[tuple[str, str]]) -> email.message.Message:
    msg = email.message.Message()
    for name, value in fields:
        msg[name] = value
    return msg


def _lines_by_full_split(data: bytes, offset: int) -> dict[str, list[int]]:
    """_header_lines as it was: split the whole message, stop at the first blank line."""
    out: dict[str, list[int]] = {}
    for i, line in enumerate(data.split(b"\n", 2000)):
        if not line.strip():
            break
        m = re.match(rb"^([!-9;-~]+):", line)
        if m:
            out.setdefault(m.group(1).decode("ascii", "replace").lower(), []).append(i + 1 + offset)
    return out


@pytest.mark.parametrize("data", [
    b"Subject: a\nFrom: b\n\nbody: x\n",
    b"Subject: a\r\nReceived: x\r\n  y\r\nReceived: z\r\n\r\nbody: x\r\n",
    b"Subject: a\n \t \nTo: c\n\nbody",
    b"\nSubject: a\n\n",
    b"Subject: a\nTo: b",
    b"Subject: a\nTo: b\n",
    b"Subject: a\n\x0c\nTo: b\n",
    b"".join(b"X-%d: v\n" % i for i in range(2100)) + b"\nbody: x\n",
])
def test_header_lines_read_only_the_header_block(data: bytes) -> None:
    assert _header_lines(data, 1) == _lines_by_full_split(data, 1)


@pytest.mark.parametrize("text", [
    "see http://a.example/x, www.b.example and HTTPS://C.example/y.",
    "no_http://x.example nor xwww.y.example nor _www.z.example",
    "httpſ://long-s.example and hTTp://mixed.example",
    "(www.paren.example) <http://angle.example/a> 'https://q.example'",
])
def test_url_pattern_finds_what_the_plain_pattern_finds(text: str) -> None:
    assert [(m.start(), m.group()) for m in _URL.finditer(text)] == [
        (m.start(), m.group()) for m in _PLAIN_URL.finditer(text)]


@pytest.mark.parametrize(("raw", "decoded"), [
    ("  plain value  ", "plain value"),
    ("folded\r\n  value\n\tagain", "folded value again"),
    ("=?utf-8?q?caf=C3=A9?=", "café"),
    ("x" * 10, "x" * 10),
])
def test_header_values(raw: str, decoded: str) -> None:
    assert decode_header_value(raw) == decoded


@pytest.mark.parametrize("fields", [
    [],
    [("Content-Type", 'text/plain; charset="ISO-8859-1"')],
    [("Content-Type", "text/html; charset*=utf-8''%75tf-8; name=a.html")],
    [("Content-Type", "text/plain; charset=\x00x"), ("Content-Type", "text/html; charset=utf-8")],
    [("Content-Disposition", 'attachment; filename="r\u00e9sum\u00e9.pdf"'), ("Content-Type", "application/pdf")],
    [("Content-Disposition", "inline; filename*=iso-8859-1''%E9t%E9.txt")],
    [("content-type", "text/plain; " + "x=y; " * 200 + "charset=koi8-r")],
])
def test_charset_filename_and_fields_as_the_stdlib_reads_them(fields: list[tuple[str, str]]) -> None:
    part = _message(fields)
    index = Fields(part)
    for name in ("Content-Type", "content-disposition", "X-Absent"):
        assert index.get(name) == part.get(name)
    for _ in range(2):  # the second time from the memo
        assert content_charset(part, index) == param(part.get_content_charset)
        assert part_filename(part, index) == param(part.get_filename)


def test_fields_keep_8bit_values_as_the_stdlib_gives_them() -> None:
    part = email.message_from_bytes(b"Content-Type: text/plain; name=\xe9t\xe9\n\nx", policy=policy.compat32)
    assert str(Fields(part).get("Content-Type")) == str(part.get("Content-Type"))
    assert part_filename(part, Fields(part)) == param(part.get_filename)


@pytest.mark.parametrize(("source", "hidden"), [
    ('<div style="display:none"><p>inherits <b>hiding</b></p></div>',
     [("inherits", "display:none"), ("hiding", "display:none")]),
    ('<table bgcolor="#ffffff"><tr><td><font color="#fefefe">same <i>colour</i></font></td></tr></table>',
     [("same", "text colour matches background"), ("colour", "text colour matches background")]),
    ('<style>.x{display:none}</style><p class="x">by sheet</p><p id=y>shown</p>', [("by sheet", "display:none")]),
    ('<span style="font-size:0">tiny <span>still</span> <font size=3>readable</font></span>',
     [("tiny", "font-size:0"), ("still", "font-size:0")]),
])
def test_unstyled_children_inherit_their_parents_hiding(source: str, hidden: list[tuple[str, str]]) -> None:
    part, _, _ = parse_html(source, "text/html")
    assert [(" ".join(h.text.split()), h.reason) for h in part.hidden] == hidden


@pytest.mark.parametrize("size", [0, 1, 5, 4096, 70_000])
@pytest.mark.parametrize("max_bytes", [0, 4, 5, 4095, 1_000_000])
def test_read_file_reads_what_one_bounded_read_gives(tmp_path: Path, size: int, max_bytes: int) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
    with open(path, "rb") as f:
        expected = f.read(max_bytes + 1)
    assert read_file(path, max_bytes) == expected


def test_read_file_reads_on_past_a_zero_stat_size() -> None:
    proc = Path("/proc/self/status")  # st_size 0, content not
    if not proc.exists():
        pytest.skip("no /proc")
    assert read_file(proc, 1_000_000).startswith(b"Name:")
    assert len(read_file(proc, 3)) == 4


_MESSAGES = [
    b"",
    b"From: a@b.c\nSubject: hi\n\nbody\nmore\n",
    b"From: a@b.c\r\nSubject: hi\r\n\r\nbody\r\n",
    b"Subject: no body\n",
    b"Subject: empty body\n\n",
    b"\nbody after a blank first line\n",
    b"Subject: x\nnot a header line\n\nbody\n",
    b"Subject: x\nFrom someone at the end\n\nbody\n",
    b"Subject: x\nFrom misplaced\nTo: y\n\nbody\n",
    b"Subject: lone\rcarriage return\n\nbody\n",
    b"Subject: x\n  continued\n\tand more\n\r\nbody \xe9\r\n",
    b"Content-Type: multipart/mixed; boundary=b\n\n--b\n\npart\n--b--\n",
    b"Content-Type: message/rfc822\n\nSubject: inner\n\nx\n",
    b"Content-Type: text\nX: \xe9\xff\n\nbody\n",
    b"Subject: " + b"x" * 9000 + b"\nTo: y\n\n" + b"line\n" * 3000,
]


def _state(msg: email.message.Message) -> dict:
    """A message's attributes, nested parts and defects (by type) included, for comparison."""
    out = {k: v for k, v in vars(msg).items() if k not in ("defects", "_payload")}
    out["defects"] = [type(d) for d in msg.defects]
    payload = msg._payload
    out["_payload"] = [_state(p) for p in payload] if isinstance(payload, list) else payload
    return out


@pytest.mark.parametrize("data", _MESSAGES)
def test_parse_gives_what_the_stdlib_parser_gives(data: bytes) -> None:
    assert _state(_parse(data)) == _state(email.message_from_bytes(data, policy=policy.compat32))
