"""The rule-pack cache: the built-in rule files as parsed data and their phrase patterns' compiled code.

One file of JSON lines per rule pack in the user's cache folder (`$XDG_CACHE_HOME/spamlint`, else
`~/.cache/spamlint`; `~/Library/Caches/spamlint` on macOS, `%LOCALAPPDATA%\\spamlint` on
Windows), named by a hash of the rule files' text, spamlint's version, the Python build and the
`regex` module's version, so an upgrade or an edited rule file starts a new one; a digest of
the code that builds rules is kept inside (`code_stamp`), and a file written by other code is
not read but replaced.  It holds data only, never pickles: each rule file's YAML as JSON (only
where JSON gives back exactly the same values; the rule is still validated and built from it
as from the file, its patterns compiled on first use since they compiled when the file was
written; its examples on a line of their own, decoded only when something reads them), per pattern its source and flags with the SRE code `re` generated for it
(text/compiled.py), looked up by that source and flags, and values worked out from rule text
(`compiled.remembered`: phrase patterns' sources, the prefilter's tests).  On POSIX a file or folder that is not
the user's own or that others may write is ignored, so nobody else can plant code in it;
`SPAMLINT_NO_CACHE=1` turns the cache off.  A cache that cannot be read or written is skipped
silently: it only saves time.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Callable, Sequence

from spamlint._version import __version__
from spamlint.text import compiled

_FORMAT = 5  # 2: with the deferred module-level patterns (text/compiled.py); 3: with remembered values;
# 4: patterns' code and remembered values one per line after the first, decoded on first use;
# 5: and each rule's examples on a line of their own after those, read only by what reads examples
_STALE_SECONDS = 7 * 24 * 3600
_CODE = ("checks", "engine", "model", "text")  # the sub-packages whose code code_stamp() reads
_VERSION_LINE = b'\n__version__ = "'  # how regex/_main.py sets the module's version


def cache_dir() -> Path | None:
    """The folder the rule-pack cache lives in, or None when caching is off."""
    if os.environ.get("SPAMLINT_NO_CACHE"):
        return None
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "spamlint" if base else None
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "spamlint"
    base = os.environ.get("XDG_CACHE_HOME") or ""
    return (Path(base) if os.path.isabs(base) else Path.home() / ".cache") / "spamlint"


def usable(path: Path) -> bool:
    """Whether a file in the cache folder may be read: it and its folder are the user's own and
    only theirs to write (text/language.py keeps the language model's arrays there)."""
    return _private(path.parent) and _private(path)


def cache_file(files: Sequence[tuple[str, str]]) -> Path | None:
    """Where the cache of this rule pack (name, text per rule file) is kept."""
    folder = cache_dir()
    if folder is None:
        return None
    digest = compiled.digest()
    # regex's version: rules from the cache compile on first use, trusted to compile as they did
    for part in (f"format {_FORMAT}", __version__, sys.version, sys.implementation.cache_tag or ""):
        digest.update(part.encode() + b"\0")
    digest.update(regex_version().encode() + b"\0")
    for name, text in files:
        digest.update(name.encode() + b"\0" + text.encode("utf-8", "surrogatepass") + b"\0")
    return folder / f"rulepack-{digest.hexdigest()[:32]}.json"


def code_files() -> list[str] | None:
    """The .py files code_stamp() reads, in its order; None when they are not a folder of files."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        return [entry.path for folder in _CODE
                for entry in sorted(os.scandir(os.path.join(root, folder)), key=lambda e: e.name)
                if entry.name.endswith(".py")]
    except OSError:
        return None


def stat_file(paths: Sequence[str]) -> Path | None:
    """Where the index of the rule pack whose rule files are `paths` is kept, named by what the
    file system says of those files and of the code code_stamp() reads (path, size, modification
    and change times, inode: any write to a file changes its change time), with what else names a
    rule pack: a run finds its rule pack and code stamp there without reading and hashing some 240
    files (as Python's bytecode check trusts a source file's size and time).  None when caching is
    off or a file cannot be looked at."""
    folder = cache_dir()
    code = code_files()
    if folder is None or code is None:
        return None
    digest = compiled.digest()
    for part in (f"stat {_FORMAT}", __version__, sys.version, sys.implementation.cache_tag or "", regex_version()):
        digest.update(part.encode() + b"\0")
    try:  # one update of the whole text: what updating it file by file gives, in a few fewer steps
        digest.update("".join([f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}\0"
                               for path in (*paths, *code) for st in (os.stat(path),)]).encode(
            "utf-8", "surrogatepass"))
    except OSError:
        return None
    return folder / f"rulestat-{digest.hexdigest()[:32]}.json"


def load_index(path: Path | None) -> tuple[Path, str] | None:
    """The rule pack's cache file and code stamp an index (stat_file) names, or None when it cannot
    be used (missing, not the user's own, not what save_index writes)."""
    if path is None or not usable(path):
        return None
    try:
        data = json.loads(read_bytes(str(path)))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        return None
    name, code = data.get("pack"), data.get("code")
    if not (isinstance(name, str) and isinstance(code, str) and _pack_name(name)):
        return None
    try:
        os.utime(path)  # in use: another index's save must not take it for stale
    except OSError:
        pass
    return path.parent / name, code


def _pack_name(name: str) -> bool:
    """Whether name is what cache_file() names a rule pack (an index names only a file beside it)."""
    digest = name[len("rulepack-"):-len(".json")]
    return name == f"rulepack-{digest}.json" and len(digest) == 32 and all(c in "0123456789abcdef" for c in digest)


def save_index(path: Path | None, pack: Path) -> None:
    """Keep, in `path` (stat_file), which cache file holds this rule pack and the code stamp it was
    read with (errors are ignored: the index only saves time)."""
    if path is None or path.parent != pack.parent:
        return
    text = json.dumps({"format": _FORMAT, "pack": pack.name, "code": code_stamp()})
    try:
        write_private(path, lambda out: out.write(text.encode("utf-8")), "rulestat-*.json")
    except OSError:
        pass


def regex_version() -> str:
    """regex.__version__, read from the file that sets it in the package importing `regex` would
    load: a template's run mostly needs no `regex` pattern, and importing it costs about 8 ms."""
    if "regex" not in sys.modules:
        try:
            spec = _find_spec("regex")
        except (ImportError, ValueError):
            spec = None
        origin = spec.origin if spec is not None else None
        if origin and os.path.basename(origin) == "__init__.py" and spec.submodule_search_locations:
            try:
                text = read_bytes(os.path.join(os.path.dirname(origin), "_main.py"))
            except OSError:
                text = b""
            start = text.find(_VERSION_LINE)
            if start >= 0 and text.count(_VERSION_LINE) == 1:
                version = text[start + len(_VERSION_LINE):].split(b'"', 1)[0]
                if version and version.isascii() and not any(c.isspace() for c in version.decode("ascii")):
                    return version.decode("ascii")
    import regex

    return str(regex.__version__)


def _find_spec(name: str) -> Any:
    """importlib.util.find_spec(name) for a top-level module not yet imported: the import system's
    own finders asked in turn, without importing importlib.util (a template's run needs nothing else of it)."""
    for finder in sys.meta_path:
        find = getattr(finder, "find_spec", None)
        spec = find(name, None) if find is not None else None
        if spec is not None:
            return spec
    return None


@lru_cache(maxsize=1)
def code_stamp() -> str:
    """A digest of the modules that build rules and what the cache keeps (checks, engine, model,
    text): a cache written by other code is not read, so an edited module never reuses its patterns,
    values or the knowledge that its rules compile.  Two installs of one release share a cache."""
    root = Path(__file__).resolve().parent.parent
    digest = compiled.digest()
    try:
        for folder in _CODE:
            for entry in sorted(os.scandir(root / folder), key=lambda e: e.name):
                if entry.name.endswith(".py"):
                    digest.update(f"{folder}/{entry.name}\0".encode() + read_bytes(entry.path) + b"\0")
    except OSError:  # not a folder of files (a zip import): the version alone says which code it is
        return ""
    return digest.hexdigest()[:32]


def read_bytes(path: str) -> bytes:
    """A file's bytes, as open(path, "rb").read() gives them, without building a Python file object:
    start-up reads some 250 small files (the rule files and the code code_stamp hashes)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks)


def load(path: Path | None, code: str | None = None) -> dict[str, Any] | None:
    """The parsed rule files kept in `path` (file name -> data), its pattern code handed to
    text/compiled.py; None when there is no cache to use.  `code`: the code stamp an index kept
    for this very code (stat_file), else code_stamp() is worked out."""
    if path is None or not _private(path.parent) or not _private(path):
        return None
    try:
        text = path.read_text(encoding="utf-8")
        head = text.find("\n")
        head = len(text) if head < 0 else head  # the first line's end
        data = json.loads(text[:head])
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("format") != _FORMAT or not isinstance(data.get("rules"), dict):
        return None
    if data.get("code") != (code_stamp() if code is None else code):  # written by other code: this run's save replaces it
        return None
    _keep_lines(data.get("patterns"), data.get("values"), data.get("examples"), data["rules"], text, head + 1)
    try:
        os.utime(path)  # in use: another rule pack's save must not take it for stale
    except OSError:
        pass
    return data["rules"]


def _keep_lines(patterns: Any, values: Any, examples: Any, rules: dict[str, Any], text: str, start: int) -> None:
    """Hand the lines of text from `start` on to text/compiled.py, undecoded: one per pattern in
    the first line's `patterns` ([source, flags] each), then one per remembered value in its
    `values` (digests); then put each rule's examples line (one per rule file its `examples`
    names, in order) in the rule's data as a `compiled.Raw`, decoded when first read.  Lines
    that do not add up are not used (the cache is data: nothing in it is trusted further); a rule
    left without its examples is built from its file."""
    if not (isinstance(patterns, list) and isinstance(values, list) and isinstance(examples, list)):
        return
    if not all(isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) and type(p[1]) is int for p in patterns) \
            or not all(isinstance(v, str) for v in values) \
            or not all(isinstance(n, str) and isinstance(rules.get(n), dict) for n in examples):
        return
    lines = _line_spans(text, start, len(patterns) + len(values) + len(examples))
    if lines is None:
        return
    raw = [compiled.Raw(text, begin, end) for begin, end in lines]
    compiled.keep_raw({(source, flags): r for (source, flags), r in zip(patterns, raw)},
                      dict(zip(values, raw[len(patterns):len(patterns) + len(values)])))
    for name, r in zip(examples, raw[len(patterns) + len(values):]):
        rules[name]["examples"] = r


def _line_spans(text: str, start: int, count: int) -> list[tuple[int, int]] | None:
    """(start, end) of the `count` lines that text holds from `start` on, or None if it holds
    another number (found with str.find, which is far faster than str.split on such long lines)."""
    spans: list[tuple[int, int]] = []
    while len(spans) < count and start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        spans.append((start, end))
        start = end + 1
    return spans if len(spans) == count and start >= len(text) else None


def plain(value: Any) -> bool:
    """Whether value comes back from JSON exactly as it is: str keys, no dates, no infinities."""
    if value is None or isinstance(value, (str, bool, int)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(plain(v) for v in value)
    return isinstance(value, dict) and all(isinstance(k, str) and plain(v) for k, v in value.items())


def save(path: Path | None, rules: dict[str, Any]) -> None:
    """Write the parsed rule files (each `plain`) and the pattern code this process has to `path`
    (atomically; errors are ignored)."""
    if path is None:
        return
    patterns, values = compiled.export(), compiled.export_values()
    examples = {name: d["examples"] for name, d in rules.items() if isinstance(d, dict) and "examples" in d}
    data = {"format": _FORMAT, "code": code_stamp(),
            "rules": {name: {k: v for k, v in d.items() if k != "examples"} if name in examples else d
                      for name, d in rules.items()},
            "patterns": [entry[:2] for entry in patterns], "values": list(values), "examples": list(examples)}
    # JSON text holds no line break (json escapes it inside strings): one line per kept item
    lines = [json.dumps(data, separators=(",", ":"))]
    lines += (json.dumps(entry[2:], separators=(",", ":")) for entry in patterns)
    lines += (json.dumps(value, separators=(",", ":")) for value in values.values())
    lines += (json.dumps(value, separators=(",", ":")) for value in examples.values())
    try:
        write_private(path, lambda out: out.write("\n".join(lines).encode("utf-8")), "rulepack-*.json")
    except OSError:
        pass


def write_private(path: Path, write: Callable[[BinaryIO], Any], kind: str) -> None:
    """Write `path` in the user's own cache folder through write(file), atomically, then remove the
    files of the same kind (a glob) there not used for a week (an upgrade or an edited rule leaves
    one); OSError when the folder is not the user's own or the write fails (text/language.py keeps
    the language model's arrays with it too)."""
    import tempfile  # only a first run writes (tempfile's imports cost start-up)

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not _private(path.parent):
        raise OSError(f"{path.parent}: others may write it")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name.split('-', 1)[0]}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    _forget_old(path, kind)


def _forget_old(keep: Path, kind: str) -> None:
    """Remove the other files of this kind (a glob) not used for a week."""
    cutoff = time.time() - _STALE_SECONDS
    for other in keep.parent.glob(kind):
        try:
            if other != keep and other.stat().st_mtime < cutoff:
                other.unlink()
        except OSError:
            pass


def _private(path: Path) -> bool:
    """Whether path exists, belongs to this user and only they may write it (always true off POSIX)."""
    try:
        st = path.stat()
    except OSError:
        return False
    if not hasattr(os, "getuid"):
        return True
    return st.st_uid == os.getuid() and not st.st_mode & 0o022
