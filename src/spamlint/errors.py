"""spamlint's own exception types: the only ones the library raises on purpose."""

from __future__ import annotations


class SpamlintError(Exception):
    """Base class of every error spamlint raises for input, rules or config it refuses."""


class InputError(SpamlintError):
    """An input (file, bytes, message) cannot be read or is not an email or template."""


class RuleError(SpamlintError):
    """A rule file is invalid; the message names the file, the rule and the field."""


class ConfigError(SpamlintError):
    """A configuration file or option is invalid."""
