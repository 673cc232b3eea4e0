"""Inline suppressions: comments in a template that switch rules off for part of it.

Accepted forms (HTML comments; in a text template the same comment alone on its line):

    <!-- spamlint-disable RULE[,RULE...] -->            off from here to spamlint-enable or the end
    <!-- spamlint-enable [RULE[,RULE...]] -->           back on (all rules, or only those named)
    <!-- spamlint-disable-next-line RULE[,RULE...] -->  off for the line after the comment
    <!-- spamlint-disable-file [RULE[,RULE...]] -->     off for the whole input, anywhere in it

RULE is a rule id (`caps-words`) or a category (`all-caps`); names are separated by commas
and/or spaces.  `spamlint-disable` and `spamlint-disable-next-line` without names switch off
every rule.  Text after ` -- ` is a free reason and is ignored.  A suppression that suppresses
nothing, names an unknown rule, or is misspelled (`spamlint-disabel`) is reported by the rule
`unused-suppression` (0 points), like ruff's unused-noqa.  Its rule kind lives here, not in
checks/: whether a suppression was used depends on every other rule's findings, so the engine
reports it after applying the directives (see `UnusedSuppression` and `KINDS`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar, Iterable, Sequence

from spamlint.model.document import Document
from spamlint.model.findings import CATEGORIES, Finding, Hit
from spamlint.text.compiled import lazy

_DIRECTIVE = lazy(r"^\s*spamlint-(disable-next-line|disable-file|disable|enable)(?![\w-])(.*)$", re.DOTALL)
_LOOKS_LIKE = lazy(r"^\s*spamlint\b", re.IGNORECASE)
_TEXT_LINE = lazy(r"^[ \t]*<!--(.*?)-->[ \t]*\r?$", re.MULTILINE)
_NAME = lazy(r"[^\s,]+")
_END = (1 << 62, 0)


@dataclass
class Directive:
    """One suppression comment: what it switches off, where, and which of its names were used."""

    kind: str  # disable, enable, disable-next-line, disable-file, or "malformed"
    names: tuple[str, ...]
    part: str
    line: int
    column: int
    end_line: int
    text: str
    used: set[str] = field(default_factory=set)

    def covers(self, f: Finding) -> str | None:
        """The name under which this directive switches off the finding, or None."""
        if not self.names:
            return "*"
        for name in (f.rule, f.category):
            if name in self.names:
                return name
        return None


def parse(doc: Document) -> list[Directive]:
    """Every suppression comment in the document's HTML parts and text bodies, in order."""
    out: list[Directive] = []
    for part in doc.html_parts:
        for line, col, text in part.comments:
            _add(out, text, part.part, line, col)
    for seg in doc.bodies:
        if seg.part.startswith("text/html") or "<!--" not in seg.source:
            continue
        for m in _TEXT_LINE.finditer(seg.source):
            line, col = seg.locate(m.start())
            if line is not None:
                _add(out, m.group(1), seg.part, line, col + m.group().index("<!--"))
    return out


def _add(out: list[Directive], text: str, part: str, line: int, col: int) -> None:
    if not _LOOKS_LIKE.match(text):
        return
    m = _DIRECTIVE.match(text)
    kind, rest = (m.group(1), m.group(2)) if m else ("malformed", "")
    rest = rest.split(" -- ", 1)[0]
    names = tuple(_NAME.findall(rest))
    end = line + text.count("\n")
    out.append(Directive(kind, names, part, line, col, end, " ".join(text.split())))


def apply(directives: Sequence[Directive], findings: Iterable[Finding]) -> list[Finding]:
    """The findings no directive switches off; marks on each directive which names it used."""
    keep = Filter(directives)
    return [f for f in findings if keep(f)]


class Filter:
    """A document's directives, prepared once: call it with a finding to learn whether it stays."""

    def __init__(self, directives: Sequence[Directive]) -> None:
        self.spans = _spans(directives)
        self.files = [d for d in directives if d.kind == "disable-file"]
        self.nexts = [d for d in directives if d.kind == "disable-next-line"]

    def __call__(self, f: Finding) -> bool:
        """True when no directive switches f off (marking the directives that do as used)."""
        return not _suppressed(f, self.files, self.nexts, self.spans)


