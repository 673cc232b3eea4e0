"""Regular expressions from rule files: refused if they would blow up when compiled, and timed when run.

A rule's pattern is data written by anyone.  `user_pattern` compiles it once (the `regex`
module, V0 syntax) after refusing counted repeats that expand past a size limit (compiling
`(?:x{65535}){65535}` never finishes); every search of the returned pattern is given the
run's `Searches`, which says how long one search may take (the document's `regex_timeout`)
and collects the patterns that ran out of time.  Such a search counts as no match; the run
reports the timeout through `limit-reached`.  Built-in patterns need the timeout too: some
are quadratic on pathological text (a run of "?" for exclamation-run, a long
"1,000,000,..." for money-amount).  What saves time instead: a text lacking characters every
match needs is not searched at all (prefilter.py), and `found` remembers answers for short
texts that recur across mail (hosts, URLs, anchor texts; see `UserPattern.found`).

Compiling with `regex` is pure Python and slow (about 30 ms for the built-in rule pack), so
rules read back from the rule-pack cache, which was written only after the very same rules
compiled with the same `regex` version, are built inside `compiling_later()`: their patterns
compile, and their prefilter is worked out, on first use.  Everywhere else (the user's own
rules, a run without a cache) `user_pattern` compiles at once, which is what validates a rule.
"""

from __future__ import annotations

import re
import time
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cached_property
from typing import Any, Callable, Iterator

from spamlint.limits import DEFAULT_LIMITS, Limits
from spamlint.text import compiled as kept, prefilter
from spamlint.text.compiled import Lazy, regex  # regex: the module, imported on first use
from spamlint.text.prefilter import Tests, cannot_match, tests_for


def lazy_regex(pattern: str, flags: int = 0) -> regex.Pattern[str]:
    """regex.compile(pattern, flags) on first use, for module-level patterns (text/compiled.py `Lazy`)."""
    return Lazy(lambda: regex.compile(pattern, flags))  # type: ignore[return-value] - it reads as the Pattern


MAX_EXPANSION = 100_000  # product of nested counted repeats, like a{100}(b{10}){100}
MEMO_TEXT, MEMO_SIZE = 200, 2048  # found() remembers texts up to this long, this many per pattern
_COUNT = lazy_regex(r"\{(\d*),?(\d*)\}")
_LATER: ContextVar[bool] = ContextVar("spamlint_compile_later", default=False)


class Searches:
    """One run's pattern searches: each rule's share of the input's work budget, and the limits met.

    The budget is counted, not timed, so it never depends on machine load or thread count:
    every search is charged the characters it scans (from its start to the match's end, or to
    the end of the text when nothing matches) before it runs, and a rule whose share
    (`search_factor` times the input's size, at least `min_search_chars`) is used up gets no
    more searches: they count as no match, and `limit-reached` names the rule.  The input's
    total is the shares of its rules.  `regex_timeout` stays as the last guard for one search
    that backtracks far inside a text it was allowed to scan.
    """

    def __init__(self, limits: Limits = DEFAULT_LIMITS, size: int = 0) -> None:
        self.limits = limits
        self.timeout = limits.regex_timeout
        self.share = max(limits.min_search_chars, limits.search_factor * size)
        self.rule = ""  # the rule whose check runs now (Engine.run sets it)
        self.left = self.share
        self.problems: list[tuple[str, str]] = []  # ("limit", text), each once

    def start(self, rule: str) -> None:
        """Give `rule` its full share: the searches from now on are its own."""
        self.rule, self.left = rule, self.share

    def afford(self, chars: int) -> bool:
        """Charge the current rule for scanning `chars` characters; False once its share is used up."""
        if chars <= self.left:
            self.left -= chars
            return True
        self.left = -1  # once out, out: a shorter text later must not get through either
        what = f"rule {self.rule or '?'} ran out of its search budget of {self.share:,} characters"
        self._note(self.limits.problem("search_factor", what))
        return False

    def ran_out(self, pattern: str) -> None:
        """Note that a search of `pattern` ran out of time."""
        who = f"rule {self.rule}: " if self.rule else ""
        self._note(self.limits.problem("regex_timeout", f"{who}pattern {pattern[:50]!r} ran out of time"))

    def _note(self, problem: tuple[str, str]) -> None:
        if problem not in self.problems:
            self.problems.append(problem)


