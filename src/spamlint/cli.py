"""The command line: the only place that prints or exits (0 pass, 1 fail, 2 usage/config/input error)."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, NoReturn, Sequence

import click

from spamlint.config import Config
from spamlint.config import PROFILES
from spamlint.engine.batch import Options, Outcome, check_flags, config_for, rules_for, run
from spamlint.engine.profile import as_dict as profile_dict
from spamlint.engine.profile import bulk_lines, format_lines
from spamlint.engine.profile import passed as profile_passed
from spamlint.engine.rules import builtin_rules
from spamlint.engine.run import Engine
from spamlint.engine.scoring import DEFAULT_THRESHOLD, Report
from spamlint.errors import SpamlintError
from spamlint.formatters import FORMATTERS, format_statistics
from spamlint.formatters.escape import clean
from spamlint.inputs.sources import Source, expand
from spamlint.limits import DEFAULT_LIMITS

if TYPE_CHECKING:
    from spamlint.engine.rules import Rule
    from spamlint.evaluation.evaluate import FolderRow
    from spamlint.evaluation.hits import HitVector

EXIT_PASS, EXIT_FAIL, EXIT_ERROR = 0, 1, 2
# A domain fails on any error or could-not-check (each worth at least 1.5 points), or on warnings
# that add up to as much; info findings (0.5: p=none, pct under 100) alone never fail it.
DOMAIN_THRESHOLD = 1.5
PROGRESS_MIN = 20  # inputs before a batch earns a progress bar


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
    _tolerant_output()


def _tolerant_output() -> None:
    """Print what the terminal's encoding cannot show as escapes instead of failing (cp1252 consoles)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", "strict") == "strict":
            reconfigure(errors="backslashreplace")


def _names(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...] | None:
    """--select a,b --select c -> (a, b, c); None when the flag was not given."""
    if not value:
        return None
    return tuple(n.strip() for v in value for n in v.split(",") if n.strip())


@main.command("check")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(list(FORMATTERS)), default="text", show_default=True,
              help="text for people, json or sarif for tools, github for workflow annotations")
@click.option("--threshold", type=click.FloatRange(min=0, min_open=True), default=None,
              help=f"score at which a file fails [default: config, else {DEFAULT_THRESHOLD}]")
@click.option("--select", multiple=True, callback=_names, help="only these rule ids or categories (comma-separated)")
@click.option("--ignore", multiple=True, callback=_names, help="also switch off these rule ids or categories")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="use this .spamlint.yaml or pyproject.toml instead of searching for one")
@click.option("--subject", default=None, help="subject line for templates (overrides front matter)")
@click.option("--from", "sender", default=None, help="From address for templates (overrides front matter)")
@click.option("--statistics", is_flag=True, help="print how often each rule fired instead of the findings")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=1, show_default=True,
              help="worker processes; 0 means one per CPU")
@click.option("--online/--offline", default=None,
              help="verify DKIM, SPF, DMARC alignment and reverse DNS of messages live over DNS [default: config, else offline]")
@click.option("--resolver", metavar="HOST[:PORT]", default=None, help="DNS server --online asks [default: config, else the system's]")
@click.option("--profile", type=click.Choice(PROFILES), default=None,
              help="print a checklist instead of findings: bulk = the Gmail/Yahoo bulk-sender requirements")
def check(paths: tuple[str, ...], fmt: str, threshold: float | None, select: tuple[str, ...] | None,
          ignore: tuple[str, ...] | None, config_path: Path | None, subject: str | None, sender: str | None,
          statistics: bool, jobs: int, online: bool | None, resolver: str | None, profile: str | None) -> None:
    """Lint messages (.eml, .mbox, maildir), templates (.html, .txt), folders, or - for standard input."""
    if statistics and fmt not in ("text", "json"):
        _fail(f"--statistics prints text or json, not {fmt}")
    flags = Config(threshold=threshold, select=select, ignore=ignore or (), online=online, resolver=resolver,
                   profile=profile, source="command line")
    fields = tuple((k, v) for k, v in (("subject", subject), ("from", sender)) if v)
    options = Options(flags, config_path.resolve() if config_path else None, fields)
    try:
        sys.exit(_check(list(paths), fmt, options, statistics, jobs or os.cpu_count() or 1))
    except KeyboardInterrupt:
        _fail("interrupted")
    except Exception as exc:  # a bug: one line, never a traceback
        _fail(f"internal error ({type(exc).__name__}: {exc}); please report it")


