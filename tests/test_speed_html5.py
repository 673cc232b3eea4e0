"""Issue 15, the HTML scan's fifth pass: each fast path gives what the plain definition it replaces gives."""

from __future__ import annotations

import re
from unittest import mock

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from spamlint.inputs import css, css_flat
from test_speed_html4 import _plain_color  # every colour read by tinycss2, which the #hex path matches


# -- css.py: style items read once each --------------------------------------------------------------------
def _plain_simple_declarations(style: str) -> dict[str, str] | None:
    """_simple_declarations as it was: every item matched afresh."""
    if "\r" in style or "\f" in style:
        style = style.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    out: dict[str, str] = {}
    for item in style.split(";"):
        m = css._SIMPLE_DECLARATION().fullmatch(item)
        if m is not None:
            value = m.group(2).lower()
            out[m.group(1).lower()] = value.replace("'", '"') if "'" in value else value
        elif not css._BLANK.fullmatch(item):
            return None
    return out


_style_items = ["color:#333", "COLOR : Red", "padding:0 10px", "font-family:'Helvetica Neue', Arial", " ", "", "\n", "\r\n",
                "display:none !important", "x", "a:b(", "url(x)", "background:url(a.png)", "width:1e3px", ":", "-",
                "margin:-1px", "\u017f:1", "rgb(1, 2, 3)", "color:rgb(1,2,3)", "'a'", "a:'b;c'", "/* c */"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_style_items), max_size=5).map(";".join), min_size=1, max_size=4),
       st.sampled_from([css._MAX_ITEMS, 0, 2]))
@example(["color:#333;color:#333", "color:#333;x"], 16384)
@example(["a:b;;c:d", ";"], 0)
def test_style_items_read_once_give_what_each_item_read_afresh_gives(styles: list[str], cap: int) -> None:
    with mock.patch.object(css, "_ITEMS", {}), mock.patch.object(css, "_MAX_ITEMS", cap):
        for style in styles + styles:  # the second round reads remembered items
            assert css._simple_declarations(style) == _plain_simple_declarations(style)
        assert len(css._ITEMS) <= cap


def test_style_items_are_remembered() -> None:
    with mock.patch.object(css, "_ITEMS", {}), mock.patch.object(css, "_simple_item", wraps=css._simple_item) as read:
        css._simple_declarations("color:#333; padding:0")
        css._simple_declarations("padding:0;color:#333; ")
    assert [c.args[0] for c in read.call_args_list] == ["color:#333", " padding:0", "padding:0", " "]


# -- css.py: values that start with a function other than a colour function ---------------------------------
_color_pieces = ["rgb", "RGB", "rgba", "Rgba", "hsl", "HSLA", "hsl-", "linear-gradient", "url", "URL", "-", "--", "x", "e",
                 "\u017f", "\\62", "(", ")", " (", "1", "2", "50%", ",", " ", "0.4", "#fff", "#ffffff80", "red", "to right",
                 "/**/", "'a'", "calc"]


@settings(max_examples=2500, deadline=None)
@given(st.lists(st.sampled_from(_color_pieces), max_size=12).map("".join))
@example("linear-gradient(to right, #ffffff,#f1f1f1)")
@example("rgb(1, 2, 3)")
@example("rgba(1, 2, 3, 0.4)")
@example("hsl(120, 50%, 50%) x")
@example("HSLA(120, 50%, 50%, 1)")
@example("url(x.png)")
@example("-(1)")
@example("rg\\62(1, 2, 3)")  # an escaped function name: not the fast path's
def test_function_values_read_as_tinycss2_reads_them(value: str) -> None:
    css.parse_color.cache_clear()
    assert css.parse_color(value) == _plain_color(value)


def test_gradients_are_no_colour_without_tinycss2() -> None:
    with mock.patch.object(css, "_tinycss2", side_effect=AssertionError("tinycss2 asked")):
        for value in ("linear-gradient(to right, #ffffff,#f1f1f1)", "url(https://example.org/a.png)", "Calc(1px)"):
            css.parse_color.cache_clear()
            assert css.parse_color(value) is None


# -- css_flat.py: white space first in the token loop; what is left out found by substring tests ------------
# the token loop as it was: white space was the first of _DELIM's alternatives, after _WORD's
_PLAIN_TOKENS = re.compile(rf"""(?:{css_flat._WORD}|[ \t\n]++|{css_flat._DELIM}|[uU][rR][lL]\((?=[ \t\n]*"))*+""")
_PLAIN_LEFT_OUT = re.compile(r"""["'\\]|/\*|[0-9]{50}""")
_SHEET_PIECES = ["p", "td", ".x", "#y", "a:hover", "u", "url(", "url(a)", "URL( \"a\")", " ", "\n", "\t", "  ", "{", "}", "(", ")",
                 "[", "]", ":", ";", ",", "!", "color:red", "1", "1.5", "-1", "+1", ".5", "1e3", "1em", "1px", "50%", "e", "-", "+",
                 " - ", " + ", "-x", "--v", "@media", "@", "#", "/", "/*", "*/", "<!--", "-->", "<", ">", "~", "*", "=", "|",
                 "^", "$", "&", '"q"', "'q'", '"', "'", "\\", "\\31 ", "\u017f", "é", "9" * 50, "9" * 49, "_", "\f", "\r"]
_sheet_texts = st.lists(st.sampled_from(_SHEET_PIECES), max_size=40).map("".join)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_sheet_texts)
@example("p { color : red }  td.x{padding:0 1px}")
@example("a + b - c{x:1 -1}")
@example("u +1 {}")
def test_the_token_loop_with_white_space_first_accepts_what_it_accepted(sheet: str) -> None:
    assert (css_flat._TOKENS().fullmatch(sheet) is None) == (_PLAIN_TOKENS.fullmatch(sheet) is None)


@settings(max_examples=3000, deadline=None)
@given(_sheet_texts)
@example("1" * 50)
@example("a/ *b")
@example("a/*")
def test_what_is_left_out_is_what_the_search_found(text: str) -> None:
    assert css_flat._left_out(text) == (_PLAIN_LEFT_OUT.search(text) is not None)
