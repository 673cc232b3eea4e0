"""spamlint: an email content spam-risk linter.

Public API::

    import spamlint
    report = spamlint.lint(message)        # bytes, str, pathlib.Path or email.message.Message
    report.score, report.verdict, report.findings, report.categories
"""

from __future__ import annotations

from spamlint.collector import paused, to_oldest

# Importing makes some 60,000 objects that all stay: the collector's passes over them while the
# modules load were wasted work, and they go to the oldest generation unwalked
with paused(then=to_oldest):
    import math
    import os
    import threading
    from pathlib import Path
    from typing import TYPE_CHECKING, Sequence, TypeGuard, Union

    from spamlint._version import __version__
    from spamlint.engine.rules import Rule, builtin_rules
    from spamlint.engine.run import Engine
    from spamlint.engine.scoring import DEFAULT_THRESHOLD, Report, score
    from spamlint.errors import ConfigError, InputError, RuleError, SpamlintError, brief
    from spamlint.inputs import mime
    from spamlint.inputs.sources import read_file
    from spamlint.limits import DEFAULT_LIMITS, Limits
    from spamlint.model.document import Document
    from spamlint.model.findings import CATEGORIES, Finding, Severity

if TYPE_CHECKING:  # email is imported when a Message is given: a template never needs it
    import email.message

__all__ = [
    "CATEGORIES", "ConfigError", "DEFAULT_LIMITS", "DEFAULT_THRESHOLD", "Document", "Engine", "Finding",
    "InputError", "Limits", "Report", "Rule", "RuleError", "Severity", "SpamlintError", "lint", "lint_document", "load_document",
]

Source = Union[bytes, str, os.PathLike, "email.message.Message"]
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
    limits = _checked_limits(limits)
    if _is_message(source):
        _check_header_values(source, name or "-")
        return mime.from_message(source, name or "-", limits=limits)
    if isinstance(source, os.PathLike):
        path = Path(source)
        try:
            data = read_file(path, limits.max_input_bytes)
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
        except ValueError as exc:  # a NUL in the path
            raise InputError(f"{brief(str(path))}: cannot read: {exc}") from None
        return mime.load(data, name or str(path), path.suffix, limits=limits)
    if isinstance(source, str):
        _not_a_file_name(source)
        return mime.load(_encode(source), name or "-", limits=limits)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return mime.load(bytes(source), name or "-", limits=limits)
    raise InputError(f"cannot lint a {type(source).__name__}: pass bytes, str, a path or an email.message.Message")


def _is_message(source: object) -> TypeGuard[email.message.Message]:
    """Whether source is an email.message.Message (without importing email when it cannot be one)."""
    if isinstance(source, (bytes, str, bytearray, memoryview, os.PathLike)):
        return False
    import email.message

    return isinstance(source, email.message.Message)


def _not_a_file_name(text: str) -> None:
    """A str is content; one that names an existing file was almost surely meant as the file."""
    if len(text) < 4096 and "\n" not in text and text.strip() and os.path.isfile(text):
        raise InputError(f"{brief(text)} names a file, but a str is linted as the message itself: "
                         f"pass pathlib.Path({brief(text)}) to lint the file, or its bytes")


def _checked_limits(limits: object) -> Limits:
    if limits is None:
        return DEFAULT_LIMITS
    if not isinstance(limits, Limits):
        raise ConfigError(f"limits: must be a spamlint.Limits, got {type(limits).__name__}")
    return limits


def _check_header_values(msg: email.message.Message, name: str) -> None:
    """A Message built in code can hold a header set to None or a number, which no parser would make."""
    import email.header

    for key, value in msg.raw_items():
        if not isinstance(value, (str, email.header.Header)):
            raise InputError(f"{name}: header {brief(key)} is a {type(value).__name__}, not text")


def _checked_threshold(threshold: object) -> float | None:
    """The CLI's rule for --threshold: a number above 0 (the same ConfigError as a config file's)."""
    if threshold is None:
        return None
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not math.isfinite(threshold) \
            or threshold <= 0:
        raise ConfigError(f"threshold: must be a number above 0, got {brief(threshold)}")
    return float(threshold)


def _checked_rules(rules: object) -> Sequence[Rule] | None:
    if rules is None:
        return None
    if isinstance(rules, (str, bytes)) or not isinstance(rules, Sequence) or \
            not all(isinstance(r, Rule) for r in rules):
        raise ConfigError("rules: must be a sequence of spamlint.Rule (from spamlint.builtin_rules() or your own)")
    return rules


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
         name: str | None = None, config: Union[str, os.PathLike, "Config", bool, None] = None,
         limits: Limits | None = None, draft: bool | None = None) -> Report:
    """Lint one message or template and return its Report; never prints or exits.

    Configuration as the CLI finds it: for a `pathlib.Path` the nearest `.spamlint.yaml` or
    `pyproject.toml` with `[tool.spamlint]`, walking up from the file's folder, applies (its
    selection, points, sender-domains, threshold, per-file-ignores, rule-paths, limits, draft);
    bytes, str and Message use the defaults.  `config` is a config file path (or a
    spamlint.config.Config) to use instead, or False for the defaults; an explicit `threshold`
    still wins.  `draft=True` says the message is not yet submitted: the Date and Message-ID
    that the submission server adds are not expected (config key `draft`).
    `limits` bound what is read (spamlint.Limits; passing one gives a `limit-reached` finding).
    Raises only SpamlintError subclasses (InputError, RuleError, ConfigError); any other
    exception is a bug.  Safe to call from several threads at once.
    """
    from dataclasses import replace

    from spamlint.config import Config, load_config  # only a call with config pays for the import
    from spamlint.engine.batch import DRAFT_IGNORES, Options, config_for, engine_for

    threshold, rules = _checked_threshold(threshold), _checked_rules(rules)
    if config is True or (config is not None and not isinstance(config, (bool, str, os.PathLike, Config))):
        raise ConfigError(f"config: must be a path, a spamlint.config.Config or False, got {brief(config)}")
    if draft is not None and not isinstance(draft, bool):
        raise ConfigError(f"draft: must be True or False, got {brief(draft)}")
    if rules is not None:
        if config not in (None, False):
            raise ConfigError("pass rules= or config=, not both")
        chosen = [r for r in rules if not (draft and r.id in DRAFT_IGNORES)]
        return lint_document(load_document(source, name, limits), threshold=threshold, engine=Engine(chosen))
    if config is False:
        cfg = Config()
    elif config is None:
        # like the CLI: the config nearest the file; content without a file uses the defaults
        cfg = config_for(str(source), Options()) if isinstance(source, os.PathLike) else Config()
    else:
        cfg = config if isinstance(config, Config) else load_config(Path(config).resolve())
    if draft is not None:
        cfg = replace(cfg, draft=draft)
    doc = load_document(source, name, limits if limits is not None else cfg.limits)
    limit = threshold if threshold is not None else cfg.threshold
    if cfg == Config():  # nothing configured: the shared default engine
        return lint_document(doc, threshold=limit)
    return lint_document(doc, threshold=limit, engine=engine_for(cfg, cfg.ignored_for(doc.name)))