def _check(paths: list[str], fmt: str, options: Options, statistics: bool, jobs: int) -> int:
    """Lint, print the chosen output, and return the exit status."""
    try:
        check_flags(options)
        # like files, standard input is read only up to one byte past the input limit
        stdin = sys.stdin.buffer.read(DEFAULT_LIMITS.max_input_bytes + 1) if "-" in paths else None
        sources = list(expand(paths, stdin))
    except SpamlintError as exc:
        _fail(str(exc))
    if not sources:  # like ruff: say so rather than print an empty report
        click.echo(f"spamlint: warning: no files to lint under {clean(', '.join(paths))}", err=True)
    reports, errors = _collect(sources, options, jobs, _show_progress(fmt, len(sources)))
    profiled = [r for r in reports if config_for(r.path, options).profile == "bulk"]
    if profiled and not statistics:
        checks = [(r.path, bulk_lines(r, "online" if config_for(r.path, options).online else "message")) for r in profiled]
        _print_profile(checks, fmt)
        failed = any(not profile_passed(lines) for _, lines in checks)
        return EXIT_ERROR if errors else EXIT_FAIL if failed else EXIT_PASS
    if statistics:
        click.echo(format_statistics(reports, as_json=fmt == "json"), nl=False)
    else:
        color = fmt == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        rules = rules_for([s.name for s in sources], options) if fmt == "sarif" else ()
        click.echo(FORMATTERS[fmt](reports, color, rules), nl=False)
    if errors:
        return EXIT_ERROR
    return EXIT_FAIL if any(not r.passed for r in reports) else EXIT_PASS


def _print_profile(checks: Sequence[tuple[str, list]], fmt: str) -> None:
    """The bulk-sender checklists: text lines, or one JSON document ({"profiles": [...]}) for json."""
    if fmt == "json":
        click.echo(json.dumps({"profiles": [profile_dict(p, lines) for p, lines in checks]}, ensure_ascii=False))
        return
    if fmt != "text":
        _fail(f"--profile prints text or json, not {fmt}")
    click.echo("".join(clean(line) + "\n" for p, lines in checks for line in format_lines(p, lines).splitlines()), nl=False)


def _collect(sources: list[Source], options: Options, jobs: int, progress: bool) -> tuple[list[Report], int]:
    """Run the batch; print one line per input that failed; stop at a config or rule error."""
    reports: list[Report] = []
    errors = 0
    outcomes = run(sources, options, jobs)
    with click.progressbar(outcomes, length=len(sources), label="linting", file=sys.stderr) if progress \
            else _Plain(outcomes) as bar:
        for result in bar:
            if isinstance(result, Report):
                reports.append(result)
                continue
            if result.fatal:
                _fail(result.message)
            errors += 1
            click.echo(f"spamlint: {clean(result.message)}", err=True)
    return reports, errors


class _Plain:
    """The no-progress-bar stand-in for click.progressbar's context manager."""

    def __init__(self, items: Iterable[Outcome]) -> None:
        self.items = items

    def __enter__(self) -> Iterable[Outcome]:
        return self.items

    def __exit__(self, *exc: object) -> None:
        close = getattr(self.items, "close", None)
        if close is not None:
            close()  # shut worker processes down when the batch stops early


def _show_progress(fmt: str, count: int) -> bool:
    """A bar only for long batches, only on a terminal, never with machine-readable output."""
    return count >= PROGRESS_MIN and fmt not in ("json", "sarif") and sys.stderr.isatty()


def _fail(message: str) -> NoReturn:
    click.echo(f"spamlint: {clean(message)}", err=True)
    sys.exit(EXIT_ERROR)


def _engine() -> Engine:
    try:
        return Engine(builtin_rules())
    except SpamlintError as exc:
        _fail(str(exc))


