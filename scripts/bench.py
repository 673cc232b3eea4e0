"""Benchmark: spamlint's CLI throughput against a bare parse of the same files, in one run.

    python scripts/bench.py [CORPUS_DIR] [--jobs 1 2] [--repeat 3]

CORPUS_DIR defaults to ../shared/corpus/spamassassin (its ham and spam folders).  Prints
messages per second for `spamlint --format json` (one process, one core unless --jobs says
otherwise), for a bare parse (stdlib email + lxml for each HTML part) timed in the same run,
their ratio, the CPU seconds each run spent (all processes: `-j 2` against `-j 1` shows what
workers cost beyond the work) as a multiple of the bare parse's CPU seconds (steadier than
wall-clock ratios on a busy machine) with the system time and minor page faults in it (each
process's own heap and the pages a fork shares until written), and the start-up time of
linting one small template beside `python -c pass` (run both as the `spamlint` console script
and as `python -m spamlint`, and whether spamlint's modules had bytecode files).  Quote the
ratios: these machines are shared and single timings are noisy.

    python scripts/bench.py --scaling

times instead how one large input's lint grows with its size (in-process, CPU seconds, no
start-up): an HTML newsletter of 0.5 to 5 MB (the body of samples/newsletter.eml's HTML
part repeated, read with a part limit above its size and once with the default limits) and a
message of 1,250 to 10,000 links; each row's cost per MB or per 1,000 links should stay flat.

    python scripts/bench.py CORPUS_DIR --list-every N

prints every Nth file of the corpus (in the order the benchmark reads them): a fixed subset for
instruction counts, which repeat whatever the machine's load, e.g.
`valgrind --tool=callgrind spamlint --format json $(python scripts/bench.py DIR --list-every 10)`.
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
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
SPAMASSASSIN_SETS = ("easy_ham", "easy_ham_2", "hard_ham", "spam", "spam_2")
SKIP_FOLDERS = frozenset({"_source"})  # a corpus set's licences and READMEs, not mail (as compare_corpus.py)
TEMPLATE_SUFFIXES = (".html", ".htm")  # bare templates: the bare parse reads them with lxml alone


def corpus_files(corpus: Path) -> list[Path]:
    """The message files under the corpus folder (SpamAssassin layout or any folder of files)."""
    roots = [corpus / s for s in SPAMASSASSIN_SETS if (corpus / s).is_dir()] or [corpus]
    return sorted(p for r in roots for p in r.rglob("*") if p.is_file() and p.suffix not in (".md", ".tsv")
                  and SKIP_FOLDERS.isdisjoint(p.relative_to(r).parts))


def bare_parse(paths: list[Path]) -> tuple[float, float]:
    """Wall-clock and CPU seconds to read each file, parse it with the stdlib and its HTML parts with
    lxml; a bare HTML template (by its suffix) is one HTML part, read by lxml alone."""
    start, cpu = time.perf_counter(), time.process_time()
    for path in paths:
        data = path.read_bytes()
        if path.suffix.lower() in TEMPLATE_SUFFIXES:
            _parse_html(data)
            continue
        msg = email.message_from_bytes(data, policy=policy.compat32)
        for part in msg.walk():
            if part.get_content_type() == "text/html":
                payload = part.get_payload(decode=True)
                if isinstance(payload, bytes):
                    _parse_html(payload)
    return time.perf_counter() - start, time.process_time() - cpu


def _parse_html(data: bytes) -> None:
    import lxml.html

    if data.strip():
        try:
            lxml.html.document_fromstring(data)
        except Exception:  # lxml refuses some junk; a parse attempt is what we time
            pass


class Run(NamedTuple):
    """One command's cost: wall-clock and CPU seconds (user + system), system seconds and minor
    page faults, the command and its workers together."""

    wall: float
    cpu: float
    system: float
    faults: int


def timed(command: list[str]) -> Run:
    """What one command cost (its output discarded)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    system = after.ru_stime - before.ru_stime
    return Run(wall, (after.ru_utime - before.ru_utime) + system, system, after.ru_minflt - before.ru_minflt)