class UserPattern:
    """A compiled rule pattern whose searches stop at the run's regex_timeout (see `Searches`)."""

    def __init__(self, compiled: regex.Pattern[str], tests: Tests = ()) -> None:
        self.compiled = compiled
        self.pattern = compiled.pattern
        self.flags = compiled.flags
        self.tests = tests  # prefilter.tests_for: strings without which no match is possible
        self._seen: dict[str, tuple[bool, float]] = {}  # found(): short text -> (answer, seconds it took)

    @classmethod
    def later(cls, pattern: str, flags: int = 0) -> UserPattern:
        """A pattern known to compile, whose `compiled` and `flags` are made on first use."""
        self = cls.__new__(cls)
        self.pattern, self.tests, self._later = pattern, _tests(pattern, flags), flags
        self._seen = {}
        return self

    # for a pattern left for later: made on first read and then kept in the instance, where
    # __init__ puts them at once otherwise (an instance's own value wins over a cached_property)
    @cached_property
    def compiled(self) -> regex.Pattern[str]:
        """The compiled pattern."""
        return _compile(self.pattern, self._later).compiled

    @cached_property
    def flags(self) -> int:
        """The compiled pattern's flags."""
        return self.compiled.flags

    def search(self, text: str, searches: Searches, *args: Any) -> Any:
        """Like regex search; None when the time runs out."""
        return self._call(self._search, searches, text, *args)

    @cached_property
    def _first(self) -> Callable[[str, int, int], Any] | None:
        """The search for where a match can first start (`_first_start`), made on first use."""
        return _first_start(self.pattern, self.compiled.flags)

    @cached_property
    def _branches(self) -> Branches:
        """Per top-level branch, its prefilter tests and the strings its matches start with (None
        where unsure); () for a pattern read as one branch.  Made on a pattern's first search."""
        return _branch_starts(self.pattern, self.compiled.flags)

    def _starts_in(self, text: str) -> Callable[[str, int, int], Any] | None | bool:
        """The search for where a match can start in text: False when no branch can match it,
        None when a match may start anywhere.

        Only the branches whose tests the text passes can match (prefilter.branches), so only
        their starts are looked for: a money amount's digits need "dollars" or "million" in the
        text, and without them a match starts at a currency sign.  Kept for the last text, which
        `finditer` searches again after each match.
        """
        if len(text) < BRANCHES_FROM or not self._branches:
            return self._first  # a short text (a host, a link) is searched sooner than its branches are told
        last = self._last
        if last is not None and last[0] is text:
            return last[1]
        starts: set[str] = set()
        for tests, branch_starts in self._branches:
            if tests and cannot_match(text, tests):
                continue
            if branch_starts is None:
                found: Callable[[str, int, int], Any] | None | bool = None
                break
            starts.update(branch_starts)
        else:
            found = _start_search(frozenset(starts)) if starts else False
        self._last = (text, found)
        return found

    _last: tuple[str, Any] | None = None  # _starts_in's answer for the last text (an instance's own once set)

    def _search(self, text: str, pos: int, end: int, timeout: float | None) -> Any:
        """compiled.search, begun where a match can first start.

        A search begun at the first place one of the strings every match starts with occurs
        (prefilter.match_starts; only the branches the text can hold count, see `_starts_in`)
        finds the same first match as one begun at pos; where none occurs, or no branch can
        match, there is no match and no timed search.  The caller charges the budget for the
        whole span, as for a search begun at pos.
        """
        first = self._starts_in(text)
        if first is False:
            return None
        if first is not None:
            at = first(text, pos, end)
            if at is None:
                return None
            pos = at.start()
        return self.compiled.search(text, pos, end, timeout=timeout)

    def _match(self, text: str, pos: int, end: int, timeout: float | None) -> Any:
        return self.compiled.match(text, pos, end, timeout=timeout)

    def _fullmatch(self, text: str, pos: int, end: int, timeout: float | None) -> Any:
        return self.compiled.fullmatch(text, pos, end, timeout=timeout)

    def found(self, text: str, searches: Searches) -> bool:
        """Whether search finds a match; False when the time runs out.

        Short texts (hosts, URLs, anchor texts) recur across mail, so their answers are kept
        with the time the search took, and given again only to a search allowed that long.
        This memo is a pure function of (pattern, text), bounded (MEMO_SIZE, then cleared) and
        holds no document: kept because link rules ask about the same hosts in every message.
        """
        if len(text) > MEMO_TEXT:
            return self.search(text, searches) is not None
        if not searches.afford(len(text)):  # charged whether or not the memo answers: the same work in any batch
            return False
        limit = searches.timeout
        seen = self._seen.get(text)
        if seen is not None and seen[1] < limit:
            return seen[0]
        if self.tests and cannot_match(text, self.tests):
            return False
        search = self._search
        self._first  # noqa: B018 - made (and the pattern compiled, if it was left for later) before the clock starts
        start = time.perf_counter()
        try:
            answer = search(text, 0, len(text), limit) is not None
        except TimeoutError:
            searches.ran_out(self.pattern)
            return False
        if len(self._seen) >= MEMO_SIZE:
            self._seen.clear()
        self._seen[text] = (answer, time.perf_counter() - start)
        return answer

    def match(self, text: str, searches: Searches, *args: Any) -> Any:
        """Like regex match; None when the time runs out."""
        return self._call(self._match, searches, text, *args)

    def fullmatch(self, text: str, searches: Searches, *args: Any) -> Any:
        """Like regex fullmatch; None when the time runs out."""
        return self._call(self._fullmatch, searches, text, *args)

    def finditer(self, text: str, searches: Searches, pos: int = 0, endpos: int | None = None) -> Iterator[Any]:
        """Like regex finditer; stops early when one search runs out of time.

        One timed search per match rather than regex's finditer, whose clock keeps running
        while the caller works between matches (or waits for the GIL in a busy thread).
        """
        end = len(text) if endpos is None else endpos
        if self.tests and cannot_match(text, self.tests):
            return
        while pos <= end:
            m = self._timed(self._search, searches, text, pos, end)  # the text passed the prefilter above
            if m is None:
                return
            yield m
            pos = m.end() if m.end() > m.start() else m.end() + 1

    def findall(self, text: str, searches: Searches, *args: Any) -> list[Any]:
        """Like regex findall; what was found before the time ran out."""
        return [m.group() if self.compiled.groups == 0 else m.groups() if self.compiled.groups > 1 else m.group(1)
                for m in self.finditer(text, searches, *args)]

    def _call(self, method: Any, searches: Searches, text: str, *args: Any) -> Any:
        if self.tests and cannot_match(text, self.tests):
            return None  # a sure "no match" needs no timed search
        return self._timed(method, searches, text, *args)

    def _timed(self, method: Any, searches: Searches, text: str, pos: int = 0, endpos: int | None = None) -> Any:
        end = len(text) if endpos is None else min(endpos, len(text))
        if not searches.afford(max(end - pos, 0)):
            return None
        try:
            found = method(text, pos, end, searches.timeout)
        except TimeoutError:
            searches.ran_out(self.pattern)
            return None
        if found is not None:  # it scanned up to the match's end, not the text's: give back the rest
            searches.left += end - max(found.end(), pos)
        return found


