"""Regular expressions from rule files: refused if they would blow up when compiled, and timed when run.

A rule's pattern is data written by anyone.  `user_pattern` compiles it once (the `regex`
module, V0 syntax) after refusing counted repeats that expand past a size limit (compiling
`(?:x{65535}){65535}` never finishes); the returned pattern runs every search with the
`regex_timeout` of the document being checked.  A search that runs out of time counts as no
match and leaves a `("limit", ...)` problem on the document, which `limit-reached` reports.
Built-in patterns need the timeout too: some are quadratic on pathological text (a run of
"?" for exclamation-run, a long "1,000,000,..." for money-amount).  What saves time instead:
a text lacking characters every match needs is not searched at all (prefilter.py), and
`found` remembers answers for short texts that recur (hosts, URLs, anchor texts).
The engine says which document is being checked with `checking(doc)` (a context variable, so
threads linting different documents do not share it); while it does, `shared` keeps facts that
several checks derive from the document (its web links, whether it looks like bulk mail).
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from typing import Any, Callable, Iterator, TypeVar

import regex

from spamlint.limits import DEFAULT_LIMITS
from spamlint.text.prefilter import Tests, cannot_match, needles, required_sets

MAX_EXPANSION = 100_000  # product of nested counted repeats, like a{100}(b{10}){100}
MEMO_TEXT, MEMO_SIZE = 200, 2048  # found() remembers texts up to this long, this many per pattern
_DOC: contextvars.ContextVar[Any] = contextvars.ContextVar("spamlint_checking", default=None)
_MEMO: contextvars.ContextVar[dict[Any, Any] | None] = contextvars.ContextVar("spamlint_shared", default=None)
_COUNT = regex.compile(r"\{(\d*),?(\d*)\}")
T = TypeVar("T")


@contextlib.contextmanager
def checking(doc: Any) -> Iterator[None]:
    """Run user patterns against this document's limits while the block runs."""
    token, memo_token = _DOC.set(doc), _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(memo_token)
        _DOC.reset(token)


def shared(doc: Any, compute: Callable[[Any], T]) -> T:
    """compute(doc), worked out once per document while the engine checks it.

    Outside `checking` (a check run on its own) it is simply computed; the memo ends with the
    block, so a document changed between runs is never answered from an earlier one.
    """
    memo = _MEMO.get()
    if memo is None or _DOC.get() is not doc:
        return compute(doc)
    try:
        return memo[compute]
    except KeyError:
        value = memo[compute] = compute(doc)
        return value


class UserPattern:
    """A compiled rule pattern whose searches stop at the current document's regex_timeout."""

    def __init__(self, compiled: regex.Pattern[str], tests: Tests = ()) -> None:
        self.compiled = compiled
        self.pattern = compiled.pattern
        self.flags = compiled.flags
        self.tests = tests  # prefilter.needles: characters without which no match is possible
        self._seen: dict[str, tuple[bool, float]] = {}  # found(): short text -> (answer, seconds it took)

    def search(self, text: str, *args: Any) -> Any:
        """Like regex search; None when the time runs out."""
        return self._call(self.compiled.search, text, *args)

    def found(self, text: str) -> bool:
        """Whether search finds a match; False when the time runs out.

        Short texts (hosts, URLs, anchor texts) recur across mail, so their answers are kept
        with the time the search took, and given again only to a search allowed that long.
        """
        if len(text) > MEMO_TEXT:
            return self.search(text) is not None
        doc = _DOC.get()
        limit = _timeout(doc)
        seen = self._seen.get(text)
        if seen is not None and seen[1] < limit:
            return seen[0]
        if self.tests and cannot_match(text, self.tests):
            return False
        start = time.perf_counter()
        try:
            answer = self.compiled.search(text, timeout=limit) is not None
        except TimeoutError:
            self._note(doc)
            return False
        if len(self._seen) >= MEMO_SIZE:
            self._seen.clear()
        self._seen[text] = (answer, time.perf_counter() - start)
        return answer

    def match(self, text: str, *args: Any) -> Any:
        """Like regex match; None when the time runs out."""
        return self._call(self.compiled.match, text, *args)

    def fullmatch(self, text: str, *args: Any) -> Any:
        """Like regex fullmatch; None when the time runs out."""
        return self._call(self.compiled.fullmatch, text, *args)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[Any]:
        """Like regex finditer; stops early when one search runs out of time.

        One timed search per match rather than regex's finditer, whose clock keeps running
        while the caller works between matches (or waits for the GIL in a busy thread).
        """
        end = len(text) if endpos is None else endpos
        if self.tests and cannot_match(text, self.tests):
            return
        while pos <= end:
            m = self._timed(self.compiled.search, text, pos, end)  # the text passed the prefilter above
            if m is None:
                return
            yield m
            pos = m.end() if m.end() > m.start() else m.end() + 1

    def findall(self, text: str, *args: Any) -> list[Any]:
        """Like regex findall; what was found before the time ran out."""
        return [m.group() if self.compiled.groups == 0 else m.groups() if self.compiled.groups > 1 else m.group(1)
                for m in self.finditer(text, *args)]

    def _call(self, method: Any, text: str, *args: Any) -> Any:
        if self.tests and cannot_match(text, self.tests):
            return None  # a sure "no match" needs no timed search
        return self._timed(method, text, *args)

    def _timed(self, method: Any, text: str, *args: Any) -> Any:
        doc = _DOC.get()
        try:
            return method(text, *args, timeout=_timeout(doc))
        except TimeoutError:
            self._note(doc)
            return None

    def _note(self, doc: Any) -> None:
        limits = doc.limits if doc is not None else DEFAULT_LIMITS
        problem = limits.problem("regex_timeout", f"pattern {self.pattern[:50]!r} ran out of time")
        if doc is not None and problem not in doc.problems:
            doc.problems.append(problem)


def user_pattern(pattern: str, flags: int = 0) -> UserPattern:
    """Compile a rule's pattern (V0 syntax); raise regex.error if it is invalid or expands too far."""
    if expansion(pattern) > MAX_EXPANSION + len(pattern):  # long word lists are fine; unrolling is not
        raise regex.error(f"counted repeats expand past {MAX_EXPANSION} (nested {{n}} multiply)")
    compiled = regex.compile(pattern, flags | regex.V0)
    plain = flags & ~regex.IGNORECASE == 0  # other flags (VERBOSE...) change what the reader would see
    tests = needles(required_sets(pattern, bool(flags & regex.IGNORECASE))) if plain else ()
    return UserPattern(compiled, tests)


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


def _timeout(doc: Any) -> float:
    return (doc.limits if doc is not None else DEFAULT_LIMITS).regex_timeout
