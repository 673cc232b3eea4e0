"""Reading files with a limit, and only regular ones: a FIFO blocks forever, /dev/zero never ends.

Inputs, config files and rule files all come through `read_regular`.  The file is opened
without blocking (a FIFO with no writer would otherwise hang the open itself), checked to be
a regular file on the opened descriptor (no race with a rename), and read only up to a limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_CHUNK = 1024 * 1024  # read size once a file turns out longer than its stat size
CONFIG_MAX_BYTES = 4 * 1024 * 1024  # a config or rule file larger than this is refused, not read


class NotRegularFile(OSError):
    """The path names a FIFO, a device, a socket or a folder: spamlint reads regular files only."""


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words, for the one-line message."""
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def is_regular(path: Path) -> bool:
    """True for a regular file (after symlinks); False for anything else, including a missing file."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def read_regular(path: Path, max_bytes: int) -> bytes:
    """At most max_bytes + 1 bytes of a regular file: enough to know it is too long, never all of a huge one.

    Raises NotRegularFile for anything else, and OSError as open and read do.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(f"{kind_of(info.st_mode)}, not a regular file")
        want = max_bytes + 1
        # read(n) allocates n bytes up front, so ask for what the file holds, not for the limit
        first = min(want, info.st_size + 1)
        data = f.read(first)
        if len(data) < first:  # the end of the file: the usual case, one read
            return data
        chunks, size = [data], len(data)
        while size < want:  # larger than its size said (a growing file): read on in chunks
            more = f.read(min(want - size, _CHUNK))
            if not more:
                break
            chunks.append(more)
            size += len(more)
        return b"".join(chunks)


def read_text_file(path: Path, max_bytes: int = CONFIG_MAX_BYTES) -> str:
    """A config or rule file as UTF-8 text; OSError (NotRegularFile, or too large) or UnicodeDecodeError."""
    data = read_regular(path, max_bytes)
    if len(data) > max_bytes:
        raise OSError(f"larger than {max_bytes:,} bytes")
    return data.decode("utf-8")
