"""Load and validate YAML rules; every error names the file, the rule and the field."""

from __future__ import annotations

import importlib
import json
import os
from _string import formatter_parser  # what string.Formatter().parse returns (importing string compiles a pattern)
from dataclasses import MISSING, replace
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Callable, Iterable

from spamlint.checks import CHECKS, Check, Option
from spamlint.collector import paused
from spamlint.config import docs_address, is_web_url
from spamlint.engine import cache, suppress
from spamlint.errors import RuleError, brief
from spamlint.inputs.files import read_text_file
from spamlint.inputs.yaml_data import load_named
from spamlint.model.findings import CATEGORIES, Severity
from spamlint.record import Record, record
from spamlint.text.compiled import Raw, decoded, lazy, regex  # regex: the module, imported on first use
from spamlint.text.patterns import compiling_later

# ASCII classes, matched alike by re and regex: the stdlib's, so checking a rule needs no regex import
_ID = lazy(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_AT = lazy(r"^([1-9][0-9]*):([1-9][0-9]*)$")
MAX_POINTS = 100.0  # finite and readable: .nan or .inf would make a score no verdict can compare
MAX_PHRASE_CHARS = 200  # a phrase is words a reader sees, not a paragraph (and compiles without deep recursion)
MAX_EXAMPLE_CHARS = 8_000_000  # an example, repeats included, stays within an input's default size
_REQUIRED = ("id", "category", "check", "points", "severity", "message", "why", "fix", "examples")
_OPTIONAL = ("scope", "max_hits", "options", "enabled", "language", "url")  # scope: required exactly when the check takes one
# check kinds that were split or merged, so an old rule file is told what to write instead
_RENAMED = {
    "caps": "'all-caps' (modes sentence and whole; whole is 'per: segment') or 'caps-words' (mode words)",
    "image-text": "'image-only' or 'image-area' (mode area)",
    "mime-shape": "'html-only', 'empty-body' or 'alternatives-differ'",
    "display-name": "'display-name-address' or 'display-name-brand'",
    "link-host": "'link-pattern' with the option 'domains'",
    "ip-link": "'link-pattern' with the option 'ip_host: true'",
}
_MOVED_OPTIONS = {
    ("phrases", "mode"): "mode density is now the check 'phrase-density'; mode each is plain 'phrases'",
}
# What a rule's `check:` may name: the check kinds, and the kinds the engine's own layers
# implement (unused-suppression belongs to suppression, which runs after every check).
Kind = type[Check] | type[suppress.UnusedSuppression]
KINDS: dict[str, Kind] = {**CHECKS, **suppress.KINDS}
_LANGUAGE = lazy(r"^[a-z]{2,3}$")  # an ISO 639-1 (or -3) code, as the language identifier gives
# Where the built-in rules are documented: docs/rules/<id>.md (scripts/rule_docs.py writes it) in the
# repository that pyproject.toml's [project.urls] names; a test keeps the two equal.
BUILTIN_DOCS = "https://github.com/spamlint/spamlint/blob/main/docs/rules/{id}.md"


@record()
class Rule(Record):
    """A validated rule with its check compiled once."""

    id: str
    category: str
    check_name: str
    scope: tuple[str, ...]
    points: float
    severity: Severity
    message: str
    why: str
    fix: str
    options: dict[str, Any]
    examples_hit: tuple[str, ...]
    examples_miss: tuple[str, ...]
    source: str
    check: Check | suppress.UnusedSuppression
    enabled: bool = True
    # per hit example, the (line, column) its first finding must have, when the example states `at`
    examples_at: tuple[tuple[int, int] | None, ...] = ()
    max_hits: int | None = None  # the engine reports at most this many of the check's hits; None: all
    language: str | None = None  # the rule only reads text detected as this language
    url: str = ""  # the rule's documentation: its own `url:`, else where its pack is documented

    def __getstate__(self) -> Any:
        _read_examples(self)  # a rule from the cache pickles its examples, not the cache file they are read from
        return super().__getstate__()


class _CachedExamples:
    """A built-in rule's examples_hit, examples_miss or examples_at when its data came from the
    rule-pack cache: read from the cache's line for them when first asked for (only the rule tests,
    `spamlint rules` and the docs read examples; decoding and expanding them cost each run some
    7M instructions).  An instance's own value, once set, hides this (a non-data descriptor)."""

    def __init__(self, name: str, default: Any) -> None:
        self.name, self.default = name, default

    def __get__(self, rule: Rule | None, owner: type | None = None) -> Any:
        if rule is None:  # the class attribute dataclass set: the field's default, if it has one
            if self.default is MISSING:
                raise AttributeError(self.name)
            return self.default
        _read_examples(rule)
        return rule.__dict__[self.name]


def _read_examples(rule: Rule) -> None:
    """Set a rule's three example fields from its cached examples (see validated_rule), if not yet set."""
    pending = rule.__dict__.get("_examples")
    if pending is None:
        return
    raw, source, text = pending
    try:
        hit, miss, at = _validated_examples(decoded(raw))
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):  # a cache file edited by hand
        again = parse_rule(source, _text_of(text), BUILTIN_DOCS)
        hit, miss, at = again.examples_hit, again.examples_miss, again.examples_at
    # the same values the rule would hold from its constructor (Rule is frozen; these are its own fields)
    rule.__dict__.update(examples_hit=hit, examples_miss=miss, examples_at=at)
    rule.__dict__.pop("_examples", None)


