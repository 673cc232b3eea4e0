"""Characters a rule's pattern cannot match without: a cheap test that skips hopeless searches.

`required_sets(pattern, ignore_case)` reads a pattern (the `regex` module's V0 syntax) and
returns sets of characters such that every match holds at least one character of each set.
A text with no character of one of the sets cannot match, so the timed search need not run
(`str.__contains__` is a C scan; a regex call costs microseconds before it looks at the text).

The reader is small and deliberately conservative: anything it does not know for certain
(backreferences, POSIX classes, unknown escapes or group kinds, flags other than i, m, s, a,
verbose mode other than a leading `(?x)`) gives no sets, and the pattern is always searched.
Only consumed characters count: look-arounds and optional items require nothing.  Under
IGNORECASE, letters and anything else with case variants require nothing either.

`tests_for` (what UserPattern uses) reads a pattern three times more, for sharper tests: runs
of literal characters count as strings a match must hold ("wechat", "://"), and readings for
ASCII text and for text without CJK, kana, Hangul or full-width characters drop the branches
that need a character such text lacks, so the Chinese and Japanese word lists are never
searched in Western mail, and a pattern with no branch left is never searched there at all.
A pattern that ignores case throughout (no inline i flag) is read for ASCII text with its
letters in lower case, and tested against the text's lower case; and for other text the same
way, in its `folded` lower case (where İ and ſ, which the regex module matches to i and s,
are i and s).  `branches` splits a pattern into its top-level branches, so that a search can
tell which of them a text can hold (text/patterns.py `UserPattern._starts_in`).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable

from spamlint.text import compiled

Sets = list[frozenset[str]]
Tests = tuple[tuple[int, tuple[str, ...], bool], ...]  # (kind of text, strings one of which it must hold, lowered)
# a test for any text, for ASCII text, for text without far characters, and for other than
# ASCII text in its folded lower case (`folded`), from a pattern that ignores case throughout
ANY, ASCII, NEAR, FOLDED = 0, 1, 2, 3
KINDS = (ANY, ASCII, NEAR, FOLDED)
# far characters: CJK, kana, Hangul and full-width forms, which Western mail rarely holds
_FAR_RANGES = ((0x2E80, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF))

MAX_CLASS = 4096  # characters a class may spell out; a wider class requires nothing
MAX_SCAN = 10  # characters one test may look for with `in` (the ten digits)
OTHER = "<non-ASCII>"  # in a set: and further non-ASCII characters not spelled out (\d's other digits)
_DIGITS = frozenset("0123456789") | {OTHER}
_SIMPLE_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}
_ZERO_WIDTH_ESCAPES = frozenset("bBAZ")
_CLASS_ESCAPES = frozenset("DwWsS")
_GROUP_FLAGS = frozenset("imsa")


class Unsure(Exception):
    """The pattern uses syntax this reader does not model: no prefilter."""


def required_sets(pattern: str, ignore_case: bool) -> Sets:
    """Sets of characters each match must draw on (one character at least from each); [] if unsure."""
    return _read(pattern, ignore_case) or []  # None (no match possible) only comes from an ASCII reading


def tests_for(pattern: str, ignore_case: bool) -> Tests:
    """Tests for `cannot_match`: strings one of which each match holds, for any text, for ASCII
    text and for text without far characters (`far`).

    A pattern that no ASCII text (or no such text) can match gets a test that every such text fails.
    """
    found = [(ANY, m, False) for m in _members(_read(pattern, ignore_case, runs=True) or [], False)]
    # a pattern that ignores case throughout is read for ASCII text with its letters in lower
    # case, and such tests look in the text's lower case (ASCII's is exact)
    lowered = ignore_case
    in_ascii = _read(pattern, ignore_case, runs=True, within=ASCII, lowered=True) if lowered else []
    if in_ascii == []:
        lowered = False
        in_ascii = _read(pattern, ignore_case, runs=True, within=ASCII)
    if in_ascii is None:
        found.append((ASCII, (), False))
    else:  # only tests with a letter need the lower case
        tests = [(ASCII, m, lowered and any(c.isalpha() for s in m for c in s)) for m in _members(in_ascii, True)]
        found += [t for t in tests if t[2] or (ANY, *t[1:]) not in found]  # ASCII text takes the ANY tests too
    if lowered:
        # other text, read in its folded lower case: the ANY reading can say nothing of a letter
        # when case is ignored, so a list of words ("dollars", "usd") tests no text but ASCII
        # (a test with a lone ASCII letter among its members is left out: nearly every text
        # passes it, after paying for its lower case)
        in_folded = _read(pattern, ignore_case, runs=True, within=FOLDED, lowered=True)
        found += [(FOLDED, m, True) for m in _members(in_folded or [], False)
                  if any(c.isalpha() for s in m for c in s) and not any(len(s) == 1 and s.isascii() and s.isalpha() for s in m)]
    # the NEAR reading pays (a search for far characters) where it rules all such text out, or
    # where the ANY reading finds nothing to test (a Chinese list with an ASCII branch)
    if pattern.isascii() or not any(map(far, pattern)):
        return tuple(found)  # a pattern that writes no far character gains little from it (skipping a test is safe)
    near = _read(pattern, ignore_case, runs=True, within=NEAR)
    if near is None:
        found.append((NEAR, (), False))
    elif not any(kind == ANY for kind, _, _ in found):
        found += [(NEAR, m, False) for m in _members(near, False)]
    return tuple(found)


# the only characters that the regex module, ignoring case, matches to an ASCII letter and
# whose lower case is not that letter (İ lowers to i and a combining dot, ſ to itself)
_FOLD_TO_ASCII = (("\u0130", "i"), ("\u017f", "s"))


def holds_far(text: str) -> bool:
    """Whether text holds a far character; kept for the last few texts, as folded() is."""
    kept = _HOLDS_FAR.get(id(text))
    if kept is not None and kept[0] is text:
        return kept[1]
    found = _far_search()(text) is not None
    if len(_HOLDS_FAR) >= 8:
        _HOLDS_FAR.clear()
    _HOLDS_FAR[id(text)] = (text, found)
    return found


_HOLDS_FAR: dict[int, tuple[str, bool]] = {}  # holds_far(): id of a text -> (the text, the answer)


def folded(text: str) -> str:
    """text in lower case, with every character that matches an ASCII letter when case is ignored as that letter.

    Kept for the last few texts (by identity, the text held with it): the rules' patterns and
    each of their branches test the same segments one after another, and lowering a long text
    that is not ASCII costs more than the tests.
    """
    kept = _FOLDED.get(id(text))
    if kept is not None and kept[0] is text:
        return kept[1]
    low = text
    for char, letter in _FOLD_TO_ASCII:
        if char in low:
            low = low.replace(char, letter)
    low = low.lower()
    if len(_FOLDED) >= 8:
        _FOLDED.clear()
    _FOLDED[id(text)] = (text, low)
    return low


_FOLDED: dict[int, tuple[str, str]] = {}  # folded(): id of a text -> (the text, its folded lower case)


def far(char: str) -> bool:
    """True for a CJK, kana, Hangul or full-width character (the NEAR tests' text holds none)."""
    return any(low <= ord(char) <= high for low, high in _FAR_RANGES)


# the pattern of a far character, compiled on first use from the rule-pack cache's code (re
# takes milliseconds to build this class's charset)
_FAR = compiled.deferred("[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in _FAR_RANGES) + "]")


def _far_search() -> Callable[[str], re.Match[str] | None]:
    """The search for a far character."""
    return _FAR().search


def _read(pattern: str, ignore_case: bool, runs: bool = False, within: int = ANY,
          lowered: bool = False) -> Sets | None:
    """The reader's answer: sets, [] when unsure, None when no match is possible (in text `within`)."""
    reader = _Reader(pattern, ignore_case, runs, within, lowered)
    try:
        found = reader.alternation()
        if reader.i != len(pattern):
            raise Unsure("unbalanced ')'")
    except (Unsure, IndexError, ValueError):
        return []
    return found if not reader.ignore_case or not reader.flags_seen else []


def needles(sets: Sets) -> Tests:
    """Tests for `cannot_match`, up to two per required set: what to look for in an ASCII text,
    and in any text; none where there are too many or they are unknown."""
    return (*((ASCII, m, False) for m in _members(sets, True)), *((ANY, m, False) for m in _members(sets, False)))


def _members(sets: Sets, ascii: bool) -> list[tuple[str, ...]]:
    """Per required set, its members to look for (only the ASCII ones for ASCII text); a set with
    too many, or (not ascii) with digits of other scripts not spelled out, gives none.  A set's
    members are characters or (from `tests_for`) strings."""
    kept: list[frozenset[str]] = []
    for chars in sorted(set(map(_shortest, sets)), key=lambda c: (len(c), sorted(c))):
        if not any(k <= chars for k in kept):  # a smaller set inside it says more
            kept.append(chars)
    kept = [a for a in kept if not any(b is not a and _implies(b, a) for b in kept)]
    out = []
    for chars in kept:
        if ascii:
            chars = frozenset(c for c in chars if c != OTHER and c.isascii())
        elif OTHER in chars:
            continue
        if len(chars) <= MAX_SCAN:
            out.append(tuple(sorted(chars)))
    return out


def _shortest(strings: frozenset[str]) -> frozenset[str]:
    """The set without strings that hold another of its strings ("%%" holds "%": the "%" test finds both)."""
    longer = sorted((s for s in strings if len(s) > 1 and s != OTHER), key=len)
    if not longer:
        return strings  # characters only (most sets): nothing holds another
    singles = strings.difference(longer)
    held = {s for i, s in enumerate(longer)
            if any(c in singles for c in s) or any(o in s for o in longer[:i] if len(o) < len(s))}
    return strings.difference(held)


def _implies(found: frozenset[str], other: frozenset[str]) -> bool:
    """Whether a text holding a string of `found` holds one of `other` ("://" holds ":")."""
    return OTHER not in found and OTHER not in other and all(any(o in f for o in other) for f in found)


def cannot_match(text: str, tests: Tests) -> bool:
    """True when text lacks every string (or character) of one required set: no match is possible."""
    ascii_text = text.isascii()  # O(1) in CPython
    lower = near = None
    for kind, scan, lowered in tests:
        where = text
        if kind == ASCII:
            if not ascii_text:
                continue
            if lowered:
                where = lower = text.lower() if lower is None else lower
        elif kind == FOLDED:
            if ascii_text:
                continue  # the ASCII tests say as much, or more
            where = lower = folded(text) if lower is None else lower
        elif kind == NEAR:
            if ascii_text:
                continue  # the ASCII tests say as much, or more
            if near is None:
                near = not holds_far(text)
            if not near:
                continue
        for ch in scan:
            if ch in where:
                break
        else:
            return True
    return False


def caseless(char: str) -> bool:
    """True for a character that matches only itself when case is ignored: no case pair, and no
    letter or mark except the uncased letters of category Lo (CJK, kana, Hangul, Arabic...)."""
    if not char.lower() == char == char.upper() == char.casefold():
        return False
    category = unicodedata.category(char)
    if category == "Cn":  # unassigned in Python's Unicode data, perhaps a cased letter in regex's newer one
        return False
    return category == "Lo" or not (char.isalpha() or category.startswith(("L", "M")))


class _Reader:
    """A recursive-descent reader; each method returns the sets its piece requires (None: it cannot match).

    With `runs`, a run of literal characters is also required as one string; `within` ASCII (or
    NEAR), the reading is for ASCII text (or text without far characters): a character no such
    text holds cannot match (None), and a choice drops the branches that cannot.  A leading
    `(?x)` is read as verbose mode: white space and # comments outside classes are skipped
    between items, as the `regex` module skips them.
    """

    def __init__(self, pattern: str, ignore_case: bool, runs: bool = False, within: int = ANY,
                 lowered: bool = False) -> None:
        self.p = pattern
        self.verbose = pattern.startswith("(?x)")
        self.i = 4 if self.verbose else 0
        self.ignore_case = ignore_case
        self.flags_seen = False  # an inline (?i) makes the whole result unsure if set after the fact
        self.runs = runs
        self.within = within  # the kind of text read for: ANY, ASCII, NEAR or FOLDED (with `lowered`)
        self.lowered = lowered  # ASCII text, case ignored throughout: ASCII letters stand for both cases

    def alternation(self) -> Sets | None:
        branches = [self.sequence()]
        while self.i < len(self.p) and self.p[self.i] == "|":
            self.i += 1
            branches.append(self.sequence())
        possible = [b for b in branches if b is not None]
        if len(possible) <= 1:
            return possible[0] if possible else None
        if any(not b for b in possible):
            return []  # one branch requires nothing, so neither does the choice
        # a match draws on one set of whichever branch matched, so the union of one set per
        # branch is required; pair the branches' sharpest sets, then their next sharpest...
        ranked = [sorted(b, key=_sharpness) for b in possible]
        return [frozenset().union(*picks) for picks in zip(*ranked)]

    def sequence(self) -> Sets | None:
        out: Sets | None = []
        run: list[str] = []  # literal characters matched one after another
        while self._skip() and self.p[self.i] not in "|)":
            literal = self.p[self.i] not in "(.^$"  # a class, an escape or a character: one character
            item = self.atom()
            low, exact = self._quantifier()
            if low == 0:
                item = []
            if literal and exact and item and len(item[0]) == 1 and OTHER not in item[0]:
                run.extend(item[0])
            else:
                self._end_run(run, out)
            if out is not None:
                out = None if item is None else out + item
        self._end_run(run, out)
        return out

    def _end_run(self, run: list[str], out: Sets | None) -> None:
        text = "".join(run)
        if self.runs and len(run) > 1 and out is not None and OTHER not in text:  # OTHER is a marker, not text
            out.append(frozenset([text]))
        run.clear()

    def _skip(self) -> bool:
        """Skip verbose mode's white space and comments; True while the pattern goes on."""
        while self.verbose and self.i < len(self.p):
            if self.p[self.i].isspace():
                self.i += 1
            elif self.p[self.i] == "#":
                end = self.p.find("\n", self.i)
                self.i = len(self.p) if end == -1 else end + 1
            else:
                break
        return self.i < len(self.p)

    def atom(self) -> Sets | None:
        ch = self.p[self.i]
        if ch == "(":
            return self.group()
        if ch == "[":
            return self._chars(self.char_class())
        if ch == "\\":
            return self._chars(self.escape())
        if ch in "*+?{":
            raise Unsure("quantifier without an item")
        self.i += 1
        if ch in ".^$":
            return []
        return self._chars(frozenset(ch))

    def group(self) -> Sets | None:
        self.i += 1
        look = False
        case = self.ignore_case
        if self.p.startswith("?", self.i):
            self.i += 1
            if self.p.startswith((":", ">"), self.i):
                self.i += 1
            elif self.p.startswith(("=", "!"), self.i):
                self.i, look = self.i + 1, True
            elif self.p.startswith(("<=", "<!"), self.i):
                self.i, look = self.i + 2, True
            elif self.p.startswith("P<", self.i):
                end = self.p.index(">", self.i)
                if not self.p[self.i + 2:end].isidentifier():
                    raise Unsure("group name")
                self.i = end + 1
            else:
                self._flags()
                if self.p[self.i - 1] == ")":
                    return []  # (?i) on its own: flags for the whole pattern
        inner = self.alternation()
        if self.p[self.i] != ")":
            raise Unsure("unclosed group")
        self.i += 1
        self.ignore_case = case or self.flags_seen  # (?i:...) ignores case only inside; a bare (?i) for good
        return [] if look else inner

    def _flags(self) -> None:
        """Inline flags: (?i) (?s: ...) (?-i: ...); only flags that keep the syntax as read."""
        start = self.i
        while self.p[self.i] in _GROUP_FLAGS or self.p[self.i] == "-":
            self.i += 1
        if self.i == start or self.p[self.i] not in ":)":
            raise Unsure("group kind")
        if "i" in self.p[start:self.i]:
            if self.lowered:
                raise Unsure("a case flag in a reading that lowers every letter")
            self.ignore_case = True
            self.flags_seen = self.flags_seen or self.p[self.i] == ")"
        self.i += 1

    def escape(self) -> frozenset[str] | None:
        """The character an escape stands for, or None for a class or an assertion."""
        ch = self.p[self.i + 1]
        self.i += 2
        if ch in _HEX_ESCAPES:
            digits = self.p[self.i:self.i + _HEX_ESCAPES[ch]]
            if len(digits) != _HEX_ESCAPES[ch] or not all(c in "0123456789abcdefABCDEF" for c in digits):
                raise Unsure("hex escape")
            self.i += len(digits)
            return frozenset(chr(int(digits, 16)))
        if ch in _SIMPLE_ESCAPES:
            return frozenset(_SIMPLE_ESCAPES[ch])
        if ch == "d":
            return _DIGITS  # 0-9 and other scripts' digits: an ASCII text can only hold 0-9
        if ch in _ZERO_WIDTH_ESCAPES or ch in _CLASS_ESCAPES:
            return None
        if ch in "pP":
            if self.p[self.i] == "{":
                self.i = self.p.index("}", self.i) + 1
            else:
                self.i += 1
            return None
        if ch.isascii() and not ch.isalnum():
            return frozenset(ch)
        raise Unsure(f"escape \\{ch}")

    def char_class(self) -> frozenset[str] | None:
        """The characters a [...] class matches, or None when negated, too wide or not plain."""
        self.i += 1
        negated = self.p[self.i] == "^"
        if negated:
            self.i += 1
        chars: set[str] = set()
        plain, first = True, True
        while first or self.p[self.i] != "]":
            first = False
            if self.p[self.i] == "[":
                raise Unsure("nested set or POSIX class")
            low = self._class_char()
            if low is None:
                plain = False
                continue
            if self.p[self.i] == "-" and self.p[self.i + 1] != "]":
                self.i += 1
                high = self._class_char()
                if high is None or len(low) != 1 or len(high) != 1 or OTHER in low | high:
                    raise Unsure("class range")
                start, end = ord(next(iter(low))), ord(next(iter(high)))
                if end < start:
                    raise Unsure("class range")
                if end - start >= MAX_CLASS:
                    plain = False
                    continue
                chars.update(chr(c) for c in range(start, end + 1))
            else:
                chars.update(low)
        self.i += 1
        if negated or not plain or len(chars) > MAX_CLASS:
            return None
        return frozenset(chars)

    def _class_char(self) -> frozenset[str] | None:
        if self.p[self.i] == "\\":
            found = self.escape()
            if found is None and self.p[self.i - 1] == "b":
                return frozenset("\b")  # \b in a class is a backspace
            return found
        self.i += 1
        return frozenset(self.p[self.i - 1])

    def _quantifier(self) -> tuple[int, bool]:
        """Skip a quantifier after an item; return its minimum count (1 when there is none) and
        whether the item is matched exactly once."""
        if not self._skip():
            return 1, True
        ch = self.p[self.i]
        if ch in "*?":
            low = 0
            self.i += 1
        elif ch == "+":
            low = 1
            self.i += 1
        elif ch == "{":
            end = self.p.index("}", self.i)
            body = self.p[self.i + 1:end]
            low_text, _, high_text = body.partition(",")
            if not (low_text or high_text) or not (low_text + high_text).isdigit():
                raise Unsure("braces that are no count")
            low = int(low_text) if low_text else 0
            self.i = end + 1
        else:
            return 1, True
        if self.i < len(self.p) and self.p[self.i] in "?+":
            self.i += 1  # lazy or possessive: the same minimum
        if self.i < len(self.p) and self.p[self.i] in "*+?{":
            raise Unsure("stacked quantifiers")
        return low, False

    def _chars(self, chars: frozenset[str] | None) -> Sets | None:
        if chars is None or not chars:
            return []
        if self.lowered:  # in ASCII text an ASCII letter, case ignored, is one of its two cases
            if any(c != OTHER and not c.isascii() and not caseless(c) for c in chars):
                return []  # the Kelvin sign matches k: which ASCII letters a cased one matches is not read here
            if self.within == FOLDED:  # any text, in its folded lower case: a caseless character stays itself
                return [frozenset(c if c == OTHER else c.lower() for c in chars)]  # OTHER: no test is made of its set
            chars = frozenset(c.lower() for c in chars if c != OTHER and c.isascii())
            return [chars] if chars else None
        if self.ignore_case and not all(c == OTHER or caseless(c) for c in chars):  # digits have no case
            return []
        # a caseless character matches only itself: ASCII text holds only ASCII ones, NEAR text no far one
        if self.within == ASCII:
            chars = frozenset(c for c in chars if c != OTHER and c.isascii())
            return [chars] if chars else None
        if self.within == NEAR:
            chars = frozenset(c for c in chars if c == OTHER or not far(c))
            return [chars] if chars else None
        return [chars]


def branches(pattern: str) -> list[str] | None:
    """The top-level branches of pattern, each as a pattern of its own (a leading `(?x)` kept on
    each); None for one branch, or when unsure.

    Every match of the pattern is a match of one of them at the same place, so a text that no
    branch can match cannot match the pattern, and a match starts where one of the branches the
    text can hold starts.  A bare inline flag (which the regex module applies to every branch)
    makes the reader unsure, as a backreference does.
    """
    reader = _Reader(pattern, False)
    spans, start = [], reader.i
    try:
        reader.sequence()
        while reader.i < len(pattern) and pattern[reader.i] == "|":
            spans.append((start, reader.i))
            reader.i += 1
            start = reader.i
            reader.sequence()
    except (Unsure, IndexError, ValueError):
        return None
    spans.append((start, reader.i))
    if reader.i != len(pattern) or len(spans) < 2 or reader.flags_seen:
        return None
    lead = "(?x)" if reader.verbose else ""
    return [lead + pattern[a:b] for a, b in spans]


MAX_STARTS = 32  # strings a match may start with; more and the reading gives up (or stops where it is)
_ZERO = frozenset({""})  # an item that consumes nothing (a look-around, an anchor)


def match_starts(pattern: str, ignore_case: bool) -> frozenset[str] | None:
    """Strings one of which every match of pattern starts with (at the match's first character);
    None when unsure, or when a match may be empty or start with a character not spelled out.

    What `UserPattern` uses to start a search where a match can first start: a search that
    begins at the first place one of them occurs finds the same first match as one that begins
    earlier (lookbehinds, \\b and ^ still read the text before it; \\G, which does not, is not read).
    Under IGNORECASE only characters without case variants (digits, punctuation, CJK) count.
    """
    reader = _Starts(pattern, ignore_case)
    try:
        found = reader.alternation()
        if reader.i != len(pattern):
            raise Unsure("unbalanced ')'")
    except (Unsure, IndexError, ValueError):
        return None
    if found is None or (reader.flags_seen and not ignore_case) or "" in found:
        return None
    return found


def _fewer(starts: set[str]) -> frozenset[str] | None:
    """At most MAX_STARTS strings, the longest cut short a character at a time (a start's start
    starts the match too: "*|A" ... "*|Z" become "*|"); None if even single characters are too many."""
    while len(starts) > MAX_STARTS:
        longest = max(map(len, starts))
        if longest == 1:
            return None
        starts = {s[:longest - 1] for s in starts}
    return frozenset(starts)


class _Starts(_Reader):
    """A reader of the strings a match starts with: each method returns a set of strings, _ZERO
    for an item that consumes nothing, or None when it cannot say (the reader's own syntax)."""

    def alternation(self) -> frozenset[str] | None:  # type: ignore[override]
        first = self.sequence()
        starts: set[str] | None = None if first is None else set(first)
        while self.i < len(self.p) and self.p[self.i] == "|":
            self.i += 1
            branch = self.sequence()
            starts = None if starts is None or branch is None else starts | branch
        return None if starts is None or "" in starts else _fewer(starts)  # "": a branch that may match empty

    def sequence(self) -> frozenset[str] | None:  # type: ignore[override]
        prefixes: frozenset[str] | None = _ZERO
        extending = True
        while self._skip() and self.p[self.i] not in "|)":  # read to the end of the branch either way
            item, single = self.atom()
            low, exact = self._quantifier()
            if not extending or item is _ZERO:
                continue
            if low == 0 or item is None or len(prefixes) * len(item) > MAX_STARTS:  # type: ignore[arg-type]
                if prefixes is _ZERO:
                    prefixes = None  # the match may start with this item or with what follows
                extending = False  # else what was found so far starts every match
                continue
            prefixes = frozenset(p + s for p in prefixes for s in item)  # type: ignore[union-attr]
            extending = single and exact  # after a group or a repeat, the next item may start anywhere in it
        return None if prefixes is _ZERO else prefixes

    def atom(self) -> tuple[frozenset[str] | None, bool]:  # type: ignore[override]
        """The item's starts, and whether it is one character (so the next item follows at once)."""
        ch = self.p[self.i]
        if ch == "(":
            inner = self.group()
            return (_ZERO if inner == [] else inner), False  # [] : a look-around or flags
        if ch in "*+?{":
            raise Unsure("quantifier without an item")
        if ch in "^$":
            self.i += 1
            return _ZERO, False
        if ch == "\\" and self.p[self.i + 1:self.i + 2] in _ZERO_WIDTH_ESCAPES:
            self.i += 2
            return _ZERO, False
        if ch == ".":
            self.i += 1
            return None, False
        chars = self.char_class() if ch == "[" else self.escape() if ch == "\\" else self._one()
        if not chars or OTHER in chars or (self.ignore_case and not all(map(caseless, chars))):
            return None, False
        return chars, True

    def _one(self) -> frozenset[str]:
        self.i += 1
        return frozenset(self.p[self.i - 1])


def _sharpness(chars: frozenset[str]) -> float:
    """Sort key, how likely a text is to hold a member: a character counts 1, each longer string a
    quarter per character more (four words before one comma); for sets of characters, their size."""
    return sum(4.0 ** (1 - len(c)) if c != OTHER else 1.0 for c in chars)
