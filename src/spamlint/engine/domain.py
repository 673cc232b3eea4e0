"""`spamlint domain`: audit a sending domain's DNS live, then run the authentication rules over what it found."""

from __future__ import annotations

from typing import Sequence

from spamlint.auth.audit import audit_domain
from spamlint.auth.dns import Lookup
from spamlint.engine.rules import Rule
from spamlint.engine.run import Engine
from spamlint.engine.scoring import DEFAULT_THRESHOLD, Report, score
from spamlint.model.document import Document


def domain_rules(rules: Sequence[Rule]) -> list[Rule]:
    """The rules that read a DNS audit (check kind domain-problem)."""
    return [r for r in rules if r.check_name == "domain-problem"]


def lint_domain(lookup: Lookup, domain: str, rules: Sequence[Rule], ips: Sequence[str] = (),
                selectors: Sequence[str] = (), threshold: float = DEFAULT_THRESHOLD) -> Report:
    """A report for the domain: one finding per problem its DNS shows (could-not-check included)."""
    problems = audit_domain(lookup, domain, list(ips), list(selectors))
    findings = Engine(domain_rules(rules)).run(Document(kind="text", name=domain, raw_size=0), dns_problems=problems)
    return score(domain, findings, threshold)

