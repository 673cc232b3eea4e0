"""Issue 15's fast paths in the inputs (parsing, the HTML scan, CSS) give what the plain definitions give."""

from __future__ import annotations

import re

import tinycss2
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from spamlint.inputs import css

FAST = settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- inputs/css.py: one tinycss2 parse per <style> sheet -------------------------------------------------
# The plain definitions: each of sheet_rules and restyled parsed the sheet on its own.
def _plain_restyled(sheet: str, conditional: bool) -> frozenset[str]:
    try:
        found: set[str] = set()
        for rule in tinycss2.parse_stylesheet(sheet, skip_comments=True, skip_whitespace=True):
            if rule.type == "at-rule" and rule.content is not None:
                text = tinycss2.serialize(rule.content)
            elif conditional and rule.type == "qualified-rule":
                text = tinycss2.serialize(rule.prelude)
            else:
                continue
            found.update(m.lower() for m in re.findall(r"[.#][\w-]+", text))
            found.update("." + m.lower() for m in css._CLASS_ATTR.findall(text))
        return frozenset(found)
    except (RecursionError, ValueError):
        return frozenset()


def _plain_sheet_rules(sheet: str) -> dict[str, str]:
    try:
        out: dict[str, str] = {}
        for rule in tinycss2.parse_stylesheet(sheet, skip_comments=True, skip_whitespace=True):
            if rule.type == "qualified-rule":
                body = tinycss2.serialize(rule.content)
                for selector in tinycss2.serialize(rule.prelude).split(","):
                    selector = selector.strip().lower()
                    if css._SIMPLE_SELECTOR.match(selector):
                        out[selector] = out.get(selector, "") + ";" + body
        responsive = _plain_restyled(sheet, False)
        return {k: v for k, v in out.items() if not css.responsive_selector(k, responsive)}
    except (RecursionError, ValueError):
        return {}


SHEET_PIECES = ["p", "td", ".x", ".X", "#y", "td.x", "a:hover", ",", " ", "\n", "\t", "{", "}", "(", ")", "[", "]",
                "color:red", "display:none", ";", ":", "@media screen", "@media (max-width:600px)", "@font-face",
                "@import url(x.css);", '[class*="x"]', "[class~=y]", "*", ">", "+", "~", "/*c*/", "/*", "*/", "'",
                '"', "\\", "<!--", "-->", "1" * 5000, "1e3", ".5", "-", "u+0-7f", "!important", "\u00e9", "\0", "\r\f"]
sheets = st.lists(st.sampled_from(SHEET_PIECES), max_size=30).map("".join)


@FAST
@given(sheets)
@example(".m{display:none} @media (max-width:600px){ .m{display:block} }")
@example('td.t{display:none} @media screen { td[class*="t"]{display:block} }')
@example("p{color:1" + "0" * 5000 + "}")  # int() refuses the number: no rules
@example("p{x:y} @media x{" + "(" * 2000 + "}")  # too deep to serialize an at-rule's block
@example("p" + "(" * 2000 + ")" * 2000 + "{color:red} @media x{.y{}}")  # too deep to serialize a selector
def test_one_parse_per_sheet_gives_what_two_gave(sheet: str) -> None:
    for cache in (css.sheet_rules, css.restyled, css._sheet):
        cache.cache_clear()
    assert css.restyled(sheet, True) == _plain_restyled(sheet, True)
    assert css.sheet_rules(sheet) == _plain_sheet_rules(sheet)
    assert css.restyled(sheet, False) == _plain_restyled(sheet, False)


# -- inputs/css.py: style attributes with strings, functions and !important without tinycss2 ------------
VALUE_PIECES = ["red", "Red", "a1", "-a", "#333", "10px", ".5", "1e3", "1e-m", "50%", "0", "+5", "é", "a.5",
                "'Arial'", '"Open Sans"', "'a\"b'", "'a;b'", "'", '"', "''", "\"\\\"\"", "'x\ny'",
                "rgb(", "RGBA(", "url(", "URL(", "-f(", "--v(", "calc(", "(", ")", "f()", "rgb(1, 2, 3)", "url(x)",
                "url('x')", " ", "  ", "\t", "\n", "\r\n", ",", " , ", "/", " / ", "!", "!important", " !IMPORTANT",
                "! important", "!importantx", "important", "/**/", "\\", "\0", "{", "}", ";", ":", "-", "*"]
