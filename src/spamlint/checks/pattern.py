"""A regular expression over text, one hit per match."""

from __future__ import annotations

from itertools import chain
from typing import Iterable

from spamlint.checks.base import TEXT_SCOPES, Check, Option
from spamlint.model.document import Document
from spamlint.model.findings import Hit
from spamlint.text.facts import Context
from spamlint.text.patterns import user_pattern
from spamlint.text.compiled import regex  # the regex module, imported on first use


class PatternCheck(Check):
    """Every match of `pattern` in the scoped text."""

    name = "pattern"
    scopes = TEXT_SCOPES
    max_hits = 5
    by_language = True
    options = {
        "pattern": Option("regex", required=True, doc="a regular expression (the `regex` module's syntax)"),
        "ignore_case": Option("bool", False, "match without regard to case"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        flags = regex.IGNORECASE if options["ignore_case"] else 0
        self.pattern = user_pattern(options["pattern"], flags)  # timed: a match may not hang the run

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        for seg in ctx.facts.segments(scope):
            found = self.pattern.finditer(seg.text, ctx.searches)
            if self.language is not None:
                # the language identifier runs only on segments with a match, so it is rarely loaded
                first = next(found, None)
                if first is None or ctx.facts.language_of(seg) != self.language:
                    continue
                found = chain((first,), found)
            for m in found:
                yield Hit(**seg.hit(m.start(), m.end(), match=m.group()))
