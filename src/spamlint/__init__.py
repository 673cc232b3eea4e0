"""spamlint: an email content spam-risk linter.

Public API::

    import spamlint
    report = spamlint.lint(message)        # bytes, str, pathlib.Path or email.message.Message
    report.score, report.verdict, report.findings, report.categories
"""

from __future__ import annotations

import email.message
import os
from pathlib import Path
from typing import Sequence, Union

from . import mime
from .document import Document
from .engine import Engine
from .errors import ConfigError, InputError, RuleError, SpamlintError
from .findings import CATEGORIES, Finding, Severity
from .rules import Rule, builtin_rules
from .scoring import DEFAULT_THRESHOLD, Report, score

__all__ = [
    "CATEGORIES", "ConfigError", "DEFAULT_THRESHOLD", "Document", "Engine", "Finding", "InputError",
    "Report", "Rule", "RuleError", "Severity", "SpamlintError", "lint", "lint_document", "load_document",
]
__version__ = "0.1.0"

Source = Union[bytes, str, os.PathLike, email.message.Message]
_ENGINE: Engine | None = None


def _default_engine() -> Engine:
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = Engine(builtin_rules())
    return _ENGINE


def load_document(source: Source, name: str | None = None) -> Document:
    """Parse a source into a Document.

    bytes and str are the content of a message or template (sniffed); a pathlib.Path (or any
    os.PathLike) is a file to read; an email.message.Message is used as parsed.
    """
    if isinstance(source, email.message.Message):
        return mime.from_message(source, name or "-")
    if isinstance(source, os.PathLike):
        path = Path(source)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
        return mime.load(data, name or str(path), path.suffix)
    if isinstance(source, str):
        return mime.load(source.encode("utf-8", "surrogateescape"), name or "-")
    if isinstance(source, (bytes, bytearray, memoryview)):
        return mime.load(bytes(source), name or "-")
    raise InputError(f"cannot lint a {type(source).__name__}: pass bytes, str, a path or an email.message.Message")


def lint_document(doc: Document, *, threshold: float | None = None, engine: Engine | None = None) -> Report:
    """Run the rules over a parsed Document and score it."""
    eng = engine or _default_engine()
    limit = DEFAULT_THRESHOLD if threshold is None else threshold
    return score(doc.name, eng.run(doc), limit)


def lint(source: Source, *, threshold: float | None = None, rules: Sequence[Rule] | None = None,
         name: str | None = None, config: Union[str, os.PathLike, "Config", None] = None) -> Report:
    """Lint one message or template and return its Report; never prints or exits.

    `config` is a .spamlint.yaml or pyproject.toml path (or a spamlint.config.Config): its
    selection, points, sender-domains and threshold apply; an explicit `threshold` still wins.
    """
    if config is None:
        engine = Engine(rules) if rules is not None else None
        return lint_document(load_document(source, name), threshold=threshold, engine=engine)
    if rules is not None:
        raise ConfigError("pass rules= or config=, not both")
    from .config import Config, load_config
    from .runner import engine_for

    cfg = config if isinstance(config, Config) else load_config(Path(config).resolve())
    doc = load_document(source, name)
    limit = threshold if threshold is not None else cfg.threshold
    return lint_document(doc, threshold=limit, engine=engine_for(cfg, cfg.ignored_for(doc.name)))
