"""Template placeholders (Jinja, Handlebars, Liquid, Mailchimp merge tags, ESP tags).

Placeholders are masked with spaces of the same length, so they never count as words,
capitals or punctuation while every other character keeps its source position.
"""

from __future__ import annotations

import re

_PLACEHOLDER = re.compile(
    r"\{\{\{.*?\}\}\}"      # Handlebars triple-stash
    r"|\{\{.*?\}\}"         # Jinja / Django / Liquid / Handlebars / Mustache
    r"|\{%.*?%\}"           # Jinja / Liquid tags
    r"|\{#.*?#\}"           # Jinja comments
    r"|\*\|[^|\n]{1,80}\|\*"  # Mailchimp merge tags
    r"|%%[^%\n]{1,80}%%"      # %%tag%% (Salesforce, SendGrid legacy)
    r"|\[\[[^\]\n]{1,80}\]\]",  # [[tag]]
    re.DOTALL,
)


def mask_placeholders(text: str) -> str:
    """Replace each placeholder by spaces (newlines kept), preserving length and positions."""
    if "{" not in text and "|*" not in text and "%%" not in text and "[[" not in text:
        return text
    return _PLACEHOLDER.sub(_blank, text)


def has_placeholder(text: str) -> bool:
    """True when the text holds a template placeholder."""
    return _PLACEHOLDER.search(text) is not None


def _blank(match: re.Match[str]) -> str:
    return "".join("\n" if ch == "\n" else " " for ch in match.group())
