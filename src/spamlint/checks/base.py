"""What every check shares: declared options with types and defaults, and the run interface."""

from __future__ import annotations

from typing import Any, ClassVar, Iterable

from spamlint.model.document import Document
from spamlint.model.findings import Hit
from spamlint.record import Record, record
from spamlint.text.facts import Context
from spamlint.text.patterns import compile_waiting


@record()
class Option(Record):
    """One option a check accepts: its type name, default and a one-line description."""

    kind: str  # "int", "float", "str", "bool", "list", "weights", "choice", "table" (name -> list)
    default: Any = None
    doc: str = ""
    choices: tuple[str, ...] = ()
    required: bool = False


class Check:
    """A way of looking at a document; a rule configures one check with options.

    Subclasses declare `options` and either `scopes` (the parts a rule may point the check
    at with its `scope:` field) or `looks_at` (the parts a kind that takes no scope always
    reads), and implement `run`, which yields Hits: facts about where something is.  Rule
    identity, points and severity, and how many hits a rule reports (`max_hits`), are the engine's.
    A check only reads: the Document, and the run's Context (derived text facts in
    `ctx.facts`, settings, and `ctx.searches` for rule patterns); it keeps nothing per document.
    """

    name: ClassVar[str] = ""
    scopes: ClassVar[frozenset[str]] = frozenset()
    looks_at: ClassVar[tuple[str, ...]] = ()
    max_hits: ClassVar[int | None] = None  # hits a rule of this kind reports unless it says; None: all
    options: ClassVar[dict[str, Option]] = {}
    # checks that honour a rule's `language:` field say so; the loader refuses it for the rest
    by_language: ClassVar[bool] = False
    language: str | None = None  # set by the loader from the rule's `language:` field

    def __init__(self, options: dict[str, Any]) -> None:
        self.opts = options

    def warm(self) -> None:
        """Compile now what the check otherwise compiles on first use (the rule-pack cache keeps it)."""
        for value in vars(self).values():
            compile_waiting(value)  # rule patterns left for later (text/patterns.py compiling_later)

    def silent(self, ctx: Context, scope: tuple[str, ...]) -> bool:
        """True when `run` would find nothing, and no search or other side effect of it matters,
        known at a glance (the engine then skips the rule); False when unsure.  Kinds that can
        tell override it; the engine asks only them."""
        return False

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        """Yield a Hit for each thing this check finds in the document, lazily (the engine stops at max_hits).

        `scope` is the rule's `scope:` for a kind with `scopes`, else the kind's `looks_at`.
        """
        raise NotImplementedError


TEXT_SCOPES = frozenset({"subject", "body", "text", "html"})
