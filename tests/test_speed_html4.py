"""Issue 15, the HTML scan's fourth pass: each fast path gives what the plain definition it replaces gives."""

from __future__ import annotations

import bisect
from unittest import mock

import tinycss2
import tinycss2.color3
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_speed_inputs import (
    _tinycss2_rules,  # tinycss2's own reading of a sheet's rules
)

from spamlint.inputs import css, css_sheet, html_text
from spamlint.inputs.parse import Parse

FAST = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- html_text.py: where() counts lines on from the last offset asked for ---------------------------------
def _plain_where(source: str, line_base: int, offset: int) -> tuple[int, int]:
    """where() as it was: a table of every line's start, searched by bisection."""
    starts = [0] + [i + 1 for i, c in enumerate(source) if c == "\n"]
    row = bisect.bisect_right(starts, offset) - 1
    return row + line_base, offset - starts[row] + 1


_sources = st.lists(st.sampled_from(["a", "bc", " ", "\n", "\r\n", "\r", "<p>", "\n\n", "é"]), max_size=40).map("".join)


@FAST
@given(_sources, st.integers(1, 40), st.lists(st.integers(0, 200), max_size=12))
@example("ab\ncd\n\nef", 1, [0, 2, 3, 9, 4, 7, 7, 0, 10])
def test_where_in_any_order_is_the_line_table_bisected(source: str, line_base: int, offsets: list[int]) -> None:
    walker = html_text._Walker(source, "text/html", line_base, Parse())
    for offset in offsets:
        offset = min(offset, len(source))
        assert walker.where(offset) == _plain_where(source, line_base, offset)


_PAGE_PIECES = ["<p>", "</p>", "\n", "\r\n", "  ", "<a href='https://example.org/x'>", "<a href=y>", "</a>", "<area href=z>",
                "<img src=a.png alt=x>", "<!-- c\n -->", "<span style='display:none'>", "</span>", "hidden words",
                "<div style='font-size:0'>", "</div>", "text", "&amp;", "<b>", "</b>", "<style>p{color:red}</style>",
                "<a href='q' ", "<br>", "<td style='color:#fff;background:#fff'>", "</td>"]
_pages = st.lists(st.sampled_from(_PAGE_PIECES), max_size=40).map("".join)


@FAST
@given(_pages, st.integers(1, 9))
@example("<a href=x>\n\none\n</a>\n<img src=y>\n<!--c-->\n<span style='display:none'>h\ni</span>", 3)
def test_positions_of_links_images_comments_and_hidden_text_are_the_plain_ones(page: str, line_base: int) -> None:
    """Links now take their position when the anchor opens (in source order) instead of when it closes."""
    fast = html_text.parse_html(page, "text/html", line_base)
    plain_where = lambda self, offset: _plain_where(self.src, self.line_base, offset)  # noqa: E731
    with mock.patch.object(html_text._Walker, "where", plain_where):
        plain = html_text.parse_html(page, "text/html", line_base)
    assert fast == plain


# -- css.py: #hex colours without tinycss2's tokenizer ----------------------------------------------------
def _plain_color(value: str) -> css.RGB | None:
    """parse_color as it was: every colour read by tinycss2."""
    value = value.strip()
    if not value:
        return None
    if value[0] != "#" and len(value) in (3, 6) and all(c in "0123456789abcdefABCDEF" for c in value):
        value = "#" + value
    color = tinycss2.color3.parse_color(value.split()[0] if value.startswith("#") else value)
    if color is None or isinstance(color, str) or color.alpha < 0.5:
        return None
    return (color.red, color.green, color.blue)


_hexish = st.lists(st.sampled_from(list("0123456789abcdefABCDEFgxz \t") + ["\u0661", "\uff10", "#", "-", "_", ";", "\\"]),
                   max_size=10).map("".join)


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(["#", "", " #", "# "]), _hexish)
@example("#", "fff")
@example("#", "FfA07F80")  # alpha 0x80 = 0.502: shown
@example("#", "0000007f")  # alpha 0.498: transparent
@example("#", "1234")
@example("", "abc")  # a bare bgcolor
@example("#", "\u0661\u0662\u0663")  # Arabic-Indic digits: tinycss2's \d takes them, int() reads them
def test_hex_colours_read_as_tinycss2_reads_them(prefix: str, digits: str) -> None:
    css.parse_color.cache_clear()
    value = prefix + digits
    assert css.parse_color(value) == _plain_color(value)


