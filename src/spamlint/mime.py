"""Bytes -> Document: sniff the input kind, walk MIME, decode transfer encodings and charsets."""

from __future__ import annotations

import email
import email.errors
import email.header
import email.message
import logging
import re
from email import policy
from typing import Callable

from .document import Attachment, Document, Header, Link, Segment
from .html_text import parse_html
from .limits import DEFAULT_LIMITS, Limits
from .mimescan import bound_structure, cap_parameters, leaf_parts
from .templating import add_template_headers, has_placeholder, mask_placeholders, template_fields

_HEADER_LINE = re.compile(rb"^([!-9;-~]+):")
_KNOWN_HEADERS = frozenset({
    b"from", b"to", b"subject", b"date", b"received", b"return-path", b"message-id", b"mime-version",
    b"content-type", b"reply-to", b"delivered-to", b"x-mailer", b"sender", b"cc", b"list-unsubscribe",
    b"dkim-signature", b"authentication-results", b"envelope-to", b"x-original-to", b"arc-seal",
})
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype|html|head|body|table|div|p|center|meta|style|span|a|img|h[1-6])\b",
                         re.IGNORECASE | re.DOTALL)
_URL = re.compile(r"""\b(?:https?://|www\.)[^\s<>"'()\[\]{}]+""", re.IGNORECASE)
_SURROGATE = re.compile("[\udc80-\udcff]")
# bs4's UnicodeDammit logs a warning when it must replace characters; with no logging set up
# Python would print it, and the library never prints.  Users' own logging still gets it.
logging.getLogger("bs4.dammit").addHandler(logging.NullHandler())
_KNOWN_CTES = frozenset({"7bit", "8bit", "binary", "base64", "quoted-printable", "x-uuencode", "uuencode", "x-uue", "uue"})
_BASE64_DEFECTS = (email.errors.InvalidBase64CharactersDefect, email.errors.InvalidBase64PaddingDefect,
                   email.errors.InvalidBase64LengthDefect)
_MESSAGE_EXTS = frozenset({".eml", ".msg", ".mbox", ".mail"})
_HTML_EXTS = frozenset({".html", ".htm", ".xhtml"})


def sniff(data: bytes, ext: str = "") -> str:
    """Decide what an input is: 'message', 'html' or 'text'."""
    ext = ext.lower()
    if ext in _MESSAGE_EXTS:
        return "message"
    if ext in _HTML_EXTS:
        return "html"
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    if _looks_like_headers(head):
        return "message"
    if _HTML_START.match(head):
        return "html"
    return "text"


def _looks_like_headers(head: bytes) -> bool:
    lines = head.lstrip(b"\r\n").splitlines()
    if lines and lines[0].startswith(b"From "):
        lines = lines[1:]
    if not lines or not _HEADER_LINE.match(lines[0]):
        return False
    for line in lines[:40]:
        if not line.strip():
            break
        m = _HEADER_LINE.match(line)
        if m and m.group(1).lower() in _KNOWN_HEADERS:
            return True
    return False


def load(data: bytes, name: str = "-", ext: str = "", fields: dict[str, str] | None = None,
         limits: Limits | None = None) -> Document:
    """Build a Document from raw bytes, sniffing whether they are a message or a template.

    `fields` (subject, from, reply-to, preheader) give a template what its front matter lacks.
    `limits` bound how much is read (see limits.py); what lies beyond one becomes a problem.
    """
    limits = limits or DEFAULT_LIMITS
    size, problems = len(data), []
    if size > limits.max_input_bytes:
        data = _cut(data, limits.max_input_bytes)
        problems.append(limits.problem("max_input_bytes", f"input is larger than {limits.max_input_bytes} bytes; the rest was not read"))
    kind = sniff(data, ext)
    if kind == "message":
        doc = from_bytes_message(data, name, limits)
    else:
        if len(data) > limits.max_part_bytes:
            data = _cut(data, limits.max_part_bytes)
            problems.append(_part_problem(limits, "template"))
        doc = from_template(decode_template(data, kind == "html"), name, kind, size, fields, limits)
    doc.raw_size = size
    doc.problems[:0] = problems
    return doc