for _field in ("examples_hit", "examples_miss", "examples_at"):
    setattr(Rule, _field, _CachedExamples(_field, Rule.__dataclass_fields__[_field].default))


def builtin_rule_files() -> list[tuple[str, str]]:
    """(name, text) of every rule file shipped in the package."""
    try:  # a folder of files, as pip installs it: read directly (importlib.resources costs start-up)
        return [(name, _read_utf8(path)) for name, path in _builtin_rule_paths()]
    except (OSError, ImportError):  # inside a zip, say
        from importlib import resources

        root = resources.files("spamlint.rulepack")
        files = sorted((p for p in root.iterdir() if p.name.endswith(".yaml")), key=lambda p: p.name)
        return [(f"rules/{p.name}", p.read_text(encoding="utf-8")) for p in files]


def _builtin_rule_paths() -> list[tuple[str, str]]:
    """(name, path) of every rule file shipped in the package, when they are a folder of files
    (OSError or ImportError when not)."""
    folders = importlib.import_module("spamlint.rulepack").__path__
    names = sorted((e.name, e.path) for folder in folders for e in os.scandir(folder) if e.name.endswith(".yaml"))
    return [(f"rules/{name}", path) for name, path in names]


def _read_utf8(path: str) -> str:
    """The file's text as text mode reads it (as Traversable.read_text: every line end read as \\n)."""
    text = cache.read_bytes(path).decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


@lru_cache(maxsize=1)
def builtin_rules() -> tuple[Rule, ...]:
    """The built-in rule pack, loaded and compiled once per process (phrase patterns from the cache)."""
    with paused():  # some 100,000 objects that all stay: the collector's passes were a tenth of the time
        return _builtin_rules()


def _builtin_rules() -> tuple[Rule, ...]:
    try:
        paths = _builtin_rule_paths()
    except (OSError, ImportError):
        paths = None
    # stat_file before any file is read: a rule file edited while this runs is never taken for the one read
    index = cache.stat_file([path for _, path in paths]) if paths is not None else None
    found = cache.load_index(index)
    kept = cache.load(*found) if found is not None else None
    if kept is not None and paths is not None:  # the index's pack: no rule file read nor hashed
        return _from_cache(kept, [(name, partial(_read_utf8, path)) for name, path in paths])
    files = builtin_rule_files()
    where = cache.cache_file(files)
    kept = cache.load(where)
    if kept is not None:
        cache.save_index(index, where)
        return _from_cache(kept, files)
    data = {name: load_named(text, name, RuleError) for name, text in files}
    plain = {name: json.loads(json.dumps(d)) for name, d in data.items() if cache.plain(d)}  # before any use
    rules = tuple(rule_from_data(name, d, BUILTIN_DOCS) for name, d in data.items())
    if where is not None:  # the first run of this rule pack: compile everything, keep it
        for rule in rules:
            if isinstance(rule.check, Check):
                rule.check.warm()
        import_lazily_imported()
        cache.save(where, plain)
        cache.save_index(index, where)
    return rules


