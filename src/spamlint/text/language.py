"""The language a text segment is written in, by py3langid, loaded only when a rule asks.

py3langid's model takes a few seconds to load (and its import pulls in numpy), so nothing here
runs until a language-specific rule has a candidate match in a segment: English mail that no
German word list matches never loads it.  Each segment's answer is a per-run fact
(`SegmentFacts.language`, `Facts.language_of` in text/facts.py).

Most of the load is decompressing the model (LZMA, about 0.4 s of CPU); the arrays py3langid
reads from it are kept in the user's cache folder (engine/cache.py's, under its rules: a file or
folder that is not the user's own, or that others may write, is ignored; `SPAMLINT_NO_CACHE=1`
turns it off) as one uncompressed `.npz` of plain arrays, read with `allow_pickle=False`, named
by a digest of the model file, py3langid's loading code and numpy's version.  A kept file that
cannot be read, or holds anything but the expected arrays, is not used: the model is read again.
The text layer may not import the engine, so the engine hands over its cache folder and its
rule for a usable file (`keep_model_with`); without them nothing is kept.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, BinaryIO, Callable

SAMPLE_CHARS = 4000  # enough text to tell languages apart; long bodies cost no more
MIN_LETTERS = 12  # shorter texts (a two-word subject) get no language rather than a guess
# the identifier tells some close varieties apart that one word list serves: Wu and Cantonese
# written in Chinese characters read as Chinese, Bokmål and Nynorsk as Norwegian
_SAME_AS = {"wuu": "zh", "yue": "zh", "nb": "no", "nn": "no"}
_lock = threading.Lock()
_identifier: Any = None
# engine/cache.py's: the cache folder or None, whether a file in it may be read, and its atomic
# write that also removes old files of a kind; handed over by the engine
_Write = Callable[[Path, Callable[[BinaryIO], Any], str], None]
_store: tuple[Callable[[], Path | None], Callable[[Path], bool], _Write] | None = None


def keep_model_with(folder: Callable[[], Path | None], usable: Callable[[Path], bool], write: _Write) -> None:
    """Keep the model's arrays in folder() (None: nowhere) with write(), reading only files usable() allows."""
    global _store
    _store = (folder, usable, write)


def _classifier() -> Any:
    """The shared py3langid identifier, built once per process on first use."""
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                _identifier = _load()
    return _identifier


_KEPT_FORMAT = 1  # the layout of the kept arrays (_write)
_KEPT_ARRAYS = frozenset({"ptc", "pc", "classes", "nextmove", "row", "output", "typecodes"})


def _load() -> Any:
    """py3langid's identifier, as `LanguageIdentifier.from_model_file(MODEL_FILE)` builds it, from
    the arrays kept in the cache folder when they are there (and keeping them when they are not)."""
    import numpy as np
    from py3langid import langid, modelio

    path = Path(langid.MODEL_DIR) / langid.MODEL_FILE
    kept = _kept_file(path, (langid, modelio), np.__version__)
    model = _read(kept) if kept is not None else None
    fresh = model is None
    if fresh:
        model = modelio.load_model(path)
    try:  # from_model_file's own steps, with the model read here
        ptc, pc, classes, nextmove, row, output = model
        identifier = langid.LanguageIdentifier(np.asarray(ptc), np.asarray(pc), classes, nextmove, output, tk_row=row)
    except (TypeError, ValueError):  # another py3langid's layout: its own loader, nothing kept
        return langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE)
    if fresh and kept is not None:
        _write(kept, model)
    return identifier


def _kept_file(model: Path, modules: tuple[Any, ...], numpy_version: str) -> Path | None:
    """Where the arrays of this model file, as this py3langid and numpy read them, are kept (None: no cache)."""
    from spamlint.text.compiled import digest

    folder = _store[0]() if _store is not None else None
    if folder is None:
        return None
    key = digest(f"format {_KEPT_FORMAT}\0numpy {numpy_version}\0".encode())
    try:
        for source in (model, *(Path(m.__file__) for m in modules)):
            key.update(source.read_bytes() + b"\0")
    except (OSError, TypeError):  # no readable model or code files (a zip import): nothing kept
        return None
    return folder / f"langid-{key.hexdigest()[:32]}.npz"


def _read(path: Path) -> tuple[Any, ...] | None:
    """The model arrays kept in path, as py3langid's `load_model` gives them; None when unusable."""
    import zipfile
    from array import array

    import numpy as np

    if _store is None or not _store[1](path):
        return None
    try:
        with open(path, "rb") as f, np.load(f, allow_pickle=False) as data:  # the file is closed on any error
            if set(data.files) != _KEPT_ARRAYS:
                return None
            codes = [str(c) for c in data["typecodes"].tolist()]
            nextmove, row = data["nextmove"], data["row"]
            tables = []
            for code, values in zip(codes, (nextmove, row)):
                table = array(code)
                if values.ndim != 1 or values.dtype.itemsize != table.itemsize:
                    return None
                table.frombytes(memoryview(np.ascontiguousarray(values)).cast("B"))
                tables.append(table)
            model = (data["ptc"], data["pc"], [str(c) for c in data["classes"].tolist()],
                     tables[0], tables[1], data["output"].tolist())
    except (OSError, ValueError, TypeError, EOFError, zipfile.BadZipFile):
        return None
    try:
        os.utime(path)  # in use: another install's write must not take it for stale
    except OSError:
        pass
    return model


def _write(path: Path, model: tuple[Any, ...]) -> None:
    """Keep the model's arrays in path (atomically, only in the user's own folder, where kept
    models not used for a week are removed; errors are ignored)."""
    import numpy as np

    if _store is None:
        return
    ptc, pc, classes, nextmove, row, output = model

    def arrays(out: BinaryIO) -> None:
        np.savez(out, ptc=np.asarray(ptc), pc=np.asarray(pc), classes=np.asarray(classes, dtype=str),
                 nextmove=np.asarray(nextmove), row=np.asarray(row), output=np.asarray(output),
                 typecodes=np.asarray([nextmove.typecode, row.typecode]))
    try:
        _store[2](path, arrays, "langid-*.npz")
    except (OSError, ValueError, TypeError, AttributeError):
        pass


def preload() -> None:
    """Load the identifier now: before forking workers that would each load it (engine/batch.py)."""
    _classifier()


def detect(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when there is too little text to tell."""
    sample = text[:SAMPLE_CHARS]
    if not _letters_reach(sample, MIN_LETTERS):
        return None
    code, _ = _classifier().classify(sample)
    return _SAME_AS.get(str(code), str(code))


def _letters_reach(text: str, count: int) -> bool:
    """sum(ch.isalpha() for ch in text) >= count, reading only as far as the count-th letter."""
    if count <= 0:
        return True
    for ch in text:
        if ch.isalpha():
            count -= 1
            if not count:
                return True
    return False
