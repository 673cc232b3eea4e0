#!/usr/bin/env python3
"""Instruction counts: spamlint against a bare parse of the same files, under valgrind's callgrind.

    python scripts/bench_instructions.py [CORPUS_DIR] [--every 10]

Timed ratios on a shared machine swing by a third between runs of the same build (the bare
parse's CPU alone went from 0.5 to 0.8 s); instruction counts repeat whatever the load.  This
counts, over every Nth file of the corpus (the subset `bench.py --list-every N` prints):

- the bare parse of scripts/bench.py (stdlib email, lxml for each HTML part), per file;
- spamlint's own parse alone (`spamlint.load_document`), per file: the floor under any lint;
- `spamlint --format json` over the subset, per file, less one run on a small template;
- that run on the small template (start-up) against `python -c pass`.

    python scripts/bench_instructions.py --startup

counts instead the start-up step by step (the interpreter, `import spamlint`, click, the CLI
layer, the rule pack from its cache, the whole run on the small template), each with what it adds.

    python scripts/bench_instructions.py --links

counts one in-process lint of `bench.py --scaling`'s many-links message at 1,250 to 10,000
links, per link: the work, where `--scaling`'s seconds also carry the CPU caches' misses.

Each in-process count is taken twice, with the files and without, and the difference divided
by the number of files, so the interpreter's and the imports' cost falls out.  One uncounted
run first fills spamlint's cache folder, as any run after a user's first finds it.  An editable
install is flagged: its import finder runs at every interpreter start (`python -c pass` counts
88M instead of 38M), so count a `pip install .` for start-up figures.  Needs valgrind
(Debian's `valgrind`); one SpamAssassin subset of 303 files takes a few minutes.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import ROOT, bare_parse, console_script, corpus_files  # noqa: E402

COLLECTED = re.compile(r"^==\d+== Collected : (\d+)$", re.MULTILINE)
TEMPLATE = ROOT / "samples" / "welcome-template.html"
LINT_EXITS = (0, 1)  # spamlint's "passed" and "failed"; 2 (usage, config, input error) is refused


def collected(stderr: str) -> int:
    """The instruction total callgrind printed (its 'Collected :' line)."""
    found = COLLECTED.search(stderr)
    if found is None:
        raise ValueError("valgrind printed no 'Collected :' line; is the callgrind tool installed?")
    return int(found.group(1))


def count(command: list[str], exits: tuple[int, ...] = (0,)) -> int:
    """Instructions one command executes under callgrind (its output discarded).

    A command that ends with another exit status stopped early, so its count is refused.
    """
    run = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
                         cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    if run.returncode not in exits:
        tail = run.stderr.strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"{' '.join(command[:3])} ... exited with {run.returncode}: {tail[0]}")
    return collected(run.stderr)


def in_process(mode: str, args: list[str]) -> list[str]:
    """The command that runs this script's `mode` (bare, load or links) on args in a fresh interpreter."""
    return [sys.executable, str(Path(__file__).resolve()), f"--run-{mode}", *args]


def per_file(mode: str, paths: list[str]) -> float:
    """Instructions per file of `mode` over paths, less the same run over no files."""
    return (count(in_process(mode, paths)) - count(in_process(mode, []))) / len(paths)


def spamlint_command() -> list[str]:
    """The console script beside this Python (what a hook runs), else `python -m spamlint`."""
    script = console_script()
    return [str(script)] if script is not None else [sys.executable, "-m", "spamlint"]


def editable(direct_url: str | None) -> bool:
    """Whether a distribution's direct_url.json (PEP 610) says it is an editable install."""
    try:
        found = json.loads(direct_url or "{}")
    except ValueError:
        return False
    info = found.get("dir_info") if isinstance(found, dict) else None
    return isinstance(info, dict) and info.get("editable") is True


def install_note() -> str:
    """A warning for an editable install of spamlint, whose finder runs at every interpreter start."""
    from importlib import metadata

    try:
        direct_url = metadata.distribution("spamlint").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return ""
    if not editable(direct_url):
        return ""
    return ("note: spamlint is an editable install here; its import finder runs at every start, "
            "python -c pass included, so the start-up ratio is not a user's (count a `pip install .`)")


def warm(paths: list[str]) -> None:
    """One uncounted lint of paths: it fills the user's cache (the rule pack, the language model's
    arrays) as any run after a user's first finds it; a first run that built them counted
    billions more instructions on phishing_pot."""
    subprocess.run([*spamlint_command(), "--format", "json", *paths], cwd=ROOT, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)