# modules the checks import on first use (a message's headers only) whose module-level patterns
# (text/compiled.py `lazy`) the cache must keep all the same: a template's run may write it
LAZILY_IMPORTED = ("spamlint.text.received", "spamlint.text.authres")


def import_lazily_imported() -> None:
    """Import LAZILY_IMPORTED, declaring their module-level patterns (for the cache, for -j N's warm-up)."""
    for name in LAZILY_IMPORTED:
        importlib.import_module(name)


def _from_cache(kept: dict[str, Any], files: list[tuple[str, str | Callable[[], str]]]) -> tuple[Rule, ...]:
    """The built-in rules from the cache's data (`kept`, by file name), each file's text (or a
    function that reads it) used only for a rule the cache lacks or holds damaged."""
    with compiling_later():  # the cache was written after these very rules compiled
        return tuple(_cached_rule(name, kept[name], text) if name in kept
                     else parse_rule(name, _text_of(text), BUILTIN_DOCS) for name, text in files)


def _text_of(text: str | Callable[[], str]) -> str:
    return text if isinstance(text, str) else text()


def _cached_rule(name: str, data: Any, text: str | Callable[[], str]) -> Rule:
    """A built-in rule from its cached data; from its file's text (read then) when the data is not
    what the cache writes (a cache file edited by hand), so that is an error naming the file, never
    a traceback."""
    try:
        return validated_rule(name, data, BUILTIN_DOCS, text)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return parse_rule(name, _text_of(text), BUILTIN_DOCS)


def load_rule_dir(path: Path, docs_url: str | None = None) -> list[Rule]:
    """Every *.yaml rule in a folder of the user's own rules.

    A rule without `url:` is documented at the config's `docs-url`, else by its own file (as a
    file: URI), whose why, fix and examples `spamlint rules ID` shows.
    """
    if not path.is_dir():
        raise RuleError(f"{path}: rule path is not a folder")
    rules = []
    # a folder named x.yaml is not a rule file; a FIFO or a device is refused by name, not skipped
    for file in sorted(path.glob("*.yaml")):
        if not file.is_dir():
            rule = parse_rule(str(file), _read_rule_file(file), docs_url)
            rules.append(rule if rule.url else replace(rule, url=file.resolve().as_uri()))
    return rules


