"""Issue 15, sixth pass (message headers, Received trail): each fast path gives what the plain definition gives."""

from __future__ import annotations

import email.errors
import email.header
import ipaddress
import re
import email.message
import email.quoprimime

from email import policy

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from spamlint.inputs.decoding import _decode_chunk, decode_header_value, decode_words, unfold
from spamlint.inputs.encoded_words import _q_word
from spamlint.inputs.mime import _head
from spamlint.inputs.parse import Parse
from spamlint.limits import DEFAULT_LIMITS
from spamlint.text import received
from spamlint.text.urls import is_ip_host

FAST = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- inputs/encoded_words.py (through decoding.decode_words): RFC 2047 words without decode_header -
def plain_decode_words(value: str) -> str | None:
    """decode_words by its definition: the stdlib's decode_header, each chunk decoded as before."""
    try:
        chunks = email.header.decode_header(value)
    except email.errors.HeaderParseError:
        return None
    return "".join(_decode_chunk(b, cs) for b, cs in chunks)


WORD_PIECES = ["=?utf-8?b?", "=?UTF-8?B?", "=?iso-8859-1?q?", "=?Windows-1252?Q?", "=??q?", "=?x?b?", "=?utf-8?",
               "?=", "?", "=", "=?", "w6k=", "w6", "8J+Sig==", "SGk", "_", "=41", "=e9", "=C3=A9", "=4", "=xx",
               " ", "  ", "\t", "\n", "\r\n", "\r", "\x0b", "\x1c", "\u2028", "\x85", "a", "Hi there", "\xe9", "\u20ac",
               "\\u20ac", "b", "q", "Q", "=?koi8-r?b?", "=?bogus?q?", "=?utf-16?b?", "//79AA==", "\xff"]
values = st.lists(st.sampled_from(WORD_PIECES), max_size=30).map("".join)


@FAST
@given(values)
@example("=?utf-8?b?w6k=?= =?utf-8?b?w6k=?=")
@example("=?utf-8?q?a?= =?iso-8859-1?q?=e9?=  =?utf-8?q?_b?= c")
@example(" =?us-ascii?Q?a?=\t=?us-ascii?Q?b?= ")
@example("=?utf-8?b?w6k?=")  # base64 without its padding
@example("=?utf-8?b?w?=")  # base64 that cannot be read
@example("=?a\n?q?x?=")  # a match across lines for the search, none in any line
@example("=?utf-8?q? ?==?utf-8?q?a?=")  # an encoded word of white space between two encoded words
@example("a =?utf-8?q? ?==?utf-8?q?b?=")  # one after plain text stays
@example("a\n b =?utf-8?q?x?=\nc")
@example("=?utf-8?q?a?b?=")
def test_decode_words_is_decode_header(value: str) -> None:
    assert decode_words(value) == plain_decode_words(value)


def plain_decode_header_value(raw: str, parse: Parse) -> str:
    """decode_header_value as it was before the sixth pass: decode_header's chunks, or the raw text noted."""
    value = str(raw)
    if len(value) > parse.limits.max_header_bytes:
        value = value[:parse.limits.max_header_bytes]
        parse.limit("max_header_bytes", f"a header field is longer than {parse.limits.max_header_bytes} bytes; the rest was not read")
    from spamlint.inputs.decoding import _SURROGATE, _fix_8bit, unfold

    if not value.isascii() and _SURROGATE.search(value):
        value = _fix_8bit(value)
    value = unfold(value)
    if "=?" not in value:
        return value.strip()
    try:
        chunks = email.header.decode_header(value)
    except Exception:
        parse.problem("header-encoding", f"undecodable encoded word in header: {value[:60]}")
        return value.strip()
    return "".join(_decode_chunk(b, cs) for b, cs in chunks).strip()


@FAST
@given(values)
@example("=?utf-8?b?w?= tail")
@example("Subject with\n =?utf-8?q?fold?=")
def test_decode_header_value_is_plain(value: str) -> None:
    fast, plain = Parse(DEFAULT_LIMITS), Parse(DEFAULT_LIMITS)
    assert decode_header_value(value, fast) == plain_decode_header_value(value, plain)
    assert fast.problems == plain.problems


@st.composite
def word_runs(draw: st.DrawFn) -> str:
    """Encoded words with white space between, the shape the one-charset run takes; mostly well formed."""
    charsets = draw(st.lists(st.sampled_from(["utf-8", "UTF-8", "iso-8859-1", "x", ""]), min_size=1, max_size=2))
    texts = st.sampled_from(["w6k=", "SGk", "QUJD", "AAAA", "QQ==", "w6k", "=", "=4", "1", "41", "a=", "==", "8J+Sig==", "w", "YWJj", "", "a_b", "=C3=A9", "=e9", "=4", "\xe9", " ", "?"])
    words = draw(st.lists(st.tuples(st.sampled_from(charsets), st.sampled_from("bBqQ"), texts), min_size=1, max_size=6))
    gaps = st.sampled_from(["", " ", "\t ", "  ", "\n", "x", "\u3000"])
    out = draw(gaps)
    for cs, enc, text in words:
        out += f"=?{cs}?{enc}?{text}?=" + draw(gaps)
    return out


