"""Lint many inputs: the right config and engine for each file, serially or in worker processes."""

from __future__ import annotations

import gc
import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Sized, Union

from spamlint.checks import Check
from spamlint.config import Config, effective, find_config, load_config
from spamlint.engine.rules import Rule, builtin_rules, import_lazily_imported, load_rule_dir
from spamlint.engine.run import Engine, select_rules
from spamlint.model.document import Document
from spamlint.engine.scoring import DEFAULT_THRESHOLD, Report, score
from spamlint.errors import ConfigError, InputError, SpamlintError
from spamlint.inputs import mime
from spamlint.inputs.kinds import KINDS
from spamlint.inputs.sources import Include, Source
from spamlint.limits import DEFAULT_LIMITS
from spamlint.record import Record, record
from spamlint.text import compiled, language, normalize
from spamlint.text.urls import registrable_domain

if TYPE_CHECKING:  # multiprocessing is imported only by runs with workers, DnsProblem only by --online ones
    from multiprocessing.context import BaseContext

    from spamlint.model.domain import DnsProblem


@record()
class Options(Record):
    """What the caller decided for the whole run (picklable, so workers get the same)."""

    flags: Config = Config(source="command line")
    config_path: Path | None = None  # --config: use this file, do not search
    fields: tuple[tuple[str, str], ...] = ()  # template fields such as --subject and --from


@record()
class Failure(Record):
    """An input that could not be linted; `fatal` stops the whole run (a bad config or rule)."""

    message: str
    fatal: bool = False


Outcome = Union[Report, Failure]
# what the submission server adds to a message (RFC 6409 section 8): a draft is not judged on them
DRAFT_IGNORES = ("missing-date", "missing-message-id")


def config_for(path: str, options: Options) -> Config:
    """The effective settings for one input path (see config.effective for the precedence)."""
    if options.config_path is not None:
        return _effective(load_config(options.config_path), options.flags)
    folder = os.path.dirname(path.split("#", 1)[0]) if path != "-" else "."
    found = _config_in(folder)
    return _effective(load_config(found) if found else None, options.flags)


def include_for(folder: Path, options: Options) -> Include:
    """Which files a walk of `folder` lists: `include`/`extend-include` of the config for that folder."""
    cfg = config_for(str(folder / "_"), options)
    return Include(cfg.include, cfg.extend_include)


_effective = lru_cache(maxsize=256)(effective)  # Config is frozen and hashable


@lru_cache(maxsize=4096)
def _config_in(folder: str) -> Path | None:
    """find_config for a folder as the input names it (resolving paths is slow; once per folder)."""
    return find_config(Path(folder or ".").resolve())


@lru_cache(maxsize=64)
def _all_rules(rule_paths: tuple[Path, ...], source: str, docs_url: str | None = None) -> tuple[Rule, ...]:
    rules = list(builtin_rules())
    ids = {r.id for r in rules}
    for folder in rule_paths:
        for rule in load_rule_dir(folder, docs_url):
            if rule.id in ids:
                raise ConfigError(f"{source}: rule-paths: {rule.source} redefines rule {rule.id!r}")
            ids.add(rule.id)
            rules.append(rule)
    return tuple(rules)


def engine_for(cfg: Config, extra_ignore: tuple[str, ...] = ()) -> Engine:
    """A compiled engine for these settings; cached, so a batch builds each one once."""
    # one cache key however the call is spelt: engine_for(cfg) and engine_for(cfg, ()) were two
    # keys to lru_cache, so a run built its engine twice (check_flags, then the first input)
    return _engine(cfg, tuple(extra_ignore))


@lru_cache(maxsize=256)
def _engine(cfg: Config, extra_ignore: tuple[str, ...]) -> Engine:
    rules = _all_rules(cfg.rule_paths, cfg.source, cfg.docs_url)
    if cfg.draft:
        extra_ignore += DRAFT_IGNORES
    chosen = select_rules(rules, cfg.select, cfg.ignore + extra_ignore, cfg.extend_select,
                          dict(cfg.points), source=cfg.source)
    return Engine(chosen, cfg.sender_domains, known={r.id for r in rules},
                  trusted_networks=cfg.trusted_networks,
                  trusted_authserv_ids=cfg.trusted_authserv_ids)


