"""The language a text segment is written in, by py3langid, loaded only when a rule asks.

py3langid's model takes a few seconds to load (and its import pulls in numpy), so nothing here
runs until a language-specific rule has a candidate match in a segment: English mail that no
German word list matches never loads it.  Each segment's answer is a per-run fact
(`SegmentFacts.language`, `Facts.language_of` in text/facts.py).
"""

from __future__ import annotations

import threading
from typing import Any

SAMPLE_CHARS = 4000  # enough text to tell languages apart; long bodies cost no more
MIN_LETTERS = 12  # shorter texts (a two-word subject) get no language rather than a guess
# the identifier tells some close varieties apart that one word list serves: Wu and Cantonese
# written in Chinese characters read as Chinese, Bokmål and Nynorsk as Norwegian
_SAME_AS = {"wuu": "zh", "yue": "zh", "nb": "no", "nn": "no"}
_lock = threading.Lock()
_identifier: Any = None


def _classifier() -> Any:
    """The shared py3langid identifier, built once per process on first use."""
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                _identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    return _identifier


def preload() -> None:
    """Load the identifier now: before forking workers that would each load it (engine/batch.py)."""
    _classifier()


def detect(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when there is too little text to tell."""
    sample = text[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return None
    code, _ = _classifier().classify(sample)
    return _SAME_AS.get(str(code), str(code))
