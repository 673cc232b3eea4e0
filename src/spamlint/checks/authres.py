"""Authentication results the receiver recorded: SPF/DKIM/DMARC failures and a From no pass aligns with.

Which results count is the run's fact `ctx.facts.auth_results` (text/authres.py explains: the
receiver's, never ones a sender wrote into its own message).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from spamlint.checks.base import Check, Option
from spamlint.model.document import Document, Header
from spamlint.model.findings import Hit
from spamlint.text.facts import Context
from spamlint.text.urls import registrable_domain

if TYPE_CHECKING:  # text/authres.py is imported when a message's results are first read (text/facts.py)
    from spamlint.text.authres import AuthResult

_NO_VERDICT = frozenset({"none", "temperror", "permerror", "neutral"})


def _domain(value: str | None) -> str | None:
    if not value or value == "none":
        return None
    return registrable_domain(value.rsplit("@", 1)[-1].strip(".")) or None


def aligned_pass(results: Iterable[AuthResult], from_domain: str) -> bool:
    """True when an SPF or DKIM pass names the From address's registrable domain (relaxed alignment)."""
    for r in results:
        if r.result != "pass":
            continue
        if r.method == "spf" and _domain(r.prop("smtp.mailfrom", "smtp.helo")) == from_domain:
            return True
        if r.method == "dkim" and _domain(r.prop("header.d", "header.i")) == from_domain:
            return True
        if r.method == "dmarc" and _domain(r.prop("header.from")) == from_domain:
            return True
    return False


def _hit(field: Header, **detail: object) -> Hit:
    return Hit(part=f"header:{field.name}", line=field.line, column=1,
               excerpt=f"{field.name}: {' '.join(field.value.split())}"[:120], detail=detail)


class AuthFailCheck(Check):
    """The receiver recorded `method`=`result` (dkim: only when no DKIM signature passed)."""

    name = "auth-fail"
    looks_at = ("headers",)
    options = {
        "method": Option("choice", required=True, doc="spf, dkim or dmarc", choices=("spf", "dkim", "dmarc")),
        "results": Option("list", ["fail"], "results that count as failing"),
    }

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        if not doc.is_message:
            return
        method, bad = self.opts["method"], {r.lower() for r in self.opts["results"]}
        mine = [(f, r) for f, r in ctx.facts.auth_results if r.method == method]
        if method == "dkim" and any(r.result == "pass" for _, r in mine):
            return  # one good signature is enough; a broken second one is common (lists, footers)
        for field, r in mine:
            if r.result in bad:
                yield _hit(field, method=method, result=r.result)
                return


class FromAlignmentCheck(Check):
    """The receiver checked SPF or DKIM, and no passing result is on the From address's domain.

    When the receiver reached a DMARC verdict (pass or fail), that verdict is the alignment test
    and this check stays silent: dmarc-fail says it, once.
    """

    name = "from-alignment"
    looks_at = ("headers",)
    options = {}

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        sender = ctx.facts.sender
        if not doc.is_message or sender is None:
            return
        field, domain = sender.header, registrable_domain(sender.domain) if sender.domain else None
        results = [r for _, r in ctx.facts.auth_results]
        if not domain or not any(r.method in ("spf", "dkim") for r in results):
            return
        if any(r.method == "dmarc" and r.result not in _NO_VERDICT for r in results):
            return
        if not aligned_pass(results, domain):
            yield _hit(field, domain=domain)
