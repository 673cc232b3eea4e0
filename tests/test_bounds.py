"""Every input bounded as a whole, and one bad input never costs the batch (issue 14, items 6-8, 10, 11).

Each repro runs the real command line in a child process, under a time limit (and, where
memory is the point, an address-space limit), so a regression shows as a timeout or a
MemoryError in the child, never as a slow or flaky timed unit test.
"""

from __future__ import annotations

import json
import mailbox
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from spamlint import Limits
from spamlint.inputs import sources
from spamlint.text.patterns import Searches, user_pattern

CLI = [sys.executable, "-c", "from spamlint.cli import main; main()"]


def cli(args: list[str], cwd: Path, timeout: float = 60, memory_mb: int | None = None,
        stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """The command line in a child process, killed after `timeout` s, its address space capped at memory_mb."""
    def cap() -> None:
        if memory_mb is not None:
            size = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (size, size))

    return subprocess.run([*CLI, *args], cwd=cwd, capture_output=True, timeout=timeout, check=False,
                          preexec_fn=cap, input=stdin)


def results(run: subprocess.CompletedProcess[bytes]) -> dict[str, Any]:
    """path -> JSON result of a --format json run."""
    return {r["path"]: r for r in json.loads(run.stdout)["results"]}


def multipart(count: int, body: str, ctype: str = "text/html") -> str:
    """A message of `count` parts of the same body."""
    parts = "".join(f"--b\nContent-Type: {ctype}\n\n{body}\n" for _ in range(count))
    return f'Subject: hi\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n{parts}--b--\n'


# --- item 6: a counted work budget per input, each rule a share ---------------------------------

@pytest.mark.parametrize(("attrs", "expect"), [("size=9 color=#00ff00", set()),
                                                ("size=7 color=red", {"big-font", "loud-font-colour"})])
def test_unclosed_font_tags_in_499_parts_are_linted_in_bounded_time(tmp_path: Path, attrs: str,
                                                                    expect: set[str]) -> None:
    """618 s before: each <font without > was scanned to the end of its part, per tag, per rule."""
    (tmp_path / "font.eml").write_text(multipart(499, f"<font {attrs} " * 1500))
    run = cli(["--format", "json", "font.eml"], tmp_path, timeout=90)
    assert run.returncode in (0, 1), run.stderr
    findings = results(run)["font.eml"]["findings"]
    rules = {f["rule"] for f in findings}
    assert rules & {"big-font", "loud-font-colour"} == expect
    assert not [f for f in findings if f["rule"] == "limit-reached"]  # nothing ran out: the work was linear


def test_the_same_file_gives_the_same_json_alone_and_among_workers(tmp_path: Path) -> None:
    """A rule's result may not depend on machine load: the heavy file alone, then in a batch of 3 workers."""
    (tmp_path / "font.eml").write_text(multipart(300, "<font size=7 color=red " * 1500))
    for i in range(4):
        (tmp_path / f"busy{i}.eml").write_text(multipart(200, "<font size=9 color=#00ff00 " * 1500))
    alone = cli(["--format", "json", "font.eml"], tmp_path, timeout=90)
    batch = cli(["--format", "json", "-j", "3", "."], tmp_path, timeout=180)
    assert batch.returncode in (0, 1), batch.stderr
    assert results(batch)["font.eml"] == results(alone)["font.eml"]


def test_a_rule_out_of_its_budget_is_named_in_the_report(tmp_path: Path) -> None:
    """A subject given on the command line is not part of the input's size: a tiny share runs out."""
    (tmp_path / ".spamlint.yaml").write_text("limits:\n  search_factor: 1\n  min_search_chars: 100\n")
    (tmp_path / "t.html").write_text("<html><body><p>Hello, the June programme is attached.</p></body></html>")
    # "dollars": a text without "$" or a currency word is not searched for money amounts at all (prefilter)
    args = ["--format", "json", "--subject", "FREE money, no dollars " * 500, "t.html"]
    first, again = cli(args, tmp_path), cli(args, tmp_path)
    reached = [f["message"] for f in results(first)["t.html"]["findings"] if f["rule"] == "limit-reached"]
    assert any("rule money-amount ran out of its search budget of 100 characters" in m for m in reached)
    assert all("search_factor=1" in m for m in reached)
    assert first.stdout == again.stdout


