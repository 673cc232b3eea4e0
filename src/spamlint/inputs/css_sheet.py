"""A <style> sheet's top-level rules, as tinycss2 parses and serializes them, read by one regex scan.

tinycss2's tokenizer walks a sheet character by character in Python; mail's sheets are long
(phishing kits inline whole frameworks), and that walk took about a quarter of the HTML scan.
`top_level_rules` tokenizes with one regex and gives, for each rule, the text tinycss2's
`serialize` gives for its selector and its block: the source without comments, 'a' written
"a", and `/**/` where tinycss2 separates two tokens that would read back as one.  A sheet with
anything whose serialization is not its source (escapes, unicode ranges, url()s with spaces or
quotes, a unit e, unclosed blocks or strings, stray closers, deep nesting, huge numbers) gives
None, and the caller asks tinycss2.  tests/test_speed_inputs.py pins it to tinycss2.
"""

from __future__ import annotations

import re

_NS = r"a-zA-Z_\x80-\U0010ffff"  # name-start code points (tinycss2: any above U+007F)
_IDENT = rf"(?:[{_NS}]|-[{_NS}-])[{_NS}0-9-]*"
_TOKEN = re.compile(
    r"(?P<ws>[ \t\n]+)"
    r"|(?P<string>\"[^\"\\\n]*\"|'[^'\"\\\n]*')"  # strings tinycss2 writes back as read (with ")
    # a unicode range, an escape, an unclosed comment, a string with escapes, a line break or no end
    r"|(?P<bail>[uU]\+[0-9a-fA-F?]|\\|/\*(?![\s\S]*?\*/)|[\"'])"
    r"|(?P<cdc>-->)"
    rf"|(?P<ident>{_IDENT})(?P<call>\()?"
    rf"|(?P<number>[-+]?(?:[0-9]*\.)?[0-9]+(?:[eE][+-]?[0-9]+)?)(?:(?P<unit>{_IDENT})|(?P<percent>%))?"
    rf"|(?P<at>@{_IDENT})"
    rf"|(?P<hash>#[{_NS}0-9-]+)"
    r"|(?P<open>[{\[(])|(?P<close>[}\])])"
    r"|/\*[\s\S]*?\*/"  # a comment: dropped (no group)
    r"|(?P<literal><!--|\|\||[~|^$*]=|[\s\S])"
)
_QUOTE_NEXT = re.compile(r"[ \t\n]*[\"']")  # url( "x") is a function of a string, not a url token
_URL_BODY = re.compile(r"[^ \t\n\"'()\\\x00-\x08\x0b\x0e-\x1f\x7f]+\)")  # url(x) that serializes as written
_BLOCKS = {"{": "{} block", "[": "[] block", "(": "() block"}
_CLOSERS = {"{": "}", "[": "]", "(": ")"}
_MAX_DEPTH = 64  # deeper nesting goes to tinycss2, whose recursive serializer may give up on it
_MAX_NUMBER = 100  # a longer number goes to tinycss2 (int() refuses thousands of digits)

# tinycss2.serializer.BAD_PAIRS: (previous, next) token types that serialize with /**/ between them
_BAD_PAIRS = frozenset(
    [(a, b) for a in ("ident", "at-keyword", "hash", "dimension", "#", "-", "number")
     for b in ("ident", "function", "url", "number", "percentage", "dimension", "unicode-range")]
    + [(a, b) for a in ("ident", "at-keyword", "hash", "dimension") for b in ("-", "-->")]
    + [(a, b) for a in ("#", "-", "number", "@") for b in ("ident", "function", "url")]
    + [(a, b) for a in ("unicode-range", ".", "+") for b in ("number", "percentage", "dimension")]
    + [("@", b) for b in ("ident", "function", "url", "unicode-range", "-")]
    + [("unicode-range", b) for b in ("ident", "function", "?")]
    + [(a, "=") for a in "$*^~|"]
    + [("ident", "() block"), ("|", "|"), ("/", "*")]
)

Token = tuple[str, str]  # (serialization type, serialized text); blocks: ("{} block", "{") ... ("close", "}")


