"""Template placeholders (Jinja, Handlebars, Liquid, Mailchimp merge tags, ESP tags).

Placeholders are masked with spaces of the same length, so they never count as words,
capitals or punctuation while every other character keeps its source position.
"""

from __future__ import annotations

import re
from typing import Iterator


from spamlint.errors import InputError, brief
from spamlint.inputs.parse import Parse
from spamlint.inputs.yaml_data import YamlTooLarge, load_yaml
from spamlint.model.document import Header
from spamlint.model.segment import Segment
from spamlint.record import Record, record
from spamlint.text.compiled import lazy  # module-level patterns from the rule-pack cache's code, on first use

_PLACEHOLDER = lazy(
    r"\{\{\{.*?\}\}\}"      # Handlebars triple-stash
    r"|\{\{.*?\}\}"         # Jinja / Django / Liquid / Handlebars / Mustache
    r"|\{%.*?%\}"           # Jinja / Liquid tags
    r"|\{#.*?#\}"           # Jinja comments
    r"|\*\|[^|\n]{1,80}\|\*"  # Mailchimp merge tags
    r"|%%[^%\n]{1,80}%%"      # %%tag%% (Salesforce, SendGrid legacy)
    r"|\[\[[^\]\n]{1,80}\]\]"  # [[tag]]
    r"|<!--\s*spamlint.*?-->",  # suppression comments in text templates are not text
    re.DOTALL,
)


# _PLACEHOLDER documents the syntax; matching uses the scanner below, which finds the same
# spans in linear time (the regex retries every `{{` to the end of a text that never closes it).
_OPENER = lazy(r"\{\{\{|\{\{|\{%|\{#|\*\||%%|\[\[|<!--\s*spamlint")
_CLOSER = {"{{{": "}}}", "{{": "}}", "{%": "%}", "{#": "#}"}
_SHORT = lazy(r"\*\|[^|\n]{1,80}\|\*|%%[^%\n]{1,80}%%|\[\[[^\]\n]{1,80}\]\]")
_NOT_NEWLINE = lazy(r"[^\n]+")


def mask_placeholders(text: str) -> str:
    """Replace each placeholder by spaces (newlines kept), preserving length and positions."""
    if "{" not in text and "|*" not in text and "%%" not in text and "[[" not in text and "<!--" not in text:
        return text
    pieces, pos = [], 0
    for start, end in _spans(text):
        pieces += [text[pos:start], _NOT_NEWLINE.sub(lambda m: " " * len(m.group()), text[start:end])]
        pos = end
    if not pieces:
        return text
    pieces.append(text[pos:])
    return "".join(pieces)


def has_placeholder(text: str) -> bool:
    """True when the text holds a template placeholder."""
    return next(_spans(text), None) is not None