_value = st.lists(st.sampled_from(VALUE_PIECES), min_size=1, max_size=14).map("".join)
_declaration = st.tuples(st.sampled_from(["", " ", "\n"]), st.sampled_from(["color", "Font-Family", "-x", "--x", "a1", ""]),
                         st.sampled_from([":", " : ", ""]), _value).map("".join)

# shapes the fast path reads, so that most examples take it: items, functions of items, separators
_SEPS = st.sampled_from([" ", ", ", ",", "/", " / ", "\n", "  ", "\t,"])
_leaf = st.sampled_from(["red", "A1", "#333", "10PX", ".5", "1e3", "1e-m", "50%", "'Arial'", '"Open Sans"', "''", "é"])


def _joined(items: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(st.tuples(_SEPS, items), min_size=1, max_size=4).map(lambda xs: xs[0][1] + "".join(a + b for a, b in xs[1:]))


_call = st.tuples(st.sampled_from(["rgb", "RGBA", "-x", "url", "Url", "f"]), st.sampled_from(["(", "( "]),
                  _joined(_leaf) | st.just(""), st.sampled_from([")", " )"])).map("".join)
_nested = st.tuples(st.sampled_from(["linear-gradient(", "g("]), _joined(_leaf | _call), st.just(")")).map("".join)
_shaped = st.tuples(st.sampled_from(["color", "Font-Family", "-x"]), st.sampled_from([":", " : "]),
                    _joined(_leaf | _call | _nested),
                    st.sampled_from(["", " !important", "!IMPORTANT ", " ! important", "!", " x"])).map("".join)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_declaration | _shaped, min_size=1, max_size=4).map(";".join))
@example("color: rgb(1, 2, 3) !important")
@example("font-family: 'Arial', \"Helvetica Neue\", sans-serif; font: 12px/1.5 Arial")
@example("background: linear-gradient(to right, #fff,rgba(0,0,0,.5)) ; x:f( )")
@example("a:b ! IMPORTANT ;c:d!important x")
@example("background:url(x.png) no-repeat; b:URL( 'y' )")
def test_styles_with_strings_and_functions_read_as_tinycss2_reads_them(style: str) -> None:
    simple = css._simple_declarations(style)
    assert simple is None or simple == css._plain_declarations(style)


def test_the_style_fast_path_reads_what_mail_writes() -> None:
    """The fast path is taken (not only correct when taken) for the common shapes of mail's styles."""
    for style in ("color: rgb(1, 2, 3) !important", "font-family: 'Arial', sans-serif",
                  "background: linear-gradient(to right, #fff,rgba(0,0,0,.5))", "font: 12px/1.5 Arial",
                  "display:none!important;mso-hide:all"):
        assert css._simple_declarations(style) == css._plain_declarations(style)


# -- inputs/css_sheet.py: a sheet's top-level rules by one regex scan -------------------------------------
def _tinycss2_rules(sheet: str) -> tuple[list[str], list[str], list[str]]:
    rules = tinycss2.parse_stylesheet(sheet, skip_comments=True, skip_whitespace=True)
    qualified = [r for r in rules if r.type == "qualified-rule"]
    return ([tinycss2.serialize(r.prelude) for r in qualified], [tinycss2.serialize(r.content) for r in qualified],
            [tinycss2.serialize(r.content) for r in rules if r.type == "at-rule" and r.content is not None])


