"""What the commands share: exit codes, the one-line error exit, the built-in engine, the bulk checklist."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import NoReturn, Sequence

import click

from spamlint.engine.rules import builtin_rules
from spamlint.engine.run import Engine
from spamlint.errors import SpamlintError
from spamlint.formatters.escape import clean

EXIT_PASS, EXIT_FAIL, EXIT_ERROR = 0, 1, 2
# one instance for every option naming a file: click asks gettext for a type's name each time one is made
A_FILE = click.Path(dir_okay=False, path_type=Path)


def fail(message: str) -> NoReturn:
    """Print one line on stderr and exit 2: usage, config, rule or input error."""
    click.echo(f"spamlint: {clean(message)}", err=True)
    sys.exit(EXIT_ERROR)


def builtin_engine() -> Engine:
    """The engine with the built-in rule pack, or a one-line exit when a rule file is broken."""
    try:
        return Engine(builtin_rules())
    except SpamlintError as exc:
        fail(str(exc))


def profile_text(checks: Sequence[tuple[str, list]], fmt: str) -> str:
    """The bulk-sender checklists: text lines, or one JSON document ({"profiles": [...]}) for json."""
    from spamlint.engine.profile import as_dict as profile_dict, format_lines  # only --profile bulk reads it (its table costs start-up)

    if fmt == "json":
        return json.dumps({"profiles": [profile_dict(clean(p), lines) for p, lines in checks]}, ensure_ascii=False) + "\n"
    if fmt != "text":
        fail(f"--profile prints text or json, not {fmt}")
    return "".join(format_lines(clean(p), lines) for p, lines in checks)  # the path escaped before it is a line