def test_searches_charge_what_they_scan_and_stay_out_once_out() -> None:
    searches = Searches(Limits(search_factor=1, min_search_chars=30), size=0)
    searches.start("some-rule")
    pattern = user_pattern(r"b\d")
    assert [m.group() for m in pattern.finditer("aaaa b1 aaaa b2 aaaa", searches)] == ["b1", "b2"]
    assert searches.left == 30 - 20  # the text once, though two searches ran
    assert pattern.search("x" * 9 + "b3", searches) is None  # 11 characters > the 10 left
    assert pattern.search("b4", searches) is None  # once out, out
    assert searches.problems == [("limit", "rule some-rule ran out of its search budget of 30 characters "
                                           "(limit search_factor=1)")]
    searches.start("next-rule")  # a fresh share for the next rule
    assert pattern.found("b5", searches) and pattern.found("b5", searches)  # the memo's answer is charged too
    assert searches.left == 30 - 4


# --- item 8: only regular files are opened, every read has a limit, an mbox is streamed ----------

MESSAGE = "Subject: hello\n\nThe June programme of the garden club is attached.\n"


def test_fifos_and_devices_are_named_and_skipped_never_opened(tmp_path: Path) -> None:
    """Each used to block forever (a FIFO) or to read until memory ran out (/dev/zero)."""
    (tmp_path / "walk").mkdir()
    (tmp_path / "walk" / "a.eml").write_text(MESSAGE)
    os.mkfifo(tmp_path / "walk" / "pipe.eml")
    os.mkfifo(tmp_path / "walk" / "noext")  # would have been opened to see whether it looks like mail
    run = cli(["-q", "walk"], tmp_path, timeout=30, memory_mb=1024)
    assert run.returncode == 2  # something was not linted
    assert run.stderr.decode().splitlines() == ["spamlint: walk/noext: skipped: a FIFO, not a regular file",
                                                "spamlint: walk/pipe.eml: skipped: a FIFO, not a regular file"]
    run = cli(["-q", "/dev/zero"], tmp_path, timeout=30, memory_mb=1024)
    assert run.returncode == 2
    assert run.stderr.decode() == "spamlint: /dev/zero: skipped: a character device, not a regular file\n"


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
@pytest.mark.parametrize("role", ["config", "found-config", "rule"])
def test_a_config_or_rule_file_that_is_not_a_regular_file_is_one_error(tmp_path: Path, role: str,
                                                                       kind: str) -> None:
    (tmp_path / "a.eml").write_text(MESSAGE)
    target = tmp_path / ("rules/x.yaml" if role == "rule" else
                         ".spamlint.yaml" if role == "found-config" else "cfg.yaml")
    target.parent.mkdir(exist_ok=True)
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/zero")
    args = ["--config", "rp.yaml"] if role == "rule" else ["--config", "cfg.yaml"] if role == "config" else []
    (tmp_path / "rp.yaml").write_text("rule-paths: [rules]\n")
    run = cli([*args, "a.eml"], tmp_path, timeout=30, memory_mb=1024)
    assert run.returncode == 2
    what = "a FIFO" if kind == "fifo" else "a character device"
    file = "rule file" if role == "rule" else "config"
    line, = run.stderr.decode().splitlines()  # one line, naming the file (a symlink's target for --config)
    assert line.startswith("spamlint: ") and line.endswith(f".yaml: cannot read {file}: {what}, not a regular file") \
        or line == f"spamlint: /dev/zero: cannot read {file}: {what}, not a regular file"


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_baseline_that_is_not_a_regular_file_is_one_error(tmp_path: Path, kind: str) -> None:
    (tmp_path / "a.eml").write_text(MESSAGE)
    if kind == "fifo":
        os.mkfifo(tmp_path / "base.json")
    else:
        (tmp_path / "base.json").symlink_to("/dev/zero")
    run = cli(["--baseline", "base.json", "a.eml"], tmp_path, timeout=30, memory_mb=1024)
    assert run.returncode == 2
    what = "a FIFO" if kind == "fifo" else "a character device"
    assert run.stderr.decode() == f"spamlint: base.json: cannot read the baseline: {what}, not a regular file\n"