def report(corpus: Path, every: int) -> None:
    """Count each measurement over every Nth file of corpus and print them with their ratios."""
    paths = [str(p) for p in corpus_files(corpus)[::every]]
    if not paths:
        sys.exit(f"bench_instructions: no files under {corpus}")
    print(f"files: {len(paths)} (every {every}th under {corpus}); instructions under callgrind")
    warm(paths)
    bare, load = per_file("bare", paths), per_file("load", paths)
    python = count([sys.executable, "-c", "pass"])
    start = count([*spamlint_command(), str(TEMPLATE)], LINT_EXITS)
    lint = (count([*spamlint_command(), "--format", "json", *paths], LINT_EXITS) - start) / len(paths)
    rows = [
        ("python -c pass", python, ""),
        ("start-up: spamlint on one small template", start, f"{start / python:.1f}x python -c pass"),
        ("bare parse (stdlib email + lxml), per file", bare, ""),
        ("spamlint's parse alone (load_document), per file", load, f"{load / bare:.1f}x the bare parse"),
        ("spamlint --format json, per file", lint, f"{lint / bare:.1f}x the bare parse"),
    ]
    for label, value, ratio in rows:
        print(f"  {label:<52}{value / 1e6:10.2f}M   {ratio}")


# start-up, one step more each: what the interpreter, spamlint's modules, click, the CLI layer
# and the rule pack (from its cache) add
STARTUP_STEPS = (
    ("python -c pass", "pass"),
    ("import spamlint", "import spamlint"),
    ("import spamlint, click", "import spamlint, click"),
    ("import spamlint.cli", "import spamlint.cli"),
    ("... and build the rule pack", "import spamlint.cli; from spamlint.engine.rules import builtin_rules; builtin_rules()"),
)


def startup_steps() -> None:
    """Count start-up step by step, then the whole run on the small template, each with what it adds."""
    warm([str(TEMPLATE)])
    previous = 0
    rows = [(label, count([sys.executable, "-c", code])) for label, code in STARTUP_STEPS]
    rows.append(("spamlint on one small template", count([*spamlint_command(), str(TEMPLATE)], LINT_EXITS)))
    for label, value in rows:
        print(f"  {label:<52}{value / 1e6:10.2f}M   +{(value - previous) / 1e6:.2f}M")
        previous = value


def run_bare(paths: list[str]) -> None:
    """The bare parse over paths (counted by `report` in a fresh interpreter)."""
    import lxml.html  # noqa: F401  (imported with or without files: its cost falls out)

    bare_parse([Path(p) for p in paths])


LINK_COUNTS = (1250, 2500, 5000, 10000)


def link_scaling() -> None:
    """Count one in-process lint of bench.py's many-links message at growing sizes, per link."""
    base = count(in_process("links", ["0"]))  # the interpreter, the imports and a warm-up lint
    for links in LINK_COUNTS:
        each = (count(in_process("links", [str(links)])) - base) / links
        print(f"  {links:6,} links: {each / 1e6:6.3f}M instructions per link")


def run_links(counts: list[str]) -> None:
    """A warm-up lint, then one lint of a message of each given number of links (none for 0)."""
    import spamlint
    from bench import links_message

    spamlint.lint(b"Subject: warm-up\n\nwarm up the rule pack and its lazy patterns")
    for links in map(int, counts):
        if links:
            spamlint.lint(links_message(links))


def run_load(paths: list[str]) -> None:
    """spamlint's parse alone over paths: each file read into a Document, no rule run."""
    import spamlint

    for path in paths:
        spamlint.load_document(Path(path))


def main() -> None:
    """Count and print, or run one in-process measurement when called by `count`."""
    runs = {"--run-bare": run_bare, "--run-load": run_load, "--run-links": run_links}
    if len(sys.argv) > 1 and sys.argv[1] in runs:
        runs[sys.argv[1]](sys.argv[2:])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus" / "spamassassin"))
    ap.add_argument("--every", type=int, default=10, metavar="N", help="count every Nth file [default: 10]")
    ap.add_argument("--startup", action="store_true", help="count start-up step by step instead")
    ap.add_argument("--links", action="store_true", help="count a lint of 1,250-10,000 links per link instead")
    opts = ap.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("bench_instructions: valgrind is not installed (Debian: apt-get install valgrind)")
    if note := install_note():
        print(note)
    try:
        if opts.startup:
            startup_steps()
        elif opts.links:
            link_scaling()
        else:
            report(Path(opts.corpus), max(1, opts.every))
    except (RuntimeError, ValueError) as exc:  # a run that failed, or valgrind without callgrind
        sys.exit(f"bench_instructions: {exc}")


if __name__ == "__main__":
    main()
