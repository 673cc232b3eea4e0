"""Problems of the sender's DNS setup that a live audit gathered before the run (auth/ gathers them).

The check only reads `ctx.dns_problems`; offline it has none and never fires.
"""

from __future__ import annotations

from typing import Iterable

from spamlint.checks.base import Check, Option
from spamlint.model.document import Document
from spamlint.model.findings import Hit
from spamlint.text.facts import Context


class DomainProblemCheck(Check):
    """A problem the DNS audit recorded under the code the rule names (usually the rule's own id)."""

    name = "domain-problem"
    looks_at = ("dns",)
    options = {"problem": Option("str", required=True, doc="the audit's problem code, e.g. spf-missing")}

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        for problem in ctx.dns_problems:
            if problem.code == self.opts["problem"]:
                yield Hit(part=f"dns:{problem.where}", excerpt=problem.excerpt[:200], detail=dict(problem.detail))