def _cut(data: bytes, size: int) -> bytes:
    """The first `size` bytes, without a UTF-8 sequence cut in half (which would look like a charset error)."""
    lead = size - 1
    while lead > size - 4 and lead > 0 and 0x80 <= data[lead] < 0xC0:
        lead -= 1
    if lead >= 0 and data[lead] >= 0xC0:
        need = 2 if data[lead] < 0xE0 else 3 if data[lead] < 0xF0 else 4
        if lead + need > size:
            return data[:lead]
    return data[:size]


def _part_problem(limits: Limits, label: str) -> tuple[str, str]:
    return limits.problem("max_part_bytes", f"{label} decodes to more than {limits.max_part_bytes} bytes; the rest was not read")


def decode_template(data: bytes, is_html: bool) -> str:
    """Decode a template file: UTF-8 (with or without BOM), else the declared or detected charset."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from bs4.dammit import UnicodeDammit  # only for files that are not UTF-8

    dammit = UnicodeDammit(data, is_html=is_html)
    return dammit.unicode_markup if dammit.unicode_markup is not None else data.decode("cp1252", "replace")


def from_template(text: str, name: str, kind: str, raw_size: int | None = None,
                  fields: dict[str, str] | None = None, limits: Limits = DEFAULT_LIMITS) -> Document:
    """A bare template (HTML or text): the whole file is one body part, plus front-matter headers."""
    size = raw_size if raw_size is not None else len(text.encode("utf-8", "surrogatepass"))
    found, text = template_fields(text, name, fields)
    if found and kind == "text" and _HTML_START.match(text[:4096].encode("utf-8", "surrogatepass")):
        kind = "html"  # the front matter hid the leading tag from sniff()
    doc = Document(kind=kind, name=name, raw_size=size, limits=limits)
    _add_body(doc, text, "text/html" if kind == "html" else "text/plain", primary=True)
    add_template_headers(doc, found)
    return doc


def from_bytes_message(data: bytes, name: str = "-", limits: Limits = DEFAULT_LIMITS) -> Document:
    """Parse a raw RFC 5322 message (optionally behind an mbox 'From ' line), within `limits`."""
    offset = 0
    if data.startswith(b"From "):
        nl = data.find(b"\n")
        offset = 1 if nl != -1 else 0
        data = data[nl + 1:] if nl != -1 else b""
    data, problems = cap_parameters(data, limits)  # before the parser reads them
    data, more = bound_structure(data, limits)  # before the parser recurses into it
    problems += more
    msg = email.message_from_bytes(data, policy=policy.compat32)
    lines = _header_lines(data, offset)
    doc = from_message(msg, name, len(data), lines, _RawFile(data, offset), limits)
    doc.problems[:0] = problems
    return doc


class _RawFile:
    """The raw bytes of a message file, to place parts that are not transfer-encoded on file lines."""

    def __init__(self, data: bytes, line_offset: int) -> None:
        self.data = data
        self.line_offset = line_offset
        self.pos = 0
        self.counted = (0, 0)  # (offset, line breaks before it): count forward once, not from 0 per part

    def line_of(self, part: email.message.Message) -> int | None:
        """File line where this part's body starts, if its body stands in the file as it is decoded."""
        cte = str(part.get("Content-Transfer-Encoding", "7bit")).strip().lower()
        raw = raw_payload(part)
        if cte not in ("7bit", "8bit", "binary", "") or not isinstance(raw, str) or not raw:
            return None
        probe = raw[:256].encode("utf-8", "surrogateescape")
        idx = self.data.find(probe, self.pos)
        if idx == -1:
            return None
        self.pos = idx + len(probe)
        at, breaks = self.counted
        breaks += self.data.count(b"\n", at, idx)  # idx only grows: parts come in file order
        self.counted = (idx, breaks)
        return breaks + 1 + self.line_offset


