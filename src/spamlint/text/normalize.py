"""One canonical text layer: what a word list should see once the disguises are taken off.

Steps, in order: Unicode compatibility decomposition (NFKD, so full-width and mathematical
letters become plain ones) with combining marks dropped; zero-width characters and soft
hyphens removed; look-alike letters folded to their Latin skeleton with the Unicode
confusables data shipped by `confusable-homoglyphs`; single letters (a digit, $ or @ among
them) spread out with dots, dashes or spaces joined up (F.r.e.e, f r e e, $.a.l.e -> $ale);
leetspeak read as letters (fr33 -> free, $ale -> sale).

The canonical text keeps a map back to the raw text, so a match found there still points at
the right line and column.  Pure-ASCII text with nothing to undo takes a fast path and the
canonical text is the raw text itself; each step searches only where a cheap pre-scan finds
something to do.  `_plain_canonical` is the same steps without any of that: the reference that
tests/test_fast_path_properties.py holds `canonical` to.
"""

from __future__ import annotations

import bisect
from array import array
import json
import re
import unicodedata
from functools import cached_property, lru_cache
from typing import Callable, Iterator

from spamlint.text import compiled
from spamlint.text.compiled import lazy
from spamlint.text.patterns import lazy_regex
from spamlint.text.compiled import regex  # the regex module, imported on first use

_TOKEN = lazy(r"\w+")
_NON_ASCII = lazy_regex(r"[^\x00-\x7f]+")
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f\u2061\u2062\u2063\u2064")

# The disguise alphabets, each written once: every leet and gap pattern below, and the ones the
# disguise checks use, is built from these, so the fast spellings cannot drift from the plain ones.
LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "|": "l", "!": "i"}
LEET_DIGITS = "".join(c for c in LEET if c.isdigit())  # 013457
# leet characters that may start a word (before two letters): digits and the letter-like symbols
LEET_SYMBOLS = "@$"
GAP_MARKS = " .-_*\u00b7\u2022"  # what spreads single letters out: F.r.e.e, f r e e, F-R-E-E
GAP_SYMBOLS = LEET_SYMBOLS  # symbols that may stand for one of the spread-out letters: $.a.l.e


def char_class(chars: str) -> str:
    """The body of a character class holding exactly `chars` (escaped alike for re and regex)."""
    return "".join("\\" + c if c in "\\]^-[" else c for c in chars)


_SYMBOLS = char_class("".join(c for c in LEET if not c.isdigit() and c != "@"))  # $|! : letters inside a word
_IN_WORD = char_class(LEET_DIGITS) + _SYMBOLS  # leet between letters; an @ only if no domain follows
_STARTS = char_class(LEET_DIGITS + LEET_SYMBOLS)  # leet that may start a word
_DIGITS = char_class(LEET_DIGITS)
_NOT_DOMAIN = r"(?![\w-]*\.\w)"  # an @ that starts an address's domain is no letter
_MARK = char_class(GAP_MARKS)
_ASCII_MARK = char_class("".join(c for c in GAP_MARKS if c.isascii()))
_GAP_LETTER = rf"[\p{{L}}0-9{char_class(GAP_SYMBOLS)}]"  # a spread-out letter: a letter, a digit, $ or @


def _ascii(source: str) -> str:
    r"""A Unicode (regex) pattern for ASCII text, for stdlib re: \p{L} is A-Za-z there, \p{N} is 0-9."""
    return source.replace(r"\p{L}", "A-Za-z").replace(r"\p{N}", "0-9")