def test_the_colour_fast_path_is_taken_for_mail_colours() -> None:
    with mock.patch.object(css, "_tinycss2", side_effect=AssertionError("tinycss2 asked")):
        for value, rgb in (("#fff", (1.0, 1.0, 1.0)), ("#000000", (0.0, 0.0, 0.0)), ("FFFFFF", (1.0, 1.0, 1.0)),
                           ("#33669980", (0.2, 0.4, 0.6)), ("#3366997f", None)):
            css.parse_color.cache_clear()
            assert css.parse_color(value) == rgb


# -- css.py: style attributes with \r\n line breaks take the regex path -----------------------------------
_style_pieces = ["color", ":", "#fff", "red", " ", "\r\n", "\r", "\f", "\n", "\t", ";", "'a'", "'a\rb'", "rgb(1,\r\n2, 3)",
                 "!important", "10px", "x", "-", "\0", "/**/"]


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_style_pieces), max_size=20).map("".join))
@example("color:#ffffff\r\n; text-decoration:none; display:block")
@example("\r\n   font-size: 14px;\r\n   color: #bdbdbd;\r\n")
def test_styles_with_carriage_returns_read_as_tinycss2_reads_them(style: str) -> None:
    simple = css._simple_declarations(style)
    assert simple is None or simple == css._plain_declarations(style)


def test_the_style_fast_path_reads_carriage_returns() -> None:
    for style in ("color:#ffffff\r\n; text-decoration:none", "\r\n  font-size: 14px;\r\n  color: rgb(1,\r\n 2, 3)\r\n"):
        assert css._simple_declarations(style) is not None
        assert css._simple_declarations(style) == css._plain_declarations(style)


# -- css_sheet.py: a backslash inside a comment no longer sends the sheet to tinycss2 ----------------------
_SHEET_PIECES = ["p", ".x", "#y", "{", "}", "color:red", ";", " ", "\n", "/*", "*/", "/* /\\/\\/\\ */", "\\", "\\31 x",
                 "\\\n", "'\\'", '"a\\"b"', "url(a\\)", "/*\\*/", "@media x", "(", ")", "a\\:b", "*", "/"]


@settings(max_examples=2500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_SHEET_PIECES), max_size=30).map("".join))
@example("/* /\\/\\/\\/\\ STANDARD STYLING: HEADER /\\/\\/\\/\\ */ .x{color:red} /*\\*/ p{x:y}")
@example(".sm\\:w-full{width:100%} /* \\ */")
@example("/* \\ */ p{x:'a\\'b'}")
@example("/* \\")  # an unclosed comment
def test_sheets_with_backslashes_read_as_tinycss2_reads_them(sheet: str) -> None:
    fast = css_sheet.top_level_rules(sheet)
    assert fast is None or fast == _tinycss2_rules(sheet)


def test_the_sheet_fast_path_reads_backslashes_in_comments() -> None:
    sheet = ("/* /\\/\\/\\/\\/\\/\\/\\/\\ STANDARD STYLING: PREHEADER /\\/\\/\\/\\/\\/\\/\\/\\ */\n"
             ".preheaderContent{color:#808080; font-family:Helvetica;} /*@editable*/ a:hover{color:#fff}")
    assert css_sheet.top_level_rules(sheet) is not None
    assert css_sheet.top_level_rules(sheet) == _tinycss2_rules(sheet)


# -- html_text.py: per-tag plans and frames remembered by what frame() reads ------------------------------
class _Forgetful(dict):
    """A memo that never keeps anything: every element is planned and styled afresh, the plain definition."""

    def __setitem__(self, key: object, value: object) -> None:
        pass


def _plain_parse(page: str) -> tuple:
    init, style_sheet = html_text._Walker.__init__, html_text._Walker.style_sheet

    def forgetful_init(self: html_text._Walker, *args: object) -> None:
        init(self, *args)
        self._frames, self._plans = _Forgetful(), _Forgetful()

    def forgetful_sheet(self: html_text._Walker, *args: object) -> None:
        style_sheet(self, *args)
        self._frames, self._plans = _Forgetful(), _Forgetful()

    with mock.patch.object(html_text._Walker, "__init__", forgetful_init), \
         mock.patch.object(html_text._Walker, "style_sheet", forgetful_sheet):
        return html_text.parse_html(page, "text/html")


