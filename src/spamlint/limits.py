"""Resource limits: how much of an input spamlint reads, so any input finishes in bounded time and memory.

One frozen record with safe defaults, in one place.  Passing a limit is never an error:
the part beyond it is left out and the document gets a `("limit", text)` problem naming the
limit, which the `limit-reached` rule reports; the rest of the message is still linted.
The defaults are far above anything in real mail (checked on the whole development corpus).
"""

from __future__ import annotations

import math
from dataclasses import fields
from typing import Any

from spamlint.errors import ConfigError, brief
from spamlint.record import Record, record

MIB = 1024 * 1024


@record()
class Limits(Record):
    """How much of one input spamlint looks at; every field is a ceiling, never a requirement."""

    max_input_bytes: int = 32 * MIB  # bytes read per input (a 25 MB message with attachments fits)
    max_mime_depth: int = 20  # nested multipart / message parts (the stdlib parser recurses)
    max_mime_parts: int = 500  # MIME parts per message
    max_part_bytes: int = 2 * MIB  # decoded bytes of one text or HTML body part
    max_header_bytes: int = 128 * 1024  # one header field (the stdlib parses parameters in quadratic time)
    max_html_nodes: int = 100_000  # elements read per HTML body
    max_html_depth: int = 512  # open elements tracked per HTML body (Chrome lays out at most 512)
    regex_timeout: float = 1.0  # seconds one search may take: the last guard, behind the counted budget below
    search_factor: int = 64  # characters one rule's pattern searches may scan per input, times the input's size
    min_search_chars: int = 4 * MIB  # ... but at least this many (small inputs, long header lists)
    max_links: int = 10_000  # links per message handed to the link checks (a real digest had 3,134)
    max_images: int = 5_000  # images per message handed to the image checks

    def __post_init__(self) -> None:
        for f in fields(self):  # a Limits built in code is checked like one read from a config file
            _positive(getattr(self, f.name), f.type == "float", f"Limits.{f.name}")

    def problem(self, name: str, what: str) -> tuple[str, str]:
        """A document problem saying which limit was passed and what was left out."""
        return ("limit", f"{what} (limit {name}={getattr(self, name)})")



def parse_limits(data: Any, source: str) -> Limits:
    """Limits from a config mapping like {max_input_bytes: 1000000}; errors name the file and key."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: key 'limits': must map limit names to numbers")
    known = {f.name: f for f in fields(Limits)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        name = str(key).replace("-", "_")
        if name not in known:
            raise ConfigError(f"{source}: key 'limits.{key}': unknown limit (known: {', '.join(known)})")
        values[name] = _positive(value, known[name].type == "float", f"{source}: key 'limits.{key}'")
    return Limits(**values)


def _positive(value: Any, is_float: bool, where: str) -> int | float:
    ok_type = (int, float) if is_float else (int,)
    if isinstance(value, bool) or not isinstance(value, ok_type) or not math.isfinite(value) or value <= 0:
        kind = "a number" if is_float else "a whole number"
        raise ConfigError(f"{where}: must be {kind} above 0, got {brief(value)}")
    return float(value) if is_float else value


DEFAULT_LIMITS = Limits()
