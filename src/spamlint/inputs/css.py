"""Inline CSS facts: declarations parsed with tinycss2, colours and contrast, hiding tricks."""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from typing import Any, NamedTuple

from spamlint.inputs import css_flat, css_sheet
from spamlint.text import compiled

RGB = tuple[float, float, float]


_CLASS_ATTR = compiled.lazy(r"class\s*[*~^|$]?=\s*[\"']?([\w-]+)", re.IGNORECASE)
_NAME = compiled.lazy(r"[.#][\w-]+")  # a class or id in a selector
_SIMPLE_SELECTOR = compiled.lazy(r"^(?:[a-z][a-z0-9]*)?(?:\.[\w-]+)?$|^#[\w-]+$", re.IGNORECASE)


@lru_cache(maxsize=256)
def sheet_rules(sheet: str) -> dict[str, str]:
    """Declarations of a <style> sheet's top-level rules with simple selectors (p, .note, td.x, #id).

    Rules inside @media and other at-rules are skipped, and so is any selector that an at-rule
    also styles: `.mobile {display:none}` shown again by a media query is responsive design,
    not hiding.
    """
    rules = _sheet(sheet).rules
    if rules is None:
        return {}
    responsive = restyled(sheet, False)
    return {k: v for k, v in rules.items() if not responsive_selector(k, responsive)}


@lru_cache(maxsize=256)
def restyled(sheet: str, conditional: bool) -> frozenset[str]:
    """The classes and ids (".x", "#y") a sheet styles only under a condition: inside its @media
    and other at-rules, or anywhere in it when the whole sheet is conditional (<style media="...">).

    What a condition styles again was hidden for some screens only: responsive design.
    """
    facts = _sheet(sheet)
    found = facts.conditional if conditional else facts.at_rules
    return frozenset() if found is None else found


class _Sheet(NamedTuple):
    """What one parse of a sheet gives; None where tinycss2 could not read or serialize what it needs."""

    rules: dict[str, str] | None  # simple selector -> declarations, before responsive selectors are dropped
    at_rules: frozenset[str] | None  # classes and ids in at-rules' blocks: restyled(sheet, False)
    conditional: frozenset[str] | None  # those and the ones in rules' selectors: restyled(sheet, True)


@lru_cache(maxsize=64)
def _sheet(sheet: str) -> _Sheet:
    """sheet_rules' and restyled's facts from one parse (each used to parse the sheet again):
    css_flat's slices, css_sheet's regex scan, or tinycss2 for what those leave to it.

    A sheet nested past what tinycss2 can recurse into, or with a number int() refuses (thousands
    of digits), reads as no rules; each fact fails on its own, as each used to in its own parse.
    """
    fast = css_flat.flat_rules(sheet)  # the same texts as slices of a plain sheet, or None
    if fast is None:
        fast = css_sheet.top_level_rules(sheet)  # ... or by a regex token scan, or None
    preludes: list[str] | None
    bodies: list[str] | None
    blocks: list[str] | None
    if fast is not None:
        preludes, bodies, blocks = fast
    else:
        try:
            rules = _tinycss2().parse_stylesheet(sheet, skip_comments=True, skip_whitespace=True)
        except (RecursionError, ValueError):
            return _Sheet(None, None, None)
        qualified = [r for r in rules if r.type == "qualified-rule"]
        blocks = _serialized([r.content for r in rules if r.type == "at-rule" and r.content is not None])
        preludes = _serialized([r.prelude for r in qualified])
        bodies = _serialized([r.content for r in qualified])
    at_rules = None if blocks is None else _restyled_names(blocks)
    conditional = None if at_rules is None or preludes is None else at_rules | _restyled_names(preludes)
    return _Sheet(_selector_rules(preludes, bodies), at_rules, conditional)


def _serialized(nodes: list[Any]) -> list[str] | None:
    """Each node list serialized; None when one of them nests too deep to serialize."""
    try:
        return [_tinycss2().serialize(n) for n in nodes]
    except (RecursionError, ValueError):
        return None


