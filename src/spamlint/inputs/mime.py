"""Bytes -> Document: sniff the input kind, bound and walk the MIME structure, place parts on file lines.

Decoding (charsets, RFC 2047, transfer encodings) is in decoding.py; limits in limits.py.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from spamlint.inputs.decoding import (
    Fields,
    content_charset,
    cut,
    decode_bytes,
    decode_header_value,
    decode_template,
    part_filename,
    raw_payload,
    transfer_problem,
    unfold,
)
from spamlint.inputs.html_text import parse_html
from spamlint.inputs.kinds import HEADER_LINE as _HEADER_LINE
from spamlint.inputs.kinds import has_html_tag, sniff, starts_like_html
from spamlint.inputs.mjml import mjml_as_html
from spamlint.inputs.mimescan import bound_structure, cap_parameters, leaf_parts
from spamlint.inputs.parse import Parse
from spamlint.inputs.templating import (
    add_template_headers,
    has_placeholder,
    layout_of,
    mask_placeholders,
    template_fields,
)
from spamlint.limits import DEFAULT_LIMITS, Limits
from spamlint.model.document import Attachment, Document, Header, Link
from spamlint.model.segment import Segment, line_starts
from spamlint.text.compiled import lazy  # module-level patterns from the rule-pack cache's code, on first use

if TYPE_CHECKING:  # email is imported where it is used: a template never needs it
    import email.message

_BLANK_LINE = lazy(rb"\n[ \t\r\x0b\x0c]*(?:\n|\Z)")  # the \n before a line that bytes.strip() empties
_LINE_FIELD = lazy(rb"\n(?:([!-9;-~]+):)?")  # HEADER_LINE's name (or b"") after each line break
# a header block (its lines joined by LF, no final break) whose every line is a field or folded
_FIELDS = lazy(r"(?:[\041-\071\073-\176]+:|[ \t])[^\n]*(?:\n(?:[\041-\071\073-\176]+:|[ \t])[^\n]*)*")
# one field of a block _FIELDS matches: its name, then its value after the blanks that follow the ':'
_FIELD = lazy(r"^([\041-\071\073-\176]+):[ \t]*([^\n]*(?:\n[ \t][^\n]*)*)", re.MULTILINE)
_MAX_HEADER_LINES = 2001  # header lines looked at: split(b"\n", 2000)'s pieces
# What `\b(?:https?://|www\.)[^\s<>"'()\[\]{}]+` with IGNORECASE finds (ſ folds to s), but
# starting with a plain character class lets the regex engine skip ahead instead of trying
# the word boundary at every position: about four times faster over text bodies.
_URL = lazy(r"""[hHwW](?<!\w.)(?:(?<=[hH])[tT][tT][pP][sSſ]?://|(?<=[wW])[wW][wW]\.)[^\s<>"'()\[\]{}]+""")


def load(data: bytes, name: str = "-", ext: str = "", fields: dict[str, str] | None = None,
         limits: Limits | None = None) -> Document:
    """Build a Document from raw bytes, sniffing whether they are a message or a template.

    `fields` (subject, from, reply-to, preheader) give a template what its front matter lacks.
    `limits` bound how much is read (see limits.py); what lies beyond one becomes a problem.
    """
    parse = Parse(limits or DEFAULT_LIMITS)
    limits = parse.limits
    size = len(data)
    if size > limits.max_input_bytes:
        data = cut(data, limits.max_input_bytes)
        parse.limit("max_input_bytes", f"input is larger than {limits.max_input_bytes} bytes; the rest was not read")
    kind = sniff(data, ext, name)  # the input kinds registry (kinds.py); refused kinds raise InputError
    if kind == "mjml":
        data, kind = mjml_as_html(data), "html"
    if kind == "message":
        _bytes_message(parse, data)
    else:
        if len(data) > limits.max_part_bytes:
            data = cut(data, limits.max_part_bytes)
            _part_limit(parse, "template")
        kind = _template(parse, decode_template(data, kind == "html"), name, kind, fields)
    return parse.document(kind, name, size)


def _part_limit(parse: Parse, label: str) -> None:
    parse.limit("max_part_bytes", f"{label} decodes to more than {parse.limits.max_part_bytes} bytes; the rest was not read")


def from_template(text: str, name: str, kind: str, raw_size: int | None = None,
                  fields: dict[str, str] | None = None, limits: Limits = DEFAULT_LIMITS) -> Document:
    """A bare template (HTML or text): the whole file is one body part, plus front-matter headers."""
    size = raw_size if raw_size is not None else len(text.encode("utf-8", "surrogatepass"))
    parse = Parse(limits)
    kind = _template(parse, text, name, kind, fields)
    return parse.document(kind, name, size)


def _template(parse: Parse, text: str, name: str, kind: str, fields: dict[str, str] | None) -> str:
    """Gather a template's body and front-matter headers into parse; the kind, which front matter may change."""
    found, text = template_fields(text, name, fields)
    parse.layout = layout_of(text, found)
    head = text[:4096].encode("utf-8", "surrogatepass")
    if kind == "text" and ((found and starts_like_html(head)) or (parse.layout and has_html_tag(head))):
        kind = "html"  # the front matter, or a layout statement before the markup, hid the HTML from sniff()
    _add_body(parse, text, "text/html" if kind == "html" else "text/plain", primary=True)
    add_template_headers(parse, found)
    return kind


def from_bytes_message(data: bytes, name: str = "-", limits: Limits = DEFAULT_LIMITS) -> Document:
    """Parse a raw RFC 5322 message (optionally behind an mbox 'From ' line), within `limits`."""
    parse = Parse(limits)
    size = _bytes_message(parse, data)
    return parse.document("message", name, size)


def _bytes_message(parse: Parse, data: bytes) -> int:
    """Gather a raw message into parse; its size after the mbox line."""
    offset = 0
    if data.startswith(b"From "):
        nl = data.find(b"\n")
        offset = 1 if nl != -1 else 0
        data = data[nl + 1:] if nl != -1 else b""
    data, problems = cap_parameters(data, parse.limits)  # before the parser reads them
    parse.problems += problems
    data, problems = bound_structure(data, parse.limits)  # before the parser recurses into it
    parse.problems += problems
    msg = _parse(data)
    _message(parse, msg, _header_lines(data, offset), _RawFile(data, offset))
    return len(data)


def _parse(data: bytes) -> email.message.Message:
    """email.message_from_bytes(data) under compat32, without feeding bodies to it line by line.

    The stdlib parser reads every body line by line: one that is not multipart or message/*
    only to join the lines again, a multipart one to find its boundary lines.  `_quick` gives
    what it would give where it is sure (the header blocks surely end at their first blank
    line, no line ends in a lone CR, no defect), and None elsewhere: the parser reads those.
    """
    from email import message_from_bytes, policy  # email's imports cost start-up; a template never needs them

    msg = _quick(data.decode("ascii", "surrogateescape"), 0)  # decoded as BytesParser decodes
    return msg if msg is not None else message_from_bytes(data, policy=policy.compat32)


_QUICK_DEPTH = 20  # multiparts nested deeper are left to the stdlib parser (bound_structure bounds it)


def _quick(text: str, depth: int) -> email.message.Message | None:
    """The message (or part) the stdlib parser makes of text under compat32, or None if unsure.

    When the header block surely ends at its first blank line (lines end in LF or CRLF there,
    no misplaced 'From ' line the parser would push back, no defect), the headers alone are
    parsed and the rest is the payload, or for a multipart, its parts (`_quick_parts`).
    """
    end = _header_end(text)
    if end == -1 or text.startswith(("\n", "\r\n")) or text.find("\nFrom ", 0, end) != -1 \
            or text.count("\r", 0, end) != text.count("\r\n", 0, end):
        return None
    msg = _head(text, end)
    if msg is None:
        return None
    maintype = msg.get_content_maintype()
    if msg.defects or maintype == "message":
        return None
    if maintype != "multipart":
        msg.set_payload(text[end:])
        return msg
    return msg if depth < _QUICK_DEPTH and _quick_parts(msg, text[end:], depth) else None


def _head(text: str, end: int) -> email.message.Message | None:
    """Parser(policy=compat32).parsestr(text[:end], headersonly=True) for a header block that ends
    at its first blank line (text[:end] ends with it) and holds no lone CR; None where unsure.

    Where every line is a field (a name of printable ASCII but ':', then ':') or a folded line
    after one, the parser stores each field as compat32's header_source_parse does: the name,
    and the value with its folded lines, without the blank after the ':' and the last line break.
    Anything else (a 'From ' line, a line the parser calls a defect) is left to the parser.
    """
    import email.message
    import email.parser
    from email import policy

    head = text[:end - (3 if text.endswith("\r\n", 0, end) else 2)] if end > 2 else ""
    if head[:1] in (" ", "\t") or not _FIELDS.fullmatch(head):
        return email.parser.Parser(policy=policy.compat32).parsestr(text[:end], headersonly=True)
    msg = email.message.Message(policy=policy.compat32)
    # each field's name, and its value from the first character after the ':' and the blanks that
    # follow (its folded lines included), as set_raw stores it: compat32's header_store_parse
    # gives (name, value) back as they are
    msg._headers = [(name, value.rstrip("\r\n")) for name, value in _FIELD.findall(head)]  # noqa: SLF001
    msg.set_payload("")
    return msg


def _header_end(text: str) -> int:
    """Where the first blank line (LF or CRLF) ends, as the pattern \\n\\r?\\n finds it; -1 if there is none."""
    lf = text.find("\n\n")
    crlf = text.find("\n\r\n", 0, len(text) if lf == -1 else lf + 1)
    return crlf + 3 if crlf != -1 else lf + 2 if lf != -1 else -1


def _quick_parts(msg: email.message.Message, body: str, depth: int) -> bool:
    """Give a multipart msg the parts, preamble and epilogue the stdlib parser would; False if unsure.

    As feedparser.py reads it: a boundary line is `--boundary`, `--` for the last, then spaces
    or tabs; what comes before the first is the preamble, after the last the epilogue, and the
    line break before each boundary line belongs to the boundary.  Boundary lines in a row, a
    missing start or end boundary (defects), a digest (whose parts default to message/rfc822)
    and a multipart whose transfer encoding is a defect are left to the parser.
    """
    boundary = msg.get_boundary()
    if boundary is None or msg.get_content_type() == "multipart/digest" \
            or str(msg.get("content-transfer-encoding", "8bit")).lower() not in ("7bit", "8bit", "binary") \
            or (depth == 0 and "\r" in body and body.count("\r") != body.count("\r\n")):
        return False  # a lone CR ends a line for the parser (a nested body, cut at line breaks, holds none either)
    lines = _boundary_lines(body, "--" + boundary)
    if not lines or lines[0][2] or not lines[-1][2]:
        return False
    if lines[0][0]:
        msg.preamble = _strip_eol(body[:lines[0][0]])
    parts = []
    for (_, start, _), (after, _, _) in zip(lines, lines[1:]):
        part = _quick(body[start:after], depth + 1) if after > start else None
        if part is None:
            return False
        if part.get_content_maintype() == "multipart":  # the line break before the boundary ends its epilogue
            part.epilogue = None if part.epilogue == "" else _strip_eol(part.epilogue)
        else:
            part._payload = _strip_eol(part._payload)  # noqa: SLF001 - as the parser strips it
        parts.append(part)
    msg.set_payload(parts)
    msg.epilogue = body[lines[-1][1]:]
    return True


def _boundary_lines(body: str, separator: str) -> list[tuple[int, int, bool]]:
    """(start, end after its line break, whether it closes) of each boundary line, up to the closing one."""
    out: list[tuple[int, int, bool]] = []
    i = body.find(separator)
    while i != -1:
        nl = body.find("\n", i)
        end = len(body) if nl == -1 else nl + 1
        if i == 0 or body[i - 1] == "\n":
            rest = body[i + len(separator):end]
            close = rest.startswith("--")
            if (rest[2:] if close else rest).lstrip(" \t") in ("", "\n", "\r\n"):
                out.append((i, end, close))
                if close:
                    break
        i = body.find(separator, i + 1)
    return out


def _strip_eol(text: str) -> str:
    """text without its final line break (feedparser's NLCRE_eol; lone CRs are not read here)."""
    return text[:-2] if text.endswith("\r\n") else text[:-1] if text.endswith("\n") else text


class _RawFile:
    """The raw bytes of a message file, to place parts that are not transfer-encoded on file lines."""

    def __init__(self, data: bytes, line_offset: int) -> None:
        self.data = data
        self.line_offset = line_offset
        self.pos = 0
        self.counted = (0, 0)  # (offset, line breaks before it): count forward once, not from 0 per part

    def line_of(self, part: email.message.Message, fields: Fields | None = None) -> int | None:
        """File line where this part's body starts, if its body stands in the file as it is decoded."""
        cte = (fields or part).get("Content-Transfer-Encoding")
        cte = str("7bit" if cte is None else cte).strip().lower()
        # the payload as stored: 8-bit bytes stay surrogate escapes, where get_payload() would
        # decode them with the declared (or default ASCII) charset and so never be found in the file
        raw = part._payload  # noqa: SLF001 - the stdlib offers no other way to the undecoded text
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
    parse = Parse(limits)
    _message(parse, msg, header_lines or {}, raw)
    return parse.document("message", name, raw_size)


def _message(parse: Parse, msg: email.message.Message, header_lines: dict[str, list[int]],
             raw: _RawFile | None) -> None:
    """Gather a parsed message's headers, subject and parts into parse."""
    parse.headers = _headers(msg, header_lines, parse)
    subject = parse.first_header("subject")
    if subject is not None:
        parse.subject = Segment("subject", mask_placeholders(subject.value), subject.value,
                                line_base=subject.line, col_base=len("Subject: ") + 1)
    _walk(msg, parse, raw)


def _header_lines(data: bytes, offset: int) -> dict[str, list[int]]:
    """Line numbers where each header field starts, by lower-cased name, in order.

    What splitting the header block into at most 2,001 lines (the last holding the rest) and
    matching each with HEADER_LINE gives, found by one findall over the line breaks (each field's
    line is its place in the list, with no count or match object per field).
    """
    blank = _BLANK_LINE.search(data)  # the block ends before the first line that strip() empties
    block = data if blank is None else data[:blank.start()]
    nl = block.find(b"\n")
    if not (block if nl == -1 else block[:nl]).strip():
        return {}  # the first line is blank (the search above only finds a blank line after a line break)
    out: dict[str, list[int]] = {}
    first = _HEADER_LINE.match(block)
    if first:
        out[first.group(1).decode("ascii", "replace").lower()] = [1 + offset]
    # one item per line break: the name of the field on the line after it, or b"" (a folded line);
    # the split kept line 2,001 and the rest as one piece, matched at its start only
    names = _LINE_FIELD.findall(block)
    for line, name in enumerate(names[:_MAX_HEADER_LINES - 1], 2 + offset):
        if name:
            out.setdefault(name.decode("ascii", "replace").lower(), []).append(line)
    return out


def _headers(msg: email.message.Message, lines: dict[str, list[int]], parse: Parse) -> list[Header]:
    from email.policy import Compat32  # email's imports cost start-up; a template never needs them

    seen: dict[str, int] = {}
    out = []
    fetch = msg.policy.header_fetch_parse
    # items() passes every field through the policy; compat32 hands a str field back as it is
    # unless it holds surrogates (8-bit bytes), which an ASCII one cannot
    plain = type(msg.policy).header_fetch_parse is Compat32.header_fetch_parse
    longest = parse.limits.max_header_bytes
    for name, raw in msg.raw_items():
        if not (plain and type(raw) is str and raw.isascii()):
            value = decode_header_value(fetch(name, raw), parse)
        elif "=?" in raw or len(raw) > longest:
            value = decode_header_value(raw, parse)
        else:  # decode_header_value's first step, for most fields: nothing to decode
            value = (unfold(raw) if "\n" in raw else raw).strip()
        key = name.lower()
        idx = seen.get(key, 0)
        seen[key] = idx + 1
        at = lines.get(key, ())
        out.append(Header(name, value, at[idx] if idx < len(at) else None))
    return out


def _walk(msg: email.message.Message, parse: Parse, raw: _RawFile | None = None) -> None:
    leaves = leaf_parts(msg, parse)
    ctypes = [p.get_content_type() for p in leaves]
    has_html = "text/html" in ctypes
    counts: dict[str, int] = {}
    for part, ctype in zip(leaves, ctypes):
        fields = Fields(part)
        filename = part_filename(part, fields)
        disposition = str(fields.get("Content-Disposition") or "").split(";")[0].strip().lower()  # str(): 8-bit values are Header objects
        if ctype not in ("text/plain", "text/html") or filename or disposition == "attachment":
            parse.attachments.append(Attachment(decode_header_value(filename or ""), ctype, _payload_size(part)))
            continue
        counts[ctype] = counts.get(ctype, 0) + 1
        label = ctype if counts[ctype] == 1 else f"{ctype}#{counts[ctype]}"
        text = _part_text(part, ctype, label, parse, fields)
        line_base = (raw.line_of(part, fields) if raw is not None else None) or 1
        _add_body(parse, text, label, primary=ctype == "text/html" or not has_html, line_base=line_base)


def _part_text(part: email.message.Message, ctype: str, label: str, parse: Parse, fields: Fields | None = None) -> str:
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # a broken transfer encoding: keep the raw text
        payload = None
        parse.problem("decode", f"{label}: transfer encoding could not be decoded")
    problem = transfer_problem(part, fields)
    if problem:
        parse.problem("decode", f"{label}: {problem}")
    if not isinstance(payload, bytes):
        raw = raw_payload(part)
        payload = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
    if len(payload) > parse.limits.max_part_bytes:
        payload = cut(payload, parse.limits.max_part_bytes)
        _part_limit(parse, label)
    text, problem = decode_bytes(payload, content_charset(part, fields), ctype == "text/html")
    if problem:
        parse.problem("charset", f"{label}: {problem}; decoded with a fallback")
    return text


def _message_size(msg: email.message.Message) -> int:
    """Size of a message given as an object: its serialised bytes, or 0 if it cannot be serialised."""
    from email import policy  # email's imports cost start-up; a template never needs them

    try:
        return len(msg.as_bytes(policy=policy.compat32.clone(linesep="\r\n")))
    except Exception:  # a hand-built Message may not serialise (nesting, odd header objects); size is a hint
        return 0


def _payload_size(part: email.message.Message) -> int:
    raw = raw_payload(part)
    if not isinstance(raw, str):
        return 0
    if str(part.get("Content-Transfer-Encoding") or "").strip().lower() == "base64":
        return len(raw) * 3 // 4
    return len(raw)


def _add_body(parse: Parse, text: str, label: str, primary: bool, line_base: int = 1) -> None:
    if label.startswith("text/html"):
        html_part, links, images = parse_html(text, label, line_base, parse, primary)
        parse.html_parts.append(html_part)
        parse.bodies.append(html_part.text)
        _extend(parse, parse.links, links, "max_links", "links")
        _extend(parse, parse.images, images, "max_images", "images")
        return
    segment = Segment(label, mask_placeholders(text), text, primary=primary, line_base=line_base)
    parse.bodies.append(segment)
    starts = None  # line starts of the part, found for its first link
    for m in _URL.finditer(segment.text):
        if len(parse.links) >= parse.limits.max_links:
            _extend(parse, parse.links, [None], "max_links", "links")
            break
        url = m.group().rstrip(".,;:!?")
        if starts is None:
            starts = line_starts(segment.source)
        line, col = segment.locate(m.start(), starts)
        parse.links.append(Link(url, url, label, line, col, has_placeholder(url)))


def _extend(parse: Parse, into: list, items: list, limit: str, what: str) -> None:
    """Add links or images up to the limit; past it, note the limit once and drop the rest."""
    room = getattr(parse.limits, limit) - len(into)
    into.extend(items[:max(room, 0)])
    if len(items) > room:
        parse.limit(limit, f"more than {getattr(parse.limits, limit)} {what}; the rest were not checked", once=True)