def from_message(msg: email.message.Message, name: str = "-", raw_size: int | None = None,
                 header_lines: dict[str, list[int]] | None = None, raw: _RawFile | None = None,
                 limits: Limits = DEFAULT_LIMITS) -> Document:
    """Build a Document from a parsed email.message.Message.

    Positions in a body part are lines of the file when the part is not transfer-encoded
    (and the raw file is known); otherwise they are lines of the decoded part.
    """
    if raw_size is None:
        raw_size = _message_size(msg)
    doc = Document(kind="message", name=name, raw_size=raw_size, limits=limits)
    doc.headers = _headers(msg, header_lines or {}, doc)
    subject = doc.header("Subject")
    if subject is not None:
        doc.subject = Segment("subject", mask_placeholders(subject.value), subject.value,
                              line_base=subject.line, col_base=len("Subject: ") + 1)
    _walk(msg, doc, raw)
    return doc


def _header_lines(data: bytes, offset: int) -> dict[str, list[int]]:
    """Line numbers where each header field starts, by lower-cased name, in order."""
    out: dict[str, list[int]] = {}
    for i, line in enumerate(data.split(b"\n", 2000)):
        if not line.strip():
            break
        m = _HEADER_LINE.match(line)
        if m and line[:1] not in (b" ", b"\t"):
            key = m.group(1).decode("ascii", "replace").lower()
            out.setdefault(key, []).append(i + 1 + offset)
    return out


def _headers(msg: email.message.Message, lines: dict[str, list[int]], doc: Document) -> list[Header]:
    seen: dict[str, int] = {}
    out = []
    for name, raw in msg.items():
        key = name.lower()
        idx = seen.get(key, 0)
        seen[key] = idx + 1
        at = lines.get(key, [])
        out.append(Header(name, decode_header_value(raw, doc), at[idx] if idx < len(at) else None))
    return out


def decode_header_value(raw: object, doc: Document | None = None) -> str:
    """Decode RFC 2047 encoded words and stray 8-bit bytes; never raises."""
    if isinstance(raw, email.header.Header):  # compat32 wraps raw 8-bit header bytes this way
        raw = "".join(_decode_chunk(b, cs) for b, cs in email.header.decode_header(raw))
    value = str(raw)
    limits = doc.limits if doc is not None else DEFAULT_LIMITS
    if len(value) > limits.max_header_bytes:  # decode_header is quadratic in encoded words
        value = value[:limits.max_header_bytes]
        if doc is not None:
            doc.problems.append(limits.problem("max_header_bytes", f"a header field is longer than {limits.max_header_bytes} bytes; the rest was not read"))
    if not value.isascii() and _SURROGATE.search(value):
        value = _fix_8bit(value)
    value = re.sub(r"\r?\n[ \t]+", " ", value)
    if "=?" not in value:
        return value.strip()
    try:
        chunks = email.header.decode_header(value)
    except Exception:  # malformed encoded words: keep the raw text
        if doc is not None:
            doc.problems.append(("header-encoding", f"undecodable encoded word in header: {value[:60]}"))
        return value.strip()
    return "".join(_decode_chunk(b, cs) for b, cs in chunks).strip()


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
    if is_html:
        from bs4.dammit import UnicodeDammit

        text = UnicodeDammit(data, is_html=True).unicode_markup
        if text is not None:
            return text, problem
    return data.decode("cp1252", "replace"), problem


def _walk(msg: email.message.Message, doc: Document, raw: _RawFile | None = None) -> None:
    leaves = leaf_parts(msg, doc.limits, doc.problems)
    has_html = any(p.get_content_type() == "text/html" for p in leaves)
    counts: dict[str, int] = {}
    for part in leaves:
        ctype = part.get_content_type()
        filename = _param(part.get_filename)
        disposition = str(part.get("Content-Disposition") or "").split(";")[0].strip().lower()  # str(): 8-bit values are Header objects
        if ctype not in ("text/plain", "text/html") or filename or disposition == "attachment":
            doc.attachments.append(Attachment(decode_header_value(filename or ""), ctype, _payload_size(part)))
            continue
        counts[ctype] = counts.get(ctype, 0) + 1
        label = ctype if counts[ctype] == 1 else f"{ctype}#{counts[ctype]}"
        text = _part_text(part, ctype, label, doc)
        line_base = (raw.line_of(part) if raw is not None else None) or 1
        _add_body(doc, text, label, primary=ctype == "text/html" or not has_html, line_base=line_base)