@main.command("domain")
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
        _fail(str(exc))
    if not _DOMAIN.match(domain):
        _fail(f"{domain!r} is not a domain name")
    rules = _engine().rules
    report = lint_domain(lookup, domain, rules, addresses, selectors, threshold)
    if profile == "bulk":
        lines = bulk_lines(report, "domain-ip" if addresses else "domain")
        _print_profile([(domain, lines)], fmt)
        sys.exit(EXIT_PASS if profile_passed(lines) else EXIT_FAIL)
    color = fmt == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    click.echo(FORMATTERS[fmt]([report], color, domain_rules(rules) if fmt == "sarif" else ()), nl=False)
    sys.exit(EXIT_PASS if report.passed else EXIT_FAIL)


_DOMAIN = re.compile(r"^(?=.{1,253}\.?$)(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,63}\.?$")


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
    language = f", language {rule.language}" if rule.language else ""
    lines = [f"{rule.id}  ({rule.category}, {rule.points:g} points, {rule.severity.value}, check {rule.check_name}{language})",
             "", "Why:", _indent(rule.why), "", "Fix:", _indent(rule.fix), "", "Hits:"]
    lines += [_indent(e.rstrip()) + "\n" for e in rule.examples_hit]
    lines += ["Does not hit:"] + [_indent(e.rstrip()) + "\n" for e in rule.examples_miss]
    return "\n".join(lines).rstrip()


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


@main.command("evaluate")
@click.option("--ham", "ham", multiple=True, metavar="DIR", help="folder or file of legitimate mail (repeatable)")
@click.option("--spam", "spam", multiple=True, metavar="DIR", help="folder or file of spam (repeatable)")
@click.option("--corpus", "corpus", multiple=True, metavar="DIR",
              help="corpus folder laid out like ../shared/corpus: labels and sources from the evaluation's table")
@click.option("--loso", is_flag=True, help="also fit points without each source and measure on it (needs numpy)")
@click.option("--cache", metavar="FILE", help="keep per-file rule hits here; unchanged files are not linted again")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@click.option("--threshold", type=float, default=DEFAULT_THRESHOLD, show_default=True)
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True, help="worker processes")
def evaluate_cmd(ham: tuple[str, ...], spam: tuple[str, ...], corpus: tuple[str, ...], loso: bool,
                 cache: str | None, fmt: str, threshold: float, jobs: int) -> None:
    """Score labelled corpora: ROC AUC, recall at low false-positive rates, per source and per rule."""
    from spamlint.evaluation.evaluate import collect, collect_corpus, evaluate, to_samples
    from spamlint.evaluation.hits import lint_hits
    from spamlint.evaluation.report import EVAL_FORMATS  # imported here: only this command needs them
    rules = _engine().rules
    items = collect(list(ham), list(spam))
    for root in corpus:
        found, problems = collect_corpus(root)
        items += found
        for problem in problems:
            click.echo(f"spamlint: {problem}", err=True)
    if not items:
        click.echo("spamlint: evaluate needs messages: give --corpus, or --ham and --spam folders", err=True)
        sys.exit(EXIT_ERROR)
    vectors = lint_hits(items, rules, jobs=jobs, cache=cache)
    result = evaluate(to_samples(vectors, rules), threshold, rules)
    if loso:
        result = dataclasses.replace(result, loso=tuple(_loso(vectors, rules, threshold)))
    for _, error in result.errors:  # unreadable inputs are counted, shown and left out of the metrics
        click.echo(f"spamlint: {error}", err=True)
    click.echo(EVAL_FORMATS[fmt](result), nl=False)


def _loso(vectors: Sequence[HitVector], rules: Sequence[Rule], threshold: float) -> list[FolderRow]:
    """Leave-one-source-out rows, or a one-line error when the fit's numpy is missing."""
    try:
        from spamlint.evaluation.logistic import FitConfig
        from spamlint.evaluation.loso import loso_rows
    except ImportError as exc:  # numpy is an extra: pip install 'spamlint[fit]'
        click.echo(f"spamlint: --loso needs numpy ({exc}); install spamlint[fit]", err=True)
        sys.exit(EXIT_ERROR)
    return loso_rows(vectors, rules, FitConfig(threshold=threshold))