RULE_PIECES = ["p", "td", ".x", "#y", "#1a", "#-", "td.x", "a:hover", "A", "é", "_u", "-x", "--v", "u", "U+1f", "u+?",
               ",", " ", "\n", "\t", "\r\n", "\r", "\f", "\0", "\x0b", "{", "}", "(", ")", "[", "]", ":", ";", "!",
               "color:red", "display:none!important", "@media screen", "@media(max-width:600px)", "@font-face", "@",
               "@-", "@-x", "url(x.png)", "URL(a)", "url( a )", "url('q')", "url(", "url(a\"b)", "rgb(1,2,3)", "f(",
               '[class*="x"]', "[class~=y]", "|=", "||", "|", "$=", "$", "*", ">", "+", "~", "=", "/", "/*c*/", "/*",
               "*/", "'", '"', "'a'", '"b"', "'a\"b'", "'x\ny'", "\\", "\\31 x", "<!--", "-->", "<", "--", "-", ".",
               "1", "+1", "-1", ".5", "1.5", "1e3", "1E-3", "1e", "1e-m", "1em", "1px", "1-x", "50%", "9" * 120]
_rule_sheets = st.lists(st.sampled_from(RULE_PIECES), max_size=40).map("".join)
# mostly well-formed sheets, so that most examples take the fast path
_selector = st.lists(st.sampled_from(["p", ".x", "#y", "td.x", "a:hover", "a.5", "*", "[class*=x]", "-", "u"]),
                     min_size=1, max_size=3).map(" ".join)
_block = st.lists(st.sampled_from(["color:red", "x:1-1", "f(1,2)", "url(a.png)", "'A b'", "/**/", " ", "\n", ";",
                                   "!important", "1e3", "1e", "1E-m", "2e-", "1em", "a.5", "#-", "@-", "..5", "++1", "[a]",
                                   "\\", "\r\n", "'a\"b'", "9" * 120, "u+1", "url( a )", "(", "}"]), max_size=6).map("".join)
_rule = st.tuples(st.sampled_from(["", "@media x", "@media x ", "@font-face", "@import y;"]), _selector,
                  st.just("{"), _block, st.just("}")).map(lambda t: t[0] + ("{" + t[1] + "{" + t[3] + "}}" if t[0] else "".join(t[1:])))
_shaped_sheets = st.lists(st.tuples(st.sampled_from(["", " ", "\n", "/*c*/", "<!--"]), _rule).map("".join), max_size=5).map("".join)


@settings(max_examples=2500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_rule_sheets | _shaped_sheets)
@example(".a{color:red} @media x{.a{color:blue}} p[class*=q]{x:y}")
@example("p{font-family:'A b'} a.5{x:1-1} @x; @y")
@example("/* c */a/**/b{x:y} c/**/(d){}")
@example("@media x{" + "(" * 70 + ")" * 70 + "}")  # nested deeper than the fast path goes
@example("@media x{" + "(" * 2000 + ")" * 2000 + "}")  # too deep for tinycss2's serializer: the fast path must not answer
@example("p{x:" + "1" * 5000 + "}")  # int() refuses it inside tinycss2: the fast path must not answer
def test_a_sheet_scanned_by_regex_reads_as_tinycss2_reads_it(sheet: str) -> None:
    from spamlint.inputs import css_sheet

    fast = css_sheet.top_level_rules(sheet)
    assert fast is None or fast == _tinycss2_rules(sheet)


def test_the_sheet_fast_path_reads_what_mail_writes() -> None:
    """The fast path is taken for the common shapes of mail's sheets (not only correct when taken)."""
    from spamlint.inputs import css_sheet

    sheet = ("<!-- body{margin:0;padding:0} .x, td.y {display:none !important; font-family:'Open Sans', Arial}\r\n"
             "/* mobile */ @media only screen and (max-width:600px){ .x{display:block} } a:hover{color:#fff}"
             " img{background:url(https://example.org/a.png) no-repeat} -->")
    assert css_sheet.top_level_rules(sheet) == _tinycss2_rules(sheet)


# -- inputs/decoding.py: the declared charset without importing bs4 ---------------------------------------
CHARSET_PIECES = [b"<meta", b"< META ", b"<meta http-equiv='Content-Type' content='text/html; ", b"charset", b"CharSet",
                  b"=", b" = ", b'"', b"'", b"utf-8", b"ISO-8859-1", b"windows-1251", b"\xe9", b"/", b";", b">", b" ",
                  b"\n", b"<?xml version='1.0' ", b"encoding=", b"?>", b"<", b"x" * 700, b"y" * 3000, b"<p>"]


