"""MJML read as HTML: its buttons are links and its images are images, at the same positions.

MJML (`<mjml><mj-body><mj-text>…`) is markup that compiles to an email's HTML.  Its text is
already in elements the HTML scan reads; only the tags that stand for the document, a link or an image
need renaming so structure, link and image rules see them.  Each renamed tag is padded with spaces to its
original length, so every finding keeps the line and column of the .mjml file.
"""

from __future__ import annotations

import re

from spamlint.text.compiled import lazy  # compiled on first use

# MJML tag -> the HTML tag it compiles to, where rules care about the difference
_RENAME = {b"mjml": b"html", b"mj-head": b"head", b"mj-body": b"body", b"mj-button": b"a", b"mj-image": b"img",
           b"mj-preview": b"div", b"mj-title": b"title"}
_TAG = lazy(rb"<(/?)(" + b"|".join(re.escape(t) for t in _RENAME) + rb")(?=[\s/>])", re.IGNORECASE)


def _rename(m: re.Match[bytes]) -> bytes:
    new = b"<" + m.group(1) + _RENAME[m.group(2).lower()]
    return new + b" " * (len(m.group()) - len(new))


def mjml_as_html(data: bytes) -> bytes:
    """The MJML source with link and image tags renamed to HTML's, every byte offset kept."""
    return _TAG.sub(_rename, data)