# four or more single letters (or leet digits) spread out by one kind of gap: F.r.e.e, f r e e, F-R-E-E
_GAPPED_SOURCE = (
    rf"(?<![\p{{L}}\p{{N}}{char_class(GAP_SYMBOLS)}]){_GAP_LETTER}(?P<sep>[{_MARK}]){_GAP_LETTER}"
    rf"(?:(?P=sep){_GAP_LETTER}){{2,30}}(?![\p{{L}}\p{{N}}])"
)
_GAPPED = lazy_regex(_GAPPED_SOURCE)
# a word of letters and leet characters with a leet character between two letters, two leet
# digits after two letters, or a leet character starting it before two letters
_LEET_WORD_SOURCE = (
    rf"(?<![\p{{L}}\p{{N}}@{_SYMBOLS}])(?:[\p{{L}}0-9{_SYMBOLS}]|@{_NOT_DOMAIN})*"
    rf"(?:[\p{{L}}](?:[{_IN_WORD}]|@{_NOT_DOMAIN})[\p{{L}}]|[\p{{L}}]{{2}}[{_DIGITS}]{{2}}(?![\p{{L}}\p{{N}}])"
    rf"|(?<![\p{{L}}\p{{N}}])[{_STARTS}][\p{{L}}]{{2}})"
    rf"(?:[\p{{L}}0-9{_SYMBOLS}]|@{_NOT_DOMAIN})*(?![\p{{L}}\p{{N}}])"
)
_LEET_WORD = lazy_regex(_LEET_WORD_SOURCE)
# _LEET_WORD for ASCII text: stdlib re runs it faster
_LEET_WORD_ASCII = lazy(_ascii(_LEET_WORD_SOURCE))
_ORDINAL = lazy_regex(r"\d+(?:st|nd|rd|th)", regex.IGNORECASE)

# Pre-scans: what every match of the patterns above holds, so the patterns run only near one.
# Stdlib `re`, and each starts with a plain character class (the leet character, or the gap's
# mark) that the engine skips ahead to; what comes before it is checked afterwards by
# look-behinds.  Written the obvious way, with a look-around first, the engine tries every offset.
# Each is built for ASCII text ([A-Za-z] letters, [A-Za-z0-9] letters or digits) and for any
# script.  There the regex module's Unicode tables are newer than the stdlib's, which knows
# fewer letters: where a pre-scan needs a letter, any non-ASCII character may be one (ANY_LETTER:
# a pre-scan may find too much, never too little); where it needs none, [^\W_] (no letter or
# digit the stdlib knows) is the narrower test.
ANY_LETTER = r"[A-Za-z\x80-\U0010ffff]"


def _leet_core(letter: str, alnum: str) -> Callable[[], re.Pattern[str]]:
    """A leet character in one of _LEET_WORD's three places (the second of a digit pair)."""
    return compiled.deferred(
        rf"[{_IN_WORD}@](?:(?<={letter}[{_IN_WORD}])(?={letter})|(?<={letter}@){_NOT_DOMAIN}(?={letter})"
        rf"|(?<={letter}{{2}}[{_DIGITS}])[{_DIGITS}](?!{alnum})|(?<=[{_STARTS}])(?<!{alnum}[{_STARTS}])(?={letter}{{2}}))"
    )


def _gap_core(letter: str, prev: str, marks: str) -> Callable[[], re.Pattern[str]]:
    """A mark and three spread-out letters after it, the letter before the first mark checked after."""
    return compiled.deferred(rf"([{marks}]){letter}\1{letter}\1{letter}(?<={letter}[\s\S]{{6}})" + prev)


# each a function returning its pattern: compiled on first use, from the rule-pack cache's code
_LEET_ASCII = _leet_core("[A-Za-z]", "[A-Za-z0-9]")
# its matches are the leet characters (two for a digit pair): word_windows uses them
_LEET_CORE = _leet_core(ANY_LETTER, r"[^\W_]")
# the same in ASCII text, where no gapped run ends before a letter or digit or starts after one
_GAP_ASCII = _gap_core(_ascii(_GAP_LETTER), r"(?![A-Za-z0-9])(?<![A-Za-z0-9][\s\S]{7})", _ASCII_MARK)
_GAP_HINT = _gap_core(ANY_LETTER[:-1] + "0-9" + char_class(GAP_SYMBOLS) + "]", "", _MARK)
# what every _GAPPED run holds (letters between three equal gaps); no run crosses a line break
_GAP_CORE = lazy_regex(rf"(?P<sep>[{_MARK}]){_GAP_LETTER}(?P=sep){_GAP_LETTER}(?P=sep)")
_LEET = str.maketrans(LEET)
_LETTER = lazy_regex(r"\p{L}")
_WORD_GAP = lazy(r"[ \n\t]")  # what separates the words of word_windows


