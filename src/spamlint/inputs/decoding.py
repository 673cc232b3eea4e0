"""Decoding that never raises: header values (RFC 2047), charsets, transfer encodings, payloads.

Mail is decoded leniently, as clients do; what had to be guessed or replaced is returned or
noted in the parse context (kind "decode", "charset" or "header-encoding") so rules can
report it.  The stdlib's email package raises on some inputs its own callers must survive
(a NUL in a charset name, codecs that fail on 8-bit text); the wrappers here absorb that.
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Callable

from spamlint.inputs import encoded_words
from spamlint.inputs.parse import Parse
from spamlint.limits import DEFAULT_LIMITS
from spamlint.text.compiled import lazy  # module-level patterns from the rule-pack cache's code, on first use

if TYPE_CHECKING:  # email is imported where it is used: a template never needs it
    import email.message


_SURROGATE = lazy("[\udc80-\udcff]")  # compiled on first use: only non-ASCII text is searched
_FOLD = lazy(r"\r?\n[ \t]+")
# _FOLD as re scans faster (unfold): without "\r", a literal first character lets it skip ahead to
# each line break; with it, two branches that each start with a literal (the same matches: the
# greedy "\r?" is the first branch, its empty choice the second) instead of an optional first item
_FOLD_LF = lazy(r"\n[ \t]+")
_FOLD_CRLF = lazy(r"\r\n[ \t]+|\n[ \t]+")
_KNOWN_CTES = frozenset({"7bit", "8bit", "binary", "base64", "quoted-printable", "x-uuencode", "uuencode", "x-uue", "uue"})


def decode_template(data: bytes, is_html: bool) -> str:
    """Decode a template file: UTF-8 (with or without BOM), else as `fallback_charset` says."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode(fallback_charset(data, is_html), "replace")


def fallback_charset(data: bytes, is_html: bool) -> str:
    """The charset for bytes that are not UTF-8 and whose MIME charset is missing or wrong.

    A UTF-16 byte-order mark, else the charset an HTML document declares in a <meta> tag or
    XML declaration, else Windows-1252, as mail clients and browsers fall back.  Nothing is
    guessed from the bytes: a statistical detector would make the result depend on which
    optional packages happen to be installed.
    """
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    if is_html:
        declared = declared_charset(data)
        name = text_codec(declared) if declared else None
        if name and not name.startswith(("utf-16", "utf-32")):  # browsers ignore those in a <meta>
            return name
    return "cp1252"


# What beautifulsoup4's (MIT) EncodingDetector.find_declared_encoding(data, is_html=True) searches for,
# read here so that a charset sniff does not import bs4 (about 80 ms, soupsieve included)
_XML_DECLARATION = rb"""^\s*<\?.*encoding=['"](.*?)['"].*\?>"""
_META_CHARSET = rb"""<\s*meta[^>]+charset\s*=\s*["']?([^>]*?)[ /;'">]"""


def declared_charset(data: bytes) -> str | None:
    """The charset an XML declaration (in the first 1 KB) or else a <meta> tag (in the first 2 KB or
    5%) declares, lower-cased, as bs4's EncodingDetector.find_declared_encoding(data, is_html=True)."""
    found = re.compile(_XML_DECLARATION, re.IGNORECASE).search(data, 0, 1024)
    if found is None:
        found = re.compile(_META_CHARSET, re.IGNORECASE).search(data, 0, max(2048, int(len(data) * 0.05)))
    if found is None or not found.group(1):
        return None
    return found.group(1).decode("ascii", "replace").lower()


def text_codec(name: str) -> str | None:
    """The codec's canonical name if `name` is a text encoding that decodes any bytes with
    errors='replace'; None for unknown names and for codecs like rot13, base64, hex, punycode
    or idna, which are not charsets and raise on ordinary 8-bit text."""
    try:
        info = codecs.lookup(name)
        if not getattr(info, "_is_text_encoding", True):  # what bytes.decode itself refuses
            return None
        b"ab\xff\x80".decode(info.name, "replace")
    except (LookupError, ValueError, TypeError, UnicodeError):
        return None
    return info.name