def test_a_3_gb_mbox_is_streamed_and_each_message_read_up_to_the_input_limit(tmp_path: Path) -> None:
    """It used to be read whole and every message held in memory: over 3 GB for this one (sparse on disk)."""
    box = tmp_path / "big.mbox"
    with open(box, "wb") as f:
        f.write(b"From a@example.org Sat Jan  1 00:00:00 2022\n" + MESSAGE.encode() + b"\n")
        f.write(b"From b@example.org Sat Jan  1 00:00:00 2022\nSubject: two\n\n")
        f.seek(3 * 1024 ** 3)  # a hole of 3 GB of NULs in the second message
        f.write(b"\n\nFrom c@example.org Sat Jan  1 00:00:00 2022\nSubject: three\n\nClaim your prize now.\n")
    run = cli(["--format", "json", "big.mbox"], tmp_path, timeout=120, memory_mb=1024)
    assert run.returncode in (0, 1), run.stderr
    found = {path: {f["rule"] for f in r["findings"]} for path, r in results(run).items()}
    assert list(found) == ["big.mbox#1", "big.mbox#2", "big.mbox#3"]
    assert "limit-reached" in found["big.mbox#2"] and "limit-reached" not in found["big.mbox#1"]
    assert "prize-claim" in found["big.mbox#3"]


def test_mbox_messages_are_split_as_the_stdlib_splits_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The streaming scanner against mailbox.mbox, with separators cut across tiny read chunks."""
    monkeypatch.setattr(sources, "_CHUNK", 7)
    rng = random.Random(14)
    path = tmp_path / "t.mbox"
    for _ in range(300):
        bodies = [b"Subject: %d\n\n" % i + b"".join(rng.choice([b"x", b"\n", b"From ", b"From", b" ", b"\r\n"])
                                                     for _ in range(rng.randint(0, 40)))
                  for i in range(rng.randint(1, 4))]
        path.write_bytes(b"".join(rng.choice([b"", b"\n"]) + b"From a@b Sat Jan 1 00:00:00 2022\n" + body +
                                  rng.choice([b"\n\n", b"\n", b""]) for body in bodies))
        box = mailbox.mbox(path, create=False)
        assert [s.read() for s in sources._mbox(path, "t.mbox")] == [box.get_bytes(k) for k in box.iterkeys()]
        box.close()


# --- item 11: an unreadable mbox, maildir cur/ or sub-folder is one error, and the run goes on ---

SETPRIV = shutil.which("setpriv")


@pytest.mark.skipif(SETPRIV is None or os.geteuid() != 0, reason="needs root and setpriv to run as nobody")
def test_unreadable_folders_and_mailboxes_are_one_error_each(tmp_path: Path) -> None:
    """Root reads anything, so the child runs as nobody over a world-readable folder with locked parts."""
    root = Path(tempfile.mkdtemp(prefix="spamlint-nobody-"))  # pytest's tmp_path is root's alone
    try:
        root.chmod(0o755)
        for folder in ("walk/locked", "walk/md/cur", "walk/md/new", "walk/md/tmp"):
            (root / folder).mkdir(parents=True)
        for name in ("walk/a.eml", "walk/locked/b.eml", "walk/md/cur/1", "walk/md/new/2", "walk/box.mbox"):
            (root / name).write_text(MESSAGE if not name.endswith(".mbox") else "From a@b Sat Jan 1 2022\n" + MESSAGE)
        (root / "walk/box.mbox").chmod(0)
        (root / "walk/locked").chmod(0)
        (root / "walk/md/cur").chmod(0)
        as_nobody = [SETPRIV, "--reuid=65534", "--regid=65534", "--clear-groups", *CLI]
        probe = subprocess.run([*as_nobody[:4], sys.executable, "-c", f"open({str(root / 'walk/box.mbox')!r})"],
                               capture_output=True, timeout=30, check=False)
        if probe.returncode == 0:
            pytest.skip("nobody can read a file of mode 000 here")
        run = subprocess.run([*as_nobody, "--format", "json", "walk"], cwd=root, capture_output=True, timeout=60,
                             check=False)
    finally:
        for locked in ("walk/box.mbox", "walk/locked", "walk/md/cur"):
            (root / locked).chmod(0o755)
        shutil.rmtree(root)
    assert run.returncode == 2  # not everything was linted
    assert sorted(results(run)) == ["walk/a.eml", "walk/md/new/2"]  # the rest still linted
    assert sorted(run.stderr.decode().splitlines()) == [
        "spamlint: walk/box.mbox: cannot read: Permission denied",
        "spamlint: walk/locked: cannot read folder: Permission denied",
        "spamlint: walk/md/cur: cannot read folder: Permission denied",
    ]


# --- item 10: a worker killed mid-batch costs its input only -----------------------------------

def _workers(pid: int) -> list[int]:
    """The worker processes (forked or spawned) of the command line running as pid."""
    found = []
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:  # gone already
            continue
        if b"resource_tracker" not in cmdline:  # not multiprocessing's resource tracker
            found.append(int(child))
    return found


def _cpu_seconds(pid: int) -> float:
    """CPU time the process has used so far (user and system, from /proc), 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="finds the workers through /proc")