def _part_text(part: email.message.Message, ctype: str, label: str, doc: Document) -> str:
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # a broken transfer encoding: keep the raw text
        payload = None
        doc.problems.append(("decode", f"{label}: transfer encoding could not be decoded"))
    problem = _transfer_problem(part)
    if problem:
        doc.problems.append(("decode", f"{label}: {problem}"))
    if not isinstance(payload, bytes):
        raw = raw_payload(part)
        payload = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
    if len(payload) > doc.limits.max_part_bytes:
        payload = _cut(payload, doc.limits.max_part_bytes)
        doc.problems.append(_part_problem(doc.limits, label))
    text, problem = decode_bytes(payload, _param(part.get_content_charset), ctype == "text/html")
    if problem:
        doc.problems.append(("charset", f"{label}: {problem}; decoded with a fallback"))
    return text


def _param(getter: Callable[[], str | None]) -> str | None:
    """A parameter the stdlib decodes by RFC 2231; None when its charset breaks the decoding (a NUL in it)."""
    try:
        return getter()
    except (LookupError, ValueError):
        return None


def _transfer_problem(part: email.message.Message) -> str | None:
    """What the stdlib decoded leniently: base64 with bad characters or padding, an unknown encoding."""
    cte = str(part.get("Content-Transfer-Encoding") or "7bit").strip().lower()
    if cte not in _KNOWN_CTES:
        return f"unknown transfer encoding {cte[:40]!r}; the text was read as it stands"
    if any(isinstance(d, _BASE64_DEFECTS) for d in part.defects):
        return "base64 with invalid characters or padding; decoded as far as possible"
    return None


def _message_size(msg: email.message.Message) -> int:
    """Size of a message given as an object: its serialised bytes, or 0 if it cannot be serialised."""
    try:
        return len(msg.as_bytes(policy=policy.compat32.clone(linesep="\r\n")))
    except Exception:  # a hand-built Message may not serialise (nesting, odd header objects); size is a hint
        return 0


def raw_payload(part: email.message.Message) -> object:
    """part.get_payload() without decoding; never raises.

    For 8-bit text the stdlib decodes with the declared charset and only survives an unknown
    one (LookupError), not a codec that fails (punycode, a NUL in the name): then the raw text.
    """
    try:
        return part.get_payload()
    except (LookupError, ValueError):
        return part._payload  # noqa: SLF001 - the stdlib offers no other way to the undecoded text


def _payload_size(part: email.message.Message) -> int:
    raw = raw_payload(part)
    if not isinstance(raw, str):
        return 0
    if str(part.get("Content-Transfer-Encoding") or "").strip().lower() == "base64":
        return len(raw) * 3 // 4
    return len(raw)


def _add_body(doc: Document, text: str, label: str, primary: bool, line_base: int = 1) -> None:
    if label.startswith("text/html"):
        html_part, links, images = parse_html(text, label, line_base, doc.limits)
        html_part.text.primary = primary
        doc.html_parts.append(html_part)
        doc.bodies.append(html_part.text)
        doc.problems.extend(html_part.problems)
        _extend(doc, doc.links, links, "max_links", "links")
        _extend(doc, doc.images, images, "max_images", "images")
        return
    segment = Segment(label, mask_placeholders(text), text, primary=primary, line_base=line_base)
    doc.bodies.append(segment)
    for m in _URL.finditer(segment.text):
        if len(doc.links) >= doc.limits.max_links:
            _extend(doc, doc.links, [None], "max_links", "links")
            break
        url = m.group().rstrip(".,;:!?")
        line, col = segment.locate(m.start())
        doc.links.append(Link(url, url, label, line, col, has_placeholder(url)))


def _extend(doc: Document, into: list, items: list, limit: str, what: str) -> None:
    """Add links or images up to the limit; past it, note the limit once and drop the rest."""
    room = getattr(doc.limits, limit) - len(into)
    into.extend(items[:max(room, 0)])
    if len(items) > room and not any(p[1].endswith(f"{limit}={getattr(doc.limits, limit)})") for p in doc.problems):
        doc.problems.append(doc.limits.problem(limit, f"more than {getattr(doc.limits, limit)} {what}; the rest were not checked"))
