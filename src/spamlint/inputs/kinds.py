"""Input kinds: the one registry of what spamlint reads, by file extension and by content.

Folder walking (`sources.expand`) lists the files whose extension some kind claims;
single-file linting (`mime.load`) asks `sniff` which parser builds the Document.  A new input
kind is one entry in `KINDS` (and, if it needs one, a parser in mime.py).
"""

from __future__ import annotations

import re
from typing import Callable

from spamlint.errors import InputError
from spamlint.record import Record, record
from spamlint.text.compiled import lazy  # compiled on first use

HEADER_LINE = lazy(rb"^([!-9;-~]+):")
_KNOWN_HEADERS = frozenset({
    b"from", b"to", b"subject", b"date", b"received", b"return-path", b"message-id", b"mime-version",
    b"content-type", b"reply-to", b"delivered-to", b"x-mailer", b"sender", b"cc", b"list-unsubscribe",
    b"dkim-signature", b"authentication-results", b"envelope-to", b"x-original-to", b"arc-seal",
})
# the first tag of an HTML document or fragment, matched where starts_like_html has skipped
# leading white space and comments (a loop, not a repeated group: `(<!--.*?-->\s*)*` backtracks
# exponentially over a run of comments)
_HTML_TAG = lazy(rb"<(?:!doctype|html|head|body|table|div|p|center|meta|style|span|a|img|h[1-6])\b", re.IGNORECASE)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE compound file: Outlook .msg, old Office files


def starts_like_html(head: bytes) -> bool:
    """True when `head`, after white space and comments, opens with an HTML tag; linear in its length."""
    i = 0
    while True:
        while i < len(head) and head[i] in b" \t\r\n\x0b\x0c":
            i += 1
        if not head.startswith(b"<!--", i):
            return _HTML_TAG.match(head, i) is not None
        i += 4
        if head.startswith(b">", i) or head.startswith(b"->", i):  # <!--> and <!---> end at once (HTML5)
            i += 1 if head.startswith(b">", i) else 2
            continue
        end = head.find(b"-->", i)
        if end == -1:
            return False
        i = end + 3


# somewhere in a template's head, an HTML tag: a Jinja or Handlebars file often opens with
# `{% extends %}` or `{{!-- --}}` before its first tag
_ANY_HTML_TAG = lazy(rb"<(?:!doctype|html|head|body|table|tr|td|div|p|br|center|meta|style|span|a|img|h[1-6]|ul|li)\b",
                           re.IGNORECASE)
TEMPLATE_EXTENSIONS = frozenset({".hbs", ".handlebars", ".mustache", ".njk", ".j2", ".jinja", ".liquid", ".twig"})


def has_html_tag(head: bytes) -> bool:
    """True when an HTML tag appears anywhere in `head` (a template's first 4 KB)."""
    return _ANY_HTML_TAG.search(head) is not None


def looks_like_message(head: bytes) -> bool:
    """True when `head` opens with mail headers (or an mbox 'From ' line): a message with no extension."""
    return _looks_like_headers(head.lstrip(b"\xef\xbb\xbf"))


def _looks_like_headers(head: bytes) -> bool:
    lines = head.lstrip(b"\r\n").splitlines()
    if lines and lines[0].startswith(b"From "):
        lines = lines[1:]
    if not lines or not HEADER_LINE.match(lines[0]):
        return False
    for line in lines[:40]:
        if not line.strip():
            break
        m = HEADER_LINE.match(line)
        if m and m.group(1).lower() in _KNOWN_HEADERS:
            return True
    return False


@record(slots=True)
class InputKind(Record):
    """One kind of input: the extensions that name it, how its content is recognised, its parser.

    `parser` is what mime.load builds: "message" (RFC 822 / MIME), "html" or "text" (a bare
    template; "mjml" is HTML once MJML's tags are read as HTML's).  `decides` says the
    extension alone settles the kind; otherwise the content is sniffed (a .txt file may hold a
    whole message), and `own_only` keeps a kind's sniffing to files with its extensions.  A kind with a `refusal` is recognised
    only to be refused with that one-line reason.
    """

    name: str
    extensions: frozenset[str]
    parser: str
    looks_like: Callable[[bytes], object]
    decides: bool = True
    refusal: str = ""
    own_only: bool = False  # sniffed only for its own extensions, never for other files


# Sniffing order: the first kind whose `looks_like` accepts the head of the input wins.
KINDS: tuple[InputKind, ...] = (
    InputKind("outlook-msg", frozenset({".msg"}), "", lambda head: head.startswith(OLE_MAGIC),
              refusal="Outlook .msg files are not supported; save the message as .eml"),
    InputKind("mbox", frozenset({".mbox"}), "message", lambda head: False),  # sources split it into messages
    InputKind("message", frozenset({".eml", ".mail"}), "message", _looks_like_headers),
    InputKind("html", frozenset({".html", ".htm", ".xhtml"}), "html", starts_like_html),
    InputKind("mjml", frozenset({".mjml"}), "mjml", lambda head: False),
    # a template language's file is HTML when an HTML tag shows in its head, else (falling
    # through to the last kind) a text template
    InputKind("template", TEMPLATE_EXTENSIONS, "html", has_html_tag, decides=False, own_only=True),
    InputKind("text", frozenset({".txt"}), "text", lambda head: True, decides=False),
)
EXTENSIONS: frozenset[str] = frozenset().union(*(k.extensions for k in KINDS))
_BY_EXTENSION = {ext: k for k in KINDS if k.decides for ext in k.extensions}


def kind_of(data: bytes, ext: str = "") -> InputKind:
    """The kind of an input: an OLE file by its magic, else by a deciding extension, else sniffed."""
    if data.startswith(OLE_MAGIC):
        return KINDS[0]
    kind = _BY_EXTENSION.get(ext.lower())
    if kind is not None:
        return kind
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    ext = ext.lower()
    return next(k for k in KINDS if (not k.own_only or ext in k.extensions) and k.looks_like(head))


def sniff(data: bytes, ext: str = "", name: str = "-") -> str:
    """The parser for an input: 'message', 'html', 'mjml' or 'text'; InputError naming it for a refused kind."""
    kind = kind_of(data, ext)
    if kind.refusal:
        raise InputError(f"{name}: {kind.refusal}")
    return kind.parser