def _selector_rules(preludes: list[str] | None, bodies: list[str] | None) -> dict[str, str] | None:
    """Declarations per simple selector of the sheet's qualified rules, in order; None if one cannot be serialized."""
    if bodies is None or preludes is None:
        return None
    out: dict[str, str] = {}
    for prelude, body in zip(preludes, bodies):
        for selector in prelude.split(","):
            selector = selector.strip().lower()
            if _SIMPLE_SELECTOR.match(selector):
                out[selector] = out.get(selector, "") + ";" + body
    return out


def _restyled_names(texts: list[str]) -> frozenset[str]:
    found: set[str] = set()
    for text in texts:
        found.update(m.lower() for m in _NAME.findall(text))
        found.update("." + m.lower() for m in _CLASS_ATTR.findall(text))  # td[class*="hide-x"]
    return frozenset(found)


def responsive_selector(selector: str, responsive: frozenset[str] | set[str]) -> bool:
    """True when a simple selector names a class or id in `responsive`."""
    names = _SELECTOR_NAMES.get(selector)
    if names is None:
        names = tuple(_NAME.findall(selector))
        if len(_SELECTOR_NAMES) < _MAX_SELECTORS:
            _SELECTOR_NAMES[selector] = names
    for part in names:
        if part in responsive:
            return True
    return False


# _NAME.findall by selector: a sender's sheets name the same selectors in every message, and each
# sheet's rules are checked against its responsive names again for every <style> of a message
_SELECTOR_NAMES: dict[str, tuple[str, ...]] = {}
_MAX_SELECTORS = 16384  # past this many distinct selectors, new ones are read each time


_UNCONDITIONAL_MEDIA = frozenset({"", "all", "screen", "only screen"})


def conditional_media(media: str | None) -> bool:
    """True for a <style media="..."> that applies to some screens only (a media query)."""
    return media is not None and " ".join(media.lower().split()) not in _UNCONDITIONAL_MEDIA



def _tinycss2() -> Any:
    """tinycss2 with its colour module, imported on first use: text and plain HTML never need it."""
    import tinycss2.color3  # imports tinycss2 too

    return sys.modules["tinycss2"]

# A style attribute made only of `name: value` pairs whose values are idents, hashes, numbers,
# percentages and dimensions separated by spaces or commas (most of them: "color:#333;
# padding:0 10px") tokenizes one token per word, and tinycss2 serializes such a value back as
# written (except a unit e or e-..., which it escapes: 1\\65 -m); anything else (comments,
# escapes, url(), calc's operators, a `;` inside a value) goes to tinycss2.  Also read here:
# strings without quotes, backslashes, `;` or line breaks inside (tinycss2 writes 'a' as "a"),
# functions of such items nested up to two deep (rgb(1, 2, 3), a gradient of rgba()), `/` as a
# separator, and a trailing !important, which tinycss2 drops from the value.
_WORD = r"(?:-?[a-zA-Z][a-zA-Z0-9-]*|#[a-zA-Z0-9-]+|[+-]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:%|(?![eE](?:-|(?![a-zA-Z-])))[a-zA-Z][a-zA-Z-]*)?)"
_STRING = r"""(?:"[^"'\\\n\r\f\0;]*"|'[^"'\\\n\r\f\0;]*')"""
_SEP = r"(?:[ \t\n]*[,/][ \t\n]*|[ \t\n]+)"


def _function(arg: str) -> str:
    """A function (not url(), whose unquoted argument tinycss2 rewrites) of `arg` items."""
    return rf"(?![uU][rR][lL]\()-?[a-zA-Z][a-zA-Z0-9-]*\([ \t\n]*(?:{arg}(?:{_SEP}{arg})*)?[ \t\n]*\)"


_LEAF = f"(?:{_WORD}|{_STRING})"
_ITEM = f"(?:{_LEAF}|{_function(f'(?:{_LEAF}|{_function(_LEAF)})')})"
_SIMPLE_DECLARATION = compiled.deferred(  # compiled on first use (text/compiled.py): only styles need it
    rf"[ \t\n]*(-?[a-zA-Z][a-zA-Z0-9-]*)[ \t\n]*:[ \t\n]*({_ITEM}(?:{_SEP}{_ITEM})*)"
    r"(?:[ \t\n]*![ \t\n]*[iI][mM][pP][oO][rR][tT][aA][nN][tT])?[ \t\n]*")
