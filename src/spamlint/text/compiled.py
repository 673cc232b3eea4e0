"""Stdlib patterns rebuilt from their compiled code, so start-up skips re's pure-Python compiler.

`re.compile` parses a pattern and generates SRE code in Python, which made compiling the
phrase lists the largest part of start-up; handing the same code to `_sre.compile` takes
microseconds.  `compile_pattern` does what `re.compile` does in the same two steps, keeps the
code it generated (`made`), and reuses code read back from the rule-pack cache (`keep_raw`,
decoded on first use; the engine reads and writes that file, engine/cache.py).  The result is the same Pattern:
`re.Pattern` objects compare equal only when their source, flags and code are equal, and a
test holds every phrase pattern of the rule pack to that.  `_sre.compile` validates the code it
is given and raises on anything malformed; that falls back to the plain compile.

`deferred` does the same for the longer module-level patterns (text/normalize.py's leet and gap
pre-scans, hashbusting's hints): compiled on first use rather than at import, so from the cache
once there is one, and their code is saved with every rule pack's cache.

`remembered` keeps other values worked out from a rule's text, such as a phrase list's pattern
source (text/words.py) or a rule pattern's prefilter (text/prefilter.py), in the same cache:
looked up by a digest of what they are made from and of the module file that makes them, so
an edited module never reuses what its old code made.
"""

from __future__ import annotations

import array
import binascii  # base64's own codec: base64 (and the struct it imports) cost start-up
import importlib
import json
import re
import sys
from types import ModuleType
from typing import Any, Callable, TypeVar

try:  # the compiler's own steps (CPython 3.11+); without them every pattern takes the plain path
    import _sre
    from re import _compiler, _parser  # type: ignore[attr-defined]
    _STEPS = _sre.CODESIZE == 4 and array.array("I").itemsize == 4 and hasattr(_compiler, "_code")
except ImportError:  # pragma: no cover - another Python implementation
    _STEPS = False

try:  # the stdlib's BLAKE2, the very function hashlib.blake2b is: hashlib itself loads OpenSSL (2-3 ms)
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - another Python implementation
    from hashlib import blake2b as _blake2b

Entry = tuple[str, int, int, str, int, dict[str, int], list[str | None]]
_known: dict[tuple[str, int], Entry | Raw] = {}  # (source, flags) -> code read from the cache (Raw: not decoded yet)
made: dict[tuple[str, int], Entry] = {}  # (source, flags) -> code generated in this process
_deferred: dict[tuple[str, int], None] = {}  # module-level patterns, in the order they were declared
_values: dict[str, Any] = {}  # remembered(): digest -> value, read from the cache (Raw: not decoded yet) or made here
_prints: dict[str, str | None] = {}  # module name -> digest of its file (None: unreadable)
T = TypeVar("T")


class Raw:
    """A value kept in the cache file as JSON text (text[start:end]), decoded on first use
    (`decoded`): a run reads only some of the ~200 patterns' code and ~180 remembered values the
    file holds, and slicing the file's 1.5 MB into lines cost more than decoding them saved."""

    __slots__ = ("text", "start", "end")

    def __init__(self, text: str, start: int = 0, end: int | None = None) -> None:
        self.text, self.start, self.end = text, start, len(text) if end is None else end

    def __eq__(self, other: object) -> bool:
        """Equal to what its JSON text holds (the rule-pack cache's data read back equals the data written)."""
        return bool(decoded(self) == decoded(other))

    __hash__ = None  # type: ignore[assignment] - equal to lists and dicts, so no more hashable than they are


_NOT_JSON = object()


def decoded(value: Any) -> Any:
    """value, or what its JSON text holds for a Raw (_NOT_JSON when that is not JSON)."""
    if type(value) is not Raw:
        return value
    try:
        return json.loads(value.text[value.start:value.end])
    except (ValueError, RecursionError):
        return _NOT_JSON


def digest(data: bytes = b"") -> Any:
    """A 128-bit BLAKE2b hash object of data, for the cache's names and keys: collision-safe, and
    about three times as fast as the stdlib's own SHA-256 over the ~350 KB of code the cache's
    stamp reads (hashlib's OpenSSL SHA-256 is faster still, but importing it costs more)."""
    return _blake2b(data, digest_size=16)


def compile_pattern(source: str, flags: int = 0) -> re.Pattern[str]:
    """re.compile(source, flags), from cached code when there is some."""
    key = (source, int(flags))
    entry = _known.get(key) or made.get(key)
    if type(entry) is Raw:
        entry = _settle(key, entry)
    if entry is not None:
        try:
            return _build(entry)
        except (RuntimeError, TypeError, ValueError, OverflowError):  # malformed code: compile it afresh
            _known.pop(key, None)
    if not _STEPS:
        return re.compile(source, flags)
    entry = made[key] = _generate(source, int(flags))
    return _build(entry)