class Spans:
    """Sorted (start, end) spans in a flat array, 16 bytes a span: a spammer chooses how many there are.

    A span that starts at most one character after the previous one ends is merged into it: a
    match between them borders both anyway, which is all a change's neighbours are asked.
    """

    def __init__(self) -> None:
        self.flat = array("q")

    def add(self, start: int, end: int) -> None:
        """Append a span that starts at or after the previous one."""
        if self.flat and start - self.flat[-1] <= 1:
            self.flat[-1] = max(self.flat[-1], end)
        else:
            self.flat.extend((start, end))

    def __iter__(self) -> Iterator[tuple[int, int]]:
        flat = self.flat
        return ((flat[i], flat[i + 1]) for i in range(0, len(flat), 2))

    def __len__(self) -> int:
        return len(self.flat) // 2

    def __bool__(self) -> bool:
        return bool(self.flat)


class OffsetMap:
    """Piecewise map from offsets in a derived text back to offsets in the text it came from.

    Each piece is a span of the derived text that either copies its origin one to one
    (`exact`) or replaces an origin span as a whole (then every offset inside maps to the
    origin span's start, and a span end to the origin span's end).

    Memory grows with the pieces, which a spammer chooses ('é ' * 10**6 folds a character in
    two): pieces are kept in flat arrays (8 bytes a number, not a tuple of objects), exact
    pieces that continue the previous one at the same shift are merged into it, and so are
    changed spans at most one character apart (a match between them borders both anyway).
    """

    def __init__(self) -> None:
        self.starts = array("q")
        self.origin_starts = array("q")
        self.origin_ends = array("q")
        self.exact = bytearray()
        self.changed = Spans()  # derived spans that are not copies of their origin

    def add(self, start: int, origin_start: int, origin_end: int, exact: bool) -> None:
        """Record that derived text from `start` on comes from origin[origin_start:origin_end]."""
        if exact and self.exact and self.exact[-1] and self.origin_ends[-1] == origin_start \
                and self.starts[-1] - self.origin_starts[-1] == start - origin_start:
            self.origin_ends[-1] = origin_end  # one copy, at the same shift, continued
            return
        self.starts.append(start)
        self.origin_starts.append(origin_start)
        self.origin_ends.append(origin_end)
        self.exact.append(exact)

    def change(self, start: int, end: int) -> None:
        """Record that derived text[start:end] is not a copy of its origin."""
        self.changed.add(start, end)

    def forward(self, offset: int) -> int:
        """Derived offset of an origin offset (the start of the piece for replaced spans)."""
        i = max(bisect.bisect_right(self.origin_starts, offset) - 1, 0)
        return self.starts[i] + (offset - self.origin_starts[i] if self.exact[i] else 0)

    def start(self, offset: int) -> int:
        """Origin offset of the derived character at `offset`."""
        i = max(bisect.bisect_right(self.starts, offset) - 1, 0)
        o_start, o_end = self.origin_starts[i], self.origin_ends[i]
        return min(o_start + offset - self.starts[i], o_end) if self.exact[i] else o_start

    def end(self, offset: int) -> int:
        """Origin offset just after the derived character at `offset - 1`."""
        if offset <= 0:
            return 0
        i = max(bisect.bisect_right(self.starts, offset - 1) - 1, 0)
        o_start, o_end = self.origin_starts[i], self.origin_ends[i]
        return min(o_start + offset - self.starts[i], o_end) if self.exact[i] else o_end


class _AsciiFirst:
    """Two spellings of one pattern: the stdlib one for an ASCII span of text, else the regex one.

    Only for patterns whose look-arounds cannot see past the span's ends, as in word windows.
    """

    def __init__(self, ascii_pattern: re.Pattern[str], pattern: regex.Pattern[str]) -> None:
        self.ascii_pattern, self.pattern = ascii_pattern, pattern

    def finditer(self, text: str, pos: int, endpos: int) -> Iterator[re.Match[str] | regex.Match[str]]:
        """pattern.finditer(text, pos, endpos)."""
        use = self.ascii_pattern if text[pos:endpos].isascii() else self.pattern
        return use.finditer(text, pos, endpos)


