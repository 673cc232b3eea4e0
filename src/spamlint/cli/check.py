"""`spamlint check` (also plain `spamlint PATH...`): lint messages, templates, folders or standard input."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

import click

from spamlint.cli.common import A_FILE, EXIT_ERROR, EXIT_FAIL, EXIT_PASS, fail, profile_text
from spamlint.collector import paused
from spamlint.config import PROFILES, Config
from spamlint.engine.batch import (Options, Outcome, check_flags, clear_caches, config_for, documents_for, include_for,
                                   rules_for, run)
from spamlint.engine.scoring import DEFAULT_THRESHOLD, Report
from spamlint.errors import SpamlintError
from spamlint.formatters import FORMATTERS, format_statistics, format_text
from spamlint.formatters.escape import clean
from spamlint.formatters.levels import gate
from spamlint.inputs.sources import Source, expand
from spamlint.limits import DEFAULT_LIMITS
from spamlint.record import Record, record

if TYPE_CHECKING:
    from spamlint.engine.rules import Rule

PROGRESS_MIN = 20  # inputs before a batch earns a progress bar
RULE_FORMATS = ("sarif", "html")  # formats that describe rules (SARIF all of them; html the why of each finding)


def _names(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...] | None:
    """--select a,b --select c -> (a, b, c); None when the flag was not given."""
    if not value:
        return None
    return tuple(n.strip() for v in value for n in v.split(",") if n.strip())


@click.command("check")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(list(FORMATTERS)), default="text", show_default=True,
              help="text for people; html for a page per input with the email rendered and its findings marked; "
                   "json, sarif, gitlab (Code Quality) or junit for tools; github for workflow annotations")
@click.option("--threshold", type=click.FloatRange(min=0, min_open=True), default=None,
              help=f"score at which a file fails [default: config, else {DEFAULT_THRESHOLD}]")
@click.option("--select", multiple=True, callback=_names, help="only these rule ids or categories (comma-separated)")
@click.option("--ignore", multiple=True, callback=_names, help="also switch off these rule ids or categories")
@click.option("--config", "config_path", type=A_FILE,
              help="use this .spamlint.yaml or pyproject.toml instead of searching for one")
@click.option("--subject", default=None, help="subject line for templates (overrides front matter)")
@click.option("--from", "sender", default=None, help="From address for templates (overrides front matter)")
@click.option("--draft", is_flag=True, default=None,
              help="messages not yet submitted: do not expect the Date and Message-ID a server adds")
@click.option("--statistics", is_flag=True, help="print how often each rule fired instead of the findings")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=1, show_default=True,
              help="worker processes; 0 means one per CPU")
@click.option("-q", "--quiet", is_flag=True, help="text: print only failing files and their findings")
@click.option("--show-passing", is_flag=True, help="text: also list passing files in a batch")
@click.option("--exit-zero", is_flag=True, help="exit 0 even when files fail (2 still means an error)")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error", show_default=True,
              help="error: exit 1 when a file fails; warning: also when a passing file has a warning finding")
@click.option("--baseline", "baseline", type=A_FILE, default=None,
              help="report only findings not recorded in this file (written when it does not exist)")
@click.option("--update-baseline", is_flag=True, help="with --baseline: record today's findings again")
@click.option("-o", "--output-file", type=click.Path(path_type=Path), default=None,
              help="write the report to this file (UTF-8) instead of standard output; "
                   "--format html with several inputs: a folder for index.html and one page per input")
@click.option("--online/--offline", default=None,
              help="verify DKIM, SPF, DMARC alignment and reverse DNS of messages live over DNS [default: config, else offline]")
@click.option("--resolver", metavar="HOST[:PORT]", default=None, help="DNS server --online asks [default: config, else the system's]")
@click.option("--profile", type=click.Choice(PROFILES), default=None,
              help="print a checklist instead of findings: bulk = the Gmail/Yahoo bulk-sender requirements")
def check(paths: tuple[str, ...], fmt: str, threshold: float | None, select: tuple[str, ...] | None,
          ignore: tuple[str, ...] | None, config_path: Path | None, subject: str | None, sender: str | None,
          draft: bool | None, statistics: bool, jobs: int, quiet: bool, show_passing: bool, exit_zero: bool, fail_on: str,
          baseline: Path | None, update_baseline: bool, output_file: Path | None, online: bool | None,
          resolver: str | None, profile: str | None) -> None:
    """Lint messages (.eml, .mbox, maildir), templates (.html, .txt), folders, or - for standard input."""
    if statistics and fmt not in ("text", "json"):
        fail(f"--statistics prints text or json, not {fmt}")
    flags = Config(threshold=threshold, select=select, ignore=ignore or (), draft=draft or None, online=online,
                   resolver=resolver, profile=profile, source="command line")
    fields = tuple((k, v) for k, v in (("subject", subject), ("from", sender)) if v)
    options = Options(flags, config_path.resolve() if config_path else None, fields)
    if update_baseline and baseline is None:
        fail("--update-baseline needs --baseline FILE")
    view = _View(quiet, show_passing, fail_on, output_file, baseline, update_baseline)
    try:
        status = _check(list(paths), fmt, options, statistics, jobs or os.cpu_count() or 1, view)
        sys.exit(EXIT_PASS if exit_zero and status == EXIT_FAIL else status)
    except KeyboardInterrupt:
        fail("interrupted")
    except Exception as exc:  # a bug: one line, never a traceback
        fail(f"internal error ({type(exc).__name__}: {exc}); please report it")


@record()
class _View(Record):
    """How the results are shown and gated: the flags that do not change what is linted."""

    quiet: bool = False
    show_passing: bool = False
    fail_on: str = "error"
    output_file: Path | None = None
    baseline: Path | None = None
    update_baseline: bool = False


def _check(paths: list[str], fmt: str, options: Options, statistics: bool, jobs: int, view: _View) -> int:
    """Lint, print the chosen output, and return the exit status."""
    try:
        clear_caches()  # config files may have changed since an earlier run in this process; run() keeps what this reads
        _built(options)
        # like files, standard input is read only up to one byte past the input limit
        stdin = _read_stdin(options) if "-" in paths else None
        sources = list(expand(paths, stdin, lambda folder: include_for(folder, options)))
    except SpamlintError as exc:
        fail(str(exc))
    if not sources:  # like ruff: say so rather than print an empty report
        click.echo(f"spamlint: warning: no files to lint under {clean(', '.join(paths))}", err=True)
    reports, errors = _collect(sources, options, jobs, _show_progress(fmt, len(sources)))
    profiled = [r for r in reports if config_for(r.path, options).profile == "bulk"]
    if profiled and not statistics:
        from spamlint.engine.profile import bulk_lines, passed as profile_passed  # only --profile bulk reads it (its table costs start-up)

        checks = [(r.path, bulk_lines(r, "online" if config_for(r.path, options).online else "message")) for r in profiled]
        _emit(profile_text(checks, fmt), view.output_file)  # -o takes the checklist too
        failed = any(not profile_passed(lines) for _, lines in checks)
        return EXIT_ERROR if errors else EXIT_FAIL if failed else EXIT_PASS
    if view.baseline is not None:
        reports = _baselined(reports, view)
    if statistics:
        _emit(format_statistics(reports, as_json=fmt == "json"), view.output_file)
    else:
        color = fmt == "text" and view.output_file is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        rules = rules_for([s.name for s in sources], options) if fmt in RULE_FORMATS else ()
        if fmt == "html":
            _emit_html(reports, documents_for(reports, sources, options), rules, view.output_file)
        elif fmt == "text":
            text = format_text(reports, color, rules, quiet=view.quiet,
                               show_passing=True if view.show_passing else None)
            _emit(text, view.output_file)
        else:
            _emit(FORMATTERS[fmt](reports, color, rules), view.output_file)
    if errors:
        return EXIT_ERROR
    return EXIT_FAIL if any(gate(r, view.fail_on) for r in reports) else EXIT_PASS


def _built(options: Options) -> None:
    """check_flags, which builds the run's engine, with the cyclic collector paused; what it built
    (some 100,000 objects that stay till exit) is then frozen, so no collection walks it again."""
    with paused(then=gc.freeze):
        check_flags(options)


def _read_stdin(options: Options) -> bytes:
    """Standard input, like a file read only up to one byte past its input limit, the limit being
    the configured one (a raised limit is honoured, and passing it gives a limit-reached finding)."""
    limits = config_for("-", options).limits or DEFAULT_LIMITS
    return sys.stdin.buffer.read(limits.max_input_bytes + 1)


def _baselined(reports: list[Report], view: _View) -> list[Report]:
    """Write the baseline (new file or --update-baseline), else drop the findings it records."""
    assert view.baseline is not None
    from spamlint.engine.baseline import apply_baseline, load_baseline, write_baseline  # only --baseline reads it

    try:
        if view.update_baseline or not view.baseline.exists():
            write_baseline(view.baseline, reports)
            count = sum(len(r.findings) for r in reports)
            click.echo(f"spamlint: recorded {count} finding{'' if count == 1 else 's'} in {clean(str(view.baseline))}",
                       err=True)
        return apply_baseline(reports, load_baseline(view.baseline))
    except SpamlintError as exc:
        fail(str(exc))


def _emit(text: str, output_file: Path | None) -> None:
    """Print the report, or write it to --output-file as UTF-8 (escaping what cannot be encoded)."""
    if output_file is None:
        click.echo(text, nl=False)
        return
    try:
        output_file.write_text(text, encoding="utf-8", errors="backslashreplace")
    except OSError as exc:
        fail(f"{output_file}: cannot write: {exc.strerror or exc}")


def _emit_html(reports: list[Report], docs: list, rules: Sequence[Rule], output: Path | None) -> None:
    """--format html: one input's page (stdout or -o FILE); a batch, or -o naming a folder, writes the
    folder: index.html and one page per input."""
    from spamlint.formatters.html import format_html, html_files

    if len(reports) == 1 and not (output is not None and output.is_dir()):
        _emit(format_html(reports, False, rules, documents=docs), output)
        return
    if output is None:
        fail("--format html with several inputs needs -o DIR: a folder for index.html and one page per input")
    try:
        output.mkdir(parents=True, exist_ok=True)
        for name, page in html_files(reports, docs, rules).items():
            (output / name).write_text(page, encoding="utf-8", errors="backslashreplace")
    except OSError as exc:
        fail(f"{output}: cannot write: {exc.strerror or exc}")


def _collect(sources: list[Source], options: Options, jobs: int, progress: bool) -> tuple[list[Report], int]:
    """Run the batch; print one line per input that failed; stop at a config or rule error."""
    reports: list[Report] = []
    errors = 0
    outcomes = run(sources, options, jobs, fresh=False)  # _check cleared the caches before check_flags
    with click.progressbar(outcomes, length=len(sources), label="linting", file=sys.stderr) if progress \
            else _Plain(outcomes) as bar:
        for result in bar:
            if isinstance(result, Report):
                reports.append(result)
                continue
            if result.fatal:
                fail(result.message)
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
    return count >= PROGRESS_MIN and fmt in ("text", "github") and sys.stderr.isatty()