def decode_header_value(raw: object, parse: Parse | None = None) -> str:
    """Decode RFC 2047 encoded words and stray 8-bit bytes; never raises.

    With `parse`, its limits apply and what could not be decoded is noted there.
    """
    limits = parse.limits if parse is not None else DEFAULT_LIMITS
    if type(raw) is str and raw.isascii() and "=?" not in raw and len(raw) <= limits.max_header_bytes:
        return (unfold(raw) if "\n" in raw else raw).strip()  # most fields: nothing to decode
    import email.header  # email's imports cost start-up; a template never needs them

    if isinstance(raw, email.header.Header):  # compat32 wraps raw 8-bit header bytes this way
        raw = "".join(_decode_chunk(b, cs) for b, cs in email.header.decode_header(raw))
    value = str(raw)
    if len(value) > limits.max_header_bytes:  # decode_header is quadratic in encoded words
        value = value[:limits.max_header_bytes]
        if parse is not None:
            parse.limit("max_header_bytes", f"a header field is longer than {limits.max_header_bytes} bytes; the rest was not read")
    if not value.isascii() and _SURROGATE.search(value):
        value = _fix_8bit(value)
    value = unfold(value)
    if "=?" not in value:
        return value.strip()
    decoded = decode_words(value)
    if decoded is None:  # malformed encoded words: keep the raw text
        if parse is not None:
            parse.problem("header-encoding", f"undecodable encoded word in header: {value[:60]}")
        return value.strip()
    return decoded.strip()


def decode_words(value: str) -> str | None:
    """"".join(_decode_chunk(b, cs) for b, cs in email.header.decode_header(value)), or None where
    decode_header raises (bad base64); the words are read by encoded_words.py."""
    chunks = encoded_words.chunks(value)
    return None if chunks is None else "".join([_decode_chunk(b, cs) for b, cs in chunks])


def unfold(value: str) -> str:
    """Each folded line break (CRLF or LF, then spaces or tabs) as one space: _FOLD.sub(" ", value)."""
    if "\r" not in value:
        return _FOLD_LF.sub(" ", value)
    if value.count("\r") == value.count("\r\n"):  # a field of a CRLF file: its CRs all stand before LFs
        # with every LF a fold (none left after), every CRLF was one: the CRs go with them
        out = _FOLD_LF.sub(" ", value.replace("\r\n", "\n"))
        if "\n" not in out:
            return out
    return _FOLD_CRLF.sub(" ", value)


def _decode_chunk(chunk: bytes | str, charset: str | None) -> str:
    if isinstance(chunk, str):
        return chunk
    return decode_bytes(chunk, charset)[0]