def substitute(text: str, pattern: regex.Pattern[str], repl: Callable[[str], str],
               windows: list[tuple[int, int]] | None = None) -> tuple[str, OffsetMap | None]:
    """Replace every match of pattern by repl(match); None as map when nothing changed.

    With `windows` (sorted, disjoint spans that no match can cross) only those spans are searched.
    """
    out: list[str] = []
    omap = OffsetMap()
    pos = size = 0
    spans = [(0, len(text))] if windows is None else windows
    for m in (m for ws, we in spans for m in pattern.finditer(text, ws, we)):
        new = repl(m.group())
        if new == m.group():
            continue
        if m.start() > pos:
            omap.add(size, pos, m.start(), True)
            out.append(text[pos:m.start()])
            size += m.start() - pos
        omap.add(size, m.start(), m.end(), len(new) == len(m.group()))
        omap.change(size, size + len(new))
        out.append(new)
        size += len(new)
        pos = m.end()
    if not out:
        return text, None
    omap.add(size, pos, len(text), True)
    out.append(text[pos:])
    return "".join(out), omap


@lru_cache(maxsize=1)
def confusables() -> dict[str, str]:
    """Non-ASCII character -> ASCII letter or digit it is confusable with (Unicode confusables data)."""
    import confusable_homoglyphs

    path = confusable_homoglyphs.__file__.rsplit("/", 1)[0] + "/confusables.json"
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    table = {}
    for char, entries in data.items():
        if char.isascii():
            continue
        for entry in entries:
            c = entry["c"]
            if len(c) == 1 and c.isascii() and c.isalnum():
                table[char] = c
                break
    return table


@lru_cache(maxsize=8192)
def fold_char(char: str) -> str:
    """The canonical form of one non-ASCII character: '' for invisible ones, else its Latin skeleton."""
    if char in _INVISIBLE:
        return ""
    out = []
    for c in unicodedata.normalize("NFKD", char):
        if unicodedata.combining(c):
            continue
        if not c.isascii():
            c = confusables().get(c, c)
        out.append(c)
    return "".join(out)


def is_invisible(char: str) -> bool:
    """True for zero-width characters, joiners, direction marks and soft hyphens."""
    return char in _INVISIBLE


def _fold_run(run: str) -> str:
    return "".join(fold_char(c) for c in run)


def _join_gaps(token: str) -> str:
    joined = token[::2]
    return joined if len(_LETTER.findall(joined)) >= 2 else token


def _read_leet(token: str) -> str:
    if len(_LETTER.findall(token)) < 2 or _ORDINAL.fullmatch(token):
        return token
    core = token.strip("!|")  # a closing "!" is punctuation, not an i
    start = token.index(core[0]) if core else 0
    return token[:start] + core.translate(_LEET) + token[start + len(core):]


def lower_text(text: str) -> str:
    """text.lower() with every offset kept: the few characters that lower to two (İ) stay as they are."""
    low = text.lower()
    if len(low) == len(text):
        return low
    # the rest read from the whole text's lowering, not one character at a time: a capital sigma
    # lowers by its context (final ς or σ), as in text.lower() and the phrases' own lowering
    out, i = [], 0
    for c in text:
        n = len(c.lower())
        out.append(low[i] if n == 1 else c)
        i += n
    return "".join(out)


# ASCII characters that \w does not match, as spaces: then str.split finds the \w+ tokens
_NOT_WORD_ASCII = str.maketrans({chr(i): " " for i in range(128) if not (chr(i).isalnum() or chr(i) == "_")})


