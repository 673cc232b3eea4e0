"""Lint every message and template under a corpus folder and count anything that is not a clean report.

    python scripts/smoke_corpus.py ../shared/corpus [--slowest 10]

Every input must give a Report: a refused input (a spamlint error) or a crash (any other
exception) is an error, printed with its file, and the exit status is 1 if there is any.
Also printed: how many inputs passed a limit (limit-reached, by limit), and the slowest
inputs, so a check that has become slow shows up here first.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

from spamlint import SpamlintError, lint_document
from spamlint.inputs import mime
from spamlint.inputs.sources import Source, expand

SKIP_FOLDERS = frozenset({"_source"})  # licences and READMEs of the corpus' origin, not mail
_LIMIT_NAME = re.compile(r"\(limit (\w+)=")


def inputs(root: Path) -> list[Source]:
    """Every lintable file under root (as the CLI walks folders), minus the corpus' own paperwork."""
    return [s for s in expand([str(root)]) if not SKIP_FOLDERS & set(Path(s.name).parts)]


def lint_one(source: Source) -> tuple[str, float, list[str]]:
    """('ok' | 'refused: ...' | 'crash: ...', seconds, names of limits passed)."""
    start = time.perf_counter()
    try:
        report = lint_document(mime.load(source.read(), source.name, source.ext))
    except SpamlintError as exc:
        return f"refused: {exc}", time.perf_counter() - start, []
    except Exception:  # the point of the script: any other exception is a bug to report
        return "crash: " + traceback.format_exc(limit=-3).strip().replace("\n", "\n    "), time.perf_counter() - start, []
    limits = [m.group(1) for f in report.findings if f.rule == "limit-reached" for m in [_LIMIT_NAME.search(f.message)] if m]
    return "ok", time.perf_counter() - start, limits


def main(argv: list[str] | None = None) -> int:
    """Run over the corpus and print counts; 0 when every input gave a report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--slowest", type=int, default=10, help="list this many slowest inputs")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"smoke_corpus: {args.corpus} is not a folder", file=sys.stderr)
        return 2
    sources = inputs(args.corpus)
    errors, limits, times = 0, Counter(), []
    started = time.perf_counter()
    for source in sources:
        status, seconds, passed = lint_one(source)
        times.append((seconds, source.name))
        limits.update(passed)
        if status != "ok":
            errors += 1
            print(f"ERROR {source.name}: {status}")
    total = time.perf_counter() - started
    print(f"{len(sources)} inputs linted in {total:.1f} s ({len(sources) / max(total, 1e-9):.0f}/s): {errors} errors")
    print("limits passed: " + (", ".join(f"{k} ×{n}" for k, n in limits.most_common()) or "none"))
    for seconds, name in sorted(times, reverse=True)[:args.slowest]:
        print(f"  {seconds * 1000:8.1f} ms  {name}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
