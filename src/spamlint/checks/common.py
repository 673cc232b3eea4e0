"""What several check kinds share that is not a fact about the document: how a link is reported.

Derived facts (web links with their hosts, the sender, whether mail looks like bulk mail, the
unsubscribe test) live in `text/facts.py` and are read from the run's `ctx.facts`.  Check modules
import shared helpers from here or from `text/`, never from each other, so each kind stays one
module that can change alone.
"""

from __future__ import annotations

from spamlint.model.document import Link
from spamlint.model.findings import Hit


def link_hit(link: Link, **detail: object) -> Hit:
    """A Hit at a link, showing its URL."""
    return Hit(part=link.part, line=link.line, column=link.column, excerpt=link.url[:120], detail=detail)
