"""Hashbusting: words broken up to dodge filters, and words that mix writing systems."""

from __future__ import annotations

from typing import Iterable, Iterator

from spamlint.checks.base import TEXT_SCOPES, Check, Option
from spamlint.model.document import Document
from spamlint.model.findings import Hit
from spamlint.text import compiled
from spamlint.text.facts import Context
from spamlint.text.normalize import ANY_LETTER, GAP_SYMBOLS, LEET, _merge, char_class, word_windows
from spamlint.text.compiled import lazy
from spamlint.text.patterns import lazy_regex
from spamlint.text.compiled import regex  # the regex module, imported on first use

# the marks that may break up a word here: wider than the canonical text's gap marks, and up to
# two of them between groups of up to three letters
_PUNCT_MARKS = ".-_*|!:\u2022\u00b7~+/\\'^,"
_MARKS = char_class(_PUNCT_MARKS)
_LETTER = rf"[\p{{L}}0-9{char_class(GAP_SYMBOLS)}]"  # a letter, a digit, or a symbol that reads as one
# letters (or leet digits) in three or more groups of at most three, joined by one or two marks
_PUNCT_GAPPED = lazy_regex(
    rf"(?<![\p{{L}}\p{{N}}]){_LETTER}{{1,3}}(?:[{_MARKS}]{{1,2}}{_LETTER}{{1,3}}){{2,20}}(?![\p{{L}}\p{{N}}])"
)
# single letters separated by single spaces: "f r e e"
_SPACES = " \u00a0"
_SPACE_GAPPED = lazy_regex(rf"(?<![\p{{L}}\p{{N}}])\p{{L}}(?:[{_SPACES}]\p{{L}}){{2,30}}(?![\p{{L}}\p{{N}}])")
# cheap necessary conditions (stdlib re): two marks around a short group; three spaced letters,
# the last not before a letter or digit.  The first mark is written [..][..]? rather than
# [..]{1,2}: the same matches, but a pattern that starts with a plain character class lets the
# engine skip ahead to the next candidate.  Any non-ASCII character may be a letter (ANY_LETTER).
_PUNCT_HINT = compiled.deferred(rf"[{_MARKS}][{_MARKS}]?{ANY_LETTER[:-1]}0-9{char_class(GAP_SYMBOLS)}]{{1,3}}[{_MARKS}]")
_SPACE_HINT = compiled.deferred(rf"[{_SPACES}]{ANY_LETTER}[{_SPACES}]{ANY_LETTER}(?![^\W_])")  # starts at a space: quick to scan
# in ASCII text the space hint is sought in the text's shape (a letter, 0 a digit, . anything
# else): a pattern that starts with a fixed string is found far faster
_SHAPE = str.maketrans({chr(i): "a" if chr(i).isalpha() else "0" if chr(i).isdigit()
                        else chr(i) if chr(i) in _SPACES else "." for i in range(128)})
_SPACE_HINT_SHAPE = lazy(r" a a(?![a0])")
# the punctuation hint and gaps in the same way: s a mark, a a letter or digit, d a symbol that
# reads as a letter, white space (where word windows cut: space, line break, tab) as a space,
# # the rest; the patterns are the ones above, letter for class
_PUNCT_SHAPE = str.maketrans({chr(i): "s" if chr(i) in _PUNCT_MARKS else "a" if chr(i).isalnum()
                              else "d" if chr(i) in GAP_SYMBOLS else " " if chr(i) in " \n\t" else "#"
                              for i in range(128)})
_PUNCT_HINT_SHAPE = lazy(r"ss?[ad]{1,3}s")
_PUNCT_GAPPED_SHAPE = lazy(r"(?<!a)[ad]{1,3}(?:s{1,2}[ad]{1,3}){2,20}(?!a)")
# what every space-gapped run holds (two letters after spaces), and no run crosses a line break
_SPACE_CORE = lazy_regex(rf"[{_SPACES}]\p{{L}}[{_SPACES}]\p{{L}}")
# the leet letters, and marks that may also stand in for a letter: "p.r!z.e" is prize, "c|al|s" is cialis
_LEET = {c: v for c, v in LEET.items() if c not in "|!"}
_READINGS = (str.maketrans(_LEET), str.maketrans({**_LEET, "!": "i", "|": "i"}),
             str.maketrans({**_LEET, "!": "i", "|": "l"}))
_NOT_LETTER = lazy_regex(r"[^\p{L}]")
_WORD_ON = lazy_regex(r"[\p{L}\p{M}]*")  # a word's letters from an offset on
_WORD_BACK = lazy_regex(r"[\p{L}\p{M}]*", regex.REVERSE)  # and before it
_FOREIGN = lazy_regex(r"[\p{Cyrillic}\p{Greek}\p{Armenian}\p{Cherokee}]")
_LATIN = lazy_regex(r"\p{Latin}")
# no letter of those scripts comes before U+0370 (a test checks it): text below it needs no look
_BEYOND_LATIN = lazy("[^\x00-\u036f]")


