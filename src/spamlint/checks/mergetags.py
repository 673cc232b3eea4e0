"""Merge tags left unresolved in a sent message: the sending tool did not fill in its fields.

Templates legitimately hold placeholders (inputs/templating.py masks them), so this check
reads only messages, and reads the text as sent (segment sources and the raw subject), where
the placeholders are still there.
"""

from __future__ import annotations

from typing import Iterable

from spamlint.checks.base import Check, Option
from spamlint.model.document import Document
from spamlint.model.findings import Hit
from spamlint.text.facts import Context
from spamlint.text.patterns import user_pattern


class MergeTagCheck(Check):
    """The first match of `pattern` in each of a message's subject and bodies as sent; a rule
    reports one per message unless its `max_hits` says otherwise."""

    name = "merge-tag"
    max_hits = 1  # one unfilled tag says the merge step failed; the rest add nothing
    looks_at = ("subject", "text", "html")
    options = {
        "pattern": Option("regex", required=True, doc="what an unfilled merge tag looks like"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self.pattern = user_pattern(options["pattern"])

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        if not doc.is_message:
            return
        for seg in ctx.facts.segments(scope):
            m = self.pattern.search(seg.source, ctx.searches)
            if m is None:
                continue
            line = None if seg.line_base is None else seg.line_base + seg.source.count("\n", 0, m.start())
            yield Hit(part=seg.part, line=line, column=None, excerpt=m.group()[:80], detail={"tag": m.group()[:80]})