_BLANK = compiled.lazy(r"[ \t\n]*")


@lru_cache(maxsize=4096)
def declarations(style: str) -> dict[str, str]:
    """Parse a style attribute into {property: value}, lower-cased, last one winning."""
    simple = _simple_declarations(style)
    return simple if simple is not None else _plain_declarations(style)


def _simple_declarations(style: str) -> dict[str, str] | None:
    """declarations() of a style attribute of plain items only (see _WORD), without tinycss2; None for any other."""
    if "\r" in style or "\f" in style:  # line breaks as tinycss2's tokenizer reads them first (mail writes \r\n)
        style = style.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    out: dict[str, str] = {}
    for item in style.split(";"):
        read = _ITEMS.get(item)
        if read is None:
            read = _simple_item(item)
            if len(_ITEMS) < _MAX_ITEMS:
                _ITEMS[item] = read
        if read is _NOT_SIMPLE:
            return None
        if read is not _BLANK_ITEM:
            out[read[0]] = read[1]
    return out


# _simple_item by item: styles differ from cell to cell, their items ("color:#333", "padding:0")
# recur; the match costs thousands of instructions, the look-up one hash of a short string
_ITEMS: dict[str, tuple[str, str]] = {}
_MAX_ITEMS = 16384  # past this many distinct items, new ones are read each time
_NOT_SIMPLE = ("", "not simple")  # told apart by identity: no item reads as either
_BLANK_ITEM = ("", "blank")


def _simple_item(item: str) -> tuple[str, str]:
    """One `;`-separated item of a style: (property, value), _BLANK_ITEM, or _NOT_SIMPLE."""
    m = _SIMPLE_DECLARATION().fullmatch(item)
    if m is not None:
        value = m.group(2).lower()
        return m.group(1).lower(), value.replace("'", '"') if "'" in value else value
    return _BLANK_ITEM if _BLANK.fullmatch(item) else _NOT_SIMPLE


def _plain_declarations(style: str) -> dict[str, str]:
    """declarations() by tinycss2: the reference the plain-words path must equal."""
    out: dict[str, str] = {}
    try:
        for decl in _tinycss2().parse_declaration_list(style, skip_comments=True, skip_whitespace=True):
            if decl.type == "declaration":
                out[decl.lower_name] = _tinycss2().serialize(decl.value).strip().lower()
    except (RecursionError, ValueError):  # as in sheet_rules: keep what was read so far
        pass
    return out


@lru_cache(maxsize=1024)
def parse_color(value: str) -> RGB | None:
    """An opaque colour from a CSS value or HTML colour attribute; None if unknown or transparent."""
    value = value.strip()
    if not value:
        return None
    if value[0] != "#" and len(value) in (3, 6) and all(c in "0123456789abcdefABCDEF" for c in value):
        value = "#" + value  # bgcolor="ffffff" as old mail clients accept it
    if value[0] == "#":
        value = value.split()[0]
        rgba = _hex_rgba(value)
        if rgba is not None:
            return None if rgba[3] < 0.5 else rgba[:3]
    else:
        function = _FUNCTION_NAME().match(value)
        if function is not None and function.group().lower() not in _COLOR_FUNCTIONS:
            return None  # linear-gradient(...), url(...): tinycss2 tokenizes it all to say no colour
    color = _tinycss2().color3.parse_color(value)
    if color is None or isinstance(color, str) or color.alpha < 0.5:
        return None
    return (color.red, color.green, color.blue)


# a value that starts with a function token: tinycss2 reads a colour from it only when that is
# one of CSS 3's colour functions (a `-(` or `url(` start is no colour either)
_FUNCTION_NAME = compiled.deferred(r"[a-zA-Z-]+(?=\()")  # compiled on first use: start-up stays as it was
_COLOR_FUNCTIONS = frozenset({"rgb", "rgba", "hsl", "hsla"})


