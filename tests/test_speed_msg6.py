"""Issue 15, fifth pass (MIME parsing, pattern searches): each fast path gives what the plain definition gives."""

from __future__ import annotations

import email
import email.message
import re
from email import policy

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from spamlint.inputs.mime import _header_lines, _parse, _quick

FAST = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- inputs/mime.py: header lines found by one search ---------------------------------------------
def plain_header_lines(data: bytes, offset: int) -> dict[str, list[int]]:
    """_header_lines by its plain definition: split into lines, stop at the first blank one, match each."""
    out: dict[str, list[int]] = {}
    for i, line in enumerate(data.split(b"\n", 2000)):
        if not line.strip():
            break
        m = re.match(rb"^([!-9;-~]+):", line)
        if m and line[:1] not in (b" ", b"\t"):
            out.setdefault(m.group(1).decode("ascii", "replace").lower(), []).append(i + 1 + offset)
    return out


HEAD_PIECES = [b"Subject: a", b"From: b", b"X-Y:", b"To:c", b"received: x", b"Received: y", b"\n", b"\r\n",
               b" folded", b"\tfolded", b"no colon", b"bad name: x", b": empty", b" ", b"\t", b"\r", b"\x0c",
               b"\x0b", b"body: x", b"\xff\xfe: x", b"A\xe9: x", b"--", b"From x"]
heads = st.lists(st.sampled_from(HEAD_PIECES), max_size=40).map(b"".join)


@FAST
@given(heads, st.integers(0, 3))
@example(b"Subject: a\n \t \nTo: c\n\nbody", 0)
@example(b"\nSubject: a\n\n", 1)
@example(b" \t\r\nSubject: a\n", 1)
@example(b"".join(b"X-%d: v\n" % i for i in range(2100)) + b"\nbody: x\n", 1)
@example(b"".join(b"X-%d: v\n" % i for i in range(2000)) + b"Last: x\nNext: y\n", 0)
def test_header_lines_are_the_plain_split(data: bytes, offset: int) -> None:
    assert _header_lines(data, offset) == plain_header_lines(data, offset)


# -- inputs/mime.py: multipart bodies split without the line-by-line parser ------------------------
def tree(msg: object) -> object:
    """Everything the parser sets on a message and its parts, for comparison."""
    if not isinstance(msg, email.message.Message):
        return ("not a message", repr(msg))
    payload = msg._payload  # noqa: SLF001 - the stored payload is what later code reads
    return (type(msg), msg._headers, msg.get_unixfrom(), msg.get_charset(), msg.preamble, msg.epilogue,  # noqa: SLF001
            msg.get_default_type(), [(type(d), str(d)) for d in msg.defects], msg.policy,
            [tree(p) for p in payload] if isinstance(payload, list) else payload)


def assert_parse_is_plain(data: bytes) -> None:
    assert tree(_parse(data)) == tree(email.message_from_bytes(data, policy=policy.compat32))


def _part(nl: str, kind: str, body: str) -> str:
    return f"Content-Type: {kind}{nl}{nl}{body}" if kind else body


BOUNDARY_LINES = ["--b", "--b--", "--b  ", "--b\t", "--b-- ", "--bx", "--b---", " --b", "--B", "---b"]
# repeated pieces come up more often: most drawn messages should be ones the quick path takes
BODY_PIECES = ["text"] * 4 + ["", "a line", "--b", "--b--", "=?utf-8?q?x?=", "From me", "\xe9", "\r", "  ", "X: y"]
KINDS = ["text/plain"] * 3 + ["text/html; charset=utf-8", "multipart/alternative; boundary=c"] * 2 + [
    "", "message/rfc822", "multipart/digest; boundary=b"]


@st.composite
def multiparts(draw: st.DrawFn) -> bytes:
    """A multipart message built from pieces: well-formed more often than not, with the edge cases mixed in."""
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    ctype = draw(st.sampled_from(["multipart/mixed; boundary=b", 'multipart/alternative; boundary="b"'] * 3
                                 + ["multipart/digest; boundary=b", "multipart/mixed", "text/plain"]))
    head = f"From: a{nl}Content-Type: {ctype}{nl}"
    if draw(st.booleans()):
        head += f"Content-Transfer-Encoding: {draw(st.sampled_from(['7bit', 'base64', '8BIT']))}{nl}"
    out = [head, nl, draw(st.sampled_from(["", f"preamble{nl}", f"pre{nl}{nl}", nl]))]
    for _ in range(draw(st.integers(1, 4))):
        line = draw(st.sampled_from(BOUNDARY_LINES[:4])) if draw(st.integers(0, 4)) else draw(st.sampled_from(BOUNDARY_LINES))
        kind = draw(st.sampled_from(KINDS))
        body = nl.join(draw(st.lists(st.sampled_from(BODY_PIECES), max_size=3)))
        if kind.startswith("multipart/alternative"):
            inner = draw(st.sampled_from(["X: 1", ""]))
            body = f"{nl}--c{nl}{inner}{nl}inner{nl}--c--{nl}{draw(st.sampled_from(['', 'tail', nl]))}"
        out += [line, nl, _part(nl, kind, body), nl]
    if draw(st.integers(0, 4)):
        out += ["--b--", draw(st.sampled_from(["", nl, f"{nl}epilogue{nl}", f" {nl}{nl}"]))]
    return "".join(out).encode("utf-8", "surrogateescape")


@FAST
@given(multiparts())
@example(b"Content-Type: multipart/mixed; boundary=b\n\n--b\n\npart\n--b--\n")
@example(b"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\n\n--b--")
@example(b"Content-Type: multipart/mixed; boundary=b\n\npre\n--b\nX: y\n\nz\n--b\n--b--\nepi\n")
@example(b"Content-Type: multipart/mixed; boundary=b\n\n--b\nX: y\n\nz\r--b--\n")
@example(b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nX: y\r\n\r\nz\r\n--b--\r\n\r\n")
@example(b"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/alternative; boundary=c\n\n"
         b"--c\nX: 1\n\none\n--c--\n\n--b--\n")
@example(b"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/alternative; boundary=c\n\n"
         b"--c\nX: 1\n\none\n--c--\n--b--\n")
@example(b"Content-Type: multipart/mixed; boundary=b\n\n--b\nX: 1\n\none\n--b--")
@example(b"Content-Type: text/plain\n\nbody\n--b--\n")
@example(b"Content-Type: multipart/mixed; boundary=b\n\n")
def test_parse_is_the_stdlib_parse(data: bytes) -> None:
    assert_parse_is_plain(data)


@pytest.mark.parametrize("data", [
    b"From: a\nContent-Type: multipart/alternative; boundary=\"b\"\n\nThis is MIME.\n--b\nContent-Type: text/plain\n\n"
    b"hello\n--b\nContent-Type: text/html\nContent-Transfer-Encoding: base64\n\nPGI+aGk8L2I+\n--b--\n",
    b"From: a\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: multipart/alternative; "
    b"boundary=c\r\n\r\n--c\r\nX: 1\r\n\r\none\r\n--c--\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\ntwo\r\n--b--\r\n",
])
def test_common_multiparts_take_the_quick_path(data: bytes) -> None:
    assert _quick(data.decode("ascii", "surrogateescape"), 0) is not None  # else the test above checks only the stdlib
    assert_parse_is_plain(data)