BRANCHES_FROM = 256  # characters a text needs before UserPattern._starts_in tells which branches it can hold


def _readable(pattern: str, flags: int) -> bool:
    """Whether the prefilter's reader reads pattern as the regex engine does under flags."""
    if pattern.startswith("(?x)"):
        flags &= ~regex.VERBOSE  # the reader reads a leading (?x) itself
    # the flags under which match_starts reads a pattern as the regex engine does (asked here, on a
    # pattern's first search, not at import: a template's run imports no regex)
    read = regex.IGNORECASE | regex.MULTILINE | regex.DOTALL | regex.UNICODE | regex.V0
    return not flags & ~read  # VERBOSE given as a flag, REVERSE, FULLCASE, ...: not what the reader reads


def _first_start(pattern: str, flags: int) -> Callable[[str, int, int], Any] | None:
    """A search for the first place in text[pos:end] where a match of pattern can start (a `re`
    search for the strings every match starts with: plain literals), or None where unsure."""
    if not _readable(pattern, flags):
        return None
    starts = prefilter.match_starts(pattern, bool(flags & regex.IGNORECASE))
    return _start_search(starts) if starts else None


_START_SEARCHES: dict[frozenset[str], Callable[[str, int, int], Any]] = {}  # by the starts (few: one per pattern, or per set of its branches)


