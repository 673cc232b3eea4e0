"""`spamlint evaluate`: score labelled corpora (ROC AUC, recall at low false-positive rates)."""

from __future__ import annotations

import dataclasses
import sys
from typing import TYPE_CHECKING, Sequence

import click

from spamlint.cli.common import EXIT_ERROR, builtin_engine
from spamlint.engine.scoring import DEFAULT_THRESHOLD
from spamlint.formatters.escape import clean

if TYPE_CHECKING:
    from spamlint.engine.rules import Rule
    from spamlint.evaluation.evaluate import FolderRow
    from spamlint.evaluation.hits import HitVector


@click.command("evaluate")
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
    rules = builtin_engine().rules
    items = collect(list(ham), list(spam))
    for root in corpus:
        found, problems = collect_corpus(root)
        items += found
        for problem in problems:
            click.echo(f"spamlint: {clean(problem)}", err=True)
    if not items:
        click.echo("spamlint: evaluate needs messages: give --corpus, or --ham and --spam folders", err=True)
        sys.exit(EXIT_ERROR)
    vectors = lint_hits(items, rules, jobs=jobs, cache=cache)
    result = evaluate(to_samples(vectors, rules), threshold, rules)
    if loso:
        result = dataclasses.replace(result, loso=tuple(_loso(vectors, rules, threshold)))
    for _, error in result.errors:  # unreadable inputs are counted, shown and left out of the metrics
        click.echo(f"spamlint: {clean(error)}", err=True)
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