_OPENERS = ["<td", "<font", "<span", "<a", "<img", "<div", "<p", "<br", "<input", "<head", "<b"]
_ATTRIBUTES = [" style='color:#fff'", " style='background:#fff'", " style='font-size:0'", " style='font-size:14px'",
               " style='display:none'", " style='visibility:visible'", " color=white", " bgcolor=#ffffff", " hidden",
               " size=3", " size=0", " class=x", " class='X y'", " id=z", " id=Q", " href='https://example.org/1'",
               " href='https://example.org/2'", " src=a.png", " alt=x", " width=1", " align=left", " /"]
_element = st.tuples(st.sampled_from(_OPENERS), st.lists(st.sampled_from(_ATTRIBUTES), max_size=4).map("".join),
                     st.sampled_from([">", "/>"])).map("".join)
_styled_pages = st.lists(_element | st.sampled_from(["text", " ", "</td>", "</font>", "</span>", "</a>", "</div>", "</p>",
                                                     "</head>", "<style>.x{color:#fff} #z{display:none} td{background:#fff}</style>",
                                                     "<style>.y{font-size:0} @media x{.y{font-size:9px}}</style>",
                                                     "<style media='(max-width:1px)'>#q{display:none}</style>"]),
                         max_size=30).map("".join)


@FAST
@given(_styled_pages)
@example("<td style='color:#fff'><a href='https://example.org/1' style='color:#fff'>a</a>"
         "<a href='https://example.org/2' style='color:#fff'>b</a></td>")
@example("<style>.x{color:#fff}</style><td bgcolor=#ffffff><span class=x>a</span></td>"
         "<style>td{background:#000}</style><td bgcolor=#ffffff><span class=x>b</span></td>")
@example("<div style='font-size:0'><font size=3>a</font><font size=0>b</font><span>c</span></div>")
# one pair per attribute frame() reads: two elements under the same parent that differ only there
@example("<style>.x{color:#fff}</style><td bgcolor=#ffffff><span class=x>a</span><span class=y>b</span></td>")
@example("<style>#z{display:none}</style><td><span id=z>a</span><span id=w>b</span></td>")
@example("<td bgcolor=#ffffff><span style='color:#fff'>a</span><span style='color:#000'>b</span></td>")
@example("<td bgcolor=#ffffff><font color=white>a</font><font color=black>b</font></td>")
@example("<td><span bgcolor=#000000 style='color:#000'>a</span><span bgcolor=#ffffff style='color:#000'>b</span></td>")
@example("<td><span hidden style='color:#000'>a</span><span style='color:#000'>b</span></td>")
@example("<div style='font-size:0'><font size=3>a</font><font size=''>b</font></div>")
def test_remembered_plans_and_frames_give_what_each_element_works_out_afresh(page: str) -> None:
    assert html_text.parse_html(page, "text/html") == _plain_parse(page)


# -- css_flat.py: a plain sheet's rules as slices of its text ---------------------------------------------
FLAT_PIECES = ["p", "td", ".x", "#y", "#1a", "#-", "td.x", "a:hover", "A", "é", "_u", "-x", "--v", "u", "U+1f", "u+?",
               ",", " ", "\n", "\t", "\r\n", "\r", "\f", "\0", "\x0b", "{", "}", "(", ")", "[", "]", ":", ";", "!",
               "color:red", "display:none!important", "@media screen", "@media(max-width:600px)", "@font-face", "@",
               "@-", "@-x", "@a.5", "url(x.png)", "URL(a)", "url( a )", "url('q')", "url(\"q\")", "url(", "url(a;b)",
               "rgb(1,2,3)", "f(", '[class*="x"]', "[class~=y]", "|=", "||", "|", "$=", "$", "*", ">", "+", " + ",
               "~", "=", "/", "/*c*/", "/**/", "/*", "*/", "/* /\\/\\ */", "'", '"', "'a'", '"b"', "'a\"b'", "\"a'b\"",
               "'{'", '"}"', "'x\ny'", "\\", "\\31 x", "<!--", "-->", "--->", "<", "--", "-", " - ", ".", "..5", "1",
               "+1", "-1", ".5", "1.5", "1.5.5", "1+2", "1-2", "a.5", "a+1", "#a+1", "1e3", "1E-3", "1e", "1e-m",
               "1em", "1px", "1-x", "50%", "%", "&", "?", "`", "9" * 60, "a" * 120]
