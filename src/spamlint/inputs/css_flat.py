"""A plain <style> sheet's top-level rules without tokenizing it: its text is its serialization.

css_sheet's token scan costs about half a microsecond a token in Python, and most of mail's
sheets need none of what it is for: tinycss2 serializes a sheet's tokens back as they were
written unless comments are dropped between two tokens that would read back as one, a string
is written with single quotes, or two tokens meet that tinycss2 separates with `/**/` (`1+2`,
`a.5`, `u+1`).  `flat_rules` drops the comments and rewrites 'single' quotes itself, then reads
the whole sheet with one pattern of rules made of tokens that cannot meet so (a number sign or
a dot after a word, `#` or `@` alone, `-` or `+` not before white space, `<`, escapes, odd
url()s, deep nesting all fail it); the selectors and blocks are then slices of the text.  Any
other sheet gives None, and the caller scans its tokens.  tests/test_speed_html4.py pins it to
tinycss2.
"""

from __future__ import annotations

from spamlint.inputs.css_sheet import _IDENT, _NC, _NUMBER, folded
from spamlint.text import compiled

# comments, an unclosed one (read once: trying each later /* again to the end would be quadratic),
# and strings as css_sheet reads them (double quotes as written, single quotes without ")
_LEXED = compiled.deferred(r"""/\*[\s\S]*?\*/|/\*|"[^"\\\n]*"|'[^'"\\\n]*'""")
_LONG_NUMBER = compiled.deferred(r"[0-9]{50}")  # _left_out's huge numbers
# after these the token before a dropped comment is white space, an opener or closer, a string or
# a delimiter tinycss2 never separates from what follows, so the comment leaves no `/**/`
_SAFE_BEFORE_COMMENT = frozenset(" \t\n{}()[];,:\"!>%")

_NOT_NUMBER_NEXT = r"(?![-+]?\.?[0-9])"  # a word before a number would read back as one token with it
_WORD = (r"(?>(?:"
         r"[uU][rR][lL]\([^ \t\n\"'()\\\x00-\x08\x0b\x0e-\x1f\x7f]++\)"  # url(x) as written
         rf"|(?>{_NUMBER})(?![eE](?!(?!-){_NC}))(?:{_IDENT}|%)?"  # number (all of it), dimension, percentage; no unit e
         rf"|#{_NC}++|@{_IDENT}|(?![uU][rR][lL]\(){_IDENT}"
         rf")){_NOT_NUMBER_NEXT}")
_DELIM = rf""""[^"]*+"|[:;,>~*=|^$!&%(){{}}\[\]]|<!--|/(?!\*)|\.(?={_IDENT})|[-+](?=[ \t\n])"""
# the tokens of a sheet this reading vouches for: each reads back as written, none next to one it would merge with
# white space first: no other token starts with it, and most of a sheet's tokens are white space
# or come right after it (the loop takes the first alternative that matches, so the order is free)
_TOKENS = compiled.deferred(rf"""(?:[ \t\n]++|{_WORD}|{_DELIM}|[uU][rR][lL]\((?=[ \t\n]*"))*+""")


def _nested(inner: str, depth: int) -> str:
    """() and [] blocks of `inner` characters, nested up to `depth` deep; no braces inside them."""
    if depth == 0:
        return rf"\([{inner}]*+\)|\[[{inner}]*+\]"
    deeper = _nested(inner, depth - 1)
    return rf"\((?:[{inner}]++|{deeper})*+\)|\[(?:[{inner}]++|{deeper})*+\]"


_BLOCKS = _nested(r"^(){}\[\]", 3)
_RUN = rf"(?:[^(){{}}\[\]]++|{_BLOCKS})*+"  # component values up to a brace (';' among them)
_AT_RUN = rf"(?:[^(){{}}\[\];]++|{_BLOCKS})*+"  # ... up to a brace or a ';' outside blocks
_RULE = compiled.deferred(
    r"(?:[ \t\n]++|<!--|-->)*+"  # what tinycss2 skips between top-level rules
    rf"(?:(?P<at>@{_AT_RUN}(?:;|\{{(?P<block>{_RUN}(?:\{{{_RUN}\}}{_RUN})*+)\}}))"
    rf"|(?!@)(?P<prelude>{_RUN})\{{(?P<body>{_RUN})\}})"  # a rule that starts with @ is an at-rule
)
_END = compiled.deferred(r"(?:[ \t\n]++|<!--|-->)*+")


def flat_rules(sheet: str) -> tuple[list[str], list[str], list[str]] | None:
    """css_sheet.top_level_rules(sheet) read as slices of the sheet's text; None for a sheet this
    reading cannot vouch for."""
    lexed = _lexed(folded(sheet))
    if lexed is None:
        return None
    text, masked = lexed
    if _TOKENS().fullmatch(masked) is None:
        return None
    preludes: list[str] = []
    bodies: list[str] = []
    at_blocks: list[str] = []
    rule, pos, n = _RULE().match, 0, len(masked)
    while True:
        m = rule(masked, pos)
        if m is None:
            return (preludes, bodies, at_blocks) if _END().fullmatch(masked, pos) else None
        if m.group("at") is not None:
            if m.group("block") is not None:
                at_blocks.append(text[m.start("block"):m.end("block")])
        else:
            preludes.append(text[m.start("prelude"):m.end("prelude")])
            bodies.append(text[m.start("body"):m.end("body")])
        pos = m.end()
        if pos == n:
            return preludes, bodies, at_blocks


def _lexed(css: str) -> tuple[str, str] | None:
    """The sheet without comments and with strings in double quotes, and the same text with each
    string's content blanked out (so braces in strings are not read as blocks); None to bail."""
    text: list[str] = []
    masked: list[str] = []
    pos = 0
    for m in _LEXED().finditer(css):
        if m.start() > pos:
            between = css[pos:m.start()]
            if _left_out(between):
                return None
            text.append(between)
            masked.append(between)
        lexeme = m.group()
        if lexeme == "/*":  # unclosed: tinycss2 reads it to the end of the sheet
            return None
        if lexeme[0] == "/":  # a comment: dropped where it cannot leave a `/**/`
            before = text[-1][-1] if text and text[-1] else ""
            if before and before not in _SAFE_BEFORE_COMMENT:
                return None
        else:
            text.append('"' + lexeme[1:-1] + '"')
            masked.append('"' + "_" * (len(lexeme) - 2) + '"')
        pos = m.end()
    tail = css[pos:]
    if _left_out(tail):
        return None
    text.append(tail)
    masked.append(tail)
    return "".join(text), "".join(masked)


def _left_out(text: str) -> bool:
    """Whether text between comments and strings holds what this reading leaves to the token scan:
    a string it could not read, an escape, an unclosed comment or a huge number.

    Four substring tests and a search for 50 digits, instead of one search of an alternation that
    tried its branches at every character.
    """
    return ('"' in text or "'" in text or "\\" in text or "/*" in text
            or _LONG_NUMBER().search(text) is not None)