def _read_rule_file(path: Path) -> str:
    try:
        return read_text_file(path)  # a regular file of at most CONFIG_MAX_BYTES
    except OSError as exc:
        raise RuleError(f"{path}: cannot read rule file: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise RuleError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def parse_rule(source: str, text: str, docs_url: str | None = None) -> Rule:
    """Parse and validate one rule file's text; raise RuleError naming file, rule and field.

    `docs_url` documents a rule that has no `url:` of its own (`{id}` is its id, else it is appended).
    """
    return rule_from_data(source, load_named(text, str(source), RuleError), docs_url)


def rule_from_data(source: str, data: Any, docs_url: str | None = None) -> Rule:
    """Validate one rule file's parsed YAML and build its rule; raise RuleError naming file, rule and field."""
    if not isinstance(data, dict):
        raise RuleError(f"{source}: a rule file must be a mapping of fields")
    rid = data.get("id")
    where = f"{source}: rule {brief(rid)}"
    _check_fields(data, where)
    _check_identity(data, source, where)
    check_cls = KINDS[data["check"]]
    scope = _scope(data, check_cls, where)
    max_hits = _max_hits(data, check_cls, where)
    options = validate_options(check_cls, data.get("options") or {}, where)
    hit, miss, at = _examples(data["examples"], where)
    language = _language(data.get("language"), check_cls, where)
    try:
        check = check_cls(options)
    except regex.error as exc:
        raise RuleError(f"{where}: field 'options': invalid pattern: {exc}") from None
    check.language = language
    return Rule(
        id=rid, category=data["category"], check_name=data["check"], scope=scope,
        points=float(data["points"]), severity=Severity(data["severity"]), message=_message(data, where),
        why=_text(data, "why", where), fix=_text(data, "fix", where), options=options,
        examples_hit=hit, examples_miss=miss, source=source, check=check,
        enabled=bool(data.get("enabled", True)), examples_at=at, max_hits=max_hits, language=language,
        url=_url(data.get("url"), where) or (docs_address(docs_url, rid) if docs_url else ""),
    )


def validated_rule(source: str, data: dict[str, Any], docs_url: str | None = None,
                   text: str | Callable[[], str] | None = None) -> Rule:
    """rule_from_data's rule for data that this very code validated: a rule-pack cache holds only
    rule files that built without error, and only code with the same `code_stamp` reads it.

    It makes the same fields without checking them again (a tenth of start-up went into
    checking 178 built-in rules on every run); a test holds every built-in rule to
    rule_from_data's, field by field.  User rules and runs without a cache are always checked.
    Examples the cache keeps undecoded (a `Raw`) are read when first asked for; `text` (the rule
    file's text, or a function reading it) is what gives them if that line is damaged.
    """
    rid = data["id"]
    check_cls = KINDS[data["check"]]
    if not check_cls.scopes:
        scope = check_cls.looks_at
    else:
        scope = (data["scope"],) if isinstance(data["scope"], str) else tuple(data["scope"])
    options = _filled_options(check_cls, data.get("options") or {})
    examples = data["examples"]
    lazy_examples = type(examples) is Raw and text is not None
    hit, miss, at = ((), (), ()) if lazy_examples else _validated_examples(decoded(examples))
    language = data.get("language")
    check = check_cls(options)
    check.language = language
    url = data.get("url")
    rule = Rule(
        id=rid, category=data["category"], check_name=data["check"], scope=scope,
        points=float(data["points"]), severity=Severity(data["severity"]), message=data["message"].strip(),
        why=data["why"].strip(), fix=data["fix"].strip(), options=options,
        examples_hit=hit, examples_miss=miss, source=source, check=check,
        enabled=bool(data.get("enabled", True)), examples_at=at,
        max_hits=data["max_hits"] if "max_hits" in data else check_cls.max_hits, language=language,
        url=url.strip() if url is not None else (docs_address(docs_url, rid) if docs_url else ""),
    )
    if lazy_examples:  # read on first use (_CachedExamples)
        for name in ("examples_hit", "examples_miss", "examples_at"):
            del rule.__dict__[name]
        rule.__dict__["_examples"] = (examples, source, text)
    return rule


def _filled_options(check_cls: Kind, given: dict[str, Any]) -> dict[str, Any]:
    """validate_options' result for options it has accepted before: defaults filled in, numbers as floats."""
    if not isinstance(given, dict):  # not what the cache writes: _cached_rule reads the file instead
        raise TypeError("options: not a mapping")
    out: dict[str, Any] = {}
    for key, opt in check_cls.options.items():
        if key not in given:
            out[key] = opt.default
        elif opt.kind == "float":
            out[key] = float(given[key])
        elif opt.kind == "weights":
            out[key] = _validated_weights(given[key])
        else:
            out[key] = given[key]
    return out


def _validated_weights(value: dict[str, Any] | list[Any]) -> dict[str, float]:
    """_weights' mapping of phrases it has accepted before: {phrase: weight}, or a list of phrases
    and one-entry {phrase: weight} mappings (a phrase alone weighs 1)."""
    if isinstance(value, dict):
        return {k: float(v) for k, v in value.items()}
    out: dict[str, float] = {}
    for item in value:
        if isinstance(item, str):
            out[item] = 1.0
        else:
            (k, v), = item.items()
            out[k] = float(v)
    return out


def _validated_examples(value: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...],
                                                        tuple[tuple[int, int] | None, ...]]:
    """_examples' result for examples it has accepted before."""
    hits = [_validated_example(item) for item in value["hit"]]
    return (tuple(t for t, _ in hits), tuple(_validated_example(item)[0] for item in value["miss"]),
            tuple(at for _, at in hits))


