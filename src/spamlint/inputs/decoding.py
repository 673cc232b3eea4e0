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


# email.header's ecre (an RFC 2047 encoded word) for text without line breaks, each lazy part
# written as the greedy one it equals there (a charset holds no '?'; the text runs to the first
# '?='), which re scans without trying the rest of the pattern at every character
_ENCODED_WORD = lazy(r"=\?([^?]*)\?([qQbB])\?([^?]*(?:\?(?!=)[^?]*)*)\?=")


def decode_words(value: str) -> str | None:
    """"".join(_decode_chunk(b, cs) for b, cs in email.header.decode_header(value)), or None where
    decode_header raises (bad base64).

    decode_header splits each line at its encoded words with a list it pops from the front and
    joins bytes one by one; Microsoft's anti-spam fields hold a hundred words a value.  Here the
    same steps run over the matches: lines, the first text of a line left-stripped, white space
    alone between two encoded words dropped, runs of one charset joined (plain text with spaces).
    """
    import email.header  # email's imports cost start-up; a template never needs them

    lines = value.splitlines()
    if len(lines) == 1:
        run = _run(lines[0])
        if run is not None:
            return run
    if not email.header.ecre.search(value):  # over the whole value, as decode_header looks
        return value
    words = _words(value)
    chunks: list[tuple[list[bytes], str | None]] = []
    for text, encoding, charset in words:
        if encoding is None:
            word = text.encode("raw-unicode-escape")
        elif encoding == "q":
            word = _q_word(text)
        else:
            word = _b_word(text)
            if word is None:
                return None
        if chunks and chunks[-1][1] == charset:
            if charset is None:
                chunks[-1][0].append(b" ")
            chunks[-1][0].append(word)
        else:
            chunks.append(([word], charset))
    return "".join(decode_bytes(b"".join(parts), charset)[0] for parts, charset in chunks)


# a line of encoded words of one charset (as the first word writes it: the \1) and white space
# alone: each word is the one _ENCODED_WORD finds there (its every part is forced: a charset to
# the first '?', a text to the first '?=')
_WORD = r"=\?([^?]*)\?[qQbB]\?[^?]*(?:\?(?!=)[^?]*)*\?="
_ONE_CHARSET = r"=\?\1\?[qQbB]\?[^?]*(?:\?(?!=)[^?]*)*\?="
_WORD_RUN = lazy(rf"[ \t]*{_WORD}(?:[ \t]*{_ONE_CHARSET})*[ \t]*")


def _run(line: str) -> str | None:
    """decode_words of a line that is encoded words of one charset (as written) with spaces or tabs
    between: the words' bytes joined and decoded once, then any white space after the last word;
    None for other lines, and where a word's base64 cannot be read (the general path says so).

    decode_header drops the white space between the words, joins the bytes of a charset's run and
    keeps the white space at the end as a plain word: this is the run Microsoft's fields hold.
    """
    if _WORD_RUN.fullmatch(line) is None:
        return None
    found = _ENCODED_WORD.findall(line)
    texts = [text for _, _, text in found]
    if any(map(str.isspace, texts)):
        return None  # a word of white space, which decode_header drops between two encoded words
    kinds = "".join([encoding for _, encoding, _ in found]).lower()
    pieces = []
    start = 0
    while start < len(kinds):  # each run of one encoding at once (Microsoft's: B words, then a Q word)
        end = kinds.find("q" if kinds[start] == "b" else "b", start)
        end = len(kinds) if end == -1 else end
        data = _encoded_run(texts[start:end], kinds[start])
        if data is None:
            return None
        pieces.append(data)
        start = end
    return decode_bytes(b"".join(pieces), found[0][0].lower())[0] + line[len(line.rstrip(" \t")):]


def _encoded_run(texts: list[str], kind: str) -> bytes | None:
    """The bytes of encoded words' texts of one encoding ("b" or "q"), joined; None where base64 cannot be read."""
    data = _b_run(texts) if kind == "b" else _q_run(texts)
    if data is not None:
        return data
    words = [_b_word(text) for text in texts] if kind == "b" else [_q_word(text) for text in texts]
    return None if None in words else b"".join(words)


_BASE64 = lazy(r"[A-Za-z0-9+/]*={0,2}")


def _b_run(texts: list[str]) -> bytes | None:
    """The base64 texts' bytes joined, decoded at once where each text is whole base64 (its length a
    multiple of 4, no padding but at the end of the last): each then decodes as it does alone."""
    joined = "".join(texts)
    if not _BASE64.fullmatch(joined) or "=" in joined.rstrip("=") or any(len(t) % 4 for t in texts):
        return None
    import binascii

    return binascii.a2b_base64(joined)


def _words(value: str) -> list[tuple[str, str | None, str | None]]:
    """decode_header's (text, encoding, charset) words: None, None for plain text; lone white space
    between two encoded words dropped."""
    words: list[tuple[str, str | None, str | None]] = []
    for line in value.splitlines():
        at = 0
        for m in _ENCODED_WORD.finditer(line):
            plain = line[at:m.start()] if at else line[:m.start()].lstrip()
            if plain:
                words.append((plain, None, None))
            words.append((m.group(3), m.group(2).lower(), m.group(1).lower()))
            at = m.end()
        plain = line[at:] if at else line.lstrip()
        if plain:
            words.append((plain, None, None))
    drop = [n - 1 for n in range(2, len(words))
            if words[n][1] and words[n - 2][1] and words[n - 1][0].isspace()]
    for n in reversed(drop):
        del words[n]
    return words


def _q_run(texts: list[str]) -> bytes | None:
    """The Q texts' bytes joined, decoded at once where no text holds a '=' in its last two characters
    (so no =XX stands across two texts); None where unsure."""
    if "=" in "".join([text[-2:] for text in texts]):
        return None
    return _q_word("".join(texts))


def _q_word(text: str) -> bytes:
    """bytes(email.quoprimime.header_decode(text), "raw-unicode-escape").

    binascii.a2b_qp in header mode reads _ and =XX as header_decode does, and differs only on a
    text ending in '=', on '==' and on line breaks (soft breaks), none of which it is given here.
    """
    if "=" not in text:
        return text.replace("_", " ").encode("raw-unicode-escape")
    if text.isascii() and "==" not in text and not text.endswith("=") and "\n" not in text and "\r" not in text:
        import binascii

        return binascii.a2b_qp(text, header=True)
    import email.quoprimime

    return email.quoprimime.header_decode(text).encode("raw-unicode-escape")


def _b_word(text: str) -> bytes | None:
    """email.base64mime.decode(text) with the padding decode_header adds; None where it raises."""
    import binascii

    if len(text) % 4:
        text += "==="[:4 - len(text) % 4]
    try:
        return binascii.a2b_base64(text.encode("raw-unicode-escape")) if text else b""
    except binascii.Error:
        return None


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
