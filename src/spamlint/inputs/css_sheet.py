"""A <style> sheet's top-level rules, as tinycss2 parses and serializes them, read by one regex scan.

tinycss2's tokenizer walks a sheet character by character in Python; mail's sheets are long
(phishing kits inline whole frameworks), and that walk took about a quarter of the HTML scan.
`top_level_rules` tokenizes with one regex and gives, for each rule, the text tinycss2's
`serialize` gives for its selector and its block: the source without comments, 'a' written
"a", and `/**/` where tinycss2 separates two tokens that would read back as one.  A sheet with
anything whose serialization is not its source (escapes, unicode ranges, url()s with spaces or
quotes, a unit e, unclosed blocks or strings, stray closers, deep nesting, huge numbers) gives
None, and the caller asks tinycss2.  A backslash in a comment (MailChimp's banners of slashes and
backslashes) is dropped with the comment; one anywhere else is an escape, and bails.
tests/test_speed_inputs.py and tests/test_speed_html4.py pin it to tinycss2.
"""

from __future__ import annotations

from spamlint.text import compiled

# name-start code points (letters, _, anything above U+007F, as tinycss2 reads them) and name code
# points (those, digits and -), written as what they leave out: a class of the non-ASCII range
# takes sre some 5 ms to compile, a negated ASCII class almost nothing
_NS = r"[^\x00-\x40\[-\^`{-\x7f]"
_NC = r"[^\x00-\x2c./:-@\[-\^`{-\x7f]"
_IDENT = rf"(?:{_NS}|-(?:{_NS}|-)){_NC}*"
_NUMBER = r"[-+]?(?:[0-9]*\.)?[0-9]+(?:[eE][+-]?[0-9]+)?"
# One alternative per token, tried in tinycss2's order; every character starts one, so
# finditer's matches follow each other without gaps.  Compiled on first use (text/compiled.py).
_TOKEN = compiled.deferred(
    r"(?P<whitespace>[ \t\n]+)"
    r"|(?P<string>\"[^\"\\\n]*\"|'[^'\"\\\n]*')"  # strings tinycss2 writes back as read (with ")
    r"|(?P<url>[uU][rR][lL]\((?![ \t\n]*[\"'])[^ \t\n\"'()\\\x00-\x08\x0b\x0e-\x1f\x7f]+\))"  # url(x) as written
    # a unicode range, an escape, an unclosed comment, a string with escapes, a line break or no end,
    # any other url( without quotes, a unit e or e-... (tinycss2 writes 1e-m as 1\65 -m)
    rf"|(?P<bail>[uU]\+[0-9a-fA-F?]|\\|/\*(?![\s\S]*?\*/)|[\"']|[uU][rR][lL]\((?![ \t\n]*[\"'])|{_NUMBER}[eE](?!(?!-){_NC}))"
    r"|(?P<cdc>-->)"
    rf"|(?P<ident>{_IDENT})(?P<function>\()?"
    rf"|(?P<number>{_NUMBER})(?:(?P<dimension>{_IDENT})|(?P<percentage>%))?"
    rf"|(?P<at>@{_IDENT})"
    rf"|(?P<hash>#{_NC}+)"
    r"|(?P<open>[{\[(])|(?P<close>[}\])])"
    r"|/\*[\s\S]*?\*/"  # a comment: dropped (no group)
    r"|(?P<literal><!--|\|\||[~|^$*]=|[\s\S])"
)
_AS_READ = frozenset({"whitespace", "ident", "url", "hash"})  # token types whose group is named as their type
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
    scanned = _tokens(folded(sheet))
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


def folded(sheet: str) -> str:
    """The sheet as tinycss2's tokenizer reads it: NUL as U+FFFD, every line break as \\n."""
    return sheet.replace("\0", "\ufffd").replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")


def _tokens(css: str) -> tuple[list[Token], dict[int, int]] | None:
    """The sheet's tokens (comments dropped) and, per block opener, the index of its closer; None to bail."""
    tokens: list[Token] = []
    append = tokens.append
    ends: dict[int, int] = {}
    stack: list[tuple[int, str]] = []  # (opener index, closing character)
    for m in _TOKEN().finditer(css):
        group, text = m.lastgroup, m.group()
        if group in _AS_READ:  # whitespace, ident, url, hash
            append((group, text))
        elif group in ("number", "dimension", "percentage"):
            if len(text) > _MAX_NUMBER:
                return None
            append((group, text))
        elif group == "literal" or group == "cdc":
            append((text, text))
        elif group == "open" or group == "function":
            stack.append((len(tokens), ")" if group == "function" else _CLOSERS[text]))
            if len(stack) > _MAX_DEPTH:
                return None
            append((_BLOCKS.get(text, "function"), text))
        elif group == "close":
            if not stack or stack[-1][1] != text:
                return None  # a stray closer is a parse error token
            ends[stack.pop()[0]] = len(tokens)
            append(("close", text))
        elif group == "string":
            append(("string", '"' + text[1:-1] + '"'))
        elif group == "at":
            append(("at-keyword", text))
        elif group == "bail":
            return None
        # else: a comment, dropped
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
