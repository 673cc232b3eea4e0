"""`spamlint rules`: list the rules, document one, or run the examples of your own."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import click

from spamlint.cli.common import A_FILE, EXIT_ERROR, EXIT_FAIL, EXIT_PASS, builtin_engine, fail
from spamlint.config import Config
from spamlint.engine.batch import Options, rules_for
from spamlint.errors import SpamlintError
from spamlint.formatters.escape import clean

if TYPE_CHECKING:
    from spamlint.engine.rules import Rule


@click.command("rules")
@click.argument("rule_id", required=False)
@click.option("--test", "test", is_flag=True,
              help="run the examples of your own rules (rule-paths), or of RULE_ID; exit 1 naming each that fails")
@click.option("--config", "config_path", type=A_FILE,
              help="use this .spamlint.yaml or pyproject.toml instead of searching from the current folder")
def rules_cmd(rule_id: str | None, test: bool, config_path: Path | None) -> None:
    """List the rules (built-in and your rule-paths), show one rule's why, fix and examples, or --test examples."""
    options = Options(Config(source="command line"), config_path.resolve() if config_path else None)
    try:
        rules = rules_for([str(Path.cwd() / "-")], options)
    except SpamlintError as exc:
        fail(str(exc))
    builtin = {r.id for r in builtin_engine().rules}
    by_id = {r.id: r for r in rules}
    if rule_id is not None and rule_id not in by_id:
        click.echo(f"spamlint: no rule {clean(rule_id)!r}; 'spamlint rules' lists them", err=True)
        sys.exit(EXIT_ERROR)
    if test:
        chosen = [by_id[rule_id]] if rule_id else [r for r in rules if r.id not in builtin]
        sys.exit(_test_examples(chosen))
    if rule_id is None:
        for r in sorted(rules, key=lambda r: (r.category, r.id)):
            mine = "" if r.id in builtin else f"  ({clean(r.source)})"
            click.echo(f"{r.id:<28} {r.category:<18} {r.points:>5g}  {r.severity.value}{mine}")
        return
    click.echo(_describe(by_id[rule_id]))


def _test_examples(rules: Sequence[Rule]) -> int:
    """Run the rules' examples; one line per failing example; the exit status."""
    from spamlint.engine.examples import check_examples

    if not rules:
        click.echo("spamlint: no rules of your own to test: name folders in the config's rule-paths", err=True)
        return EXIT_PASS
    failures = [f for r in rules for f in check_examples(r)]
    for failure in failures:
        click.echo(clean(str(failure)))
    examples = sum(len(r.examples_hit) + len(r.examples_miss) for r in rules)
    click.echo(f"{examples} example{'' if examples == 1 else 's'} of {len(rules)} rule{'' if len(rules) == 1 else 's'}"
               f" checked, {len(failures)} failed")
    return EXIT_FAIL if failures else EXIT_PASS


def _describe(rule: Rule) -> str:
    """One rule as `spamlint rules ID` shows it: identity, source, link, why, fix and examples."""
    language = f", language {rule.language}" if rule.language else ""
    points = f"{rule.points:g} point{'' if rule.points == 1 else 's'}"
    lines = [f"{rule.id}  ({rule.category}, {points}, {rule.severity.value}, check {rule.check_name}{language})",
             f"Defined in: {clean(rule.source)}",
             *([f"Documentation: {clean(rule.url)}"] if rule.url else []),
             "", "Why:", _indent(rule.why), "", "Fix:", _indent(rule.fix), "", "Hits:"]
    lines += [_indent(e.rstrip()) + "\n" for e in rule.examples_hit]
    lines += ["Does not hit:"] + [_indent(e.rstrip()) + "\n" for e in rule.examples_miss]
    return "\n".join(lines).rstrip()


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())
