"""Structure: what went wrong reading the message (undecodable parts, bad charsets)."""

from __future__ import annotations

from typing import Iterable

from ..document import Document
from ..findings import Hit
from .base import Check, Option


class ParseProblemCheck(Check):
    """Problems met while decoding the message, such as an unknown charset or broken encoding."""

    name = "parse-problem"
    scopes = frozenset({"message"})
    options = {"kinds": Option("list", [], "problem kinds to report; empty means all")}

    def run(self, doc: Document, scope: tuple[str, ...]) -> Iterable[Hit]:
        kinds = set(self.opts["kinds"])
        for kind, text in doc.problems:
            if not kinds or kind in kinds:
                yield Hit(part="message", excerpt=text[:120], detail={"problem": text, "kind": kind})
