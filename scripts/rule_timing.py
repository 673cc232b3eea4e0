#!/usr/bin/env python3
"""Where the time goes: parsing against each rule's check, in ms per message, slowest first.

    python scripts/rule_timing.py [CORPUS_DIR] [--top 20]

CORPUS_DIR defaults to ../shared/corpus/spamassassin (its ham and spam folders), the files
scripts/bench.py times.  Each message is parsed and checked before the next is read, as the
CLI does.  Lazily built text layers (canonical text, word sets) are paid for by the first
rule that asks for them, so that rule looks slower than its own work.  Use it to find what
to speed up; quote scripts/bench.py for throughput.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from itertools import islice
from pathlib import Path

from bench import ROOT, corpus_files

import spamlint
from spamlint.checks import Check
from spamlint.engine.rules import builtin_rules
from spamlint.engine.run import Engine


def main() -> None:
    """Parse and check every file once, timing each step, and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus" / "spamassassin"))
    ap.add_argument("--top", type=int, default=20, help="rules to list [default: 20]")
    opts = ap.parse_args()
    paths = corpus_files(Path(opts.corpus))
    if not paths:
        sys.exit(f"rule_timing: no files under {opts.corpus}")
    engine = Engine(builtin_rules())
    parse, per_rule = 0.0, defaultdict(float)
    clock = time.perf_counter
    for path in paths:
        start = clock()
        doc = spamlint.load_document(path)
        parse += clock() - start
        ctx = engine.context(doc)  # one run: the facts are built by whichever rule asks first
        for rule in (r for r in engine.rules if isinstance(r.check, Check)):  # unused-suppression reads no document
            start = clock()
            for _ in islice(rule.check.run(doc, ctx, rule.scope), rule.max_hits):  # as the engine runs it
                pass
            per_rule[rule.id] += clock() - start
    n = len(paths)
    print(f"{n} files; ms per message: parse {1000 * parse / n:.3f}, checks {1000 * sum(per_rule.values()) / n:.3f}")
    kinds = {r.id: r.check_name for r in engine.rules}
    for rule_id, secs in sorted(per_rule.items(), key=lambda kv: -kv[1])[:opts.top]:
        print(f"{1000 * secs / n:8.3f}  {rule_id:<28} {kinds[rule_id]}")


if __name__ == "__main__":
    main()
