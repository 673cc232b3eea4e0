"""Structure: decoding problems, MIME shape (HTML only, empty, differing alternatives), risky HTML
elements, HTML skeleton, HTML source patterns, risky attachments."""

from __future__ import annotations

import itertools
from typing import Iterable

from spamlint.checks.base import Check, Option
from spamlint.model.document import Document
from spamlint.model.findings import Hit
from spamlint.text.facts import Context, SegmentFacts
from spamlint.text.patterns import UserPattern, user_pattern
from spamlint.text.patterns import lazy_regex
from spamlint.text.compiled import ascii_or_regex, regex  # regex: the module, imported on first use


class ParseProblemCheck(Check):
    """Problems met while decoding the message, such as an unknown charset or broken encoding,
    and limits passed while reading or checking it (the run's problems come last)."""

    name = "parse-problem"
    looks_at = ("message",)
    options = {"kinds": Option("list", [], "problem kinds to report; empty means all")}

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        kinds = set(self.opts["kinds"])
        for kind, text in ctx.problems:
            if not kinds or kind in kinds:
                yield Hit(part="message", excerpt=text[:120], detail={"problem": text, "kind": kind})


_LETTER = ascii_or_regex(r"[A-Za-z]", r"\p{L}")  # ASCII text needs no regex import


def _letters(text: str, enough: int) -> int:
    """Letters in text, counting no further than `enough`."""
    return sum(1 for _ in itertools.islice(_LETTER.finditer(text), enough))


def _html_and_plain(ctx: Context) -> tuple[list[SegmentFacts], list[SegmentFacts]]:
    """The HTML bodies and the other (plain) bodies, as the run's facts."""
    html = [s for s in ctx.facts.bodies if s.part.startswith("text/html")]
    plain = [s for s in ctx.facts.bodies if not s.part.startswith("text/html")]
    return html, plain


class HtmlOnlyCheck(Check):
    """A message with an HTML body and no text/plain alternative."""

    name = "html-only"
    looks_at = ("message",)
    options = {}

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        html, plain = _html_and_plain(ctx)
        if doc.is_message and html and not plain:
            yield Hit(part="message", detail={"parts": len(html)})


class EmptyBodyCheck(Check):
    """A message whose bodies hold fewer than `min_letters` letters and no attachment, or an empty template."""

    name = "empty-body"
    looks_at = ("message",)
    options = {"min_letters": Option("int", 20, "letters below which the body counts as empty")}

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        need = self.opts["min_letters"]
        letters = sum(_letters(s.text, need) for s in ctx.facts.bodies)
        if doc.is_message and not doc.attachments and letters < need:
            yield Hit(part="message", detail={"letters": letters})
        elif not doc.is_message and not any(s.source.strip() for s in ctx.facts.bodies):
            yield Hit(part="message", detail={"letters": 0})  # an empty template file, not a short partial


class AlternativesDifferCheck(Check):
    """text/plain and HTML alternatives that share less than `min_overlap` of their words."""

    name = "alternatives-differ"
    looks_at = ("message",)
    options = {
        "min_overlap": Option("float", 0.3, "share of distinct words both alternatives must have in common"),
    }

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        html, plain = _html_and_plain(ctx)
        if html and plain:
            overlap = _overlap(plain[0], html[0])
            if overlap is not None and overlap < self.opts["min_overlap"]:
                yield Hit(part=plain[0].part, detail={"overlap": f"{overlap:.0%}"})


def _overlap(a: SegmentFacts, b: SegmentFacts) -> float | None:
    """Share of the smaller word set found in the other; None when either has too few words."""
    wa = {w for w in a.lower_words if len(w) > 3}  # the word sets phrase rules already built
    wb = {w for w in b.lower_words if len(w) > 3}
    if len(wa) < 10 or len(wb) < 10:
        return None
    return len(wa & wb) / min(len(wa), len(wb))


class HtmlTagsCheck(Check):
    """HTML elements from `tags` (forms, scripts, frames, embedded objects), one hit per kind."""

    name = "html-tags"
    looks_at = ("html",)
    options = {"tags": Option("list", required=True, doc="element names, lower case")}

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        for part in doc.html_parts:
            for tag in self.opts["tags"]:
                count = part.tag_counts.get(tag, 0)
                if count:
                    yield Hit(part=part.part, detail={"tag": tag, "count": count})


