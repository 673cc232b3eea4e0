"""Property-based tests: generated and mutated MIME messages and HTML never break spamlint.

Budgets are bounded (max_examples) and deadlines off, so the suite stays fast and steady;
`HYPOTHESIS_PROFILE=fuzz` runs many more examples.  Each crash found became a regression
case in test_robustness.py.
"""

from __future__ import annotations

import base64
import email
import os
import quopri

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spamlint
from spamlint import Limits, Report, SpamlintError
from spamlint.inputs.decoding import cut
from spamlint.inputs.html_text import parse_html
from spamlint.inputs.mimescan import bound_structure, leaf_parts
from spamlint.inputs.parse import Parse
from spamlint.inputs.templating import _PLACEHOLDER, _spans

settings.register_profile("suite", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=5000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

# -- generators -------------------------------------------------------------------------------------
HTML_TOKENS = ["<div>", "</div>", "<p>", "</span>", "<a href='", "<a href=\"https://bit.ly/x\">", "</a>", '"', "'", ">",
               "<", "</", "<!--", "-->", "<script>", "</script>", "<style>", "<img src=x alt=", "&amp;", "&#0;",
               "&#x110000;", "&nbsp", "<td style='display:none'>", "<font size=0>", "{{", "}}", "{%", "*|X|*",
               "<!-- spamlint: disable", "\u200b", "\x00", "\r\n", "FREE!!!", "Click here", "<!DOCTYPE", "<?xml",
               "<br/>", "<table><tr><td>", "<svg>", "<title>", "<center>"]
html_docs = st.lists(st.one_of(st.sampled_from(HTML_TOKENS), st.text(max_size=12)), max_size=60).map("".join)
header_values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["=?utf-8?B?RlJFRSBNT05FWQ==?=", "=?x-unknown?Q?caf=E9?=", "=?utf-8?Q?=ZZ?=", "=?utf-8?B?broken?=",
                     "=?utf-8*en?q?x?=", "a@b.c (comment (nested))", "<<<>>>", "\x00\x07"]),
)
CHARSETS = ["utf-8", "iso-8859-1", "windows-1252", "x-unknown", "utf-16", "us-ascii", "gb2312", ""]
ENCODINGS = ["7bit", "8bit", "base64", "quoted-printable", "x-uuencode", "bogus", ""]


@st.composite
def leaves(draw: st.DrawFn) -> bytes:
    ctype = draw(st.sampled_from(["text/plain", "text/html", "application/pdf", "message/rfc822", "image/png"]))
    text = draw(html_docs) if ctype == "text/html" else draw(st.text(max_size=80))
    charset = draw(st.sampled_from(CHARSETS))
    cte = draw(st.sampled_from(ENCODINGS))
    body = text.encode("utf-8", "surrogatepass")
    if cte == "base64":
        body = base64.encodebytes(body)
    elif cte == "quoted-printable":
        body = quopri.encodestring(body)
    head = f"Content-Type: {ctype}" + (f"; charset={charset}" if charset else "")
    head += f"\r\nContent-Transfer-Encoding: {cte}" if cte else ""
    if draw(st.booleans()):
        head += f"\r\nContent-Disposition: attachment; filename*=utf-8''{draw(st.sampled_from(['a.pdf', '%ff.exe', 'x']))}"
    return head.encode() + b"\r\n\r\n" + body