def deferred(source: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """A function returning compile_pattern(source, flags), compiled on its first call only."""
    _deferred[(source, int(flags))] = None
    pattern: list[re.Pattern[str]] = []

    def get() -> re.Pattern[str]:
        if not pattern:
            pattern.append(compile_pattern(source, flags))
        return pattern[0]
    return get


def remembered(maker: ModuleType, what: str, build: Callable[[], T], valid: Callable[[Any], T | None]) -> T:
    """build(), or the value kept for it: `what` names all build reads besides `maker`'s own code.

    The value must be JSON data; `valid` turns what the cache gives back into the value, or
    None when it is not one (then it is built again).  A module whose file cannot be read
    (a zip import) gets nothing remembered.
    """
    mark = _fingerprint(maker)
    if mark is None:
        return build()
    key = digest(f"{mark}\0{what}".encode("utf-8", "surrogatepass")).hexdigest()
    if key in _values:
        kept = _values[key] = decoded(_values[key])
        value = valid(kept) if kept is not _NOT_JSON else None
        if value is not None:
            return value
    value = _values[key] = build()
    return value


def _fingerprint(module: ModuleType) -> str | None:
    """A digest of a module's file: any change to its code or constants changes it."""
    name = module.__name__
    if name not in _prints:
        try:
            with open(getattr(module, "__file__", None) or "", "rb") as f:
                _prints[name] = digest(f.read()).hexdigest()
        except OSError:
            _prints[name] = None
    return _prints[name]


class _FirstUse:
    """Stands for what `make()` returns, made on first use (see Lazy)."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make
        _lazies.append(self)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("_make", "_made"):  # copy, pickle and the like: not the pattern's
            raise AttributeError(name)
        if "_made" not in self.__dict__:
            self._made = self._make()
        value = getattr(self._made, name)
        setattr(self, name, value)
        return value


class Lazy(_FirstUse):
    """Stands for the pattern `make()` returns, made on first use: module-level patterns cost no start-up.

    Any attribute read (search, finditer, pattern...) makes the pattern once and keeps what it
    read in the instance, so later reads are plain attribute reads.  It is not a Pattern: pass
    it only to code that calls its methods, never to re.sub or isinstance.
    """


class LazyBytes(_FirstUse):
    """A Lazy for a bytes pattern: compiled by re on first use, its code not kept in the (JSON) cache."""


_lazies: list[_FirstUse] = []  # every Lazy made (module-level patterns: they live as long as the process)


def warm_lazies() -> None:
    """Make every Lazy's pattern now: before `-j N` forks its workers, which would each make them."""
    for item in _lazies:
        item.pattern  # noqa: B018 - reading an attribute makes the pattern


class LazyModule:
    """Stands for a module imported on first use: reading any attribute imports it and keeps what
    it read in the instance, so later reads are plain attribute reads."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name != "__version__":  # copy, pickle and the like: not the module's
            raise AttributeError(name)
        value = getattr(importlib.import_module(self._name), name)
        setattr(self, name, value)
        return value


class RegexModule(LazyModule):
    """Stands for the `regex` module, imported on first use: importing it costs start-up about 8 ms,
    and a small template's run mostly needs none of its patterns.

    Reading any attribute (compile, error, Pattern...) imports `regex` and keeps what it read in
    the instance.  What the rule pack's constructors read at start-up is here without the import:
    the flags they pass (ints equal to regex's own) and `escape` (regex.escape, written out: brand
    names and reply prefixes are escaped when their rule is built); a test holds both to `regex`.
    """

    I = IGNORECASE = 0x2
    R = REVERSE = 0x400
    V0 = VERSION0 = 0x2000
    _METACHARS = frozenset("()[]{}?*+|^$\\.-#&~")  # regex._main's: what escape() escapes, besides white space

    def __init__(self) -> None:
        super().__init__("regex")

    def compile(self, *args: Any, **kwargs: Any) -> Any:
        """regex.compile; a reference taken before the import (a default argument) keeps working."""
        real = self.compile = _regex().compile  # type: ignore[method-assign] - from now on the real one
        return real(*args, **kwargs)

    def escape(self, pattern: Any, special_only: bool = True, literal_spaces: bool = False) -> Any:
        """regex.escape(pattern, special_only, literal_spaces), for a str without importing regex."""
        if not isinstance(pattern, str) or not special_only:
            return _regex().escape(pattern, special_only, literal_spaces)
        meta = self._METACHARS
        return "".join(c if (c == " " and literal_spaces) or not (c in meta or c.isspace()) else "\\" + c
                       for c in pattern)


def _regex() -> ModuleType:
    return importlib.import_module("regex")  # imported on first use (RegexModule)


regex = RegexModule()  # the `regex` module for modules on the start-up path: `from spamlint.text.compiled import regex`


class AsciiOrRegex:
    """A `regex` pattern that searches ASCII text with its stdlib spelling (both made on first use),
    so a run over ASCII text needs no `regex` import: `ascii_source` must match exactly what
    `source` matches in any ASCII text (\\p{L} is [A-Za-z] there), which a test holds it to.

    Only the searches that take the text first are sent by the text; any other attribute is the
    `regex` pattern's.
    """

    def __init__(self, ascii_source: str, source: str, flags: int = 0) -> None:
        self._ascii = lazy(ascii_source, flags)
        self._unicode = Lazy(lambda: regex.compile(source, flags))

    def search(self, text: str, *args: Any) -> Any:
        """Pattern.search."""
        return (self._ascii if text.isascii() else self._unicode).search(text, *args)

    def finditer(self, text: str, *args: Any) -> Any:
        """Pattern.finditer."""
        return (self._ascii if text.isascii() else self._unicode).finditer(text, *args)

    def findall(self, text: str, *args: Any) -> Any:
        """Pattern.findall."""
        return (self._ascii if text.isascii() else self._unicode).findall(text, *args)

    def sub(self, repl: Any, text: str, count: int = 0) -> str:
        """Pattern.sub (repl a str taken as is by both: no backslashes or group references)."""
        if isinstance(repl, str) and "\\" in repl:
            return self._unicode.sub(repl, text, count)
        return (self._ascii if text.isascii() else self._unicode).sub(repl, text, count)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("_ascii", "_unicode"):
            raise AttributeError(name)
        return getattr(self._unicode, name)


def ascii_or_regex(ascii_source: str, source: str, flags: int = 0) -> Any:
    """regex.compile(source, flags) on first use, searching ASCII text with re's `ascii_source` (`AsciiOrRegex`)."""
    return AsciiOrRegex(ascii_source, source, flags)


def lazy(source: str, flags: int = 0) -> re.Pattern[str]:
    """re.compile(source, flags) on first use, from the rule-pack cache's code once it is loaded (a `Lazy`;
    a bytes pattern, which the JSON cache does not keep, is compiled by re then: a `LazyBytes`)."""
    if isinstance(source, bytes):
        return LazyBytes(lambda: re.compile(source, flags))  # type: ignore[return-value]
    return Lazy(deferred(source, flags))  # type: ignore[return-value] - it reads as the Pattern


def _generate(source: str, flags: int) -> Entry:
    """What re._compiler.compile computes before it calls _sre.compile (the code as base64)."""
    tree = _parser.parse(source, flags)
    code = _compiler._code(tree, flags)
    groupindex = dict(tree.state.groupdict)
    indexgroup: list[str | None] = [None] * tree.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    packed = binascii.b2a_base64(array.array("I", code).tobytes(), newline=False).decode("ascii")  # base64.b64encode
    return (source, flags, flags | tree.state.flags, packed, tree.state.groups - 1, groupindex, indexgroup)


def _build(entry: Entry) -> re.Pattern[str]:
    source, _, final_flags, packed, groups, groupindex, indexgroup = entry
    code = array.array("I")
    code.frombytes(binascii.a2b_base64(packed, strict_mode=True))  # base64.b64decode(packed, validate=True)
    if sys.byteorder != "little":  # pragma: no cover - the cache stores little-endian words
        code.byteswap()
    return _sre.compile(source, final_flags, code.tolist(), groups, groupindex, tuple(indexgroup))


def export() -> list[list[Any]]:
    """Every pattern's code this process generated or read, and every deferred pattern's, as JSON-ready lists."""
    for key, entry in list(_known.items()):
        if type(entry) is Raw:
            _settle(key, entry)
    if _STEPS:
        for key in _deferred:
            if key not in _known and key not in made:
                made[key] = _generate(*key)
    return [list(e) for e in {**_known, **made}.values()]


def export_values() -> dict[str, Any]:
    """Every remembered value this process made or read, by digest, for the cache."""
    values = {k: decoded(v) for k, v in _values.items()}
    return {k: v for k, v in values.items() if v is not _NOT_JSON}


def keep_raw(patterns: dict[tuple[str, int], Raw], values: dict[str, Raw]) -> None:
    """Take the cache's patterns' code (by source and flags: the JSON text of the rest of an
    `export` entry) and remembered values (by digest), decoded on first use."""
    if _STEPS:
        for key, raw in patterns.items():
            _known.setdefault(key, raw)
    for key, raw in values.items():
        _values.setdefault(key, raw)


def _settle(key: tuple[str, int], raw: Raw) -> Entry | None:
    """Decode the code kept for (source, flags) as JSON text (the rest of its entry): kept if it is
    an entry, else forgotten (the pattern is compiled afresh)."""
    rest = decoded(raw)
    entry = _valid([*key, *rest]) if isinstance(rest, list) else None
    if entry is None:
        _known.pop(key, None)
    else:
        _known[key] = entry
    return entry


def _valid(item: Any) -> Entry | None:
    """An entry with the expected types (the file is data, so nothing in it is trusted further)."""
    if not isinstance(item, list) or len(item) != 7:
        return None
    source, flags, final_flags, packed, groups, groupindex, indexgroup = item
    ints = (flags, final_flags, groups)
    if not (isinstance(source, str) and isinstance(packed, str) and all(type(i) is int for i in ints)
            and isinstance(groupindex, dict) and isinstance(indexgroup, list)
            and all(isinstance(k, str) and type(v) is int for k, v in groupindex.items())
            and all(g is None or isinstance(g, str) for g in indexgroup)):
        return None
    return (source, flags, final_flags, packed, groups, groupindex, indexgroup)
