"""spamlint's own exception types: the only ones the library raises on purpose.

The contract (issue 5): any bytes given to `spamlint.lint` give a Report or one of these.
Content spamlint can read but does not like is never an error: an undecodable part, an
unknown charset or a limit passed (see limits.py) becomes a finding.  Any other exception
escaping the library is a bug; the CLI prints it as one line ("internal error ... please
report it") and goes on with the next input.
"""

from __future__ import annotations

import reprlib

_BRIEF = reprlib.Repr()
_BRIEF.maxstring = _BRIEF.maxother = 60
_BRIEF.maxlist = _BRIEF.maxtuple = _BRIEF.maxdict = _BRIEF.maxset = 4
_BRIEF.maxlevel = 2


def brief(value: object) -> str:
    """A bounded repr for error messages: a huge or deeply nested value never fills a message."""
    return _BRIEF.repr(value)


class SpamlintError(Exception):
    """Base class of every error spamlint raises for input, rules or config it refuses."""


class InputError(SpamlintError):
    """An input that cannot be linted at all.

    Raised for: a path that cannot be read (missing, a folder, no permission); a source of
    the wrong type (not bytes, str, path or email.message.Message); a template whose front
    matter is not valid YAML, is longer than 64 KiB or nested too deeply.  The CLI reports
    it on one line, exits 2 at the end, and lints the other inputs.
    """


class RuleError(SpamlintError):
    """A rule file is invalid; the message names the file, the rule and the field.

    Raised for: YAML that is not valid or uses a tag that would build an object
    (`!!python/object`), missing or unknown fields, bad option types, and patterns that do
    not compile or whose counted repeats would unroll too far to compile quickly.
    """


class ConfigError(SpamlintError):
    """A configuration file or option is invalid (unknown key, bad value, unsafe YAML tag, bad limit)."""
