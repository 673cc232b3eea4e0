"""Inputs: read files, walk folders, name each input the way reports show it."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from spamlint.errors import InputError
from spamlint.inputs.kinds import EXTENSIONS, looks_like_message
from spamlint.limits import DEFAULT_LIMITS

# A folder walk lists the extensions the input kinds registry claims (kinds.py; a refused kind
# too, so its error says why the file was not linted), plus files with no extension or a hash
# for one whose head looks like a message (a LICENSE or Makefile is not an email).
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


@dataclass(frozen=True)
class Include:
    """Which files a folder walk lists: `only` globs replace the known extensions, `extra` add to them.

    A glob matches a file's name or its path relative to the walked folder (fnmatch: `*` crosses `/`).
    """

    only: tuple[str, ...] | None = None
    extra: tuple[str, ...] = ()

    def listed(self, rel: str, known: Callable[[], bool]) -> bool:
        """True when the walk lists the file at `rel`; `known` says the registry would list it."""
        name = rel.rsplit("/", 1)[-1]
        if any(fnmatch.fnmatch(name, g) or fnmatch.fnmatch(rel, g) for g in (self.only or ()) + self.extra):
            return True
        return self.only is None and known()


def expand(paths: list[str], stdin: bytes | None = None,
           include: Callable[[Path], Include] | None = None) -> Iterator[Source]:
    """Sources for command-line paths: files as given, folders walked, '-' for standard input.

    `include(folder)` says which files a walk of that folder lists (default: the registry's)."""
    for p in paths:
        if p == "-":
            yield Source("-", "", data=stdin if stdin is not None else b"")
            continue
        path = Path(p)
        if path.is_dir():
            yield from _maildir(path) if is_maildir(path) else _walk(path, include(path) if include else Include())
        elif path.suffix.lower() == ".mbox":
            yield from _mbox(path, p)
        else:
            yield Source(p, path.suffix.lower(), path=path)


def _walk(root: Path, include: Include) -> Iterator[Source]:
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
            else:
                path = here / fname
                rel = path.relative_to(root).as_posix()
                if include.listed(rel, lambda: ext in LINTABLE_EXTS or ((ext == "" or _numbered(ext))
                                                                        and _message_head(path))):
                    yield Source(str(path), ext, path=path)


def _message_head(path: Path) -> bool:
    """True when a file without an extension starts like a mail message (headers or an mbox line)."""
    try:
        with open(path, "rb") as f:
            return looks_like_message(f.read(4096))
    except OSError:
        return True  # list it: reading it again reports why it cannot be read


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
