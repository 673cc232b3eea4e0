"""Inputs: read files, walk folders, name each input the way reports show it."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path
from typing import Callable, Iterator

from spamlint.errors import InputError
from spamlint.inputs.files import NotRegularFile, is_regular, read_regular
from spamlint.inputs.kinds import EXTENSIONS, looks_like_message
from spamlint.limits import DEFAULT_LIMITS
from spamlint.record import Record, record

# A folder walk lists the extensions the input kinds registry claims (kinds.py; a refused kind
# too, so its error says why the file was not linted), plus files with no extension or a hash
# for one whose head looks like a message (a LICENSE or Makefile is not an email).
LINTABLE_EXTS = EXTENSIONS
_CHUNK = 1024 * 1024  # bytes per read while an mbox is scanned for its separators
_FROM_LINE_MAX = 4096  # bytes of an mbox "From " line skipped before its message


@record()
class Source(Record):
    """One input to lint: display name, file extension hint, and where to get the bytes.

    `span` is a message's (start, stop) byte range inside an mbox file at `path` (read when
    linted, so a huge mbox is never held whole); `problem` says why the input cannot be read
    (an unreadable folder met while walking), reported when it is linted.
    """

    name: str
    ext: str
    path: Path | None = None
    data: bytes | None = None
    span: tuple[int, int] | None = None
    problem: str | None = None

    def read(self, max_bytes: int = DEFAULT_LIMITS.max_input_bytes) -> bytes:
        """The input's bytes, at most max_bytes + 1 (mime.load notes the excess); InputError if unreadable."""
        if self.problem is not None:
            raise InputError(f"{self.name}: {self.problem}")
        if self.data is not None:
            return self.data
        assert self.path is not None
        try:
            if self.span is not None:
                return _read_span(self.path, self.span, max_bytes)
            return read_file(self.path, max_bytes)
        except FileNotFoundError:
            raise InputError(f"{self.name}: no such file") from None
        except IsADirectoryError:
            raise InputError(f"{self.name}: is a folder") from None
        except NotRegularFile as exc:
            raise InputError(f"{self.name}: skipped: {exc}") from None
        except OSError as exc:
            raise InputError(f"{self.name}: cannot read: {exc.strerror or exc}") from None


def read_file(path: Path, max_bytes: int = DEFAULT_LIMITS.max_input_bytes) -> bytes:
    """At most max_bytes + 1 bytes of a regular file (NotRegularFile for a FIFO or a device)."""
    return read_regular(path, max_bytes)


def _read_span(path: Path, span: tuple[int, int], max_bytes: int) -> bytes:
    """One mbox message: the bytes after its 'From ' line up to the next one, at most max_bytes + 1."""
    start, stop = span
    with open(path, "rb") as f:
        f.seek(start)
        f.readline(_FROM_LINE_MAX)  # the 'From ' separator is the mbox's, not the message's
        data = f.read(max(0, min(stop - f.tell(), max_bytes + 1)))
        whole = f.tell() >= stop
    # a blank line before the next separator belongs to the mbox, as mailbox.mbox reads it
    return data[:-1] if whole and (data.endswith(b"\n\n") or data == b"\n") else data


@record()
class Include(Record):
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
    unreadable: list[OSError] = []  # folders os.walk could not list: each becomes a one-line error
    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable.append):
        yield from _unreadable(unreadable)
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
    yield from _unreadable(unreadable)


def _unreadable(errors: list[OSError]) -> Iterator[Source]:
    """An input per folder that could not be listed, so the run says so and its exit code shows it."""
    for exc in errors:
        name = str(exc.filename) if exc.filename is not None else "?"
        yield Source(name, "", problem=f"cannot read folder: {exc.strerror or exc}")
    errors.clear()


def _message_head(path: Path) -> bool:
    """True when a file without an extension starts like a mail message (headers or an mbox line)."""
    if not is_regular(path):
        return True  # list it without opening it (a FIFO would block): reading it says what it is
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
        try:
            names = sorted(os.listdir(root / sub))
        except OSError as exc:
            yield Source(str(root / sub), "", problem=f"cannot read folder: {exc.strerror or exc}")
            continue
        for fname in names:
            path = root / sub / fname
            if not fname.startswith(".") and not path.is_dir():  # a FIFO here is reported, not opened
                yield Source(str(path), ".eml", path=path)


def _mbox(path: Path, name: str) -> Iterator[Source]:
    """Each message of an mbox file, named file.mbox#N (1-based), read only when it is linted.

    The file is scanned in chunks for its 'From ' separator lines, so memory does not grow with
    its size; each message is then read up to the input limit (Source.span).
    """
    if not is_regular(path):
        yield Source(name, ".mbox", path=path)  # reading it reports the problem (missing, a FIFO...)
        return
    try:
        starts = list(_from_lines(path))
        size = os.path.getsize(path)
    except OSError as exc:
        yield Source(name, ".mbox", problem=f"cannot read: {exc.strerror or exc}")
        return
    if not starts:  # no 'From ' separator line: one message saved with an .mbox name
        yield Source(name, ".eml", path=path)
    for n, (start, stop) in enumerate(zip(starts, [*starts[1:], size]), 1):
        yield Source(f"{name}#{n}", ".eml", path=path, span=(start, stop))


def _from_lines(path: Path) -> Iterator[int]:
    """Offsets of the lines of an mbox that start with 'From ' (as the stdlib's mailbox.mbox splits)."""
    with open(path, "rb") as f:
        if f.read(5) == b"From ":
            yield 0
        f.seek(0)
        offset, carry = 0, b""
        while chunk := f.read(_CHUNK):
            buf, base = carry + chunk, offset - len(carry)
            i = buf.find(b"\nFrom ")
            while i != -1:
                yield base + i + 1
                i = buf.find(b"\nFrom ", i + 1)
            carry = buf[-5:]  # a separator cut by the chunk's end; 5 bytes cannot hold a whole one twice
            offset += len(chunk)


def _numbered(ext: str) -> bool:
    """SpamAssassin-corpus style names like 00001.7848dde101aa985090474a91ec93fcf0 have a hash 'extension'."""
    return len(ext) > 16 and all(c in "0123456789abcdef" for c in ext[1:])