def _validated_example(item: Any) -> tuple[str, tuple[int, int] | None]:
    if isinstance(item, str):
        return item, None
    text = str(item.get("before", "")) + item["text"] * item.get("repeat", 1) + str(item.get("after", ""))
    at = item.get("at")
    if at is None:
        return text, None
    line, column = at.split(":")  # "LINE:COLUMN", digits only (_AT accepted it)
    return text, (int(line), int(column))


def _check_fields(data: dict[str, Any], where: str) -> None:
    for key in _REQUIRED:
        if key not in data:
            raise RuleError(f"{where}: missing field {brief(key)}")
    for key in data:
        if key not in _REQUIRED and key not in _OPTIONAL:
            raise RuleError(f"{where}: unknown field {brief(key)}")


def _check_identity(data: dict[str, Any], source: str, where: str) -> None:
    rid = data["id"]
    if not isinstance(rid, str) or not _ID.match(rid):
        raise RuleError(f"{where}: field 'id': must be kebab-case words, like 'shortened-link'")
    stem = Path(source).name.rsplit(".", 1)[0]
    if stem != rid:
        raise RuleError(f"{where}: field 'id': must equal the file name {stem!r}")
    if data["category"] not in CATEGORIES:
        raise RuleError(f"{where}: field 'category': {brief(data['category'])} is not one of {', '.join(CATEGORIES)}")
    if not isinstance(data["check"], str):
        raise RuleError(f"{where}: field 'check': must be the name of a check kind, got {brief(data['check'])}")
    if data["check"] in _RENAMED:
        raise RuleError(f"{where}: field 'check': check {brief(data['check'])} is now {_RENAMED[data['check']]}")
    if data["check"] not in KINDS:
        raise RuleError(f"{where}: field 'check': unknown check {brief(data['check'])}; known: {', '.join(sorted(KINDS))}")
    points = data["points"]
    if isinstance(points, bool) or not isinstance(points, (int, float)) or not 0 <= points <= MAX_POINTS:
        raise RuleError(f"{where}: field 'points': must be a number from 0 to {MAX_POINTS}, got {brief(points)}")
    if data["severity"] not in [s.value for s in Severity]:
        raise RuleError(f"{where}: field 'severity': must be info, warning or error, got {brief(data['severity'])}")


def _scope(data: dict[str, Any], check_cls: Kind, where: str) -> tuple[str, ...]:
    """The parts the rule's check looks at: the rule's own scope, or what a check that takes none always reads."""
    if not check_cls.scopes:
        if "scope" in data:
            raise RuleError(f"{where}: field 'scope': check {check_cls.name!r} takes no scope (it always looks at "
                            f"{' and '.join(check_cls.looks_at)}); remove the field")
        return check_cls.looks_at
    if "scope" not in data:
        raise RuleError(f"{where}: missing field 'scope' (check {check_cls.name!r} looks at any of: "
                        f"{', '.join(sorted(check_cls.scopes))})")
    value = data["scope"]
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(s, str) for s in items):
        raise RuleError(f"{where}: field 'scope': must be a scope name or a list of them")
    bad = [s for s in items if s not in check_cls.scopes]
    if bad:
        raise RuleError(f"{where}: field 'scope': {brief(bad[0])} is not a scope of check "
                        f"{check_cls.name!r} (allowed: {', '.join(sorted(check_cls.scopes))})")
    return tuple(items)


def _max_hits(data: dict[str, Any], check_cls: Kind, where: str) -> int | None:
    """How many of its check's hits the rule reports: its own `max_hits`, else the check's default."""
    if "max_hits" not in data:
        return check_cls.max_hits
    value = data["max_hits"]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise RuleError(f"{where}: field 'max_hits': must be a whole number >= 1, got {brief(value)}")
    return value


def _url(value: Any, where: str) -> str | None:
    """A rule's own `url:`: the absolute http(s) address of its documentation."""
    if value is None:
        return None
    if not isinstance(value, str) or not is_web_url(value.strip()):
        raise RuleError(f"{where}: field 'url': must be an absolute http(s) address, got {brief(value)}")
    return value.strip()


