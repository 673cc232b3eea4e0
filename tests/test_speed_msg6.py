"""Issue 15, fifth pass (MIME parsing, pattern searches): each fast path gives what the plain definition gives."""

from __future__ import annotations

import email
import email.message
import re
from email import policy

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from spamlint.inputs.mime import _head, _header_lines, _parse, _quick

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
        usual = draw(st.integers(0, 4))  # mostly boundary lines the parser takes as such
        line = draw(st.sampled_from(BOUNDARY_LINES[:4] if usual else BOUNDARY_LINES))
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


# -- inputs/mime.py: a header block read without the line-by-line parser ---------------------------
FIELD_PIECES = ["Subject: a", "Subject:", "X-Y:  b ", "To:\tc", " folded", "\tfolded", "  ", "From x", "From: y",
                "bad name: x", ": empty", "a:b:c", "\xe9: x", "X: \udcff", "no colon", "X: a\rb", "X: =?utf-8?q?a?="]


@FAST
@given(st.lists(st.sampled_from(FIELD_PIECES), min_size=1, max_size=8), st.sampled_from(["\n", "\r\n"]),
       st.sampled_from(["", "body\n", "a: b\n"]))
@example(["Subject: a", " ", "\tb"], "\r\n", "")
@example(["X:", " v"], "\n", "")
def test_a_header_block_is_read_as_the_parser_reads_it(lines: list[str], nl: str, body: str) -> None:
    import email.parser

    text = nl.join(lines) + nl + nl + body
    end = text.index(nl + nl) + 2 * len(nl)
    assume(text.count("\r", 0, end) == text.count("\r\n", 0, end))  # _quick leaves a lone CR to the parser
    plain = email.parser.Parser(policy=policy.compat32).parsestr(text[:end], headersonly=True)
    assert tree(_head(text, end)) == tree(plain)


# -- text/prefilter.py match_starts and text/patterns.py: a search begins where a match can start ----
import regex  # noqa: E402 - grouped with the part of the file that uses it

from spamlint.text.patterns import Searches, user_pattern  # noqa: E402
from spamlint.text.prefilter import match_starts  # noqa: E402
from strategies import regex_patterns  # noqa: E402

ATOMS = ["a", "b", "K", "k", "\u212a", "$", "%", "{", r"\{", r"\*", r"\|", r"\[", r"\$", r"\ ", "-", "1", "\u00a3",
         "\u540d", "\u524d", "[ab]", "[a-c]", "[$%]", "[0-9]", r"[\d,]", "[^a]", r"\d", r"\w", r"\s", ".", r"\b",
         r"\B", "^", "$", r"\x41", r"\u00e9"]
QUANTS = ["", "", "", "?", "*", "+", "{2}", "{1,3}", "{0,2}", "??", "+?", "++"]


# A regex V0 pattern from pieces: literals, classes, escapes, anchors, groups, look-arounds, flags.
patterns = regex_patterns(ATOMS, QUANTS, extra_group="(?>", branches=(3, 3))


TEXT_CHARS = st.sampled_from(list("abcKk$%{}*|[] -1\u00a3\u540d\u524d\n\u00e9A") + ["\u212a", "\u017f"])
texts6 = st.lists(TEXT_CHARS, max_size=30).map("".join)


def _compiled(pattern: str, ignore_case: bool) -> regex.Pattern[str] | None:
    try:
        return regex.compile(pattern, (regex.IGNORECASE if ignore_case else 0) | regex.V0)
    except (regex.error, OverflowError, RecursionError):
        return None


@FAST
@given(patterns, st.booleans(), texts6)
@example(r"\{\{x|\*\|[A-Z]", False, "a{{x*|B")
@example(r"(?<![\w-])(?:nom|name)\s*:", False, "x nom: a")
@example(r"(?i:a)b|\$", False, "Ab $")
@example(r"a?b", False, "ab")
@example(r"(?i)\$|x", False, "X$")
def test_every_match_starts_with_a_start(pattern: str, ignore_case: bool, text: str) -> None:
    compiled = _compiled(pattern, ignore_case)
    starts = match_starts(pattern, ignore_case)
    if compiled is None or starts is None:
        return
    assert starts and "" not in starts
    for at in range(len(text) + 1):
        if compiled.match(text, at) is not None:  # a match starts here
            assert any(text.startswith(s, at) for s in starts), (at, sorted(starts))


@FAST
@given(patterns, st.booleans(), texts6, st.integers(0, 32), st.integers(0, 32))
@example(r"\{\{x|\*\|[A-Z]", False, "a{{x*|B", 0, 32)
@example(r"(?<=a)\$", False, "a$b$", 1, 32)  # a look-behind still reads the text before pos
@example(r"\b\$x|%", False, "a$x%", 1, 32)
@example(r"%RND\d|\[F", False, "%RN [F", 0, 5)  # a start that only fits past endpos is no start
def test_a_search_begun_at_the_first_start_is_the_plain_search(pattern: str, ignore_case: bool, text: str,
                                                               pos: int, end: int) -> None:
    compiled = _compiled(pattern, ignore_case)
    if compiled is None:
        return
    end = min(end, len(text))  # as callers pass it (UserPattern.finditer's loop assumes it)
    fast = user_pattern(pattern, regex.IGNORECASE if ignore_case else 0)
    plain = compiled.search(text, pos, end)
    found = fast._search(text, pos, end, None)
    assert (found is None) == (plain is None)
    if plain is not None:
        assert (found.span(), found.groups()) == (plain.span(), plain.groups())
    slow = user_pattern(pattern, regex.IGNORECASE if ignore_case else 0)
    slow.__dict__["_first"] = None  # the same UserPattern searching from pos: the plain path
    slow.__dict__["_branches"] = ()  # (and without the per-branch starts of test_speed_text6)
    assert [m.span() for m in fast.finditer(text, Searches(), pos, end)] == \
        [m.span() for m in slow.finditer(text, Searches(), pos, end)]
    assert fast.found(text, Searches()) == slow.found(text, Searches())


@pytest.mark.parametrize(("pattern", "ignore_case", "starts"), [
    (r"\{\{\s*name\}\}|\*\|\w+\|\*|%RND\d", False, {"{{", "*|", "%RND"}),
    (r"[$\u00a3]\s?\d", True, {"$", "\u00a3"}),
    (r"<font\b", True, {"<"}),  # letters have case variants: only what comes before them
    (r"(?<![\w-])(?:nom|name)", False, {"nom", "name"}),
    (r"\d+", False, None),  # other scripts' digits are not spelled out
    (r"a?b", False, None),  # the match may start with a or with b: not read
    (r"x*", False, None),  # may match empty
    (r"\Gx", False, None),  # \G reads where the search began
    (r"(?i)\$|x", False, None),  # a bare flag applies to what was read before it
    ("name", True, None),
])
def test_match_starts_table(pattern: str, ignore_case: bool, starts: set[str] | None) -> None:
    assert match_starts(pattern, ignore_case) == (None if starts is None else frozenset(starts))


def test_merge_tags_are_searched_from_their_starts() -> None:
    rule = next(r for r in builtin_rules_list() if r.id == "unresolved-merge-tag")
    assert rule.check.pattern._first is not None  # else the property tests above check only the plain search


def builtin_rules_list() -> list:
    from spamlint import builtin_rules

    return list(builtin_rules())