def _spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each placeholder, leftmost first, exactly as _PLACEHOLDER.finditer finds them.

    Linear: a closer missing after one position is missing after every later one, so each is
    searched for in vain at most once.
    """
    missing: set[str] = set()
    pos = 0
    while (m := _OPENER.search(text, pos)) is not None:
        end = _close(text, m, missing)
        if end is None:
            pos = m.start() + 1
            continue
        yield m.start(), end
        pos = end


def _close(text: str, m: re.Match[str], missing: set[str]) -> int | None:
    """End of the placeholder opened by `m`, or None."""
    opener, start = m.group(), m.start()
    if opener in ("*|", "%%", "[["):
        short = _SHORT.match(text, start)
        return short.end() if short else None
    closers = ["-->"] if opener.startswith("<!--") else [_CLOSER[opener]] + (["}}"] if opener == "{{{" else [])
    for closer in closers:  # `{{{x}}` is a `{{ }}` placeholder when no `}}}` follows
        if closer not in missing:
            at = text.find(closer, m.end() if closer == "-->" else start + (2 if closer == "}}" else len(opener)))
            if at != -1:
                return at + len(closer)
            missing.add(closer)
    return None


def _blank(match: re.Match[str]) -> str:
    return "".join("\n" if ch == "\n" else " " for ch in match.group())


# -- Layouts and partials ---------------------------------------------------------------------------
# A statement that renders the template inside other markup: Jinja, Nunjucks, Twig and Django
# `{% extends %}` / `{% include %}` / `{% embed %}`, Liquid `{% layout %}` / `{% include %}` /
# `{% render %}` (Shopify's `{% layout none %}` means no layout), Handlebars and Mustache partials
# `{{> name}}` and partial blocks `{{#> name}}`.  Bounded pieces, so the search stays linear.
_LAYOUT_TAG = lazy(
    r"\{%-?\s{0,20}(?:extends|include|embed|layout|render)\s{1,20}(?!none\s{0,20}-?%\})[^%\n]{1,300}?-?%\}"
    r"|\{\{~?#?>\s{0,20}[^{}\n]{1,300}?~?\}\}"
)
MAX_LAYOUT_SCAN = 256 * 1024  # a layout statement comes early; a huge template is not searched to its end


def layout_of(text: str, fields: dict[str, Field]) -> str | None:
    """The statement by which a template is rendered inside a layout or with partials, or None.

    Such a template has no `<html>` or `<body>` of its own by design: the layout or partial
    supplies them.  A front-matter `layout:` (Jekyll, Eleventy) counts as well.
    """
    if "layout" in fields:
        return f"layout: {fields['layout'].value}"
    m = _LAYOUT_TAG.search(text, 0, MAX_LAYOUT_SCAN)
    return " ".join(m.group().split()) if m else None


# -- YAML front matter ----------------------------------------------------------------------------
FRONT_MATTER_KEYS = ("subject", "preheader", "from", "reply-to")
# front-matter values of `layout:` that mean "no layout" (Jekyll's null, Eleventy's false, Shopify's none)
_NO_LAYOUT = frozenset({"", "none", "null", "false"})
MAX_FRONT_MATTER = 64 * 1024
_FRONT = lazy(r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*\r?$", re.DOTALL | re.MULTILINE)


@record()
class Field(Record):
    """A front-matter value and the 1-based line and column where it starts in the template."""

    value: str
    line: int | None = None
    column: int = 1


def front_matter(text: str) -> tuple[dict[str, Field], str]:
    """Split a leading `---` YAML block off a template.

    Returns the known keys (subject, preheader, from, reply-to; other keys belong to site
    generators and are ignored) and the text with the block blanked to spaces, so every later
    line and column still points into the file.  Text without a mapping block is returned as is.
    """
    m = _FRONT.match(text) if text.startswith(("---", "\ufeff---")) else None
    if m is None:
        return {}, text
    import yaml  # only a template with front matter needs it (yaml_data imports it on first use)

    if len(m.group(1)) > MAX_FRONT_MATTER:  # pure-Python YAML takes seconds per megabyte
        raise InputError(f"front matter is longer than {MAX_FRONT_MATTER} characters")
    try:
        data = load_yaml(m.group(1))
    except YamlTooLarge as exc:
        raise InputError(f"front matter refused: {exc}") from None
    except RecursionError:
        raise InputError("front matter is nested too deeply") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        raise InputError(f"front matter is not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        return {}, text
    fields = {k: Field(str(v).strip(), *_position(m.group(1), k)) for k, v in data.items()
              if k in FRONT_MATTER_KEYS and isinstance(v, (str, int, float)) and str(v).strip()}
    layout = data.get("layout")
    if isinstance(layout, str) and layout.strip().lower() not in _NO_LAYOUT:  # site generators' layout
        fields["layout"] = Field(layout.strip(), *_position(m.group(1), "layout"))
    return fields, _blank(m) + text[m.end():]


def _position(block: str, key: str) -> tuple[int | None, int]:
    """Line and column of a key's value in the front matter (line 1 is the opening ---)."""
    for i, line in enumerate(block.splitlines()):
        km = re.match(rf"{re.escape(key)}\s*:\s*(['\"]?)", line)
        if km:
            return i + 2, km.end() + 1
    return None, 1


def template_fields(text: str, name: str, given: dict[str, str] | None = None) -> tuple[dict[str, Field], str]:
    """Front matter of a template, overridden by values given by the caller (CLI --subject, --from)."""
    try:
        fields, text = front_matter(text)
    except InputError as exc:
        raise InputError(f"{name}: {exc}") from None
    for key, value in (given or {}).items():
        if key not in FRONT_MATTER_KEYS:
            raise InputError(f"{brief(key)} is not a template field (known: {', '.join(FRONT_MATTER_KEYS)})")
        if value:
            fields[key] = Field(value)
    return fields, text


def add_template_headers(parse: Parse, fields: dict[str, Field]) -> None:
    """Give a template being parsed the subject, sender and preheader its front matter declares."""
    for key, f in fields.items():
        if key == "layout":  # not a header: layout_of() reads it
            continue
        if key == "preheader":  # inbox preview text: read like body text, shown first
            parse.bodies.insert(0, Segment("preheader", mask_placeholders(f.value), f.value,
                                         line_base=f.line, col_base=f.column))
            continue
        name = "Reply-To" if key == "reply-to" else key.capitalize()
        parse.headers.append(Header(name, f.value, f.line))
        if key == "subject":
            parse.subject = Segment("subject", mask_placeholders(f.value), f.value,
                                  line_base=f.line, col_base=f.column)
