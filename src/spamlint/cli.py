"""The command line: the only place that prints or exits (0 pass, 1 fail, 2 usage/config/input error)."""

from __future__ import annotations

import os
import sys

import click

from . import lint_document, mime
from .engine import Engine
from .errors import SpamlintError
from .formatters import FORMATTERS
from .rules import builtin_rules
from .scoring import DEFAULT_THRESHOLD, Report
from .sources import Source, expand

EXIT_PASS, EXIT_FAIL, EXIT_ERROR = 0, 1, 2


class _DefaultGroup(click.Group):
    """`spamlint PATH...` means `spamlint check PATH...`; subcommands stay available by name."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="spamlint")
def main() -> None:
    """Find what makes an email or newsletter template look like spam."""


@main.command("check")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATTERS)), default="text", show_default=True)
@click.option("--threshold", type=float, default=None, help=f"score at which a file fails [default: {DEFAULT_THRESHOLD}]")
def check(paths: tuple[str, ...], fmt: str, threshold: float | None) -> None:
    """Lint messages (.eml), templates (.html, .txt), folders, or - for standard input."""
    engine = _engine()
    stdin = sys.stdin.buffer.read() if "-" in paths else None
    reports: list[Report] = []
    errors = 0
    for source in expand(list(paths), stdin):
        try:
            reports.append(_lint_one(source, engine, threshold))
        except SpamlintError as exc:
            errors += 1
            click.echo(f"spamlint: {exc}", err=True)
        except Exception as exc:  # a bug: one line, not a traceback, and the batch goes on
            errors += 1
            click.echo(f"spamlint: {source.name}: internal error ({type(exc).__name__}: {exc}); please report it", err=True)
    color = fmt == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    click.echo(FORMATTERS[fmt](reports, color), nl=False)
    if errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FAIL if any(not r.passed for r in reports) else EXIT_PASS)


def _engine() -> Engine:
    try:
        return Engine(builtin_rules())
    except SpamlintError as exc:
        click.echo(f"spamlint: {exc}", err=True)
        sys.exit(EXIT_ERROR)


def _lint_one(source: Source, engine: Engine, threshold: float | None) -> Report:
    doc = mime.load(source.read(), source.name, source.ext)
    return lint_document(doc, threshold=threshold, engine=engine)


@main.command("rules")
@click.argument("rule_id", required=False)
def rules_cmd(rule_id: str | None) -> None:
    """List the rules, or show one rule's why, fix and examples."""
    rules = _engine().rules
    if rule_id is None:
        for r in sorted(rules, key=lambda r: (r.category, r.id)):
            click.echo(f"{r.id:<28} {r.category:<18} {r.points:>5g}  {r.severity.value}")
        return
    by_id = {r.id: r for r in rules}
    if rule_id not in by_id:
        click.echo(f"spamlint: no rule {rule_id!r}; 'spamlint rules' lists them", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(_describe(by_id[rule_id]))


def _describe(rule) -> str:
    lines = [f"{rule.id}  ({rule.category}, {rule.points:g} points, {rule.severity.value}, check {rule.check_name})",
             "", "Why:", _indent(rule.why), "", "Fix:", _indent(rule.fix), "", "Hits:"]
    lines += [_indent(e.rstrip()) + "\n" for e in rule.examples_hit]
    lines += ["Does not hit:"] + [_indent(e.rstrip()) + "\n" for e in rule.examples_miss]
    return "\n".join(lines).rstrip()


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


@main.command("evaluate")
@click.option("--ham", "ham", multiple=True, metavar="DIR", help="folder or file of legitimate mail (repeatable)")
@click.option("--spam", "spam", multiple=True, metavar="DIR", help="folder or file of spam (repeatable)")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@click.option("--threshold", type=float, default=DEFAULT_THRESHOLD, show_default=True)
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True, help="worker processes")
def evaluate_cmd(ham: tuple[str, ...], spam: tuple[str, ...], fmt: str, threshold: float, jobs: int) -> None:
    """Score labelled corpora: ROC AUC, recall at low false-positive rates, per-rule hit rates."""
    from .evalformat import EVAL_FORMATS  # imported here: only this command needs them
    from .evaluate import collect, evaluate, lint_items
    rules = _engine().rules
    items = collect(list(ham), list(spam))
    if not items:
        click.echo("spamlint: evaluate needs messages: give --ham and --spam folders", err=True)
        sys.exit(EXIT_ERROR)
    samples = lint_items(items, threshold, jobs=jobs)
    result = evaluate(samples, threshold, rules)
    for _, error in result.errors:  # unreadable inputs are counted, shown and left out of the metrics
        click.echo(f"spamlint: {error}", err=True)
    click.echo(EVAL_FORMATS[fmt](result), nl=False)
