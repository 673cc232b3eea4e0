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