def tokens(text: str) -> frozenset[str]:
    """The distinct \\w+ tokens of text (found by split, several times faster than findall)."""
    if text.isascii():
        return frozenset(text.translate(_NOT_WORD_ASCII).split())
    # no white space is a word character, so every token lies inside one white-space separated
    # chunk: a distinct chunk of word characters only is a token, the few others are searched
    found = set(text.split())
    mixed = [chunk for chunk in found if not chunk.isalnum()]  # isalnum: \w without "_"
    if mixed:
        found.difference_update(mixed)
        findall = _TOKEN.findall
        for chunk in mixed:
            found.update(findall(chunk))
    return frozenset(found)


def _plain_tokens(text: str) -> frozenset[str]:
    """tokens() by its definition: the reference it must equal."""
    return frozenset(_TOKEN.findall(text))


class LowerWords:
    """Lower-case views of `self.text` that phrase matching shares (Segment and Canonical)."""

    text: str

    @cached_property
    def lower(self) -> str:
        """The text in lower case, offset for offset (for case-sensitive phrase patterns)."""
        return lower_text(self.text)

    @cached_property
    def lower_words(self) -> frozenset[str]:
        """The distinct \\w+ tokens of the lower-case text: phrase rules skip texts that lack their words."""
        return tokens(self.lower)


# how far a window reaches from a change: characters besides white space, which a phrase
# pattern's \s+ may stretch (one more than the longest phrase it is exact for)
WINDOW_REACH = 65


def _reach(pad: int, make: Callable[..., regex.Pattern[str]] = regex.compile
           ) -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    """Patterns for `pad` characters besides white space: backwards (match to an end) and onwards."""
    # onwards takes the white space after its last character too: a change followed only by white
    # space then reaches the text's end, and a match ending there is not mistaken for one cut off
    return make(rf"(?:\S\s*){{0,{pad}}}", regex.REVERSE), make(rf"(?:\s*\S){{0,{pad}}}\s*")


_REACH_BACK, _REACH_ON = _reach(WINDOW_REACH, lazy_regex)


