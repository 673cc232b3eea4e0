"""Lint a corpus once into hit vectors: per message, each rule's finding weights (points at 1 point each).

Scores for any set of points follow from a hit vector by the scoring rule itself (findings
rounded to 0.01 point, capped category subtotals), so an evaluation, a fit and a
leave-one-source-out run all reuse one lint pass; a cache keeps the vectors between runs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from spamlint.engine.rules import Rule
from spamlint.engine.run import Engine
from spamlint.model.findings import CATEGORY_CAPS
from spamlint.errors import SpamlintError
from spamlint.evaluation.corpus import Item, strip_verdict_headers
from spamlint.inputs import mime

CACHE_VERSION = 1


@dataclass(frozen=True)
class HitVector:
    """One linted input: its source and label, and per rule the weights of the findings it gave."""

    name: str
    folder: str
    spam: bool
    newsletter: bool
    hits: tuple[tuple[str, tuple[float, ...]], ...] = ()
    error: str = ""

    def weight(self, rule: str) -> float:
        """The summed hit weight of one rule (0 when it did not fire)."""
        return next((sum(w) for r, w in self.hits if r == rule), 0.0)


def unit_rules(rules: Sequence[Rule]) -> tuple[Rule, ...]:
    """The enabled rules with 1 point each, so a finding's points are its hit weight."""
    return tuple(dataclasses.replace(r, points=1.0) for r in rules if r.enabled)


def score_of(vec: HitVector, points: Mapping[str, float], categories: Mapping[str, str],
             caps: Mapping[str, float] | None = None) -> float:
    """The score `spamlint check` gives this input with these points (scoring.score's arithmetic)."""
    caps = CATEGORY_CAPS if caps is None else caps
    raw: dict[str, float] = {}
    for rule, weights in vec.hits:
        p = points.get(rule, 0.0)
        cat = categories[rule]
        raw[cat] = raw.get(cat, 0.0) + sum(round(p * w, 2) for w in weights)
    return float(round(sum(round(min(v, caps.get(c, float("inf"))), 2) for c, v in raw.items()), 2))


# Per-process state for workers: built once per process, never shared between processes.
_STATE: dict[str, Engine] = {}


def _init(rules: tuple[Rule, ...]) -> None:
    _STATE["engine"] = Engine(rules)


def _lint(item: Item) -> HitVector:
    name = item.source.name
    base = HitVector(name, item.folder, item.spam, item.newsletter)
    try:
        data = strip_verdict_headers(item.source.read())
        doc = mime.load(data, name, item.source.ext)
        findings = _STATE["engine"].run(doc)
    except SpamlintError as exc:
        return dataclasses.replace(base, error=str(exc))
    except Exception as exc:  # a bug in a check must not end a corpus run; it is counted and shown
        return dataclasses.replace(base, error=f"{name}: internal error ({type(exc).__name__}: {exc})")
    hits: dict[str, list[float]] = {}
    for f in findings:
        hits.setdefault(f.rule, []).append(f.points)
    return dataclasses.replace(base, hits=tuple(sorted((r, tuple(w)) for r, w in hits.items())))


def lint_hits(items: Sequence[Item], rules: Sequence[Rule], jobs: int = 1,
              cache: str | os.PathLike | None = None) -> list[HitVector]:
    """Hit vectors for every item, in input order; with `cache`, unchanged files are not linted again."""
    unit = unit_rules(rules)
    stored = _read_cache(cache, unit) if cache else {}
    keys = [_file_key(item) for item in items]
    todo = [i for i, k in enumerate(keys) if k is None or k not in stored]
    fresh = _run([items[i] for i in todo], unit, jobs)
    found = dict(zip(todo, fresh))
    out = []
    for i, (item, key) in enumerate(zip(items, keys)):
        vec = found.get(i) or dataclasses.replace(stored[key], name=item.source.name, folder=item.folder,
                                                  spam=item.spam, newsletter=item.newsletter)
        out.append(vec)
    if cache and todo:
        fresh_rows = {k: v for k, v in zip(keys, out) if k is not None and not v.error}
        _write_cache(cache, unit, {**stored, **fresh_rows})
    return out


def _run(items: Sequence[Item], unit: tuple[Rule, ...], jobs: int) -> list[HitVector]:
    if jobs <= 1 or len(items) < 2:
        _init(unit)
        return [_lint(item) for item in items]
    ctx = multiprocessing.get_context("fork")  # workers inherit the loaded rule pack
    with ctx.Pool(jobs, initializer=_init, initargs=(unit,)) as pool:
        return list(pool.imap(_lint, items, chunksize=16))


def _file_key(item: Item) -> str | None:
    """A file's identity for the cache: path, size and modification time (None: not a plain file)."""
    path = item.source.path
    if path is None or item.source.name != str(path):
        return None  # stdin or a message inside an mbox
    try:
        st = path.stat()
    except OSError:
        return None
    return f"{path.resolve()}\t{st.st_size}\t{st.st_mtime_ns}"


def fingerprint(unit: Sequence[Rule]) -> str:
    """What the hit vectors depend on: the rules (all at 1 point) and the package's code."""
    defs = [(r.id, r.category, r.check_name, r.scope, r.max_hits, r.points, r.options) for r in sorted(unit, key=lambda r: r.id)]
    h = hashlib.sha256(json.dumps(defs, sort_keys=True, default=repr).encode())
    pkg = Path(__file__).resolve().parents[1]
    for path in sorted(pkg.rglob("*.py")):
        if _presentation(path.relative_to(pkg).as_posix()):
            continue
        h.update(path.relative_to(pkg).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _presentation(rel: str) -> bool:
    """Code that cannot change a hit: the CLI, formatters, and the evaluation's fitting and reports."""
    if rel == "cli.py" or rel.startswith("formatters/"):
        return True
    return rel.startswith("evaluation/") and rel not in ("evaluation/corpus.py", "evaluation/hits.py")


def _read_cache(path: str | os.PathLike, unit: Sequence[Rule]) -> dict[str, HitVector]:
    try:
        with open(path, encoding="utf-8") as fh:
            head = json.loads(fh.readline() or "{}")
            if head != {"version": CACHE_VERSION, "fingerprint": fingerprint(unit)}:
                return {}  # other rules or other code: every file is linted again
            rows = [json.loads(line) for line in fh]
    except (OSError, ValueError):
        return {}
    return {r["key"]: HitVector("", "", False, False, tuple((k, tuple(w)) for k, w in r["hits"])) for r in rows}


def _write_cache(path: str | os.PathLike, unit: Sequence[Rule], vectors: dict[str, HitVector]) -> None:
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"version": CACHE_VERSION, "fingerprint": fingerprint(unit)}) + "\n")
        for key, vec in vectors.items():
            fh.write(json.dumps({"key": key, "hits": [[r, list(w)] for r, w in vec.hits]}) + "\n")
    os.replace(tmp, path)
