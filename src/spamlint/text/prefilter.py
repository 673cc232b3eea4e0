"""Characters a rule's pattern cannot match without: a cheap test that skips hopeless searches.

`required_sets(pattern, ignore_case)` reads a pattern (the `regex` module's V0 syntax) and
returns sets of characters such that every match holds at least one character of each set.
A text with no character of one of the sets cannot match, so the timed search need not run
(`str.__contains__` is a C scan; a regex call costs microseconds before it looks at the text).

The reader is small and deliberately conservative: anything it does not know for certain
(backreferences, verbose mode, POSIX classes, unknown escapes or group kinds, flags other than
i, m, s, a) gives no sets, and the pattern is always searched.  Only consumed characters count:
look-arounds and optional items require nothing.  Under IGNORECASE, letters and anything else
with case variants require nothing either.
"""

from __future__ import annotations

import unicodedata

Sets = list[frozenset[str]]
Tests = tuple[tuple["str | None", "str | None"], ...]

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
    reader = _Reader(pattern, ignore_case)
    try:
        found = reader.alternation()
        if reader.i != len(pattern):
            raise Unsure("unbalanced ')'")
    except (Unsure, IndexError, ValueError):
        return []
    return found if not reader.ignore_case or not reader.flags_seen else []


def needles(sets: Sets) -> Tests:
    """Tests for `cannot_match`, one per required set: (characters to look for in an ASCII text,
    characters to look for in any other text); None where there are too many or they are unknown."""
    kept: list[frozenset[str]] = []
    for chars in sorted(set(sets), key=lambda c: (len(c), sorted(c))):
        if not any(k <= chars for k in kept):  # a smaller set inside it says more
            kept.append(chars)
    out = []
    for chars in kept:
        ascii_part = "".join(sorted(c for c in chars if c != OTHER and c.isascii()))
        every = None if OTHER in chars or len(chars) > MAX_SCAN else "".join(sorted(chars))
        out.append((ascii_part if len(ascii_part) <= MAX_SCAN else None, every))
    return tuple(n for n in out if n != (None, None))


def cannot_match(text: str, tests: Tests) -> bool:
    """True when text lacks every character of one required set: no match is possible."""
    ascii_text = text.isascii()  # then only the set's ASCII characters can be in it
    for ascii_part, every in tests:
        scan = ascii_part if ascii_text else every
        if scan is None:
            continue
        for ch in scan:
            if ch in text:
                break
        else:
            return True
    return False


def caseless(char: str) -> bool:
    """True for a character that matches only itself when case is ignored (no letter, no case pair)."""
    return (not char.isalpha() and char.lower() == char == char.upper() and char.casefold() == char
            and not unicodedata.category(char).startswith(("L", "M")))


class _Reader:
    """A recursive-descent reader; each method returns the sets its piece requires."""

    def __init__(self, pattern: str, ignore_case: bool) -> None:
        self.p = pattern
        self.i = 0
        self.ignore_case = ignore_case
        self.flags_seen = False  # an inline (?i) makes the whole result unsure if set after the fact

    def alternation(self) -> Sets:
        branches = [self.sequence()]
        while self.i < len(self.p) and self.p[self.i] == "|":
            self.i += 1
            branches.append(self.sequence())
        if len(branches) == 1:
            return branches[0]
        if any(not b for b in branches):
            return []  # one branch requires nothing, so neither does the choice
        # a match draws on one set of whichever branch matched, so the union of one set per
        # branch is required; pair the branches' smallest sets, then their next smallest...
        ranked = [sorted(b, key=len) for b in branches]
        return [frozenset().union(*picks) for picks in zip(*ranked)]

    def sequence(self) -> Sets:
        out: Sets = []
        while self.i < len(self.p) and self.p[self.i] not in "|)":
            item = self.atom()
            if self._quantifier() == 0:
                item = []
            out.extend(item)
        return out

    def atom(self) -> Sets:
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

    def group(self) -> Sets:
        self.i += 1
        look = False
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
        return [] if look else inner

    def _flags(self) -> None:
        """Inline flags: (?i) (?s: ...) (?-i: ...); only flags that keep the syntax as read."""
        start = self.i
        while self.p[self.i] in _GROUP_FLAGS or self.p[self.i] == "-":
            self.i += 1
        if self.i == start or self.p[self.i] not in ":)":
            raise Unsure("group kind")
        if "i" in self.p[start:self.i]:
            self.flags_seen = True
            self.ignore_case = True
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

    def _quantifier(self) -> int:
        """Skip a quantifier after an item; return its minimum count (1 when there is none)."""
        if self.i >= len(self.p):
            return 1
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
            return 1
        if self.i < len(self.p) and self.p[self.i] in "?+":
            self.i += 1  # lazy or possessive: the same minimum
        if self.i < len(self.p) and self.p[self.i] in "*+?{":
            raise Unsure("stacked quantifiers")
        return low

    def _chars(self, chars: frozenset[str] | None) -> Sets:
        if chars is None or not chars:
            return []
        if self.ignore_case and not all(c == OTHER or caseless(c) for c in chars):  # digits have no case
            return []
        return [chars]
