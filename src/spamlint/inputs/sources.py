"""Inputs: read files, walk folders, name each input the way reports show it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from spamlint.errors import InputError
from spamlint.inputs.kinds import EXTENSIONS
from spamlint.limits import DEFAULT_LIMITS

# A folder walk lists the extensions the input kinds registry claims (kinds.py; a refused kind
# too, so its error says why the file was not linted), plus files with no extension or a hash
# for one, whose content is sniffed.
LINTABLE_EXTS = EXTENSIONS
_CHUNK = 1024 * 1024  # read size once a file turns out longer than its stat size


@dataclass(frozen=True)
class Source:
    """One input to lint: display name, file extension hint, and where to get the bytes."""

    name: str
    ext: str
    path: Path | None = None
    data: bytes | None = None

    def read(self, max_bytes: int = DEFAULT_LIMITS.max_input_bytes) -> bytes:
        """The input's bytes, at most max_bytes + 1 (mime.load notes the excess); InputError if unreadable."""
        if self.data is not None:
            return self.data
        assert self.path is not None
        try:
            return read_file(self.path, max_bytes)
        except FileNotFoundError:
            raise InputError(f"{self.name}: no such file") from None
        except IsADirectoryError:
            raise InputError(f"{self.name}: is a folder") from None
        except OSError as exc:
            raise InputError(f"{self.name}: cannot read: {exc.strerror or exc}") from None


def read_file(path: Path, max_bytes: int = DEFAULT_LIMITS.max_input_bytes) -> bytes:
    """At most max_bytes + 1 bytes of a file: enough to know it is too long, never all of a huge one."""
    want = max_bytes + 1
    with open(path, "rb") as f:
        # read(n) allocates n bytes up front, so ask for what the file holds, not for the limit
        first = min(want, os.fstat(f.fileno()).st_size + 1)
        data = f.read(first)
        if len(data) < first:  # the end of the file: the usual case, one read
            return data
        chunks, size = [data], len(data)
        while size < want:  # larger than its size said (a pipe, a growing file): read on in chunks
            more = f.read(min(want - size, _CHUNK))
            if not more:
                break
            chunks.append(more)
            size += len(more)
        return b"".join(chunks)


def expand(paths: list[str], stdin: bytes | None = None) -> Iterator[Source]:
    """Sources for command-line paths: files as given, folders walked, '-' for standard input."""
    for p in paths:
        if p == "-":
            yield Source("-", "", data=stdin if stdin is not None else b"")
            continue
        path = Path(p)
        if path.is_dir():
            yield from _maildir(path) if is_maildir(path) else _walk(path)
        elif path.suffix.lower() == ".mbox":
            yield from _mbox(path, p)
        else:
            yield Source(p, path.suffix.lower(), path=path)


def _walk(root: Path) -> Iterator[Source]:
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        if is_maildir(here):
            dirnames[:] = []
            yield from _maildir(here)
            continue
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fname in sorted(filenames):
            if fname.startswith("."):
                continue
            ext = os.path.splitext(fname)[1].lower()
            if ext == ".mbox":
                yield from _mbox(here / fname, str(here / fname))
            elif ext in LINTABLE_EXTS or ext == "" or _numbered(ext):
                path = here / fname
                yield Source(str(path), ext, path=path)


def is_maildir(path: Path) -> bool:
    """A maildir folder holds cur/, new/ and tmp/ subfolders."""
    return all((path / sub).is_dir() for sub in ("cur", "new", "tmp"))


def _maildir(root: Path) -> Iterator[Source]:
    """Each message in new/ and cur/ (tmp/ holds deliveries in progress), by file name."""
    for sub in ("new", "cur"):
        for fname in sorted(os.listdir(root / sub)):
            path = root / sub / fname
            if not fname.startswith(".") and path.is_file():
                yield Source(str(path), ".eml", path=path)


def _mbox(path: Path, name: str) -> Iterator[Source]:
    """Each message of an mbox file, named file.mbox#N (1-based)."""
    import mailbox

    if not path.is_file():
        yield Source(name, ".mbox", path=path)  # reading it reports the problem
        return
    try:
        box = mailbox.mbox(path, create=False)
        messages = [box.get_bytes(key) for key in box.iterkeys()]
        box.close()
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from None
    if not messages:  # no 'From ' separator line: one message saved with an .mbox name
        yield Source(name, ".eml", path=path)
    for n, data in enumerate(messages, 1):
        yield Source(f"{name}#{n}", ".eml", data=data)


def _numbered(ext: str) -> bool:
    """SpamAssassin-corpus style names like 00001.7848dde101aa985090474a91ec93fcf0 have a hash 'extension'."""
    return len(ext) > 16 and all(c in "0123456789abcdef" for c in ext[1:])