class HtmlSkeletonCheck(Check):
    """An HTML message body without its <html> or <body> element (markup pasted together by a script).

    Mail clients write fragments too: Gmail, Outlook on the web and Yahoo send a bare
    `<div dir="ltr">` with a text/plain twin, and so does the web composer of mailing-list
    software.  A fragment with a text/plain alternative that carries one of `client_markers`,
    or whose Message-ID matches one of `client_message_ids`, was written by a person in a
    client, not pasted by a script, and is left alone.  So is a template rendered inside a layout
    or with partials (`{% extends %}`, `{{> layout}}`, front-matter `layout:`: `Document.layout`).
    """

    name = "html-skeleton"
    looks_at = ("html",)
    options = {
        "elements": Option("list", ["html", "body"], "elements every HTML body should have"),
        "client_markers": Option("list", [], "patterns (any case) in the HTML source that mail clients write "
                                             "in the fragments they send"),
        "client_message_ids": Option("list", [], "patterns (any case) of the Message-IDs that web composers "
                                                 "of clients and mailing lists write"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self.client = _any_of(options["client_markers"])
        self.client_ids = _any_of(options["client_message_ids"])

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        if doc.layout is not None and not doc.is_message:
            return  # the layout or partial it is rendered into holds the document's skeleton
        for part in doc.html_parts:
            missing = [t for t in self.opts["elements"] if not part.tag_counts.get(t)]
            if missing and not self._from_client(doc, ctx, part.source):
                yield Hit(part=part.part, detail={"missing": ", ".join(f"<{t}>" for t in missing)})

    def _from_client(self, doc: Document, ctx: Context, source: str) -> bool:
        """A received fragment with a mail client's markup and a text/plain twin."""
        if not doc.is_message or not any(not s.part.startswith("text/html") for s in ctx.facts.bodies):
            return False
        if self.client is not None and self.client.found(source[:200_000], ctx.searches):
            return True
        mid = doc.header("Message-ID")
        return self.client_ids is not None and mid is not None and self.client_ids.found(mid.value[:998], ctx.searches)


def _any_of(patterns: list[str]) -> UserPattern | None:
    """One case-insensitive pattern that finds any of `patterns`; None for none."""
    return user_pattern("|".join(f"(?:{p})" for p in patterns), regex.IGNORECASE) if patterns else None


class AttachmentCheck(Check):
    """Attachments whose file name ends in one of `extensions`; with `double_extension`, only names
    that put a harmless-looking extension before it (invoice.pdf.exe)."""

    name = "attachment"
    looks_at = ("message",)
    options = {
        "extensions": Option("list", required=True, doc="file name extensions, without the dot"),
        "double_extension": Option("bool", False, "only names with a second extension before it"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self.exts = frozenset(e.lower().lstrip(".") for e in options["extensions"])

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        for att in doc.attachments:
            parts = att.filename.strip().strip('"').lower().rsplit(".", 2)
            if len(parts) < 2 or parts[-1] not in self.exts:
                continue
            if self.opts["double_extension"] and not (len(parts) == 3 and 1 <= len(parts[1]) <= 4 and parts[1].isalnum()):
                continue
            yield Hit(part="message", excerpt=att.filename[:120],
                      detail={"filename": att.filename, "type": att.content_type})


class HtmlSourcePatternCheck(Check):
    """A regular expression over the HTML source (markup included), firing once when it matches at
    least `min_count` times; for markup habits such as oversized fonts that visible text hides."""

    name = "html-source"
    looks_at = ("html",)
    options = {
        "pattern": Option("regex", required=True, doc="searched in the HTML source, without regard to case"),
        "min_count": Option("int", 1, "matches needed before the rule fires"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self.pattern = user_pattern(options["pattern"], regex.IGNORECASE)

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        need = self.opts["min_count"]
        for part in doc.html_parts:
            found = list(itertools.islice(self.pattern.finditer(part.source, ctx.searches), need))
            if len(found) >= need:
                first = found[0]
                line = part.source.count("\n", 0, first.start())
                column = first.start() - (part.source.rfind("\n", 0, first.start()) + 1) + 1
                yield Hit(part=part.part, line=part.text.line_base + line if part.text.line_base else None,
                          column=column, excerpt=first.group()[:80], detail={"match": first.group()[:60], "count": len(found)})