def containers(children: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
    return st.builds(_multipart, st.sampled_from(["mixed", "alternative", "related", "digest"]),
                     st.sampled_from(["b1", "b2", "=_x", "b1--", ""]), st.lists(children, min_size=1, max_size=3))


def _multipart(subtype: str, boundary: str, parts: list[bytes]) -> bytes:
    b = boundary.encode()
    body = b"".join(b"--" + b + b"\r\n" + p + b"\r\n" for p in parts) + b"--" + b + b"--\r\n"
    return f"Content-Type: multipart/{subtype}; boundary=\"{boundary}\"\r\n\r\n".encode() + body


@st.composite
def messages(draw: st.DrawFn) -> bytes:
    headers = [f"{name}: {draw(header_values)}" for name in draw(st.lists(
        st.sampled_from(["From", "To", "Subject", "Reply-To", "Date", "Message-ID", "List-Unsubscribe"]), max_size=6))]
    head = "\r\n".join(headers).encode("utf-8", "surrogatepass")
    body = draw(st.recursive(leaves(), containers, max_leaves=8))
    return head + (b"\r\n" if head else b"") + body


@st.composite
def mutated(draw: st.DrawFn, base: st.SearchStrategy[bytes]) -> bytes:
    data = draw(base)
    for op in draw(st.lists(st.sampled_from(["truncate", "flip", "boundary", "encoded", "nul", "dup", "cut"]), max_size=4)):
        i = draw(st.integers(0, len(data)))
        if op == "truncate":
            data = data[:i]
        elif op == "flip" and i < len(data):
            data = data[:i] + bytes([data[i] ^ draw(st.integers(1, 255))]) + data[i + 1:]
        elif op == "boundary":
            data = data[:i] + draw(st.sampled_from([b"\r\n--b1\r\n", b"\r\n--b1--\r\n", b"\n--=_x\n", b"\r\n--b2"])) + data[i:]
        elif op == "encoded":
            data = data[:i] + draw(st.sampled_from([b"=?utf-8?B?", b"?=", b"=?iso-8859-1?Q?=E9=?=", b"=?"])) + data[i:]
        elif op == "nul":
            data = data[:i] + draw(st.sampled_from([b"\x00", b"\r", b"\x1b[0m", b"\xff\xfe"])) + data[i:]
        elif op == "dup":
            data = data[:i] + data[i // 2:i] + data[i:]
        elif op == "cut":
            data = data[:i // 2] + data[i:]
    return data


# -- properties -------------------------------------------------------------------------------------
def _lint_or_refuse(data: bytes | str, **kwargs: object) -> Report | None:
    try:
        report = spamlint.lint(data, **kwargs)  # type: ignore[arg-type]
    except SpamlintError:
        return None
    for f in report.findings:
        assert (f.line is None or f.line >= 1) and (f.column is None or f.column >= 1), f
    return report


@given(mutated(messages()))
def test_any_mutated_message_gives_a_report(data: bytes) -> None:
    assert isinstance(_lint_or_refuse(data), Report)  # bytes that look like mail are never refused


@given(mutated(messages()))
def test_tight_limits_never_break_linting(data: bytes) -> None:
    tight = Limits(max_mime_depth=2, max_mime_parts=3, max_part_bytes=64, max_header_bytes=32,
                   max_html_nodes=5, max_html_depth=3, max_links=1, max_images=1)
    assert isinstance(_lint_or_refuse(data, limits=tight), Report)


@given(mutated(html_docs.map(lambda s: s.encode("utf-8", "surrogatepass"))))
def test_any_mutated_html_template_gives_a_report_or_a_refusal(data: bytes) -> None:
    _lint_or_refuse(data, name="t.html")


@given(html_docs, st.integers(1, 50))
def test_html_text_positions_point_into_the_source(source: str, line_base: int) -> None:
    part, links, images = parse_html(source, "text/html", line_base)
    lines = source.count("\n") + 1
    for offset in range(0, len(part.text.text) + 1, 7):
        line, col = part.text.locate(offset)
        assert line is not None and line_base <= line < line_base + lines and col is not None and col >= 1
    assert all(line_base <= x.line < line_base + lines for x in [*links, *images, *part.hidden])


@given(st.lists(st.sampled_from(list("{}%#*|[]<>!-\n a") + ["spamlint", "<!--", "-->", "{{", "}}"]), max_size=60).map("".join))
def test_placeholder_scanner_finds_what_the_documented_pattern_finds(text: str) -> None:
    assert list(_spans(text)) == [m.span() for m in _PLACEHOLDER.finditer(text)]


@given(messages(), st.integers(1, 4))
def test_mime_scan_bounds_depth_and_leaves_shallow_mail_alone(data: bytes, depth: int) -> None:
    limits = Limits(max_mime_depth=depth)
    bounded, problems = bound_structure(data, limits)
    if not problems:
        assert bounded == data
    msg = email.message_from_bytes(bounded)
    parse = Parse(Limits(max_mime_depth=depth + 1))
    leaf_parts(msg, parse)  # the parser sees no deeper nesting than allowed
    assert "max_mime_depth" not in parse.passed


@given(st.text(max_size=40), st.integers(0, 200))
def test_a_cut_keeps_utf8_whole(text: str, size: int) -> None:
    data = text.encode("utf-8", "surrogatepass")
    kept = cut(data, size) if size < len(data) else data
    assert data.startswith(kept) and len(data[:size]) - len(kept) < 4
    kept.decode("utf-8", "surrogatepass")