def top_level_rules(sheet: str) -> tuple[list[str], list[str], list[str]] | None:
    """The serialized selectors and blocks of the top-level qualified rules, and the serialized
    blocks of the top-level at-rules that have one, as tinycss2's parse_stylesheet (skipping
    comments and white space) and serialize() give them; None to ask tinycss2.

    A qualified rule the sheet ends in before its block is left out (an error to tinycss2).
    """
    if "\\" in sheet:
        return None
    css = sheet.replace("\0", "\ufffd").replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    scanned = _tokens(css)
    if scanned is None:
        return None
    tokens, ends = scanned
    preludes: list[str] = []
    bodies: list[str] = []
    at_blocks: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        kind = tokens[i][0]
        if kind in ("whitespace", "<!--", "-->"):
            i += 1
            continue
        at_rule = kind == "at-keyword"
        j = i + 1 if at_rule else i
        while j < n and tokens[j][0] != "{} block" and not (at_rule and tokens[j][0] == ";"):
            j = ends.get(j, j) + 1  # a nested block is one component value
        if j >= n or tokens[j][0] == ";":  # an at-rule without a block, or a qualified rule cut off
            i = j + 1
            continue
        block = _serialize(tokens, j + 1, ends[j])
        if at_rule:
            at_blocks.append(block)
        else:
            preludes.append(_serialize(tokens, i, j))
            bodies.append(block)
        i = ends[j] + 1
    return preludes, bodies, at_blocks


def _tokens(css: str) -> tuple[list[Token], dict[int, int]] | None:
    """The sheet's tokens (comments dropped) and, per block opener, the index of its closer; None to bail."""
    tokens: list[Token] = []
    ends: dict[int, int] = {}
    stack: list[tuple[int, str]] = []  # (opener index, closing character)
    pos, n = 0, len(css)
    match = _TOKEN.match
    while pos < n:
        m = match(css, pos)
        assert m is not None  # the last alternative takes any character
        group, end = m.lastgroup, m.end()
        if group == "ws":
            tokens.append(("whitespace", m.group()))
        elif group == "ident":
            tokens.append(("ident", m.group()))
        elif group == "call":
            name = m.group("ident")
            if name.isascii() and name.lower() == "url" and _QUOTE_NEXT.match(css, end) is None:
                body = _URL_BODY.match(css, end)
                if body is None:
                    return None
                tokens.append(("url", css[pos:body.end()]))
                end = body.end()
            else:
                stack.append((len(tokens), ")"))
                tokens.append(("function", m.group()))
        elif group in ("number", "unit", "percent"):
            unit = m.group("unit")
            if end - pos > _MAX_NUMBER or (unit is not None and unit[:1] in "eE" and unit[1:2] in ("", "-")):
                return None  # tinycss2 writes a unit e as \65 (1e-m is not 1e-3)
            tokens.append(({"number": "number", "unit": "dimension", "percent": "percentage"}[group], m.group()))
        elif group == "string":
            tokens.append(("string", '"' + m.group()[1:-1] + '"'))
        elif group == "at":
            tokens.append(("at-keyword", m.group()))
        elif group == "hash":
            tokens.append(("hash", m.group()))
        elif group == "open":
            stack.append((len(tokens), _CLOSERS[m.group()]))
            tokens.append((_BLOCKS[m.group()], m.group()))
        elif group == "close":
            if not stack or stack[-1][1] != m.group():
                return None  # a stray closer is a parse error token
            ends[stack.pop()[0]] = len(tokens)
            tokens.append(("close", m.group()))
        elif group == "literal" or group == "cdc":
            tokens.append((m.group(), m.group()))
        elif group == "bail":
            return None
        # else: a comment, dropped
        if len(stack) > _MAX_DEPTH:
            return None
        pos = end
    return (tokens, ends) if not stack else None  # an unclosed block serializes with its closer added


def _serialize(tokens: list[Token], start: int, stop: int) -> str:
    """tinycss2.serialize of the component values tokens[start:stop] (balanced blocks)."""
    out: list[str] = []
    previous: str | None = None
    outer: list[str | None] = []
    for kind, text in tokens[start:stop]:
        if kind == "close":
            previous = outer.pop()
        elif (previous, kind) in _BAD_PAIRS:
            out.append("/**/")
        out.append(text)
        if kind in ("{} block", "[] block", "() block", "function"):
            outer.append(kind)  # after the block, the previous sibling is the block
            previous = None
        elif kind != "close":
            previous = kind
    return "".join(out)