def test_a_worker_killed_mid_batch_is_one_error_and_the_batch_goes_on(tmp_path: Path) -> None:
    """What the OOM killer does: the batch used to wait forever for the lost worker's inputs."""
    names = [f"m{i:02}.eml" for i in range(10)]
    for name in names:
        (tmp_path / name).write_text(multipart(60, "<font size=7 color=red " * 1500))
    child = subprocess.Popen([*CLI, "--format", "json", "-j", "2", "."], cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not (workers := _workers(child.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert workers, "no worker started"
        # a worker is visible before the parent has handed it an input, and a worker killed then
        # loses nothing (the input goes to its replacement): kill it once it is busy linting
        while _cpu_seconds(workers[0]) < 0.05 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(workers[0], signal.SIGKILL)
        out, err = child.communicate(timeout=120)
    finally:
        child.kill()
    assert child.returncode == 2  # not everything was linted
    lines = err.decode().splitlines()
    assert len(lines) == 1 and lines[0].endswith(": not linted: its worker process was lost "
                                                 "(killed by SIGKILL; out of memory?)"), lines
    lost = lines[0].removeprefix("spamlint: ").split(":")[0]
    linted = [r["path"] for r in json.loads(out)["results"]]
    assert sorted([*linted, lost]) == names  # every other input was linted, in order
    assert linted == sorted(linted)


# --- item 7: peak memory a bounded multiple of the input's size ----------------------------------

MEMORY_BASE_MB, MEMORY_FACTOR = 200, 16  # README Robustness: at most 200 MB + 16 x the input's size


def test_thirty_mb_of_folded_letters_stays_within_the_documented_memory(tmp_path: Path) -> None:
    """15 text parts of 2 MB of 'é ' took 5 to 6.7 GB: an offset-map entry and a change record per letter."""
    body = "é " * (2 * 1024 * 1024 // 3)
    (tmp_path / "e.eml").write_text(multipart(15, body, "text/plain; charset=utf-8"), encoding="utf-8")
    size_mb = (tmp_path / "e.eml").stat().st_size / 1024 / 1024
    run = cli(["--format", "json", "e.eml"], tmp_path, timeout=600,
              memory_mb=int(MEMORY_BASE_MB + MEMORY_FACTOR * size_mb))
    assert run.returncode in (0, 1), run.stderr[-500:]  # a MemoryError would be exit 2 and one line
    assert "large-content" in {f["rule"] for f in results(run)["e.eml"]["findings"]}