@FAST
@given(word_runs())
@example("=?utf-8?q??=")  # a run that decodes to nothing
@example("=?utf-8?b?w6k=?==?utf-8?q? ?==?utf-8?b?w6k=?=")  # a word of white space between two
@example(" =?utf-8?b?w6k=?=\t=?utf-8?b?w6k=?= \t")
@example("=?utf-8?b?w6k=?= =?UTF-8?b?w6k=?=")  # one charset written two ways: not one run
def test_decode_words_of_runs_is_decode_header(value: str) -> None:
    assert decode_words(value) == plain_decode_words(value)


@FAST
@given(st.text(alphabet="=_aAfF09gG \t\r\n\x00\xe9\u20ac?", max_size=12))
@example("=")
@example("a==41")
@example("=4")
@example("=41=")
@example("=\r\n41")
def test_q_word_is_header_decode(text: str) -> None:
    assert _q_word(text) == email.quoprimime.header_decode(text).encode("raw-unicode-escape")


# -- inputs/mime.py: a header block's fields found by one pattern ----------------------------------
HEAD_PIECES = ["Subject: a", "Subject:", "X-Y:  b ", "To:\tc", "X:\t ", "X: \t", " folded", "\tfolded", "  ", " X: y",
               "\tX: y", "X: a:b", "X-\x7e: v", "From x", "bad name: x", "\xe9: x", "no colon", "X: a\rb", "X: b\r"]


@FAST
@given(st.lists(st.sampled_from(HEAD_PIECES), min_size=1, max_size=10), st.sampled_from(["\n", "\r\n"]))
@example(["X:  ", " ", "\tb"], "\r\n")
@example(["X: a", "\tY: b", "Z:"], "\n")
def test_head_fields_are_the_parsers(lines: list[str], nl: str) -> None:
    import email.parser

    text = nl.join(lines) + nl + nl + "body"
    end = text.index(nl + nl) + 2 * len(nl)
    assume(text.count("\r", 0, end) == text.count("\r\n", 0, end))  # _quick leaves a lone CR to the parser
    plain = email.parser.Parser(policy=policy.compat32).parsestr(text[:end], headersonly=True)
    fast = _head(text, end)
    assert fields(fast) == fields(plain)


def fields(msg: email.message.Message) -> tuple[object, ...]:
    """What the parser stores for a header block: fields, defects (by kind and text) and payload."""
    return (msg._headers, [(type(d), str(d)) for d in msg.defects], msg._payload, msg.policy)  # noqa: SLF001


# -- text/urls.py is_ip_host: a name is told from an address without ipaddress's raised errors -----
def plain_is_ip_host(host: str) -> bool:
    """is_ip_host by its definition: ipaddress, else the integer/hex/octal pattern."""
    h = host.strip("[]")
    try:
        ipaddress.ip_address(h)
        return True
    except ValueError:
        pass
    return bool(re.fullmatch(r"(0x[0-9a-f]+|\d+)(\.(0x[0-9a-f]+|\d+)){0,3}", h, re.IGNORECASE))


hosts = st.text(alphabet="0123456789abcdefxXAFgz.:%[]-\u0661\u212a", max_size=20)


@FAST
@given(hosts)
@example("mail.example.com")
@example("0x7f.1")
@example("\u0661\u0662\u0663")  # digits the pattern's \d reads
@example("fe80::1%eth0")
@example("[::ffff:1.2.3.4]")
@example("1.2.3.4")
def test_is_ip_host_is_plain(host: str) -> None:
    assert is_ip_host.__wrapped__(host) == plain_is_ip_host(host)


# -- text/received.py: IPv6 addresses read without ip_address's IPv4 try ---------------------------
ip_texts = st.one_of(st.ip_addresses().map(str), st.ip_addresses(v=6).map(lambda a: a.exploded),
                     st.text(alphabet="0123456789abcdefABCDEF:.%x", max_size=24))


@FAST
@given(ip_texts)
@example("2603:10b6:806:14b::14")
@example("::ffff:10.0.0.1")
@example("fe80::1%eth0")
@example("1:2")
def test_ip_text_is_plain(text: str) -> None:
    assert received._ip(text) == received._plain_ip(text)


@FAST
@given(st.ip_addresses())
@example(ipaddress.ip_address("::ffff:10.0.0.1"))
@example(ipaddress.ip_address("100.64.0.1"))
def test_is_private_is_plain(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
    plain = ipaddress.ip_address(str(addr))
    if plain.version == 6 and plain.ipv4_mapped is not None:
        plain = plain.ipv4_mapped
    expected = plain.is_private or plain.is_loopback or plain.is_link_local or plain.is_unspecified or \
        plain in ipaddress.ip_network("100.64.0.0/10")
    assert received.is_private.__wrapped__(str(addr)) == expected


# -- inputs/decoding.py unfold: a CRLF field's folds read by the LF pattern -------------------------
@FAST
@given(st.lists(st.sampled_from(["a", "b c", "\r\n ", "\r\n\t", "\n ", "\r\n", "\n", "\r", " ", "\t", "\r\n  x"]),
                max_size=12).map("".join))
@example("a\r\n b\r\n\tc")
@example("a\r\n\r\n b")
@example("a\r\nb\r\n c")
def test_unfold_is_the_fold_pattern(value: str) -> None:
    assert unfold(value) == re.sub(r"\r?\n[ \t]+", " ", value)