def _start_search(starts: frozenset[str]) -> Callable[[str, int, int], Any]:
    """A `re` search for the first place any of starts occurs."""
    found = _START_SEARCHES.get(starts)
    if found is None:
        # a string that starts with another start adds no place to look
        kept = sorted(s for s in starts if not any(o != s and s.startswith(o) for o in starts))
        found = _START_SEARCHES[starts] = re.compile("|".join(map(re.escape, kept))).search
    return found


Branches = tuple[tuple[Tests, tuple[str, ...] | None], ...]  # per top-level branch: its tests, its starts (sorted)


def _branch_starts(pattern: str, flags: int) -> Branches:
    """UserPattern._branches: each top-level branch's tests and starts; () when there are none to
    read.  Kept in the rule-pack cache, like the tests: reading a long pattern's branches takes ms."""
    if not _readable(pattern, flags):
        return ()
    ignore_case = bool(flags & regex.IGNORECASE)
    return kept.remembered(prefilter, f"branches {ignore_case:d}\0{pattern}",
                           lambda: _read_branches(pattern, ignore_case), _as_branches)


def _read_branches(pattern: str, ignore_case: bool) -> Branches:
    found = prefilter.branches(pattern)
    if found is None:
        return ()
    out = []
    for branch in found:
        starts = prefilter.match_starts(branch, ignore_case)
        out.append((prefilter.tests_for(branch, ignore_case), None if starts is None else tuple(sorted(starts))))
    return tuple(out)


def _as_branches(value: Any) -> Branches | None:
    """Branches as the cache gives them back (lists), or None if they are not branches."""
    if not isinstance(value, (list, tuple)):
        return None
    out = []
    for item in value:
        if not (isinstance(item, (list, tuple)) and len(item) == 2):
            return None
        tests, starts = _as_tests(item[0]), item[1]
        if tests is None or not (starts is None or (isinstance(starts, (list, tuple)) and starts
                                                     and all(isinstance(x, str) and x for x in starts))):
            return None
        out.append((tests, None if starts is None else tuple(starts)))
    return tuple(out)


def user_pattern(pattern: str, flags: int = 0) -> UserPattern:
    """Compile a rule's pattern (V0 syntax); raise regex.error if it is invalid or expands too far.

    Inside `compiling_later()` the pattern is taken as valid and compiled on first use.
    """
    if _LATER.get():
        return UserPattern.later(pattern, flags)
    return _compile(pattern, flags)


@contextmanager
def compiling_later() -> Iterator[None]:
    """Within it, rule patterns compile on first use: only for rules known to compile (the rule-pack cache's)."""
    token = _LATER.set(True)
    try:
        yield
    finally:
        _LATER.reset(token)


