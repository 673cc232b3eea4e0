"""How the message was made: one header's claim (a mailer's name) that another header contradicts."""

from __future__ import annotations

from typing import Iterable

from spamlint.checks.base import Check, Option
from spamlint.model.document import Document
from spamlint.model.findings import Hit
from spamlint.text.facts import Context
from spamlint.text.patterns import user_pattern
from spamlint.text.compiled import regex  # the regex module, imported on first use


class HeaderPairCheck(Check):
    """`header` matches `pattern` (a claim, such as X-Mailer naming Outlook) while `other` is missing
    or does not match `other_pattern` (the shapes that mailer really writes)."""

    name = "header-pair"
    looks_at = ("headers",)
    options = {
        "header": Option("str", required=True, doc="the header that makes the claim"),
        "pattern": Option("regex", required=True, doc="what the claim looks like (searched, any case)"),
        "other": Option("str", required=True, doc="the header that should agree"),
        "other_pattern": Option("regex", required=True, doc="every shape the claimed mailer writes (searched, any case)"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self.claim = user_pattern(options["pattern"], regex.IGNORECASE)
        self.shape = user_pattern(options["other_pattern"], regex.IGNORECASE)

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        if not doc.is_message:
            return
        field = doc.header(self.opts["header"])
        if field is None or not self.claim.search(field.value, ctx.searches):
            return
        other = doc.header(self.opts["other"])
        if other is not None and self.shape.search(other.value, ctx.searches):
            return
        shown = other.value.strip() if other is not None else "(none)"
        yield Hit(part=f"header:{field.name}", line=field.line, column=1,
                  excerpt=f"{field.name}: {field.value}"[:120],
                  detail={"claim": field.value.strip()[:60], "other": self.opts["other"], "value": shown[:80]})
