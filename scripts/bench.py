"""Benchmark: spamlint's CLI throughput against a bare parse of the same files, in one run.

    python scripts/bench.py [CORPUS_DIR] [--jobs 1 2] [--repeat 3]

CORPUS_DIR defaults to ../shared/corpus/spamassassin (its ham and spam folders).  Prints
messages per second for `spamlint --format json` (one process, one core unless --jobs says
otherwise), for a bare parse (stdlib email + lxml for each HTML part) timed in the same run,
their ratio, the CPU seconds each run spent (all processes: `-j 2` against `-j 1` shows what
workers cost beyond the work) as a multiple of the bare parse's CPU seconds (steadier than
wall-clock ratios on a busy machine), and the start-up time of linting one small template beside
`python -c pass`.  Quote the ratios: these machines are shared and single timings are noisy.
"""

from __future__ import annotations

import argparse
import email
import resource
import statistics
import subprocess
import sys
import time
from email import policy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPAMASSASSIN_SETS = ("easy_ham", "easy_ham_2", "hard_ham", "spam", "spam_2")


def corpus_files(corpus: Path) -> list[Path]:
    """The message files under the corpus folder (SpamAssassin layout or any folder of files)."""
    roots = [corpus / s for s in SPAMASSASSIN_SETS if (corpus / s).is_dir()] or [corpus]
    return sorted(p for r in roots for p in r.rglob("*") if p.is_file() and p.suffix not in (".md", ".tsv"))


def bare_parse(paths: list[Path]) -> tuple[float, float]:
    """Wall-clock and CPU seconds to read each file, parse it with the stdlib and its HTML parts with lxml."""
    import lxml.html

    start, cpu = time.perf_counter(), time.process_time()
    for path in paths:
        msg = email.message_from_bytes(path.read_bytes(), policy=policy.compat32)
        for part in msg.walk():
            if part.get_content_type() == "text/html":
                payload = part.get_payload(decode=True)
                if isinstance(payload, bytes) and payload.strip():
                    try:
                        lxml.html.document_fromstring(payload)
                    except Exception:  # lxml refuses some junk; a parse attempt is what we time
                        pass
    return time.perf_counter() - start, time.process_time() - cpu


def cli_seconds(args: list[str]) -> float:
    """Wall-clock seconds of one spamlint command (output discarded)."""
    return timed([sys.executable, "-m", "spamlint", *args])[0]


def timed(command: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system, the command and its workers) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    """Run the benchmark and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus" / "spamassassin"))
    ap.add_argument("--jobs", type=int, nargs="*", default=[1], help="also time -j N for each N (N > 1)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the best is kept")
    opts = ap.parse_args()
    paths = corpus_files(Path(opts.corpus))
    if not paths:
        sys.exit(f"bench: no files under {opts.corpus}")
    n = len(paths)
    names = [str(p) for p in paths]
    bare = [bare_parse(paths) for _ in range(opts.repeat)]
    base, base_cpu = min(w for w, _ in bare), min(c for _, c in bare)
    print(f"files: {n} under {opts.corpus}")
    print(f"bare parse (stdlib email + lxml):   {n / base:8.0f} messages/s   (CPU {base_cpu:.1f} s)")
    serial = serial_cpu = None
    for jobs in sorted(set(opts.jobs) | {1}):
        extra = [] if jobs == 1 else ["-j", str(jobs)]
        runs = [timed([sys.executable, "-m", "spamlint", "--format", "json", *extra, *names])
                for _ in range(opts.repeat)]
        secs, cpu = min(w for w, _ in runs), min(c for _, c in runs)
        serial, serial_cpu = serial or secs, serial_cpu or cpu
        label = f"spamlint --format json -j {jobs}:"
        print(f"{label:<36}{n / secs:8.0f} messages/s   ({base / secs:.2f}x bare parse, "
              f"{serial / secs:.2f}x -j 1; CPU {cpu:.1f} s = {cpu / base_cpu:.1f}x the bare parse's, "
              f"{cpu / serial_cpu:.2f}x -j 1)")
    template = ROOT / "samples" / "welcome-template.html"
    tries = max(5, opts.repeat)
    startup = statistics.median(cli_seconds([str(template)]) for _ in range(tries))
    bare = statistics.median(timed([sys.executable, "-c", "pass"])[0] for _ in range(tries))
    print(f"start-up, one small template:       {startup * 1000:8.0f} ms   "
          f"({startup / bare:.1f}x python -c pass, {bare * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