def _language(value: Any, check_cls: Kind, where: str) -> str | None:
    """A rule's `language:` code, refused for checks that cannot honour it."""
    if value is None:
        return None
    if not isinstance(value, str) or not _LANGUAGE.match(value):
        raise RuleError(f"{where}: field 'language': must be a lower-case ISO 639-1 code like 'de', got {value!r}")
    if not getattr(check_cls, "by_language", False):
        raise RuleError(f"{where}: field 'language': check {check_cls.name!r} does not read text by language")
    return value


def _text(data: dict[str, Any], key: str, where: str) -> str:
    value = data[key]
    if not isinstance(value, str) or not value.strip():
        raise RuleError(f"{where}: field {brief(key)}: must be non-empty text")
    return value.strip()


# a count's noun ("{total:image}" -> "1 image", "3 images") or its two forms ("{n:has|have}"): short
# words only, so a spec can never make a message any size
_PLURAL_SPEC = lazy(r"[a-z]{2,20}|[a-z ]{1,20}\|[a-z ]{1,20}")


def _message(data: dict[str, Any], where: str) -> str:
    """The message text; its placeholders are plain `{name}` fields a check's facts fill in.

    Positional (`{0}`), indexed or attribute fields and format specs (`{match:>999999999}`)
    are refused: a message describes a finding, and a spec could make it any size.  The one
    spec allowed names a count's noun: `{total:image}` reads "1 image" or "3 images", and
    `{count:has|have}` picks the word for the count.
    """
    text = _text(data, "message", where)
    try:
        fields = [(name, conv, spec) for _, name, spec, conv in formatter_parser(text) if name is not None]
    except ValueError as exc:  # a lone { or }
        raise RuleError(f"{where}: field 'message': {exc} (write {{{{ and }}}} for literal braces)") from None
    for name, conv, spec in fields:
        if not name.isidentifier() or conv or (spec and not _PLURAL_SPEC.fullmatch(spec)):
            raise RuleError(f"{where}: field 'message': placeholder {brief('{' + name + '}')} must be a plain "
                            "{name} or a count with its noun, {name:image} or {name:has|have} (no position, "
                            "index, conversion or other format spec)")
    return text


def _examples(value: Any, where: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[int, int] | None, ...]]:
    """The hit texts, the miss texts, and per hit text the position its `at` states (or None)."""
    if not isinstance(value, dict):
        raise RuleError(f"{where}: field 'examples': must have 'hit' and 'miss' lists")
    out: list[list[tuple[str, tuple[int, int] | None]]] = []
    for kind in ("hit", "miss"):
        items = value.get(kind)
        if not isinstance(items, list) or not items:
            raise RuleError(f"{where}: field 'examples.{kind}': must be a non-empty list of texts")
        out.append([_example(item, f"{where}: field 'examples.{kind}'", kind == "hit") for item in items])
    extra = set(value) - {"hit", "miss"}
    if extra:
        raise RuleError(f"{where}: field 'examples': unknown key {brief(sorted(extra)[0])}")
    hits, misses = out
    return tuple(t for t, _ in hits), tuple(t for t, _ in misses), tuple(at for _, at in hits)


_EXAMPLE_KEYS = frozenset({"text", "repeat", "before", "after", "at"})


def _example(item: Any, where: str, is_hit: bool) -> tuple[str, tuple[int, int] | None]:
    """An example is a text, or {text, repeat: N, before, after, at: "LINE:COL"} (at: hits only)."""
    if isinstance(item, str):
        return item, None
    if not (isinstance(item, dict) and set(item) <= _EXAMPLE_KEYS and isinstance(item.get("text"), str)):
        raise RuleError(f"{where}: each example must be a text or {{text, repeat, before, after, at}}")
    repeat = item.get("repeat", 1)
    if isinstance(repeat, bool) or not isinstance(repeat, int) or not 1 <= repeat <= 1_000_000:
        raise RuleError(f"{where}: 'repeat' must be a whole number from 1 to 1000000")
    if len(item["text"]) * repeat > MAX_EXAMPLE_CHARS:
        raise RuleError(f"{where}: 'text' repeated {repeat} times is longer than {MAX_EXAMPLE_CHARS} characters")
    text = str(item.get("before", "")) + item["text"] * repeat + str(item.get("after", ""))
    return text, _position(item.get("at"), where, is_hit)


