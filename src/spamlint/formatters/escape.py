"""Make text that came from an input safe to print: no terminal controls, no invisible reordering.

Excerpts, messages, part names and paths quote what a sender (or a file name) wrote, and a
spammer writes escape sequences on purpose: an OSC or CSI sequence printed raw sets a
terminal's title or clears its screen, a newline in a path starts a line that a CI system
reads as a command, and a bidi override makes a link read backwards.  Every formatter passes
such text through `clean`, which shows each of these characters visibly instead:

- C0 controls (including tab, CR and LF), DEL and C1 controls as ``\\xNN``;
- bidi controls, zero-width and other invisible format characters, line and paragraph
  separators and interlinear annotation marks as ``<U+XXXX>``;
- lone surrogates (bytes a decoder could not read, kept by ``surrogateescape``) as ``\\xNN``
  for the byte they stand for, other lone surrogates as ``<U+XXXX>``, so output always encodes.

Printable text, including every script and emoji, passes unchanged.
"""

from __future__ import annotations

import re
from spamlint.text.compiled import lazy

_UNSAFE = lazy(
    "[\x00-\x1f\x7f-\x9f"          # C0, DEL, C1
    "\u00ad\u061c\u180e"             # soft hyphen, Arabic letter mark, Mongolian vowel separator
    "\u200b-\u200f\u2028-\u202e"     # zero-width, LRM/RLM, line/paragraph separators, embeddings/overrides
    "\u2060-\u206f\ufeff\ufff9-\ufffb"  # word joiner, invisible operators, isolates, BOM, annotations
    "\ud800-\udfff]"                 # lone surrogates
)


def _show(m: re.Match[str]) -> str:
    code = ord(m.group())
    if code < 0xA0:
        return f"\\x{code:02x}"
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the undecodable byte itself
        return f"\\x{code - 0xDC00:02x}"
    return f"<U+{code:04X}>"


def clean(text: str) -> str:
    """`text` with every control, invisible format character and lone surrogate shown visibly."""
    return _UNSAFE.sub(_show, text) if _UNSAFE.search(text) else text


def clean_or_none(text: str | None) -> str | None:
    """`clean` for optional fields."""
    return None if text is None else clean(text)
