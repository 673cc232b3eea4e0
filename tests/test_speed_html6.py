"""Issue 15, the HTML scan's sixth pass: each fast path gives what the plain definition it replaces gives."""

from __future__ import annotations

import re
from unittest import mock

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from spamlint.inputs import css, html_text

FAST = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- the plain definitions the fast paths replace ------------------------------------------------------------
def _plain_frame_reads(tag: str, a: dict[str, str]) -> tuple:
    """_frame_reads as it was: the tag and a (name, value) pair for each attribute frame() reads that is there."""
    return (tag, *[(k, a[k]) for k in html_text._FRAME_READS if k in a])


def _plain_holds_opener(source: str) -> bool:
    """Whether a source holds a placeholder opener, as _Walker asked it: any of them anywhere."""
    return any(o in source for o in ("{", "|*", "%%", "[["))


def _plain_parse(page: str) -> tuple:
    """parse_html with every tag name lowered afresh, the old frame key and the old opener test."""
    with mock.patch.object(html_text, "_MAX_NAMES", 0), mock.patch.object(html_text, "_NAMES", {}), \
         mock.patch.object(html_text, "_frame_reads", _plain_frame_reads), \
         mock.patch.object(html_text, "_holds_opener", _plain_holds_opener):
        return html_text.parse_html(page, "text/html")


# -- _frame_reads: one place per attribute name keys the same frames as (name, value) pairs did -------------
_VALUES = ["", "x", "color:#fff", "display:none", "None", "1"]
_attr_dicts = st.dictionaries(st.sampled_from([*html_text._FRAME_READS, "href", "src", "align"]),
                              st.sampled_from(_VALUES), max_size=6)


@FAST
@given(st.sampled_from(["td", "span", "font"]), _attr_dicts, _attr_dicts)
@example("td", {}, {"style": ""})  # absent against empty: two different elements
@example("td", {"class": "x"}, {"id": "x"})  # the same value under two names
@example("td", {"style": "x", "href": "a"}, {"style": "x", "href": "b"})  # what frame() never reads
def test_frame_reads_tell_elements_apart_as_the_pairs_did(tag: str, a: dict[str, str], b: dict[str, str]) -> None:
    assert (html_text._frame_reads(tag, a) == html_text._frame_reads(tag, b)) == \
        (_plain_frame_reads(tag, a) == _plain_frame_reads(tag, b))


# -- _holds_opener: a two-character opener looked for only where its first character is -------------------
@FAST
@given(st.text(st.sampled_from("{|*%[]<a é"), max_size=30))
@example("|")
@example("*|")
@example("%")
@example("[ [")
@example("a|*b")
def test_holds_opener_is_any_opener_in_the_source(source: str) -> None:
    assert html_text._holds_opener(source) == _plain_holds_opener(source)
    assert html_text._holds_opener(source) == html_text._may_hold_placeholder(source)


# -- _NAMES: a tag name as written lowered once -----------------------------------------------------------
@FAST
@given(st.text(st.sampled_from("aAzZİıKkſSß1-:é"), min_size=1, max_size=8))
@example("İ")  # lower() gives two characters
@example("TD")
def test_remembered_names_are_the_lowered_names(name: str) -> None:
    first = html_text._NAMES.get(name) or html_text._lower_name(name)
    again = html_text._NAMES.get(name) or html_text._lower_name(name)
    assert first == again == name.lower()


def test_names_table_is_bounded() -> None:
    with mock.patch.object(html_text, "_NAMES", {}), mock.patch.object(html_text, "_MAX_NAMES", 2):
        for name in ("A", "B", "C", "X" * 100):
            assert html_text._lower_name(name) == name.lower()
        assert html_text._NAMES == {"A": "a", "B": "b"}
    with mock.patch.object(html_text, "_NAMES", {}):
        html_text._lower_name("X" * 100)
        assert html_text._NAMES == {}  # a long name is lowered, never kept


# -- the scan as a whole: generated HTML reads the same with the plain definitions ----------------------------
_OPENERS = ["<TD", "<td", "<Td", "<FONT", "<font", "<SPAN", "<span", "<A", "<a", "<IMG", "<DIV", "<P", "<BR",
            "<STYLE", "<Style", "<SCRIPT", "<Head", "<TITLE", "<İ", "<K"]
_ATTRIBUTES = [" style='color:#fff'", " style='background:#fff'", " style='font-size:0'", " STYLE='display:none'",
               " color=white", " bgcolor=#ffffff", " hidden", " size=3", " class=x", " id=z", " href='https://e.org/1'",
               " href='https://e.org/{{name}}'", " src=a.png", " alt=x", " width=1", " align=left", " /"]
_element = st.tuples(st.sampled_from(_OPENERS), st.lists(st.sampled_from(_ATTRIBUTES), max_size=3).map("".join),
                     st.sampled_from([">", "/>"])).map("".join)
_pages = st.lists(_element | st.sampled_from(
    ["text", " ", "\n", "a &amp; b", "{{ first_name }}", "*|FNAME|*", "%%name%%", "[[x]]", "|*", "%", "[", "{",
     "</TD>", "</td>", "</FONT>", "</span>", "</A>", "</a>", "</DIV>", "</P>", "</Style>", "</SCRIPT>", "</head>",
     "<!-- c -->", ".x{color:#fff} td{display:none}", "<style>.x{color:#fff} #z{display:none}</style>"]),
    max_size=30).map("".join)


@FAST
@given(_pages)
@example("<TD style='color:#fff'><Td bgcolor=#ffffff>a</TD></td>b")
@example("<STYLE>.x{display:none}</Style><SPAN class=x>a</SPAN><span class=x>b</span>")
@example("<İ>a</i̇>b<K>c</k>")  # names whose lower() differs in length or is not ASCII
@example("price 100% off | *sale* [today]")  # openers' first characters without an opener
@example("a |* b %% c [[ d")
def test_the_scan_reads_as_with_the_plain_definitions(page: str) -> None:
    assert html_text.parse_html(page, "text/html") == _plain_parse(page)


# -- css.responsive_selector: a selector's class and id names read once ------------------------------------
@FAST
@given(st.text(st.sampled_from("td.x#y-_é:> ,"), max_size=12),
       st.sets(st.sampled_from([".x", "#y", ".x-y", "#y-", ".é", ".td"]), max_size=3))
@example("td.x", frozenset({".x"}))
@example("td.x", frozenset({"#x"}))
@example("#y", frozenset({"#y"}))
@example("p", frozenset({".p"}))
def test_remembered_selector_names_answer_as_the_search_does(selector: str, responsive: set[str]) -> None:
    plain = any(part in responsive for part in re.findall(r"[.#][\w-]+", selector))
    assert css.responsive_selector(selector, responsive) == plain
    assert css.responsive_selector(selector, responsive) == plain  # asked again: from the table


def test_selector_table_is_bounded() -> None:
    with mock.patch.object(css, "_SELECTOR_NAMES", {}), mock.patch.object(css, "_MAX_SELECTORS", 1):
        assert css.responsive_selector(".a", {".a"}) and not css.responsive_selector(".b", {".a"})
        assert css.responsive_selector(".b", {".b"})
        assert css._SELECTOR_NAMES == {".a": (".a",)}
