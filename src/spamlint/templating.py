"""Template placeholders (Jinja, Handlebars, Liquid, Mailchimp merge tags, ESP tags).

Placeholders are masked with spaces of the same length, so they never count as words,
capitals or punctuation while every other character keeps its source position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from .document import Document, Header, Segment
from .errors import InputError

_PLACEHOLDER = re.compile(
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


def mask_placeholders(text: str) -> str:
    """Replace each placeholder by spaces (newlines kept), preserving length and positions."""
    if "{" not in text and "|*" not in text and "%%" not in text and "[[" not in text and "<!--" not in text:
        return text
    return _PLACEHOLDER.sub(_blank, text)


def has_placeholder(text: str) -> bool:
    """True when the text holds a template placeholder."""
    return _PLACEHOLDER.search(text) is not None


def _blank(match: re.Match[str]) -> str:
    return "".join("\n" if ch == "\n" else " " for ch in match.group())


# -- YAML front matter ----------------------------------------------------------------------------
FRONT_MATTER_KEYS = ("subject", "preheader", "from", "reply-to")
_FRONT = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*\r?$", re.DOTALL | re.MULTILINE)


@dataclass(frozen=True)
class Field:
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
    try:
        data = yaml.safe_load(m.group(1))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        raise InputError(f"front matter is not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        return {}, text
    fields = {k: Field(str(v).strip(), *_position(m.group(1), k)) for k, v in data.items()
              if k in FRONT_MATTER_KEYS and isinstance(v, (str, int, float)) and str(v).strip()}
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
            raise InputError(f"{key!r} is not a template field (known: {', '.join(FRONT_MATTER_KEYS)})")
        if value:
            fields[key] = Field(value)
    return fields, text


def add_template_headers(doc: Document, fields: dict[str, Field]) -> None:
    """Give a template the subject, sender and preheader its front matter declares."""
    for key, f in fields.items():
        if key == "preheader":  # inbox preview text: read like body text, shown first
            doc.bodies.insert(0, Segment("preheader", mask_placeholders(f.value), f.value,
                                         line_base=f.line, col_base=f.column))
            continue
        name = "Reply-To" if key == "reply-to" else key.capitalize()
        doc.headers.append(Header(name, f.value, f.line))
        if key == "subject":
            doc.subject = Segment("subject", mask_placeholders(f.value), f.value,
                                  line_base=f.line, col_base=f.column)