def lint_source(source: Source, options: Options) -> Report:
    """Lint one input with the settings that apply to it."""
    cfg = config_for(source.name, options)
    engine = engine_for(cfg, cfg.ignored_for(source.name))
    data, doc = _load(source, options, cfg)
    threshold = cfg.threshold if cfg.threshold is not None else DEFAULT_THRESHOLD
    problems = online_problems(engine, doc, data, cfg.resolver) if cfg.online and doc.is_message else ()
    return score(doc.name, engine.run(doc, dns_problems=problems), threshold)


def _load(source: Source, options: Options, cfg: Config) -> tuple[bytes, Document]:
    limits = cfg.limits or DEFAULT_LIMITS
    data = source.read(limits.max_input_bytes)
    return data, mime.load(data, source.name, source.ext, dict(options.fields) or None, limits)


def documents_for(reports: Iterable[Report], sources: Iterable[Source], options: Options) -> list[Document | None]:
    """The Document of each report's input, parsed again as it was linted (None where it cannot be read)."""
    by_name = {s.name: s for s in sources}
    docs: list[Document | None] = []
    for report in reports:
        source = by_name.get(report.path)
        try:
            docs.append(_load(source, options, config_for(source.name, options))[1] if source else None)
        except (SpamlintError, RecursionError):
            docs.append(None)
    return docs


def online_problems(engine: Engine, doc: Document, data: bytes, resolver: str | None) -> list[DnsProblem]:
    """What --online finds for a message: its DKIM signatures, SPF of the IP it entered from, alignment, PTR."""
    from spamlint.auth.dns import Resolver  # the network stays unimported unless a run goes online
    from spamlint.auth.message import audit_message

    try:
        lookup = Resolver(resolver)
    except ValueError as exc:
        raise ConfigError(f"resolver: {exc}") from None
    entry = engine.context(doc).facts.trail.entry
    return audit_message(lookup, data, entry.ip if entry else None, entry.helo if entry else None)


def outcome(source: Source, options: Options) -> Outcome:
    """lint_source, with every failure turned into a one-line Failure instead of an exception."""
    try:
        return lint_source(source, options)
    except InputError as exc:
        return Failure(str(exc))
    except SpamlintError as exc:  # a bad config or user rule: the whole run stops
        return Failure(str(exc), fatal=True)
    except RecursionError:
        return Failure(f"{source.name}: input nested too deeply to lint")
    except Exception as exc:  # a bug: one line, not a traceback, and the batch goes on
        return Failure(f"{source.name}: internal error ({type(exc).__name__}: {exc}); please report it")


def run(sources: Iterable[Source], options: Options, jobs: int = 1, *, fresh: bool = True) -> Iterator[Outcome]:
    """Outcomes in input order; with jobs > 1 the work is spread over processes.

    `fresh` forgets the config files, user rules and engines read before; False keeps them, for
    a caller that cleared them itself just before (the CLI, which builds the engine to check its
    flags: clearing here made every run build its engine twice).
    """
    if fresh:
        clear_caches()
    if jobs <= 1:
        for source in sources:
            yield outcome(source, options)
        return
    from spamlint.engine.workers import in_workers  # multiprocessing's imports: only runs with workers pay them

    context = _pool_context()
    _preload(builtin_rules(), context, sources, jobs, options)
    # the objects made so far (modules, the rule pack, preloaded data) stay shared with forked
    # workers only while nothing writes to their pages: frozen, the cyclic collector neither
    # walks them in each worker nor copies their pages there
    frozen = context.get_start_method() == "fork"
    if frozen:
        gc.freeze()
    try:
        # one input per worker at a time, so a worker killed from outside costs only its input (workers.py)
        yield from in_workers(sources, jobs, context, _init_worker, options, _work, Failure)
    finally:
        if frozen:
            gc.unfreeze()


# inputs per worker from which each forked worker would most likely compile the rules' lazy
# patterns and the module-level ones itself (a few messages reach most rules)
PRELOAD_PER_WORKER = 50
# inputs per worker from which each forked worker would most likely load the language identifier
# itself (about 0.2 s with numpy's import): phrase-density asks for a language only where the
# answer could make a hit, so about 1 message in 200 of the SpamAssassin corpus needs it (1 in
# 12 of phishing_pot, none of the html_newsletters); a worker given 650 inputs loads it with a
# chance of 95% on the SpamAssassin rate
LANGUAGE_PRELOAD_PER_WORKER = 650