class Canonical(LowerWords):
    """The canonical text of a raw text, and the way back to raw offsets."""

    def __init__(self, raw: str, text: str, maps: tuple[OffsetMap, ...]) -> None:
        self.raw = raw
        self.text = text
        self._maps = maps  # innermost (closest to raw) first
        self._windows: dict[int, list[tuple[int, int]]] = {}  # by pad

    @cached_property
    def loose_words(self) -> frozenset[str]:
        """The canonical tokens with l written as i (a leet 1 may stand for either)."""
        return tokens(self.lower.replace("l", "i"))

    @cached_property
    def window_words(self) -> frozenset[str]:
        """loose_words of the text in windows(): the words a match near a change can be made of."""
        low = self.lower
        return tokens(" ".join(low[start:end] for start, end in self.windows()).replace("l", "i"))

    @property
    def changed(self) -> bool:
        """True when the canonical text differs from the raw text."""
        return bool(self._maps)

    @cached_property
    def changes(self) -> Spans:
        """Sorted (start, end) spans of the canonical text that differ from the raw text (empty for a deletion)."""
        from heapq import merge  # imported on first use: a plain text has no changes to merge

        out = Spans()
        for start, end in merge(*(self._mapped(k) for k in range(len(self._maps)))):
            out.add(start, end)
        return out

    def _mapped(self, k: int) -> Iterator[tuple[int, int]]:
        """The changes of map k in canonical offsets (sorted: forward maps keep order)."""
        for start, end in self._maps[k].changed:
            for later in self._maps[k + 1:]:
                start, end = later.forward(start), later.forward(end)
            yield start, end

    @cached_property
    def _change_index(self) -> tuple[array[int], array[int]]:
        """Starts of the changes, and the furthest end among the changes up to each one."""
        starts, reach, far = array("q"), array("q"), -1
        for a, b in self.changes:
            far = max(far, b)
            starts.append(a)
            reach.append(far)
        return starts, reach

    def touches_change(self, start: int, end: int) -> bool:
        """True when canonical text[start:end] holds or borders a change: the plain test
        `any(a <= end and b >= start for a, b in changes)`, by bisection."""
        starts, reach = self._change_index
        i = bisect.bisect_right(starts, end)  # the changes that start at or before end
        return i > 0 and reach[i - 1] >= start

    def windows(self, pad: int = WINDOW_REACH) -> list[tuple[int, int]]:
        """Spans of the canonical text around every change, `pad` characters besides white space each side.

        A phrase match that touches a change and has fewer characters than that besides white
        space lies inside one, however much white space it spans.
        """
        found = self._windows.get(pad)
        if found is None:
            # changes closer than twice the pad share a window: its reach is sought once per group
            groups = _merge([(start, end + 2 * pad) for start, end in self.changes])
            back, on = (_REACH_BACK, _REACH_ON) if pad == WINDOW_REACH else _reach(pad)
            text = self.text
            found = self._windows[pad] = _merge([(back.match(text, 0, start).start(),
                                                  on.match(text, end - 2 * pad).end()) for start, end in groups])
        return found

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw (start, end) of the canonical span text[start:end]."""
        for omap in reversed(self._maps):
            start, end = omap.start(start), omap.end(end)
        return start, max(end, start)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def canonical(raw: str) -> Canonical:
    """Normalise a text once: Unicode folding, invisible characters, homoglyphs, gaps, leetspeak."""
    if raw.isascii() and not (_LEET_ASCII().search(raw) or _GAP_ASCII().search(raw)):
        return Canonical(raw, raw, ())
    maps = []
    text = raw
    for step in (_fold_step, _gap_step, _leet_step):
        text, omap = step(text)
        if omap is not None:
            maps.append(omap)
    return Canonical(raw, text, tuple(maps))


def _plain_canonical(raw: str) -> Canonical:
    """canonical() by the documented steps alone, each pattern over the whole text: the reference it must equal."""
    maps = []
    text = raw
    for pattern, repl in ((_NON_ASCII, _fold_run), (_GAPPED, _join_gaps), (_LEET_WORD, _read_leet)):
        text, omap = substitute(text, pattern, repl)
        if omap is not None:
            maps.append(omap)
    return Canonical(raw, text, tuple(maps))


def _fold_step(text: str) -> tuple[str, OffsetMap | None]:
    """substitute(text, _NON_ASCII, _fold_run)."""
    return (text, None) if text.isascii() else substitute(text, _NON_ASCII, _fold_run)


def _gap_step(text: str) -> tuple[str, OffsetMap | None]:
    """substitute(text, _GAPPED, _join_gaps), searched only in the lines that can hold a gapped run."""
    if not _GAP_HINT().search(text):
        return text, None
    return substitute(text, _GAPPED, _join_gaps, line_windows(text, _GAP_CORE))


def _leet_step(text: str) -> tuple[str, OffsetMap | None]:
    """substitute(text, _LEET_WORD, _read_leet), searched only in the words around a leet character."""
    windows = word_windows(text, _LEET_CORE())
    if not windows:
        return text, None
    pattern = _LEET_WORD_ASCII if text.isascii() else _AsciiFirst(_LEET_WORD_ASCII, _LEET_WORD)
    return substitute(text, pattern, _read_leet, windows)


def line_windows(text: str, core: regex.Pattern[str]) -> list[tuple[int, int]]:
    """The lines (without their line break) that hold a match of `core`, in order."""
    spans: list[tuple[int, int]] = []
    pos = 0
    while (m := core.search(text, pos)) is not None:
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        pos = end = len(text) if end == -1 else end
        spans.append((start, end))
    return spans


def word_windows(text: str, core: re.Pattern[str]) -> list[tuple[int, int]]:
    """Disjoint spans of whole white-space separated words around each match of `core`."""
    spans: list[tuple[int, int]] = []
    rfind, gap = text.rfind, _WORD_GAP.search
    lo = 0  # a word that starts a window begins after the last window's end (a gap character)
    for m in core.finditer(text):
        if m.start() < lo:
            continue
        start = max(rfind(" ", lo, m.start()), rfind("\n", lo, m.start()), rfind("\t", lo, m.start())) + 1
        end = gap(text, m.end())
        lo = end.start() if end is not None else len(text)
        spans.append((start, lo))
    return _merge(spans)