def _fix_8bit(value: str) -> str:
    raw = value.encode("ascii", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def decode_bytes(data: bytes, charset: str | None, is_html: bool = False) -> tuple[str, str | None]:
    """Decode a body with its declared charset; fall back instead of failing. Returns (text, problem)."""
    problem = None
    if charset:
        cs = charset.strip().strip('"').lower()
        try:
            return data.decode(cs), None
        except UnicodeDecodeError:
            problem = f"text is not valid {charset!r}"
        except (LookupError, ValueError):  # ValueError: a NUL in the name, codecs like 'undefined' or 'punycode'
            problem = f"unknown charset {charset!r}"
    try:
        return data.decode("utf-8"), problem
    except UnicodeDecodeError:
        pass
    return data.decode(fallback_charset(data, is_html), "replace"), problem


def param(getter: Callable[[], str | None]) -> str | None:
    """A parameter the stdlib decodes by RFC 2231; None when the stdlib cannot read it.

    A NUL in a charset name raises ValueError or LookupError; RFC 2231 continuations mixed with a
    plain extended value (`charset*0=ut; charset*=utf-8''x`) make it compare None with an int.
    """
    try:
        return getter()
    except (LookupError, ValueError, TypeError):
        return None


class Fields:
    """A part's header fields as part.get(name) gives them, indexed in one pass (each get() scans them all)."""

    def __init__(self, part: email.message.Message) -> None:
        self._fetch = part.policy.header_fetch_parse
        self._first: dict[str, tuple[str, object]] = {}
        for name, value in part.raw_items():
            self._first.setdefault(name.lower(), (name, value))

    def get(self, name: str) -> object:
        """The first field with this name, as part.get(name) returns it; None if there is none."""
        found = self._first.get(name.lower())
        return None if found is None else self._fetch(*found)


def content_charset(part: email.message.Message, fields: Fields | None = None) -> str | None:
    """param(part.get_content_charset): it depends on the Content-Type value alone, and a few values recur."""
    ctype = (fields or part).get("Content-Type")
    if type(ctype) is not str or len(ctype) > _MEMO_MAX:  # absent, 8-bit (a Header object) or long
        return param(part.get_content_charset)
    return _charset_of(ctype)


def part_filename(part: email.message.Message, fields: Fields | None = None) -> str | None:
    """param(part.get_filename): it depends on the Content-Disposition and Content-Type values alone."""
    disposition, ctype = (fields or part).get("Content-Disposition"), (fields or part).get("Content-Type")
    if not (_memo_key(disposition) and _memo_key(ctype)):
        return param(part.get_filename)
    return _filename_of(disposition, ctype)


_MEMO_MAX = 512  # longer values are parsed each time, so the memo stays small


def _memo_key(value: object) -> bool:
    return value is None or (type(value) is str and len(value) <= _MEMO_MAX)


@lru_cache(maxsize=512)
def _charset_of(ctype: str) -> str | None:
    return param(_probe(None, ctype).get_content_charset)


@lru_cache(maxsize=512)
def _filename_of(disposition: str | None, ctype: str | None) -> str | None:
    return param(_probe(disposition, ctype).get_filename)


def _probe(disposition: str | None, ctype: str | None) -> email.message.Message:
    """A message holding just these two fields, which the stdlib's parameter parsing reads."""
    import email.message  # email's imports cost start-up; a template never needs them

    probe = email.message.Message()
    if disposition is not None:
        probe["Content-Disposition"] = disposition
    if ctype is not None:
        probe["Content-Type"] = ctype
    return probe


def transfer_problem(part: email.message.Message, fields: Fields | None = None) -> str | None:
    """What the stdlib decoded leniently: base64 with bad characters or padding, an unknown encoding."""
    cte = str((fields or part).get("Content-Transfer-Encoding") or "7bit").strip().lower()
    if cte not in _KNOWN_CTES:
        return f"unknown transfer encoding {cte[:40]!r}; the text was read as it stands"
    if part.defects and any(isinstance(d, _base64_defects()) for d in part.defects):
        return "base64 with invalid characters or padding; decoded as far as possible"
    return None


@lru_cache(maxsize=1)
def _base64_defects() -> tuple[type, ...]:
    """The stdlib's defects for base64 it decoded leniently (email.errors: only a message's parts meet them)."""
    import email.errors  # email's imports cost start-up; a template never needs them

    return (email.errors.InvalidBase64CharactersDefect, email.errors.InvalidBase64PaddingDefect,
            email.errors.InvalidBase64LengthDefect)


def raw_payload(part: email.message.Message) -> object:
    """part.get_payload() without decoding; never raises.

    For 8-bit text the stdlib decodes with the declared charset and only survives an unknown
    one (LookupError), not a codec that fails (punycode, a NUL in the name): then the raw text.
    """
    try:
        return part.get_payload()
    except (LookupError, ValueError):
        return part._payload  # noqa: SLF001 - the stdlib offers no other way to the undecoded text


def cut(data: bytes, size: int) -> bytes:
    """The first `size` bytes, without a UTF-8 sequence cut in half (which would look like a charset error)."""
    lead = size - 1
    while lead > size - 4 and lead > 0 and 0x80 <= data[lead] < 0xC0:
        lead -= 1
    if lead >= 0 and data[lead] >= 0xC0:
        need = 2 if data[lead] < 0xE0 else 3 if data[lead] < 0xF0 else 4
        if lead + need > size:
            return data[:lead]
    return data[:size]