def _suppressed(f: Finding, files: list[Directive], nexts: list[Directive],
                spans: list[tuple[Directive, tuple[int, int]]]) -> bool:
    hit = False
    for d in files:
        hit = _use(d, f) or hit
    if f.line is not None:
        at = (f.line, f.column or 0)
        for d in nexts:
            if d.part == f.part and f.line == d.end_line + 1:
                hit = _use(d, f) or hit
        for d, end in spans:
            if d.part == f.part and (d.line, d.column) <= at < end:
                hit = _use(d, f) or hit
    return hit


def _use(d: Directive, f: Finding) -> bool:
    name = d.covers(f)
    if name is None:
        return False
    d.used.add(name)
    return True


def _spans(directives: Sequence[Directive]) -> list[tuple[Directive, tuple[int, int]]]:
    """Each disable directive with the position where the first later enable that names one of its
    names (or names none) closes it, or the end; one pass from the back, not a search per disable
    (quadratic: 50,000 disable comments took 50 s)."""
    out = []
    nameless: dict[str, int] = {}  # part -> index of the nearest later enable naming nothing
    named: dict[tuple[str, str], int] = {}  # (part, name) -> index of the nearest later enable naming it
    for i in range(len(directives) - 1, -1, -1):
        d = directives[i]
        if d.kind == "enable":
            if d.names:
                named.update(((d.part, n), i) for n in d.names)
            else:
                nameless[d.part] = i
        elif d.kind == "disable":
            later = [nameless.get(d.part), *(named.get((d.part, n)) for n in d.names)]
            closer = min((j for j in later if j is not None), default=None)
            out.append((d, _END if closer is None else (directives[closer].line, directives[closer].column)))
    out.reverse()
    return out


class UnusedSuppression:
    """The rule kind `unused-suppression`: directives, or names in them, that switched nothing off.

    Not a check: it looks at no document, only at what applying the directives left unused,
    so it has `report` instead of `run`, and the engine calls it after `apply`.
    """

    name: ClassVar[str] = "unused-suppression"
    scopes: ClassVar[frozenset[str]] = frozenset()  # takes no scope: it reads the suppression comments
    looks_at: ClassVar[tuple[str, ...]] = ("message",)
    max_hits: ClassVar[int | None] = 20  # a file of 50,000 stray comments gets 20 findings, not 50,000
    options: ClassVar[dict[str, Any]] = {}

    def __init__(self, options: dict[str, Any]) -> None:
        self.opts = options

    def report(self, directives: Sequence[Directive], known: frozenset[str]) -> list[Hit]:
        """Hits for the directives that stayed unused after the engine applied them."""
        return unused(directives, known)


# Rule kinds this layer implements; the rule loader accepts them beside the check kinds.
KINDS: dict[str, type[UnusedSuppression]] = {UnusedSuppression.name: UnusedSuppression}


def unused(directives: Sequence[Directive], known: frozenset[str]) -> list[Hit]:
    """Hits for directives, or names in them, that switched nothing off."""
    hits = []
    for d in directives:
        reason = _unused_reason(d, known)
        if reason:
            hits.append(Hit(part=d.part, line=d.line, column=d.column, excerpt=d.text[:120],
                            detail={"directive": f"spamlint-{d.kind}" if d.kind != "malformed" else d.text.split()[0],
                                    "reason": reason}))
    return hits


def _unused_reason(d: Directive, known: frozenset[str]) -> str | None:
    if d.kind == "malformed":
        return "is not a spamlint directive (see docs/usage.md for the accepted forms)"
    if d.kind == "enable":
        return None
    unknown = [n for n in d.names if n not in known and n not in CATEGORIES]
    if unknown:
        return f"names {unknown[0]!r}, which is not a rule id or category"
    if not d.names:
        return None if d.used else "suppresses nothing"
    idle = [n for n in d.names if n not in d.used]
    if idle:
        return f"suppresses nothing for {', '.join(idle)}"
    return None