def _hex_rgba(value: str) -> tuple[float, float, float, float] | None:
    """tinycss2's colour of `#` and 3, 4, 6 or 8 ASCII hex digits, without its tokenizer; None for any other text.

    Most colours in mail are written so, and tinycss2 tokenizes each to read it.
    """
    digits = value[1:]
    if len(digits) not in (3, 4, 6, 8) or digits.strip("0123456789abcdefABCDEF"):
        return None
    if len(digits) < 6:  # each digit doubled: #f80 is #ff8800
        channels = [int(d * 2, 16) / 255 for d in digits]
    else:
        channels = [int(digits[i:i + 2], 16) / 255 for i in range(0, len(digits), 2)]
    if len(channels) == 3:
        channels.append(1.0)
    r, g, b, a = channels
    return r, g, b, a


# a colour inside a CSS value: a function such as rgb(253, 253, 253), #hex or a colour name;
# bare numbers are never colours here (split naively, "rgb(253," "253" read as #253 was hex)
_HEX_WORD = compiled.lazy(r"[a-f]+$", re.IGNORECASE)
_CSS_COLOR_TOKEN = compiled.lazy(r"[a-z-]+\([^)]*\)|#[0-9a-f]{3,8}\b|[a-z]+", re.IGNORECASE)


@lru_cache(maxsize=4096)
def style_background(style: str) -> RGB | None:
    """background_of(declarations(style)), kept per style: the same few styles recur on every cell."""
    return background_of(declarations(style))


def background_of(decls: dict[str, str]) -> RGB | None:
    """The background colour a style declares, from background-color or the background shorthand."""
    for prop in ("background-color", "background"):
        value = decls.get(prop)
        if value:
            for token in _CSS_COLOR_TOKEN.findall(value):
                if token.isalpha() and _HEX_WORD.match(token):
                    continue  # "bad" or "fade" as a word: parse_color would take it for old bgcolor hex
                rgb = parse_color(token)
                if rgb is not None:
                    return rgb
    return None


@lru_cache(maxsize=4096)
def contrast(a: RGB, b: RGB) -> float:
    """WCAG 2 contrast ratio between two colours (1.0 = identical, 21 = black on white)."""
    la, lb = _luminance(a), _luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def _luminance(rgb: RGB) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _length_px(value: str) -> float | None:
    value = value.strip().split()[0] if value.strip() else ""
    for unit, factor in (("px", 1.0), ("pt", 1.333), ("em", 16.0), ("rem", 16.0), ("%", 0.16)):
        if value.endswith(unit):
            value, scale = value[: -len(unit)], factor
            break
    else:
        scale = 1.0
    try:
        return float(value) * scale
    except ValueError:
        return None


def font_size_px(value: str) -> float | None:
    """A CSS font-size in pixels (keywords like 'small' count as readable); None if unknown."""
    px = _length_px(value)
    if px is None and value.strip()[:1].isalpha():
        return 16.0
    return px


@lru_cache(maxsize=4096)
def hiding_reason(style: str) -> str | None:
    """Why an inline style hides its content from a reader, or None."""
    d = declarations(style)
    if d.get("display", "").startswith("none"):
        return "display:none"
    if d.get("visibility", "").startswith(("hidden", "collapse")):
        return "visibility:hidden"
    if d.get("mso-hide", "") == "all" and d.get("display") is None:
        return None  # Outlook-only hiding; other clients show it
    size = _length_px(d["font-size"]) if "font-size" in d else None
    if size is not None and size <= 1:
        return "font-size:0"
    opacity = d.get("opacity")
    if opacity is not None:
        try:
            if float(opacity.rstrip("%")) <= 0.05:
                return "opacity:0"
        except ValueError:
            pass
    for prop in ("max-height", "height"):
        h = _length_px(d[prop]) if prop in d else None
        if h is not None and h <= 1 and d.get("overflow", "") == "hidden":
            return f"{prop}:0"
    if d.get("position") in ("absolute", "fixed"):
        for prop in ("left", "top", "text-indent"):
            v = _length_px(d[prop]) if prop in d else None
            if v is not None and v <= -500:
                return "off-screen"
    indent = _length_px(d["text-indent"]) if "text-indent" in d else None
    if indent is not None and indent <= -500:
        return "off-screen"
    return None
