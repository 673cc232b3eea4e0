"""Finding records and severities: small frozen values, no I/O."""

from __future__ import annotations

import enum

from spamlint.record import Record, record


# The categories, in report order, each with its cap: the most points its findings add to a
# score together.  No one family may carry a message past the threshold (5) on its own, except
# the families that are signs of deception by themselves.
CATEGORY_CAPS: dict[str, float] = {
    "risky-words": 3.0,
    "misleading-claims": 4.0,
    "all-caps": 2.5,
    "exclamation": 2.0,
    "hashbusting": 4.0,
    "hidden-content": 3.5,
    "deceptive-subject": 3.0,
    "size": 1.5,
    "images": 3.0,
    "links": 4.0,
    "structure": 3.0,
    "headers": 3.0,
    "origin": 3.0,  # the Received trail and the receiver's authentication results
    "authentication": 4.0,  # the sender's own DNS setup, checked live (spamlint domain, --online)
}
CATEGORIES: tuple[str, ...] = tuple(CATEGORY_CAPS)


class Severity(str, enum.Enum):
    """How serious a finding is; independent of the points it adds."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@record()
class Hit(Record):
    """A fact a check reports: where something is and what it is; no rule identity."""

    part: str
    line: int | None = None
    column: int | None = None
    excerpt: str = ""
    detail: dict[str, object] | None = None
    weight: float = 1.0
    # one finding per key: the engine keeps the first hit with this key that no suppression
    # switches off, so suppressing one line never hides the same phrase further down
    once: str | None = None


@record()
class Finding(Record):
    """A hit stamped by the engine with the rule that produced it."""

    rule: str
    category: str
    points: float
    severity: Severity
    message: str
    part: str
    line: int | None
    column: int | None
    excerpt: str
    fix: str

    def sort_key(self) -> tuple[int, int, int, int, str]:
        """Order: findings without a position first (by part), then by line, column, part and rule id.

        Position comes before part so a file reads top to bottom even when a message's plain-text
        part sits below its HTML part."""
        if self.line is None:
            return (0, part_rank(self.part), 0, 0, self.rule)
        return (1, self.line, self.column or 0, part_rank(self.part), self.rule)


_PART_ORDER = {"message": 0, "headers": 1, "subject": 2, "text/plain": 4, "text/html": 5}


def part_rank(part: str) -> int:
    """Rank a part name so findings read in message order: headers, subject, bodies."""
    if part.startswith("header:"):
        return 1
    return _PART_ORDER.get(part.split("#", 1)[0], 6)


CONTENT_CHARS = 12  # how much of the excerpt's end identifies a finding


def finding_content(f: Finding) -> str:
    """What a finding is about, without its position: the end of its excerpt, else the message.

    An excerpt is up to 15 characters of context followed by the match, so its end is the match
    itself: text added earlier in the file changes the context and the line, not this.  Baselines
    and Code Quality fingerprints identify a finding by rule, file and this.
    """
    excerpt = " ".join(f.excerpt.lstrip("…").split())
    return excerpt[-CONTENT_CHARS:] if excerpt else " ".join(f.message.split())


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """The one place findings are sorted."""
    return sorted(findings, key=Finding.sort_key)