def compiles_later() -> bool:
    """Whether patterns made now compile on first use (a check's own validation may wait too)."""
    return _LATER.get()


def compile_waiting(value: Any) -> None:
    """Compile the patterns left for later in value: a UserPattern, or lists and tuples holding some."""
    if isinstance(value, UserPattern):
        value.compiled  # noqa: B018 - reading it compiles a pattern left for later
    elif isinstance(value, Lazy):
        value.pattern  # noqa: B018 - reading any attribute compiles it
    elif isinstance(value, (list, tuple)):
        for item in value:
            compile_waiting(item)


def _compile(pattern: str, flags: int) -> UserPattern:
    if expansion(pattern) > MAX_EXPANSION + len(pattern):  # long word lists are fine; unrolling is not
        raise regex.error(f"counted repeats expand past {MAX_EXPANSION} (nested {{n}} multiply)")
    made = UserPattern(regex.compile(pattern, flags | regex.V0), _tests(pattern, flags))
    made._branches  # noqa: B018 - read now, so that the rule-pack cache built with these rules keeps it
    return made


def _tests(pattern: str, flags: int) -> Tests:
    """The prefilter's tests for a pattern (kept in the rule-pack cache: reading the pattern is slow)."""
    if flags & ~regex.IGNORECASE:  # other flags (VERBOSE...) change what the reader would see
        return ()
    ignore_case = bool(flags & regex.IGNORECASE)
    return kept.remembered(prefilter, f"tests {ignore_case:d}\0{pattern}",
                           lambda: tests_for(pattern, ignore_case), _as_tests)


def _as_tests(value: Any) -> Tests | None:
    """Tests as the cache gives them back (lists), or None if they are not tests:
    each (kind of text, the strings one of which it must hold, whether to look in its lower case)."""
    if not isinstance(value, (list, tuple)):
        return None
    out = []
    for test in value:
        if not (isinstance(test, (list, tuple)) and len(test) == 3):
            return None
        kind, strings, lowered = test
        if type(kind) is not int or kind not in prefilter.KINDS or type(lowered) is not bool \
                or not isinstance(strings, (list, tuple)) or not all(isinstance(x, str) for x in strings):
            return None
        out.append((kind, tuple(strings), lowered))
    return tuple(out)


def expansion(pattern: str) -> int:
    """An upper estimate of how far counted repeats unroll: nested counts multiply, siblings add."""
    stack: list[list[int]] = [[0, 0]]  # per open group: [total so far, size of the last item]
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            _item(stack, 1)
            continue
        if ch == "[":
            i = _class_end(pattern, i)
            _item(stack, 1)
            continue
        if ch == "(":
            stack.append([0, 0])
        elif ch == ")" and len(stack) > 1:
            total = stack.pop()[0]
            _item(stack, max(total, 1))
        elif ch == "{" and (m := _COUNT.match(pattern, i)) and (m.group(1) or m.group(2)):
            count = max(_number(m.group(1)), _number(m.group(2)))
            top = stack[-1]
            top[0] += top[1] * (count - 1)
            top[1] *= count
            i = m.end()
            continue
        elif ch not in "|*+?":
            _item(stack, 1)
        i += 1
    while len(stack) > 1:
        total = stack.pop()[0]
        _item(stack, max(total, 1))
    return stack[0][0]


def _number(digits: str) -> int:
    return int(digits) if 0 < len(digits) <= 9 else 0 if not digits else 10 ** 10  # int() refuses 4,300+ digits


def _item(stack: list[list[int]], size: int) -> None:
    top = stack[-1]
    top[0] += size
    top[1] = size


def _class_end(pattern: str, i: int) -> int:
    """Index after the character class starting at i (a ']' first in the class is literal)."""
    j = i + 1
    if j < len(pattern) and pattern[j] == "^":
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        j += 2 if pattern[j] == "\\" else 1
    return j + 1

