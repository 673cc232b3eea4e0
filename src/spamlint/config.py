"""Configuration: find and load `.spamlint.yaml` or `[tool.spamlint]`, and state precedence once.

Precedence lives in `effective()` and nowhere else; docs/usage.md repeats it for users.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import math
from dataclasses import replace
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from spamlint.errors import ConfigError, brief
from spamlint.inputs.files import CONFIG_MAX_BYTES, read_regular, read_text_file
from spamlint.inputs.yaml_data import load_named
from spamlint.limits import Limits, parse_limits
from spamlint.record import Record, record

CONFIG_FILE = ".spamlint.yaml"
PYPROJECT = "pyproject.toml"
KEYS = ("threshold", "select", "ignore", "extend-select", "per-file-ignores", "rule-paths", "points",
        "sender-domains", "limits", "trusted-networks", "trusted-authserv-ids", "include", "extend-include", "draft",
        "online", "resolver", "profile", "docs-url")


@record()
class Config(Record):
    """Settings from one config file or from command-line flags; None/() means 'not set'."""

    threshold: float | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    rule_paths: tuple[Path, ...] = ()
    points: tuple[tuple[str, float], ...] = ()
    sender_domains: tuple[str, ...] = ()
    limits: Limits | None = None  # `limits: {max_input_bytes: ...}`; None: spamlint.limits defaults
    trusted_networks: tuple[str, ...] = ()  # CIDRs of the receiver's own relays (normalised)
    trusted_authserv_ids: tuple[str, ...] | None = None  # None: inferred from the Received trail
    draft: bool | None = None  # messages before submission: Date and Message-ID are not yet expected
    include: tuple[str, ...] | None = None  # globs a folder walk lists instead of the known extensions
    extend_include: tuple[str, ...] = ()  # globs a folder walk lists as well
    online: bool | None = None  # check DKIM/SPF/DMARC/PTR live over DNS; None: not set (off)
    profile: str | None = None  # "bulk": print the Gmail/Yahoo bulk-sender checklist instead of findings
    resolver: str | None = None  # HOST[:PORT] of the DNS server --online asks; None: the system's
    docs_url: str | None = None  # where the rule-paths rules are documented: {id} is the rule id, else appended
    root: Path | None = None  # folder of the config file: per-file-ignores globs are relative to it
    source: str = "defaults"  # the file the settings came from, for error messages

    def ignored_for(self, path: str) -> tuple[str, ...]:
        """Rule ids and categories that per-file-ignores turn off for this input path."""
        if not self.per_file_ignores:
            return ()
        rel = _relative(path.split("#", 1)[0], self.root)
        out: list[str] = []
        for glob, selectors in self.per_file_ignores:
            if _glob_match(rel, glob):
                out.extend(selectors)
        return tuple(out)


def effective(file_config: Config | None, flags: Config) -> Config:
    """THE precedence rule: built-in defaults < one config file < command-line flags.

    The config file is `--config PATH` when given, otherwise the nearest `.spamlint.yaml` or
    `pyproject.toml` with a `[tool.spamlint]` table, walking up from the linted file's folder
    (in one folder `.spamlint.yaml` wins); files are never merged.  Flags: `--threshold` and
    `--select` replace the file's value, `--ignore` adds to the file's list.
    """
    base = file_config or Config()
    return replace(
        base,
        threshold=flags.threshold if flags.threshold is not None else base.threshold,
        select=flags.select if flags.select is not None else base.select,
        ignore=base.ignore + flags.ignore,
        draft=flags.draft if flags.draft is not None else base.draft,
        online=flags.online if flags.online is not None else base.online,
        resolver=flags.resolver if flags.resolver is not None else base.resolver,
        profile=flags.profile if flags.profile is not None else base.profile,
    )


@lru_cache(maxsize=1024)
def find_config(folder: Path) -> Path | None:
    """The nearest config file at or above `folder`, or None."""
    for d in (folder, *folder.parents):
        candidate = d / CONFIG_FILE
        if candidate.exists() and not candidate.is_dir():  # a FIFO here is refused when loaded, never skipped
            return candidate
        pyproject = d / PYPROJECT
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


def load_config(path: Path) -> Config:
    """Read and validate one config file (.spamlint.yaml or pyproject.toml); cached while unchanged."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror or exc}") from None
    return _load_config(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _load_config(path: Path, mtime_ns: int, size: int) -> Config:
    try:
        text = read_text_file(path)  # a regular file of at most CONFIG_MAX_BYTES, never a FIFO or /dev/zero
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    data = _pyproject_table(path, text) if path.name == PYPROJECT else _yaml_mapping(path, text)
    return parse_config(data, str(path), path.parent.resolve())


def parse_config(data: dict[str, Any], source: str, root: Path | None) -> Config:
    """Validate a mapping of config keys; errors name the file and the key."""
    for key in data:
        if key not in KEYS:
            raise ConfigError(f"{source}: unknown key {brief(key)} (known: {', '.join(KEYS)})")
    return Config(
        threshold=_threshold(data, source),
        select=_selectors(data, "select", source) if "select" in data else None,
        ignore=_selectors(data, "ignore", source),
        extend_select=_selectors(data, "extend-select", source),
        per_file_ignores=_per_file(data, source),
        rule_paths=tuple((root or Path.cwd()) / p for p in _strings(data, "rule-paths", source)),
        points=_points(data, source),
        sender_domains=tuple(d.lower().strip(".") for d in _strings(data, "sender-domains", source)),
        limits=parse_limits(data["limits"], source) if "limits" in data else None,
        trusted_networks=_networks(data, source),
        trusted_authserv_ids=(tuple(a.lower().strip(".") for a in _strings(data, "trusted-authserv-ids", source))
                              if "trusted-authserv-ids" in data else None),
        draft=_bool(data, "draft", source),
        include=_strings(data, "include", source) if "include" in data else None,
        extend_include=_strings(data, "extend-include", source),
        online=_bool(data, "online", source), resolver=_resolver(data, source), profile=_profile(data, source),
        docs_url=_docs_url(data, source), root=root, source=source,
    )


def _bool(data: dict[str, Any], key: str, source: str) -> bool | None:
    if key not in data:
        return None
    if not isinstance(data[key], bool):
        raise ConfigError(f"{source}: key {key!r}: must be true or false, got {brief(data[key])}")
    return data[key]


PROFILES = ("bulk",)


def _profile(data: dict[str, Any], source: str) -> str | None:
    value = data.get("profile")
    if value is not None and value not in PROFILES:
        raise ConfigError(f"{source}: key 'profile': must be one of {', '.join(PROFILES)}, got {brief(value)}")
    return value


def _resolver(data: dict[str, Any], source: str) -> str | None:
    """`resolver`: HOST or HOST:PORT of the DNS server `online` asks (checked when the run goes online)."""
    value = data.get("resolver")
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ConfigError(f"{source}: key 'resolver': must be HOST or HOST:PORT, got {brief(value)}")
    return value.strip() if value else None


def _docs_url(data: dict[str, Any], source: str) -> str | None:
    """`docs-url`: an http(s) address of the team's rule docs, `{id}` standing for the rule id."""
    value = data.get("docs-url")
    if value is None:
        return None
    if not isinstance(value, str) or not is_web_url(docs_address(value, "rule-id")):
        raise ConfigError(f"{source}: key 'docs-url': must be an http(s) address like "
                          f"'https://wiki.example.com/mail-rules/{{id}}', got {brief(value)}")
    return value.strip()


def docs_address(template: str, rule_id: str) -> str:
    """A rule's documentation address from a `docs-url`: `{id}` replaced, or the id appended."""
    template = template.strip()
    return template.replace("{id}", rule_id) if "{id}" in template else template + rule_id


def is_web_url(value: str) -> bool:
    """An absolute http(s) address with a host and nothing a link cannot carry (spaces, quotes, controls)."""
    if len(value) > 2000 or any(c.isspace() or c in '"<>\\^`{|}' or ord(c) < 32 for c in value):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _networks(data: dict[str, Any], source: str) -> tuple[str, ...]:
    """`trusted-networks`: CIDRs (or single addresses), checked here so a typo names the key."""
    out = []
    for cidr in _strings(data, "trusted-networks", source):
        try:
            out.append(str(ipaddress.ip_network(cidr, strict=False)))
        except ValueError:
            raise ConfigError(f"{source}: key 'trusted-networks': {cidr!r} is not an IP network") from None
    return tuple(out)


def _yaml_mapping(path: Path, text: str) -> dict[str, Any]:
    data = load_named(text, str(path), ConfigError)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the config must be a mapping of keys")
    return data


def _pyproject_table(path: Path, text: str) -> dict[str, Any]:
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    tool = data.get("tool", {})
    table = tool.get("spamlint", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.spamlint] must be a table")
    return table


def _has_tool_table(path: Path) -> bool:
    """A cheap test on the bytes (any encoding, even a broken one); load_config validates properly.

    A pyproject.toml without a spamlint table is another tool's business: it is never decoded here.
    """
    try:
        data = read_regular(path, CONFIG_MAX_BYTES)
    except OSError:
        return False  # another tool's file it cannot read (pyproject.is_file() already passed over FIFOs)
    return b"[tool.spamlint" in data or b"tool.spamlint" in data.replace(b" ", b"")


def _threshold(data: dict[str, Any], source: str) -> float | None:
    if "threshold" not in data:
        return None
    value = data["threshold"]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ConfigError(f"{source}: key 'threshold': must be a number above 0, got {brief(value)}")
    return float(value)


def _strings(data: dict[str, Any], key: str, source: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{source}: key {brief(key)}: must be a list of names, got {brief(value)}")
    return tuple(v.strip() for v in value)


def _selectors(data: dict[str, Any], key: str, source: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):  # "a, b" as well as [a, b]
        value = [v for v in value.split(",") if v.strip()]
        data = {key: value}
    return _strings(data, key, source)


def _per_file(data: dict[str, Any], source: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    value = data.get("per-file-ignores", {})
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: key 'per-file-ignores': must map a glob to rules or categories")
    return tuple((str(glob), _selectors({f"per-file-ignores.{glob}": sel}, f"per-file-ignores.{glob}", source))
                 for glob, sel in value.items())


def _points(data: dict[str, Any], source: str) -> tuple[tuple[str, float], ...]:
    value = data.get("points", {})
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: key 'points': must map a rule id to a number")
    for rule, pts in value.items():
        if isinstance(pts, bool) or not isinstance(pts, (int, float)) or not math.isfinite(pts) or pts < 0:
            raise ConfigError(f"{source}: key 'points.{rule}': must be a number >= 0, got {brief(pts)}")
    return tuple((str(k), float(v)) for k, v in value.items())


def _relative(path: str, root: Path | None) -> str:
    p = Path(path)
    if root is not None:
        try:
            return p.resolve().relative_to(root).as_posix()
        except ValueError:
            pass
    return p.as_posix()


def _glob_match(rel: str, glob: str) -> bool:
    """Globs match the path relative to the config file's folder, or its file name alone."""
    if PurePosixPath(rel).match(glob) or fnmatch.fnmatch(rel, glob):
        return True
    return "/" not in glob and fnmatch.fnmatch(PurePosixPath(rel).name, glob)