def _preload(rules: tuple[Rule, ...], context: BaseContext, sources: Iterable[Source], jobs: int,
             options: Options) -> None:
    """Before forking, do here what every worker would do anyway, once instead of once per worker:
    compile the rule pack (always; the caller did) and find each input's settings and engine
    (always); when the batch is large enough that each worker would do it too, compile the
    module-level lazy patterns, import what parsing a message and its HTML imports, read the
    Public Suffix List and the confusables table, and when enough of its inputs may be messages,
    compile every rule's lazy patterns too; for a batch larger still, load the language identifier."""
    if context.get_start_method() != "fork" or not isinstance(sources, Sized):
        return
    _settle_configs(sources, options)
    if len(sources) < PRELOAD_PER_WORKER * jobs:
        return
    if _maybe_messages(sources) >= PRELOAD_PER_WORKER * jobs:
        # a run over messages compiles nearly every rule's lazy patterns (SpamAssassin's leaves 4 ms of
        # 65 unused); over bare templates about half (the HTML newsletters' 33 ms unused: header
        # patterns, other scripts' wording), so each worker compiles those it meets instead
        _warm_rules(rules)
    compiled.warm_lazies()  # the module-level patterns the checks and parsers compile on first use
    import email.header, email.parser, email.policy, email.utils  # noqa: E401,F401 - what parsing a message imports
    # what reading character references and style attributes imports (html_text.py, css.py): each
    # worker of the SpamAssassin corpus and of the HTML newsletters imported both (about 10 ms)
    import html, tinycss2.color3  # noqa: E401,F401
    registrable_domain("example.com")
    normalize.confusables()  # read by a text's first look-alike letter (most batches have one)
    if len(sources) >= LANGUAGE_PRELOAD_PER_WORKER * jobs and any(r.language for r in rules):
        language.preload()


def _warm_rules(rules: tuple[Rule, ...]) -> None:
    """Compile every rule's lazy patterns, and import the Received trail's modules a message's run reads."""
    for rule in rules:
        if isinstance(rule.check, Check):
            rule.check.warm()
    import_lazily_imported()


def _maybe_messages(sources: Iterable[Source]) -> int:
    """How many inputs may be messages: all but those whose extension alone makes them bare
    templates (.html, .mjml...; kinds.py); a .txt file or one without an extension is sniffed."""
    templates = {ext for kind in KINDS if kind.decides and kind.parser in ("html", "mjml") for ext in kind.extensions}
    return sum(source.ext.lower() not in templates for source in sources)


def _settle_configs(sources: Iterable[Source], options: Options) -> None:
    """Find each input's settings and engine (cached per folder and per settings), as lint_source
    will: each worker would otherwise look up again every folder it meets, and the CLI looks up
    every input's settings after the batch anyway.  A bad config is left for the input's own
    lint, which reports it."""
    for source in sources:
        try:
            cfg = config_for(source.name, options)
            engine_for(cfg, cfg.ignored_for(source.name))
        except SpamlintError:
            continue


def _pool_context() -> BaseContext:
    """Fork where it is safe (Linux): workers start with this process's imports and compiled rules.

    A spawned worker re-imports spamlint and rebuilds the rule pack, which made `-j 2` spend a
    third more CPU than `-j 1`; elsewhere (macOS, Windows) fork is unsafe or missing, so spawn.
    """
    import multiprocessing

    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")


_OPTIONS: Options | None = None


def _init_worker(options: Options) -> None:
    global _OPTIONS
    _OPTIONS = options
    builtin_rules()  # compile once per worker, before the first input


def _work(source: Source) -> Outcome:
    assert _OPTIONS is not None
    return outcome(source, _OPTIONS)



def clear_caches() -> None:
    """Forget config files and user rules read by an earlier run: they may have changed since."""
    find_config.cache_clear()
    _config_in.cache_clear()
    _all_rules.cache_clear()
    _engine.cache_clear()


def rules_for(names: Iterable[str], options: Options) -> list[Rule]:
    """Every rule that exists for these inputs (built-in and users' rule-paths), for rule listings."""
    seen: dict[str, Rule] = {}
    for cfg in {config_for(name, options) for name in names}:
        for rule in _all_rules(cfg.rule_paths, cfg.source, cfg.docs_url):
            seen.setdefault(rule.id, rule)
    return list(seen.values())


def check_flags(options: Options) -> None:
    """Reject unknown names in command-line flags before any input is read (ConfigError)."""
    cfg = config_for(str(Path.cwd() / "-"), options)
    rules = _all_rules(cfg.rule_paths, cfg.source, cfg.docs_url)
    flags = options.flags
    if flags.select or flags.ignore:  # nothing else to check: select_rules would copy every rule for nothing
        select_rules(rules, flags.select, flags.ignore, source=flags.source)
    engine_for(cfg)