class GappedWordCheck(Check):
    """A word from `words` written with characters inserted between its letters (F.r.e.e, V-I-A-G-R-A)."""

    name = "gapped-word"
    scopes = TEXT_SCOPES
    max_hits = 5
    options = {
        "words": Option("list", required=True, doc="words that spammers break up"),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self.words = frozenset(w.lower() for w in options["words"])

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        for seg in ctx.facts.segments(scope):
            for start, end in self._candidates(seg.text):
                joined = self._reading(seg.text[start:end])
                if joined is not None:
                    yield Hit(**seg.hit(start, end, word=joined, match=seg.text[start:end]))

    @staticmethod
    def _candidates(text: str) -> Iterable[tuple[int, int]]:
        """Spans of gapped tokens; punctuation-gapped ones are sought only in the words around a cheap hint."""
        yield from _punct_gapped(text)
        if _space_hint(text):
            yield from (m.span() for m in _space_gapped(text))

    def _reading(self, token: str) -> str | None:
        """The listed word this broken-up token spells, if any."""
        lower = token.lower()
        for table in _READINGS:
            joined = _NOT_LETTER.sub("", lower.translate(table))
            if joined in self.words and len(token) > len(joined):
                return joined
        return None


def _plain_candidates(text: str) -> list[tuple[int, int]]:
    """GappedWordCheck._candidates written plainly, both patterns over the whole text: the reference."""
    return [m.span() for m in _PUNCT_GAPPED.finditer(text)] + [m.span() for m in _SPACE_GAPPED.finditer(text)]


def _punct_gapped(text: str) -> Iterator[tuple[int, int]]:
    """Spans of _PUNCT_GAPPED's matches in the words around each match of _PUNCT_HINT."""
    if text.isascii():
        shape = text.translate(_PUNCT_SHAPE)
        for ws, we in _shape_windows(shape):
            yield from (m.span() for m in _PUNCT_GAPPED_SHAPE.finditer(shape, ws, we))
        return
    for ws, we in word_windows(text, _PUNCT_HINT()):
        yield from (m.span() for m in _PUNCT_GAPPED.finditer(text, ws, we))


def _shape_windows(shape: str) -> list[tuple[int, int]]:
    """word_windows(shape, _PUNCT_HINT_SHAPE) for a _PUNCT_SHAPE text, whose only gap character is a space.

    A hint holds no space, so none crosses a window's end: the next hint is sought from there on,
    skipping the many hints inside one long word (a URL) that word_windows would look at and drop.
    """
    spans: list[tuple[int, int]] = []
    rfind, find, search = shape.rfind, shape.find, _PUNCT_HINT_SHAPE.search
    lo = 0
    while (m := search(shape, lo)) is not None:
        start = rfind(" ", lo, m.start()) + 1
        lo = find(" ", m.end())
        if lo == -1:
            lo = len(shape)
        spans.append((start, lo))
    return _merge(spans)


def _space_hint(text: str) -> bool:
    """True when _SPACE_HINT is found in text."""
    if text.isascii():
        return _SPACE_HINT_SHAPE.search(text.translate(_SHAPE)) is not None
    return _SPACE_HINT().search(text) is not None


def _space_gapped(text: str) -> Iterator[regex.Match[str]]:
    """_SPACE_GAPPED.finditer(text), searched only in the lines that hold two spaced letters."""
    pos = 0
    while (core := _SPACE_CORE.search(text, pos)) is not None:
        start = text.rfind("\n", 0, core.start()) + 1
        end = text.find("\n", core.end())
        end = len(text) if end == -1 else end
        yield from _SPACE_GAPPED.finditer(text, start, end)
        pos = end


class MixedScriptCheck(Check):
    """A word that mixes Latin letters with look-alike Cyrillic, Greek or other letters."""

    name = "mixed-script"
    scopes = TEXT_SCOPES
    max_hits = 5
    options = {}

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        for seg in ctx.facts.segments(scope):
            if seg.text.isascii():
                continue
            for start, end in _foreign_words(seg.text):
                word = seg.text[start:end]
                if not _LATIN.search(word):
                    continue
                yield Hit(**seg.hit(start, end, word=word))


_WORD = lazy_regex(r"[\p{L}\p{M}]{2,}")


def _plain_foreign_words(text: str) -> list[tuple[int, int]]:
    """_foreign_words written plainly: every word of two or more letters and marks, kept if one is foreign."""
    return [m.span() for m in _WORD.finditer(text) if _FOREIGN.search(m.group())]


def _foreign_words(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the words (runs of two or more letters and marks) that hold a Cyrillic, Greek... letter.

    Found from the foreign letters outwards: most text has few of them, and most words need no look.
    """
    high = _BEYOND_LATIN.search(text)
    pos = len(text) if high is None else high.start()
    while (f := _FOREIGN.search(text, pos)) is not None:
        start = _WORD_BACK.match(text, 0, f.start()).start()
        end = _WORD_ON.match(text, f.start()).end()
        if end - start >= 2 and end > f.start():  # a foreign sign that is no letter is in no word
            yield start, end
        pos = max(end, f.start() + 1)
