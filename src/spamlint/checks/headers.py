"""Header checks: missing headers, List-Unsubscribe and one-click, Reply-To on another domain."""

from __future__ import annotations

import re
from typing import Iterable

from spamlint.checks.base import Check, Option
from spamlint.model.document import Document, Header
from spamlint.model.findings import Hit
from spamlint.text.facts import Context, first_address
from spamlint.text.patterns import user_pattern
from spamlint.text.urls import registrable_domain
from spamlint.text.compiled import regex  # the regex module, imported on first use


def _hit(field: Header | None, **detail: object) -> Hit:
    if field is None:
        return Hit(part="headers", detail=detail or None)
    return Hit(part=f"header:{field.name}", line=field.line, column=1,
               excerpt=f"{field.name}: {field.value}"[:120], detail=detail or None)


class MissingHeaderCheck(Check):
    """A message without `header` (only bulk-looking mail when `bulk_only`)."""

    name = "missing-header"
    looks_at = ("headers",)
    options = {
        "header": Option("str", required=True, doc="header field name"),
        "bulk_only": Option("bool", False, "only judge mail that looks like bulk mail"),
    }

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        if not doc.is_message or doc.header(self.opts["header"]) is not None:
            return
        if self.opts["bulk_only"] and not ctx.facts.looks_bulk:
            return
        yield _hit(None, header=self.opts["header"])


class OneClickUnsubscribeCheck(Check):
    """List-Unsubscribe without an https URI or without `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058)."""

    name = "one-click-unsubscribe"
    looks_at = ("headers",)
    options = {
        "skip_discussion_lists": Option("bool", True, "leave out list mail with List-Post: people writing to a list"),
    }

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        lu = doc.header("List-Unsubscribe")
        if lu is None or (self.opts["skip_discussion_lists"] and doc.header("List-Post") is not None):
            return
        uris = re.findall(r"<([^>]*)>", lu.value)
        has_https = any(u.strip().lower().startswith("https://") for u in uris)
        post = (doc.header("List-Unsubscribe-Post") or Header("", "", None)).value
        one_click = post.replace(" ", "").lower() == "list-unsubscribe=one-click"
        if not (has_https and one_click):
            missing = "an https URI" if not has_https else "List-Unsubscribe-Post: List-Unsubscribe=One-Click"
            yield _hit(lu, missing=missing)


def address_domain(value: str) -> str | None:
    """Registrable domain of the first address in a header value."""
    found = first_address(value)
    return registrable_domain(found[1]) if found is not None and found[1] else None


class ReplyToDomainCheck(Check):
    """Reply-To on a different registrable domain from From: replies go somewhere else."""

    name = "reply-to-domain"
    looks_at = ("headers",)
    options = {}

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        reply_to, sender = doc.header("Reply-To"), ctx.facts.sender
        if reply_to is None or doc.header("From") is None:
            return
        a = address_domain(reply_to.value)
        b = registrable_domain(sender.domain) if sender is not None and sender.domain else None
        if a and b and a != b:
            yield _hit(reply_to, reply_domain=a, from_domain=b)


class HeaderPatternCheck(Check):
    """A header whose value matches `pattern` (or, with `invert`, is present but does not match)."""

    name = "header-pattern"
    looks_at = ("headers",)
    options = {
        "header": Option("str", required=True, doc="header field name"),
        "pattern": Option("regex", required=True, doc="a regular expression searched in the decoded value"),
        "invert": Option("bool", False, "fire when the value does not match"),
        "ignore_case": Option("bool", True, "match without regard to case"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self.pattern = user_pattern(options["pattern"], regex.IGNORECASE if options["ignore_case"] else 0)

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        field = doc.header(self.opts["header"])
        if field is None:
            return
        m = self.pattern.search(field.value, ctx.searches)
        if bool(m) != self.opts["invert"]:
            yield _hit(field, match=m.group() if m else field.value[:60])
