"""Bound a raw message's MIME structure before the stdlib parser sees it.

The stdlib parser recurses once per nested multipart or message/* part (and every line it
reads is passed up through each level), so a 1,000-deep message would exhaust the stack and
take quadratic time.  One forward scan over the raw bytes tracks the open multipart boundaries:
a part nested deeper than `max_mime_depth` has its content type renamed so the parser reads
it as one opaque leaf part (the lines and offsets of everything else stay put), and the
message is cut where part number `max_mime_parts + 1` would start.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from spamlint.inputs.parse import Parse
from spamlint.limits import Limits
from spamlint.text.compiled import lazy  # compiled on first use

if TYPE_CHECKING:  # email is imported where it is used: a template never needs it
    import email.message

# A line that may be a boundary, or a Content-Type header (with folded continuation lines)
# that opens a nested level.  message/delivery-status is a list of header blocks, not nesting.
# Both patterns run over b"\n" + data: a leading literal newline lets the regex engine skip ahead
# (4-5 times faster than ^ with MULTILINE), and offsets are one more than in data.
_EVENT = lazy(
    rb"\n(?:--([^\r\n]*)|(?i:content-type):[ \t]*((?i:multipart|message)(?![ \t]*/[ \t]*(?i:delivery-status)))"
    rb"[ \t]*/([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*))"
)
# Content-Type and Content-Disposition with folded lines: the stdlib splits their parameters
# by re-slicing the rest of the value once per `;`, so a long one costs quadratic time.
_PARAM_HEADER = lazy(rb"\n(?i:content-(?:type|disposition)):([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)")
_NOT_NEWLINE = lazy(rb"[^\r\n]+")
_BOUNDARY = lazy(rb"""boundary[ \t]*=[ \t]*(?:"([^"\r\n]*)"|([^\s;]+))""", re.IGNORECASE)
RENAMED = b"x-too-deep"


def bound_structure(data: bytes, limits: Limits) -> tuple[bytes, list[tuple[str, str]]]:
    """The message with over-deep parts made opaque and extra parts cut off, and what was done."""
    stack: list[bytes | None] = []  # boundary per open level; None for message/* (closed by an outer one)
    frozen = -1  # stack index of the level renamed to a leaf; its boundary and what it holds are text
    parts = 0
    renames: list[tuple[int, int]] = []
    problems: list[tuple[str, str]] = []
    too_deep = False  # max_mime_depth noted already
    for m in _EVENT.finditer(b"\n" + data):
        if m.group(1) is not None:  # a `--...` line: maybe a boundary of an open level
            level, closing = _delimiter(stack[:frozen] if frozen != -1 else stack, m.group(1))
            if level is None:
                continue
            del stack[level + (0 if closing else 1):]
            if frozen >= len(stack):  # the renamed level ended
                frozen = -1
            if closing or frozen != -1:
                continue
            parts += 1
            if parts > limits.max_mime_parts:
                problems.append(limits.problem("max_mime_parts", f"more than {limits.max_mime_parts} MIME parts; the rest was not read"))
                return _rename(data[:m.start()], renames), problems  # m.start() + 1 - 1: the line's start
        elif frozen == -1:  # a Content-Type opening a nested level
            if len(stack) >= limits.max_mime_depth:
                frozen = len(stack)
                renames.append((m.start(2) - 1, m.end(2) - 1))
                if not too_deep:
                    too_deep = True
                    problems.append(limits.problem("max_mime_depth", f"MIME parts nested more than "
                                                   f"{limits.max_mime_depth} deep; the deeper ones were not read"))
            stack.append(_boundary(m.group(3)) if m.group(2).lower() == b"multipart" else None)
    return _rename(data, renames), problems


def cap_parameters(data: bytes, limits: Limits) -> tuple[bytes, list[tuple[str, str]]]:
    """Content-Type / Content-Disposition values cut at max_header_bytes (folded lines kept as blanks)."""
    cap = limits.max_header_bytes
    spans = [(m.start(1) - 1, m.end(1) - 1) for m in _PARAM_HEADER.finditer(b"\n" + data) if m.end(1) - m.start(1) > cap]
    if not spans:
        return data, []
    pieces, pos = [], 0
    for start, end in spans:
        pieces += [data[pos:start + cap], _NOT_NEWLINE.sub(_one_space, data[start + cap:end])]
        pos = end
    pieces.append(data[pos:])
    what = f"a Content-Type or Content-Disposition field is longer than {cap} bytes; the rest was not read"
    return b"".join(pieces), [limits.problem("max_header_bytes", what)]


def _one_space(m: re.Match[bytes]) -> bytes:
    return b" " if m.start() > 0 else b""  # a folded line stays a (blank) folded line


def _delimiter(stack: list[bytes | None], line: bytes) -> tuple[int | None, bool]:
    """(index of the open level this `--...` line delimits; whether it closes it).

    Outermost first, as the stdlib parser checks every enclosing boundary before a part's own:
    a nested multipart reusing its parent's boundary never sees it.  A renamed level's boundary
    is plain text to the parser, so the caller leaves it out.
    """
    text = line.rstrip(b" \t")
    for i in range(len(stack)):
        b = stack[i]
        if b is not None and (text == b or text == b + b"--"):
            return i, text != b
    return None, False


def _boundary(params: bytes) -> bytes | None:
    m = _BOUNDARY.search(params)
    if m is None:
        return None
    return m.group(1) if m.group(1) is not None else m.group(2)


def _rename(data: bytes, renames: list[tuple[int, int]]) -> bytes:
    """Replace the `multipart` / `message` word of each over-deep Content-Type (same line, so lines keep)."""
    if not renames:
        return data
    pieces, pos = [], 0
    for start, end in renames:
        if start >= len(data):
            break
        pieces += [data[pos:start], RENAMED]
        pos = end
    pieces.append(data[pos:])
    return b"".join(pieces)


def leaf_parts(msg: email.message.Message, parse: Parse) -> list[email.message.Message]:
    """The non-container parts in reading order (like msg.walk()), without recursion and within limits.

    Needed for Message objects given by the caller, which no raw scan has bounded; a limit
    passed is noted in `parse` once.
    """
    import email.message  # email's imports cost start-up; a template never needs them

    limits = parse.limits
    leaves: list[email.message.Message] = []
    todo: list[tuple[email.message.Message, int]] = [(msg, 1)]
    seen = 0
    while todo:
        part, depth = todo.pop()
        seen += 1
        if seen > limits.max_mime_parts + 1:  # + 1: the message itself is not a part
            parse.limit("max_mime_parts", f"more than {limits.max_mime_parts} MIME parts; the rest was not read", once=True)
            break
        children = part.get_payload() if part.is_multipart() else None
        if not isinstance(children, list):
            leaves.append(part)
        elif depth > limits.max_mime_depth:
            parse.limit("max_mime_depth", f"MIME parts nested more than "
                        f"{limits.max_mime_depth} deep; the deeper ones were not read", once=True)
        else:
            todo.extend((c, depth + 1) for c in reversed(children) if isinstance(c, email.message.Message))
    return leaves
