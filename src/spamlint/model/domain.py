"""What a live DNS audit found: problems gathered before the rules run, read by the domain-problem check."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DnsProblem:
    """One problem with a sender's DNS setup: a code a rule names, where (the record asked for), and facts."""

    code: str  # the rule id it belongs to, e.g. "spf-too-many-lookups"
    where: str  # the name and type that shows it, e.g. "example.com TXT"
    excerpt: str = ""  # the record text, when there is one
    detail: dict[str, object] = field(default_factory=dict)
