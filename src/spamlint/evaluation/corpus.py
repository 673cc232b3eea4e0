"""The evaluation corpus as data: which set is ham or spam, what counts as one source, verdict headers.

A *source* is one origin of mail that a fit must generalise to: a top-level set of the corpus,
or, where a set has sub-folders, each of its first-level sub-folders (SpamAssassin's
`easy_ham`/`hard_ham`/`spam`..., ham_modern's six mailing lists, spam_modern's four origins,
the newsletter archives). Files lying directly in a set with no sub-folder (phishing_pot) form
one source named after the set. `_source/` folders hold licences and READMEs, not mail.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from spamlint.inputs.sources import Source, expand

HAM, SPAM = "ham", "spam"
SKIP_FOLDERS = frozenset({"_source"})


@dataclass(frozen=True)
class CorpusSet:
    """How to label one top-level set: one label for all of it, or one per first-level sub-folder."""

    label: str = ""
    by_folder: dict[str, str] = field(default_factory=dict)
    newsletters: bool = False  # legitimate newsletters: the fit treats "none fails" as a hard constraint

    def label_of(self, folder: str) -> str | None:
        """ham/spam for a first-level sub-folder ('' for files at the set's top), None if unlabelled."""
        return self.by_folder.get(folder) if self.by_folder else (self.label or None)


# The labels of ../shared/corpus/README.md and each set's SOURCE.md. A set missing from the
# corpus folder is skipped; a folder missing from this table is reported, never guessed.
CORPUS_SETS: dict[str, CorpusSet] = {
    "spamassassin": CorpusSet(by_folder={"easy_ham": HAM, "easy_ham_2": HAM, "hard_ham": HAM,
                                         "spam": SPAM, "spam_2": SPAM}),
    "phishing_pot": CorpusSet(SPAM),
    "html_newsletters": CorpusSet(HAM, newsletters=True),
    "newsletters_more": CorpusSet(HAM, newsletters=True),
    "ham_modern": CorpusSet(HAM),
    "spam_modern": CorpusSet(SPAM),
    "non_english": CorpusSet(by_folder={"spam": SPAM, "ham": HAM}),
}


@dataclass(frozen=True)
class Item:
    """One labelled input: its source (a corpus source or a command-line folder), and its label."""

    source: Source
    folder: str
    spam: bool
    newsletter: bool = False


def collect(ham: list[str], spam: list[str]) -> list[Item]:
    """Labelled inputs from folders or files; each command-line folder is one source."""
    items: list[Item] = []
    for paths, is_spam in ((ham, False), (spam, True)):
        for path in paths:
            items.extend(Item(src, path, is_spam) for src in expand([path]) if not _skipped(src))
    return items


def collect_corpus(root: str | os.PathLike, sets: dict[str, CorpusSet] | None = None) -> tuple[list[Item], list[str]]:
    """Labelled inputs of a corpus folder laid out as CORPUS_SETS says: (items, problems).

    Items come in a stable order (sets in table order, files sorted), so folds and fits repeat.
    """
    root = Path(root)
    table = CORPUS_SETS if sets is None else sets
    items: list[Item] = []
    problems = [f"{root / d.name}: not in the evaluation's corpus table; skipped"
                for d in sorted(root.iterdir()) if d.is_dir() and d.name not in table] if root.is_dir() else []
    unlabelled: dict[str, None] = {}
    for name, spec in table.items():
        if not (root / name).is_dir():
            continue
        for src in expand([str(root / name)]):
            if src.path is None or _skipped(src):
                continue
            rel = src.path.relative_to(root / name).parts
            sub = rel[0] if len(rel) > 1 else ""
            label = spec.label_of(sub)
            if label is None:
                unlabelled[f"{root / name / sub}: no label in the corpus table; skipped"] = None
                continue
            items.append(Item(src, f"{name}/{sub}" if sub else name, label == SPAM, spec.newsletters))
    return items, problems + list(unlabelled)


def _skipped(source: Source) -> bool:
    return source.path is not None and not SKIP_FOLDERS.isdisjoint(source.path.parts[:-1])


# Headers in which list servers and archives record their own spam filters' verdicts. They
# give the label away, so the evaluation removes them before linting (no rule reads them
# either: tests/test_verdict_headers.py proves the score is the same with and without them).
VERDICT_HEADER = re.compile(rb"(?:X-Spam|X-Rspamd|X-Bogosity)[^:\s]*[ \t]*:", re.IGNORECASE)
_HEADER_END = re.compile(rb"(\r?\n)\r?\n")
_FIELD_START = re.compile(rb"^(?=[^ \t\r\n])", re.MULTILINE)


def strip_verdict_headers(data: bytes) -> bytes:
    """The message without its X-Spam*, X-Spamd*, X-Rspamd* and X-Bogosity header fields.

    Only the header block (up to the first blank line) is touched; a field's folded
    continuation lines go with it; the body and every other byte stay as they were.
    """
    end = _HEADER_END.search(data)
    head_end = end.end(1) if end else len(data)  # each field keeps its own line ending
    head = data[:head_end]
    if not VERDICT_HEADER.search(head):
        return data
    starts = [m.start() for m in _FIELD_START.finditer(head)] + [len(head)]
    kept = [head[a:b] for a, b in zip(starts, starts[1:]) if not VERDICT_HEADER.match(head, a)]
    return b"".join(kept) + data[head_end:]
