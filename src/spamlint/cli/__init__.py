"""The command line: the only place that prints or exits (0 pass, 1 fail, 2 usage/config/input error).

One module per command (check, domain, rules, evaluate); `common` holds what they share.
"""

from __future__ import annotations

import atexit
import gc
import sys

from spamlint.collector import paused, to_oldest

with paused(then=to_oldest):  # as spamlint/__init__ imports: click's and the check command's objects all stay
    import click

    from spamlint.cli import check


# the other commands' modules, imported when the command is named or listed (a lint never needs them)
_LATER = {"domain": ("spamlint.cli.domain", "domain_cmd"), "rules": ("spamlint.cli.rules", "rules_cmd"),
          "evaluate": ("spamlint.cli.evaluate", "evaluate_cmd")}


class _DefaultGroup(click.Group):
    """`spamlint PATH...` means `spamlint check PATH...`; subcommands stay available by name."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in _LATER
                        and args[0] not in ("--help", "-h", "--version")):
            args = ["check", *args]
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *_LATER})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in _LATER:
            import importlib

            module, name = _LATER[cmd_name]
            self.add_command(getattr(importlib.import_module(module), name))
        return super().get_command(ctx, cmd_name)


@click.group(cls=_DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="spamlint")
def main() -> None:
    """Find what makes an email or newsletter template look like spam."""
    _tolerant_output()
    _exit_without_a_last_collection()
    gc.freeze()  # the imported modules stay till exit: the run's collections need not walk them again


def _exit_without_a_last_collection() -> None:
    """At exit, freeze what the run made, so the interpreter's last collections skip it: they walked
    every object of the rule pack and the imported modules (a twentieth of a small template's
    start-up) to free memory that exiting frees anyway; every file the run wrote is closed by then.
    Registered once, when the command starts, so it runs after the exit handlers registered later
    (multiprocessing's); only by the command line: a program linting through the library keeps its own."""
    global _FREEZE_AT_EXIT
    if not _FREEZE_AT_EXIT:
        atexit.register(gc.freeze)
        _FREEZE_AT_EXIT = True


_FREEZE_AT_EXIT = False


def _tolerant_output() -> None:
    """Print what the terminal's encoding cannot show as escapes instead of failing (cp1252 consoles)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", "strict") == "strict":
            reconfigure(errors="backslashreplace")


main.add_command(check.check)