@FAST
@given(st.lists(st.sampled_from(CHARSET_PIECES), max_size=20).map(b"".join))
@example(b"<html><head><meta charset=utf-8></head></html>")
@example(b"<?xml version='1.0' encoding='KOI8-R'?><html>")
@example(b"\n <?xml encoding=''?><meta charset='big5'>")
@example(b"z" * 3000 + b"<meta charset=gbk>" + b"z" * 100000)  # past 2 KB, within 5% of the document
@example(b"z" * 2100 + b"<meta charset=gbk>")  # past 2 KB and past 5%: not read
def test_the_declared_charset_is_what_bs4_finds(data: bytes) -> None:
    from bs4.dammit import EncodingDetector

    from spamlint.inputs.decoding import declared_charset

    assert declared_charset(data) == EncodingDetector.find_declared_encoding(data, is_html=True)


# -- inputs/html_text.py: text runs without a placeholder opener skip mask_placeholders -------------------
@FAST
@given(st.lists(st.sampled_from(["a", " ", "{", "}", "{{", "}}", "{%", "%}", "%", "%%", "|", "*", "|*", "*|", "[", "[[",
                                 "]]", "!", "-", "--", "\n", "x y", "é"]), max_size=30).map("".join))
def test_a_run_without_placeholder_openers_is_not_masked(run: str) -> None:
    from spamlint.inputs.html_text import _may_hold_placeholder
    from spamlint.inputs.templating import mask_placeholders

    assert _may_hold_placeholder(run) or mask_placeholders(run) == run  # runs never hold "<" (so no <!--)


_PAGE_PIECES = ["<p>", "</p>", "<div style='display:none'>", "</div>", "<b>", "</b>", "<style>p{color:#333}</style>",
                "Hi ", "{{ name }}", "{{", "}}", "*|FNAME|*", "[[x]]", "100%% ", "{b}", "&amp;", "&nbsp;", " ", "\n",
                "word", "<br>", "<a href='https://example.org/{{u}}'>", "</a>", "<!-- c -->", "é"]


@FAST
@given(st.lists(st.sampled_from(_PAGE_PIECES), max_size=30).map("".join))
@example("<html><body><p>Hi {{ name }}, *|FNAME|* and [[x]]</p><p>plain run</p><p>a {b} c &amp; d</p></body></html>")
def test_html_text_runs_read_the_same_without_masking_plain_runs(page: str) -> None:
    """parse_html as it was: every run of a page holding a placeholder opener went through text() and mask_placeholders."""
    from unittest import mock

    from spamlint.inputs import html_text

    fast = html_text.parse_html(page, "text/html")
    with mock.patch.object(html_text, "_may_hold_placeholder", lambda run: True):
        plain = html_text.parse_html(page, "text/html")
    assert fast == plain


# -- inputs/html_text.py: attribute names looked for without a case-insensitive search -----------------
_attr_texts = st.lists(st.sampled_from([" ", "=", '"', "x", "STYLE", "style", "Color", "bgcolor", "hid", "den", "SIZE",
                                        "href", "SRC", "alt", "Width", "height", "class", "ID", "id", "cl", "ass",
                                        "\u017ftyle", "\u212a", "\u0130d", "\u0131d", "é"]), max_size=12).map("".join)


@FAST
@given(_attr_texts)
def test_attribute_names_are_found_as_the_case_insensitive_patterns_find_them(text: str) -> None:
    from spamlint.inputs import html_text as h

    assert h._mentions(text, h._STYLING_WORDS, h._STYLING_ATTRS) == bool(h._STYLING_ATTRS.search(text))
    assert h._mentions(text, h._INTERESTING_WORDS, h._INTERESTING_ATTRS) == bool(h._INTERESTING_ATTRS.search(text))
    # a prefilter before _CLASS_ID: it may say yes where the pattern says no, never the other way
    assert h._mentions(text, ("class", "id"), None) or not h._CLASS_ID.search(text)
