"""Mutation fuzzing of spamlint.lint over real mail: bit flips, truncation, splicing, repeats.

    python fuzz/mutate.py ../shared/corpus --seconds 1800 --out /tmp/spamlint-mutate [--seed 1]

Each case takes one message of the folder (read in place, never copied into the project),
mutates it and lints the result in this process, with an alarm of --timeout seconds per case
and the address space capped at --memory-mb.  Anything but a Report or a SpamlintError is a
crash; the input is written to --out as crash-<sha1>.eml (or timeout-/oom-) with a .txt
saying what happened.  Minimise a crasher before it becomes a test or a seed (fuzz/README.md).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import signal
import sys
import time
import traceback
from pathlib import Path

import spamlint
from spamlint import Limits, SpamlintError

READ_CAP = 256 * 1024  # bytes of each corpus file used: enough for structure, keeps cases fast
TIGHT = Limits(max_mime_depth=3, max_mime_parts=8, max_part_bytes=4096, max_header_bytes=512,
               max_html_nodes=64, max_html_depth=8, max_links=4, max_images=4,
               search_factor=1, min_search_chars=256)
SKIP = {"README.md", "SOURCE.md", "MANIFEST.tsv"}


class CaseTimeout(Exception):
    """A case ran past --timeout seconds."""


def inputs(root: Path) -> list[Path]:
    """Every corpus file under root (not the sets' own documentation)."""
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name not in SKIP and "_source" not in p.parts)


def mutate(rng: random.Random, data: bytes, other: bytes) -> tuple[str, bytes]:
    """One mutation of data: its name and the result."""
    kind = rng.choice(("flip", "truncate", "splice", "repeat", "insert"))
    buf = bytearray(data)
    if kind == "flip" and buf:
        for _ in range(rng.randint(1, 32)):
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)
    elif kind == "truncate" and buf:
        buf = buf[:rng.randrange(len(buf))]
    elif kind == "splice":
        buf = buf[:rng.randrange(len(buf) + 1)] + other[rng.randrange(len(other) + 1):]
    elif kind == "repeat" and buf:
        i = rng.randrange(len(buf))
        j = min(len(buf), i + rng.randint(1, 64))
        buf[i:i] = buf[i:j] * rng.randint(2, 2000)
    else:
        tokens = (b"\n--", b"=?utf-8?b?", b"=?utf-7?q?+2AA-", b"<!--", b"<style>", b"&#x", b"\r\n\r\n",
                  b"Content-Type: multipart/mixed; boundary=x\n", b"charset=", b"\xff\xfe", b"\x00", b"<a href=")
        i = rng.randrange(len(buf) + 1)
        buf[i:i] = rng.choice(tokens)
    return kind, bytes(buf)


def run_case(data: bytes, timeout: int) -> str | None:
    """None when both passes end in a Report or a SpamlintError, else what went wrong."""
    def expire(signum: int, frame: object) -> None:
        raise CaseTimeout()

    signal.signal(signal.SIGALRM, expire)
    signal.alarm(timeout)
    try:
        for limits in (TIGHT, None):
            try:
                spamlint.lint(data, name="fuzz.eml", limits=limits)
            except SpamlintError:
                pass
    except CaseTimeout:
        return "timeout"
    except MemoryError:
        return "oom"
    except Exception:  # a crash is what this script looks for
        return "crash\n" + traceback.format_exc()
    finally:
        signal.alarm(0)
    return None


def main() -> None:
    """Mutate and lint until the time is up; print a summary line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--seconds", type=int, default=600)
    ap.add_argument("--out", type=Path, default=Path("/tmp/spamlint-mutate"))
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--timeout", type=int, default=20)
    ap.add_argument("--memory-mb", type=int, default=3072)
    args = ap.parse_args()
    limit = args.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    sys.setrecursionlimit(10_000)  # as the command line runs
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    files = inputs(args.corpus)
    args.out.mkdir(parents=True, exist_ok=True)
    end = time.monotonic() + args.seconds
    cases = found = 0
    while time.monotonic() < end:
        data = files[rng.randrange(len(files))].read_bytes()[:READ_CAP]
        other = files[rng.randrange(len(files))].read_bytes()[:READ_CAP]
        kind, case = mutate(rng, data, other)
        cases += 1
        what = run_case(case, args.timeout)
        if what is not None:
            found += 1
            name = f"{what.split()[0]}-{hashlib.sha1(case).hexdigest()[:12]}"
            (args.out / f"{name}.eml").write_bytes(case)
            (args.out / f"{name}.txt").write_text(f"mutation {kind}\n{what}\n", encoding="utf-8")
            print(f"{name}: {what.splitlines()[-1]}", flush=True)
    print(f"seed {seed}: {cases} cases in {args.seconds} s, {found} findings written to {args.out}", flush=True)


if __name__ == "__main__":
    main()
