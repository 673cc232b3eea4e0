"""What every check shares: declared options with types and defaults, and the run interface."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Iterable

from spamlint.model.document import Document
from spamlint.model.findings import Hit


@dataclass(frozen=True)
class Option:
    """One option a check accepts: its type name, default and a one-line description."""

    kind: str  # "int", "float", "str", "bool", "list", "weights", "choice", "table" (name -> list)
    default: Any = None
    doc: str = ""
    choices: tuple[str, ...] = ()
    required: bool = False


class Check:
    """A way of looking at a document; a rule configures one check with options.

    Subclasses declare `options` and `scopes` and implement `run`, which yields Hits:
    facts about where something is.  Rule identity, points and severity are the engine's.
    """

    name: ClassVar[str] = ""
    scopes: ClassVar[frozenset[str]] = frozenset()
    options: ClassVar[dict[str, Option]] = {}
    # checks that honour a rule's `language:` field say so; the loader refuses it for the rest
    by_language: ClassVar[bool] = False
    language: str | None = None  # set by the loader from the rule's `language:` field

    def __init__(self, options: dict[str, Any]) -> None:
        self.opts = options

    def run(self, doc: Document, scope: tuple[str, ...]) -> Iterable[Hit]:
        """Yield a Hit for each thing this check finds in the document."""
        raise NotImplementedError


TEXT_SCOPES = frozenset({"subject", "body", "text", "html"})
