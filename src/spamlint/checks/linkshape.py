"""Links whose address was mangled by the tool that wrote it: scheme case, slashes, spaces.

Browsers forgive `hTTp:/example.com` and `http://www .example.com`; people writing by hand
and ordinary mail tools never produce them. Bulk tools that randomise their output to defeat
fingerprints do, and so do broken merge steps.  Unlike the link checks, this one reads every
href as written, including those too broken to have a host.
"""

from __future__ import annotations

from typing import Iterable

from spamlint.checks.base import Check, Option
from spamlint.checks.common import link_hit
from spamlint.model.document import Document
from spamlint.text.facts import Context
from spamlint.text.patterns import user_pattern


class LinkShapeCheck(Check):
    """Links whose href as written matches `pattern` (case-sensitive); one hit per message."""

    name = "link-shape"
    looks_at = ("links",)
    options = {
        "pattern": Option("regex", required=True, doc="searched in each href as written, case-sensitively"),
        "min_links": Option("int", 1, "how many mangled links it takes"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self.pattern = user_pattern(options["pattern"])

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        bad = [link for link in doc.links if not link.templated and self.pattern.search(link.url.strip(), ctx.searches)]
        if len(bad) < self.opts["min_links"]:
            return
        yield link_hit(bad[0], url=bad[0].url[:100], count=len(bad))
