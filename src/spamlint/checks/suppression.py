"""Suppression comments that switch nothing off (the engine applies suppressions; see suppress.py)."""

from __future__ import annotations

from typing import Iterable, Sequence

from spamlint.checks.base import Check
from spamlint.engine import suppress
from spamlint.model.document import Document
from spamlint.model.findings import Hit
from spamlint.text.facts import Context


class UnusedSuppressionCheck(Check):
    """Suppression comments that suppress nothing, name an unknown rule, or are misspelled.

    Whether a suppression was used depends on every other rule's findings, so the engine runs
    this check last through `report`; `run` alone sees no other findings and so reports every
    suppression that names something.
    """

    name = "unused-suppression"
    scopes = frozenset({"message"})
    options = {}

    def report(self, directives: Sequence[suppress.Directive], known: frozenset[str]) -> list[Hit]:
        """Hits for the directives that stayed unused after the engine applied them."""
        return suppress.unused(directives, known)

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        from spamlint.engine.rules import builtin_rules  # rules import checks: resolve the cycle at run time

        return self.report(suppress.parse(doc), frozenset(r.id for r in builtin_rules()))