def newsletter_of(size: int) -> bytes:
    """An HTML newsletter of about `size` bytes: samples/newsletter.eml's HTML body repeated."""
    msg = email.message_from_bytes((ROOT / "samples" / "newsletter.eml").read_bytes(), policy=policy.compat32)
    html = next(p for p in msg.walk() if p.get_content_type() == "text/html").get_payload(decode=True)
    head, rest = html.split(b"<body", 1)
    tag, rest = rest.split(b">", 1)
    inner, tail = rest.rsplit(b"</body>", 1)
    return head + b"<body" + tag + b">" + inner * max(1, size // len(inner)) + b"</body>" + tail


def links_message(count: int) -> bytes:
    """An HTML message of `count` links to distinct URLs on 700 hosts under 13 domains."""
    links = "".join(f'<p><a href="https://host{i % 700}.example{i % 13}.com/story/{i}?u={i}">Story {i}: '
                    f"read it at host{i % 50}.example.com</a></p>\n" for i in range(count))
    return ("From: News <news@example.com>\nTo: reader@example.org\nSubject: Today's links\n"
            "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
            f"<html><body>{links}</body></html>\n").encode()


def lint_cpu(data: bytes, repeat: int, limits: object = None) -> tuple[float, list[str]]:
    """The best CPU seconds of `repeat` in-process lints of data, and the limits its report met."""
    import spamlint

    best, report = float("inf"), None
    for _ in range(repeat):
        cpu = time.process_time()
        report = spamlint.lint(data, limits=limits)
        best = min(best, time.process_time() - cpu)
    met = [f.message.split(" (limit ")[-1].rstrip(")") for f in report.findings if f.rule == "limit-reached"]
    return best, met


def scaling(repeat: int) -> None:
    """Print how one input's lint time grows with its size (CPU per MB, per 1,000 links)."""
    import spamlint

    spamlint.lint(b"Subject: warm-up\n\nwarm up the rule pack and its lazy patterns")
    raised = spamlint.Limits(max_part_bytes=8 << 20)  # read the whole body at every size
    print("HTML newsletter (samples/newsletter.eml's body repeated), in-process lint:")
    for mb in (0.5, 1, 2, 4):
        data = newsletter_of(int(mb * 1e6))
        cpu, met = lint_cpu(data, repeat, raised)
        print(f"  {len(data) / 1e6:5.2f} MB, part limit 8 MiB:   CPU {cpu:6.2f} s = {cpu / (len(data) / 1e6):.3f} s/MB"
              + (f"   limits met: {', '.join(met)}" if met else ""))
    data = newsletter_of(5_000_000)
    cpu, met = lint_cpu(data, repeat)
    print(f"  {len(data) / 1e6:5.2f} MB, default limits:     CPU {cpu:6.2f} s"
          + (f"   limits met: {', '.join(met)}" if met else ""))
    print("Message with many links (distinct URLs), in-process lint:")
    for count in (1250, 2500, 5000, 10000):
        cpu, met = lint_cpu(links_message(count), repeat)
        print(f"  {count:6,} links:   CPU {cpu:6.2f} s = {1000 * cpu / count:.3f} s per 1,000 links"
              + (f"   limits met: {', '.join(met)}" if met else ""))


def main() -> None:
    """Run the benchmark and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus" / "spamassassin"))
    ap.add_argument("--jobs", type=int, nargs="*", default=[1], help="also time -j N for each N (N > 1)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the best is kept")
    ap.add_argument("--scaling", action="store_true", help="time large inputs of growing size instead")
    ap.add_argument("--startup", type=int, metavar="N", help="time only the start-up, as the median of N runs")
    ap.add_argument("--list-every", type=int, metavar="N",
                    help="print every Nth file of the corpus instead (a fixed subset, e.g. for callgrind)")
    opts = ap.parse_args()
    if opts.scaling:
        scaling(opts.repeat)
        return
    if opts.startup:
        startup(opts.startup)
        return
    paths = corpus_files(Path(opts.corpus))
    if not paths:
        sys.exit(f"bench: no files under {opts.corpus}")
    if opts.list_every:
        print("\n".join(str(p) for p in paths[::opts.list_every]))
        return
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
        secs, cpu = min(r.wall for r in runs), min(r.cpu for r in runs)
        serial, serial_cpu = serial or secs, serial_cpu or cpu
        least = min(runs, key=lambda r: r.cpu)
        label = f"spamlint --format json -j {jobs}:"
        print(f"{label:<36}{n / secs:8.0f} messages/s   ({base / secs:.2f}x bare parse, "
              f"{serial / secs:.2f}x -j 1; CPU {cpu:.1f} s = {cpu / base_cpu:.1f}x the bare parse's, "
              f"{cpu / serial_cpu:.2f}x -j 1; of it system {least.system:.2f} s, {least.faults:,} minor page faults)")
    startup(max(5, opts.repeat))


def startup(tries: int) -> None:
    """Print the median wall-clock and CPU time of linting one small template against `python -c pass`.

    Timed two ways, the runs interleaved with `python -c pass`'s so that the machine's drift
    falls on both alike: the `spamlint` console script (what a pre-commit hook and a user's
    shell run) when it is installed beside this Python, and `python -m spamlint`, which also
    pays for runpy and importlib.util.
    """
    template = ROOT / "samples" / "welcome-template.html"
    commands = {"python -m spamlint": [sys.executable, "-m", "spamlint", str(template)]}
    script = console_script()
    if script is not None:
        commands = {"spamlint (console script)": [str(script), str(template)], **commands}
    runs: dict[str, list[tuple[float, float]]] = {label: [] for label in ["python -c pass", *commands]}
    for _ in range(tries):
        runs["python -c pass"].append(timed([sys.executable, "-c", "pass"]))
        for label, command in commands.items():
            runs[label].append(timed(command))
    bare_wall, bare_cpu = (statistics.median(r[i] for r in runs["python -c pass"]) for i in (0, 1))
    for label in commands:
        wall, cpu = (statistics.median(r[i] for r in runs[label]) for i in (0, 1))
        print(f"start-up, one small template, {label}: {wall * 1000:4.0f} ms   "
              f"({wall / bare_wall:.1f}x python -c pass, {bare_wall * 1000:.0f} ms; CPU {cpu * 1000:.0f} ms = "
              f"{cpu / bare_cpu:.1f}x; median of {tries}; {bytecode_state()})")


def console_script() -> Path | None:
    """The `spamlint` console script installed beside this Python (what a hook runs), if any."""
    script = Path(sys.executable).parent / "spamlint"
    return script if script.exists() else None


def bytecode_state() -> str:
    """Whether spamlint's modules load from bytecode files here (pip writes them; an editable
    install under PYTHONDONTWRITEBYTECODE=1 compiles every module from source on each run)."""
    import importlib.util

    spec = importlib.util.find_spec("spamlint")
    origin = spec.origin if spec is not None else None
    if origin is None:
        return "spamlint not found"
    present = Path(importlib.util.cache_from_source(origin)).exists()
    return "with bytecode files" if present else "without bytecode files"


if __name__ == "__main__":
    main()
