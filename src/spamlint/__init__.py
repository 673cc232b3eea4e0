"""spamlint: an email content spam-risk linter.

Public API::

    import spamlint
    report = spamlint.lint(message)        # bytes, str, pathlib.Path or email.message.Message
    report.score, report.verdict, report.findings, report.categories
"""

from __future__ import annotations

import email.message
import os
import threading
from pathlib import Path
from typing import Sequence, Union

from spamlint._version import __version__
from spamlint.engine.rules import Rule, builtin_rules
from spamlint.engine.run import Engine
from spamlint.engine.scoring import DEFAULT_THRESHOLD, Report, score
from spamlint.errors import ConfigError, InputError, RuleError, SpamlintError
from spamlint.inputs import mime
from spamlint.inputs.sources import read_file
from spamlint.limits import DEFAULT_LIMITS, Limits
from spamlint.model.document import Document
from spamlint.model.findings import CATEGORIES, Finding, Severity

__all__ = [
    "CATEGORIES", "ConfigError", "DEFAULT_LIMITS", "DEFAULT_THRESHOLD", "Document", "Engine", "Finding",
    "InputError", "Limits", "Report", "Rule", "RuleError", "Severity", "SpamlintError", "lint", "lint_document", "load_document",
]

Source = Union[bytes, str, os.PathLike, email.message.Message]
_ENGINE: Engine | None = None
_ENGINE_LOCK = threading.Lock()


def _default_engine() -> Engine:
    global _ENGINE
    if _ENGINE is None:
        with _ENGINE_LOCK:  # threads linting at once share one engine, built once
            if _ENGINE is None:
                _ENGINE = Engine(builtin_rules())
    return _ENGINE


def load_document(source: Source, name: str | None = None, limits: Limits | None = None) -> Document:
    """Parse a source into a Document, reading no more than `limits` allow (default DEFAULT_LIMITS).

    bytes and str are the content of a message or template (sniffed); a pathlib.Path (or any
    os.PathLike) is a file to read; an email.message.Message is used as parsed.  Raises
    InputError for what cannot be read; anything in the content itself gives a Document.
    """
    limits = limits or DEFAULT_LIMITS
    if isinstance(source, email.message.Message):
        return mime.from_message(source, name or "-", limits=limits)
    if isinstance(source, os.PathLike):
        path = Path(source)
        try:
            data = read_file(path, limits.max_input_bytes)
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
        return mime.load(data, name or str(path), path.suffix, limits=limits)
    if isinstance(source, str):
        return mime.load(_encode(source), name or "-", limits=limits)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return mime.load(bytes(source), name or "-", limits=limits)
    raise InputError(f"cannot lint a {type(source).__name__}: pass bytes, str, a path or an email.message.Message")


def _encode(text: str) -> bytes:
    try:
        return text.encode("utf-8", "surrogateescape")  # str from bytes decoded with surrogateescape
    except UnicodeEncodeError:  # other lone surrogates
        return text.encode("utf-8", "replace")


def lint_document(doc: Document, *, threshold: float | None = None, engine: Engine | None = None) -> Report:
    """Run the rules over a parsed Document and score it."""
    eng = engine or _default_engine()
    limit = DEFAULT_THRESHOLD if threshold is None else threshold
    return score(doc.name, eng.run(doc), limit)


def lint(source: Source, *, threshold: float | None = None, rules: Sequence[Rule] | None = None,
         name: str | None = None, config: Union[str, os.PathLike, "Config", None] = None,
         limits: Limits | None = None) -> Report:
    """Lint one message or template and return its Report; never prints or exits.

    `config` is a .spamlint.yaml or pyproject.toml path (or a spamlint.config.Config): its
    selection, points, sender-domains and threshold apply; an explicit `threshold` still wins.
    `limits` bound what is read (spamlint.Limits; passing one gives a `limit-reached` finding).
    Raises only SpamlintError subclasses (InputError, RuleError, ConfigError); any other
    exception is a bug.  Safe to call from several threads at once.
    """
    if config is None:
        engine = Engine(rules) if rules is not None else None
        return lint_document(load_document(source, name, limits), threshold=threshold, engine=engine)
    if rules is not None:
        raise ConfigError("pass rules= or config=, not both")
    from spamlint.config import Config, load_config
    from spamlint.engine.batch import engine_for

    cfg = config if isinstance(config, Config) else load_config(Path(config).resolve())
    doc = load_document(source, name, limits or cfg.limits)
    limit = threshold if threshold is not None else cfg.threshold
    return lint_document(doc, threshold=limit, engine=engine_for(cfg, cfg.ignored_for(doc.name)))
