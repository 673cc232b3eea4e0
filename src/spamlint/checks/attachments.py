"""Attachment lures: what kind of file is attached, and what the few words around it say.

The existing `attachment` check looks at one file name at a time; this one reads an
attachment together with the body, for lures that are only suspicious in combination: an
archive whose password is given in the text, or a near-empty message that only says an
invoice or document is attached.
"""

from __future__ import annotations

from typing import Iterable

from spamlint.checks.base import Check, Option
from spamlint.model.document import Attachment, Document
from spamlint.model.findings import Hit
from spamlint.text.facts import Context
from spamlint.text.patterns import user_pattern
from spamlint.text.compiled import regex  # the regex module, imported on first use


def extension(att: Attachment) -> str:
    """The lower-case extension of an attachment's file name, without the dot ('' without one)."""
    name = att.filename.strip().strip('"').lower()
    return name.rsplit(".", 1)[1].strip() if "." in name else ""


class AttachmentLureCheck(Check):
    """An attachment of the listed kinds (by extension or MIME type), optionally only when the body
    is short (`max_body_words`) and the subject or body matches `body_pattern`; one hit per message."""

    name = "attachment-lure"
    looks_at = ("message",)
    options = {
        "extensions": Option("list", [], "file name extensions, without the dot"),
        "content_types": Option("list", [], "MIME types (type/subtype) that count even without a name"),
        "max_body_words": Option("int", 0, "only when the body has at most this many words (0: any length)"),
        "body_pattern": Option("regex", "", "only when this pattern is found in the subject or body"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self.exts = frozenset(e.lower().lstrip(".") for e in options["extensions"])
        self.types = frozenset(t.lower() for t in options["content_types"])
        self.pattern = user_pattern(options["body_pattern"], regex.IGNORECASE) if options["body_pattern"] else None

    def _kind(self, att: Attachment) -> bool:
        return extension(att) in self.exts or att.content_type.lower() in self.types

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        att = next((a for a in doc.attachments if self._kind(a)), None)
        if att is None:
            return
        limit = self.opts["max_body_words"]
        words = sum(seg.word_count for seg in ctx.facts.segments(("body",)))
        if limit and words > limit:
            return
        said = ""
        if self.pattern is not None:
            said = self._said(ctx)
            if not said:
                return
        yield Hit(part="message", excerpt=att.filename[:120] or att.content_type,
                  detail={"filename": att.filename or att.content_type, "type": att.content_type,
                          "words": words, "said": said})

    def _said(self, ctx: Context) -> str:
        """The first text the body pattern finds in the subject or body, or ''."""
        for seg in ctx.facts.segments(("subject", "body")):
            m = self.pattern.search(seg.text, ctx.searches) if self.pattern is not None else None
            if m is not None:
                return m.group()
        return ""