_flat_sheets = st.lists(st.sampled_from(FLAT_PIECES), max_size=40).map("".join)
# mostly well-formed sheets, so that most examples take the fast path
_flat_selector = st.lists(st.sampled_from(["p", ".x", "#y", "td.x", "a:hover", "*", "[class*=x]", '[class*="y"]',
                                           "a > b", "a + b", "a+b", "-", "u", ":not(.a)", "a.5", "a/**/b", "a /*c*/ b",
                                           "<!--", "-->"]),
                          min_size=1, max_size=3).map(" ".join)
_flat_block = st.lists(st.sampled_from(["color:red", "x:1-1", "x: 1 - 1", "f(1,2)", "g(f(1), 2)", "h(g(f(1)))",
                                        "url(a.png)", "url('a.png')", "url( 'a' )", "url(a b)", "'A b'", "\"A b\"", "/**/",
                                        " /*@editable*/ ", " ", "\n", ";", "!important", "1e3", "1e", "1E-m", "2e-",
                                        "1em", "a.5", "#-", "@-", "..5", "++1", "[a]", "\\", "\r\n", "'a\"b'",
                                        "9" * 60, "u+1", "(", "}", "{", "'{'", "12px/1.5", "rgba(0,0,0,.5)",
                                        "calc(100% - 2px)", "calc(1px+2px)", "-webkit-x", "1.5.5", ".5em", "+.5"]),
                       max_size=6).map("".join)
_flat_rule = st.tuples(st.sampled_from(["", "@media x", "@media x ", "@font-face", "@import y;", "@supports (a:b)"]),
                       _flat_selector, _flat_block).map(
    lambda t: t[0] + ("{" + t[1] + "{" + t[2] + "}}" if t[0] else t[1] + "{" + t[2] + "}"))
_flat_shaped = st.lists(st.tuples(st.sampled_from(["", " ", "\n", "/*c*/", "<!--", "-->", "/* /\\/\\ */"]), _flat_rule)
                        .map("".join), max_size=5).map("".join)


@settings(max_examples=2500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_flat_sheets | _flat_shaped)
@example(".a{color:red} @media x{.a{color:blue}} p[class*=q]{x:y}")
@example("/* /\\/\\/\\/\\ STANDARD STYLING /\\/\\/\\/\\ */ body{margin:0} /*@editable*/ .x{font-family:'Open Sans'}")
@example("p{x:1+2} q{y:a.5}")  # tinycss2 writes 1/**/+2 and a/**/.5
@example("a/**/b{x:y}")  # the comment leaves a /**/
@example("@import url(a;b); p{x:y}")  # a ';' inside url() does not end the at-rule
@example("--->a{b} -->-a{b}")
@example("p{x:" + "1" * 5000 + "}")  # int() refuses it inside tinycss2: the fast path must not answer
@example("@media x{" + "(" * 70 + ")" * 70 + "}")  # nested deeper than the fast path goes
def test_a_plain_sheet_read_as_slices_reads_as_tinycss2_reads_it(sheet: str) -> None:
    from spamlint.inputs import css_flat

    flat = css_flat.flat_rules(sheet)
    assert flat is None or flat == _tinycss2_rules(sheet)


def test_the_flat_sheet_path_reads_what_mail_writes() -> None:
    """Taken (not only correct when taken) for the common shapes of mail's sheets."""
    from spamlint.inputs import css_flat

    for sheet in (
        "<!-- body{margin:0;padding:0} .x, td.y {display:none !important; font-family:'Open Sans', Arial}\r\n"
        "/* mobile */ @media only screen and (max-width:600px){ .x{display:block} } a:hover{color:#fff}"
        " img{background:url(https://example.org/a.png) no-repeat} -->",
        "/* /\\/\\/\\/\\ STANDARD STYLING: PREHEADER /\\/\\/\\/\\ */\n.preheaderContent{color:#808080;}"
        " /*@editable*/ a:hover{color:#fff} @font-face{font-family:'X'; src:url('https://example.org/x.woff')}",
        "td{background:linear-gradient(to right, rgba(0,0,0,.5), #fff); width:calc(100% - 20px)} [class~=\"a\"]{x:y}",
    ):
        assert css_flat.flat_rules(sheet) is not None
        assert css_flat.flat_rules(sheet) == _tinycss2_rules(sheet)
