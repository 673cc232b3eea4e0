"""`spamlint domain`: a sending domain's SPF, DKIM keys, DMARC, MX and reverse DNS, asked live."""

from __future__ import annotations

import os
import sys

import click

from spamlint.cli.common import EXIT_FAIL, EXIT_PASS, builtin_engine, fail, profile_text
from spamlint.config import PROFILES
from spamlint.formatters import FORMATTERS
from spamlint.text.compiled import lazy

# A domain fails on any error or could-not-check (each worth at least 1.5 points), or on warnings
# that add up to as much; info findings (0.5: p=none, pct under 100) alone never fail it.
DOMAIN_THRESHOLD = 1.5


@click.command("domain")
@click.argument("domain")
@click.option("--ip", "ips", multiple=True, metavar="IP", help="a sending IP: SPF is evaluated and its reverse DNS checked (repeatable)")
@click.option("--selector", "selectors", multiple=True, metavar="S",
              help="a DKIM selector to check (repeatable) [default: common selectors are tried]")
@click.option("--resolver", metavar="HOST[:PORT]", default=None, help="DNS server to ask [default: the system's]")
@click.option("--timeout", type=click.FloatRange(min=0.1, max=30), default=3.0, show_default=True,
              help="seconds to wait for each DNS answer")
@click.option("--threshold", type=click.FloatRange(min=0, min_open=True), default=DOMAIN_THRESHOLD, show_default=True,
              help="score at which the domain fails (every error and every could-not-check is worth at least this)")
@click.option("--profile", type=click.Choice(PROFILES), default=None,
              help="print a checklist instead of findings: bulk = the Gmail/Yahoo bulk-sender requirements")
@click.option("--format", "fmt", type=click.Choice(list(FORMATTERS)), default="text", show_default=True)
def domain_cmd(domain: str, ips: tuple[str, ...], selectors: tuple[str, ...], resolver: str | None,
               timeout: float, threshold: float, profile: str | None, fmt: str) -> None:
    """Check a sending domain's SPF, DKIM keys, DMARC, MX and the sending IPs' reverse DNS, live."""
    from spamlint.auth.audit import check_ip
    from spamlint.auth.dns import Resolver
    from spamlint.engine.domain import domain_rules, lint_domain  # only this command goes online
    try:
        lookup = Resolver(resolver, timeout=timeout)
        addresses = [check_ip(ip) for ip in ips]
    except ValueError as exc:
        fail(str(exc))
    if not _DOMAIN.match(domain):
        fail(f"{domain!r} is not a domain name")
    rules = builtin_engine().rules
    report = lint_domain(lookup, domain, rules, addresses, selectors, threshold)
    if profile == "bulk":
        from spamlint.engine.profile import bulk_lines, passed as profile_passed  # only --profile bulk reads it (its table costs start-up)

        lines = bulk_lines(report, "domain-ip" if addresses else "domain")
        click.echo(profile_text([(domain, lines)], fmt), nl=False)
        sys.exit(EXIT_PASS if profile_passed(lines) else EXIT_FAIL)
    color = fmt == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    click.echo(FORMATTERS[fmt]([report], color, domain_rules(rules) if fmt == "sarif" else ()), nl=False)
    sys.exit(EXIT_PASS if report.passed else EXIT_FAIL)


_DOMAIN = lazy(r"^(?=.{1,253}\.?$)(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,63}\.?$")