def _position(at: Any, where: str, is_hit: bool) -> tuple[int, int] | None:
    """`at: "LINE:COL"` (1-based) is where a hit example's first finding must be."""
    if at is None:
        return None
    if not is_hit:
        raise RuleError(f"{where}: 'at' belongs to hit examples; a miss has no position")
    m = _AT.match(at) if isinstance(at, str) else None
    if m is None:
        raise RuleError(f"{where}: 'at' must be \"LINE:COLUMN\" with numbers from 1, got {brief(at)}")
    return int(m.group(1)), int(m.group(2))


def validate_options(check_cls: Kind, given: Any, where: str) -> dict[str, Any]:
    """Check option names and types against what the check declares; fill in defaults."""
    if not isinstance(given, dict):
        raise RuleError(f"{where}: field 'options': must be a mapping")
    spec = check_cls.options
    for key in given:
        if key == "max_hits" and key not in spec:
            raise RuleError(f"{where}: field 'options.max_hits': max_hits is a field of the rule, "
                            "not an option of its check: write it at the top level, beside points")
        if key not in spec and (check_cls.name, key) in _MOVED_OPTIONS:
            raise RuleError(f"{where}: field 'options.{key}': {_MOVED_OPTIONS[check_cls.name, key]}")
        if key not in spec:
            known = ", ".join(sorted(spec)) or "none"
            raise RuleError(f"{where}: field 'options.{key}': check {check_cls.name!r} has no such option (known: {known})")
    out: dict[str, Any] = {}
    for key, opt in spec.items():
        if key not in given:
            if opt.required:
                raise RuleError(f"{where}: field 'options.{key}': required by check {check_cls.name!r}")
            out[key] = opt.default
            continue
        out[key] = _coerce(opt, given[key], f"{where}: field 'options.{key}'")
    return out


def _coerce(opt: Option, value: Any, where: str) -> Any:
    kind = opt.kind
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind in ("str", "regex") and isinstance(value, str):
        return value
    if kind == "choice" and value in opt.choices:
        return value
    if kind == "list" and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    if kind == "weights":
        return _weights(value, where)
    if kind == "table" and isinstance(value, dict) and value and all(
            isinstance(k, str) and isinstance(v, list) and v and all(isinstance(i, str) for i in v)
            for k, v in value.items()):
        return value
    expected = {"choice": "one of " + ", ".join(opt.choices), "list": "a list of strings",
                "table": "a mapping of names to non-empty lists of strings",
                "regex": "a regular expression string"}.get(kind, f"a {kind}")
    raise RuleError(f"{where}: must be {expected}, got {brief(value)}")


def _weights(value: Any, where: str) -> dict[str, float]:
    items: Iterable[Any] = value.items() if isinstance(value, dict) else value if isinstance(value, list) else None
    if items is None:
        raise RuleError(f"{where}: must be a list of phrases or a mapping of phrase to weight")
    out: dict[str, float] = {}
    for item in items:
        if isinstance(item, str):
            out[item] = 1.0
        elif isinstance(item, tuple) and isinstance(item[0], str) and isinstance(item[1], (int, float)):
            out[item[0]] = float(item[1])
        elif isinstance(item, dict) and len(item) == 1:
            (k, v), = item.items()
            if not isinstance(k, str) or isinstance(v, bool) or not isinstance(v, (int, float)):
                raise RuleError(f"{where}: entry {brief(item)} must be 'phrase: weight'")
            out[k] = float(v)
        else:
            raise RuleError(f"{where}: entry {brief(item)} must be a phrase or 'phrase: weight'")
    if not out:
        raise RuleError(f"{where}: must not be empty")
    long = next((p for p in out if len(p) > MAX_PHRASE_CHARS), None)
    if long is not None:
        raise RuleError(f"{where}: phrase {brief(long)} is longer than {MAX_PHRASE_CHARS} characters")
    bad = next((w for w in out.values() if not 0 <= w <= MAX_POINTS), None)
    if bad is not None:
        raise RuleError(f"{where}: weight {brief(bad)} must be a number from 0 to {MAX_POINTS}")
    return out
