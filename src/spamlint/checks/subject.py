"""Subject-line checks that need the headers too."""

from __future__ import annotations

from typing import Iterable

from spamlint.checks.base import Check, Option
from spamlint.model.document import Document
from spamlint.model.findings import Hit
from spamlint.text.facts import Context
from spamlint.text.patterns import compiles_later, lazy_regex
from spamlint.text.compiled import regex  # the regex module, imported on first use

# two or more quoted lines in a row, or an attribution line: what replies and forwards carry
_QUOTED = lazy_regex(r"(?m)^[ \t]*>.*\n[ \t]*>|^-+ ?(?:Original Message|Forwarded message)|\bwrote:[ \t]*$")


class FakeReplyCheck(Check):
    """A reply or forward prefix (Re:, Fwd:, AW:, SV:, TR: …) on a message that answers nothing."""

    name = "fake-reply"
    looks_at = ("subject",)
    options = {
        "prefixes": Option("list", required=True, doc="reply and forward prefixes, without the colon"),
        "quoting_counts": Option("bool", True, "a text body that quotes earlier mail (> lines) is a real reply"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        alts = "|".join(regex.escape(p) for p in sorted(options["prefixes"], key=len, reverse=True))
        make = lazy_regex if compiles_later() else regex.compile  # from the rule-pack cache: compiled before
        self.pattern = make(rf"^\s*(?:\[[^\]]{{0,40}}\]\s*)?(?:{alts})\s*(?:\[\d+\]|\(\d+\))?\s*[:：]",
                            regex.IGNORECASE)

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        seg = ctx.facts.subject
        if seg is None or doc.header("In-Reply-To") or doc.header("References"):
            return
        m = self.pattern.match(seg.text)  # the subject first: most have no prefix, and bodies are long
        if m is None:
            return
        if self.opts["quoting_counts"] and any(_QUOTED.search(b.text) for b in doc.bodies if not b.part.startswith("text/html")):
            return  # quotes the message it answers: a reply from a client that drops In-Reply-To
        yield Hit(**seg.hit(m.start(), m.end(), prefix=m.group().strip()))
