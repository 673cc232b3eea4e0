"""Issue 15, sixth pass (pattern searches): each fast path gives what the plain definition gives.

- text/prefilter.py `branches`: a pattern's top-level branches, each read on its own;
- `tests_for`'s FOLDED tests: a case-ignoring pattern's words looked for in other than ASCII
  text, in its `folded` lower case;
- text/patterns.py `UserPattern._search`: begun only where a branch the text can hold starts;
  the plain path is `compiled.search`.
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import Iterator

import pytest
import regex
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from strategies import regex_patterns

from spamlint.text import patterns as pats, prefilter
from spamlint.text.patterns import Searches, UserPattern, user_pattern
from spamlint.text.prefilter import FOLDED, branches, cannot_match, folded, holds_far

FAST = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ATOMS = ["a", "b", "s", "S", "k", "K", "i", "I", "usd", "USD", "dollars", "\\$", "\u00a3", "\u20ac", ",", "1", "\\.",
         "\u540d", "\u00e9", "\u017f", "\u0130", "\u212a", "[ab]", "[$\u00a3]", "[sk]", "[0-9]", r"[\d,]", "[^a]",
         r"\d", r"\w", r"\s", ".", r"\b", "^", "$", " ", "!"]
QUANTS = ["", "", "", "?", "*", "+", "{2}", "{1,3}", "??", "++"]


# A regex V0 pattern of one to four branches: literals, words, classes, groups, look-arounds, flags.
patterns = regex_patterns(ATOMS, QUANTS, extra_group="(?-i:", branches=(4, 2))


TEXT_PIECES = ["a", "b", "s", "S", "k", "K", "i", "I", "usd", "USD", "uſd", "U\u0130", "Dollars", "DOLLARS", "$", "$1",
               "\u00a3", "\u20ac", ",", "1", "12", ".", " ", "\n", "!", "\u540d", "\u00e9", "\u017f", "\u0130", "\u212a",
               "\u00df", "\u0131", "x"]
texts = st.lists(st.sampled_from(TEXT_PIECES), max_size=20).map("".join)


def _compiled(pattern: str, ignore_case: bool) -> regex.Pattern[str] | None:
    try:
        return regex.compile(pattern, (regex.IGNORECASE if ignore_case else 0) | regex.V0)
    except (regex.error, OverflowError, RecursionError):
        return None


@contextmanager
def branches_told_in_any_text() -> Iterator[None]:
    """Within it, UserPattern tells the branches of short texts too (the property tests' texts are short)."""
    kept, pats.BRANCHES_FROM = pats.BRANCHES_FROM, 0
    try:
        yield
    finally:
        pats.BRANCHES_FROM = kept


def _plain(pattern: str, ignore_case: bool) -> UserPattern:
    """The same UserPattern searching the plain way: no branches, no starts (compiled.search from pos)."""
    slow = user_pattern(pattern, regex.IGNORECASE if ignore_case else 0)
    slow.__dict__["_branches"] = ()
    slow.__dict__["_first"] = None
    return slow


# -- prefilter.folded: the only characters whose lower case misses the ASCII letter they match --------

def test_folded_is_the_ascii_letter_every_case_ignoring_match_of_it_reads_as() -> None:
    """Every character the regex module, ignoring case, matches to an ASCII letter folds to that letter."""
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    for letter in "abcdefghijklmnopqrstuvwxyz":
        for char in regex.findall("(?i)" + letter, every):
            assert folded(char) == letter, (letter, hex(ord(char)))


def test_folded_and_holds_far_answer_for_the_text_they_are_given() -> None:
    """The answers kept for recent texts are told apart by identity: an equal text made anew, or another, is read afresh."""
    texts_made = ["Stra\u00dfe \u017fUSD %d" % i for i in range(20)] + ["\u540d\u524d %d" % i for i in range(20)]
    for text in texts_made * 2:
        assert folded(text) == text.replace("\u017f", "s").lower()
        assert holds_far(text) is any(map(prefilter.far, text))
        again = "".join(list(text))  # equal, not the same object
        assert folded(again) == folded(text) and holds_far(again) is holds_far(text)


# -- prefilter.tests_for: FOLDED tests are sound ------------------------------------------------------

@FAST
@given(patterns, texts, st.booleans())
@example("dollars|\\$", "\u00e9 DOLLARS", True)
@example("usd", "\u00e9 U\u017fD", True)
@example("kit", "\u00e9 \u212aIT", True)
@example("ki", "\u00e9 K\u0130", True)
@example("s\u00a3", "\u00e9 S\u00a3", True)
def test_a_text_the_tests_rule_out_never_matches(pattern: str, text: str, ignore_case: bool) -> None:
    compiled = _compiled(pattern, ignore_case)
    if compiled is None:
        return
    if cannot_match(text, prefilter.tests_for(pattern, ignore_case)):
        assert compiled.search(text) is None, prefilter.tests_for(pattern, ignore_case)


@pytest.mark.parametrize(("text", "ruled_out"), [
    ("Caf\u00e9 \u2014 meet us at 10:30 with 1200 people", True),  # no currency sign or word, no comma
    ("Caf\u00e9 \u2014 1,200 US DOLLARS", False),
    ("Caf\u00e9 \u2014 1,200 U\u017fD", False),  # ſ is s to the regex module
    ("Caf\u00e9 \u2014 \u20ac1,200", False),
])
def test_money_amount_rules_out_other_than_ascii_text_without_its_words(text: str, ruled_out: bool) -> None:
    tests = prefilter.tests_for(_money_pattern(), True)
    assert any(kind == FOLDED for kind, _, _ in tests)
    assert cannot_match(text, tests) is ruled_out
    if ruled_out:
        assert _compiled(_money_pattern(), True).search(text) is None


def _money_pattern() -> str:
    from spamlint.engine.rules import builtin_rules

    return next(r for r in builtin_rules() if r.id == "money-amount").options["pattern"]


# -- prefilter.branches ------------------------------------------------------------------------------

@FAST
@given(patterns, texts, st.booleans())
@example("a|b(?i)", "B", False)  # a bare flag applies to every branch: not split
@example("(?x) a | b # c|d\n |e", "e", False)
@example("(a)|\\1", "a", False)
def test_every_match_is_a_match_of_one_branch_at_the_same_place(pattern: str, text: str, ignore_case: bool) -> None:
    compiled = _compiled(pattern, ignore_case)
    found = branches(pattern)
    if compiled is None or found is None:
        return
    assert len(found) >= 2
    lead = "(?x)" if pattern.startswith("(?x)") else ""
    assert lead + "|".join(b[len(lead):] for b in found) == pattern
    alone = [_compiled(b, ignore_case) for b in found]
    assert all(b is not None for b in alone)
    for at in range(len(text) + 1):
        m = compiled.match(text, at)
        if m is not None:
            assert any(b.match(text, at) is not None for b in alone), (at, found)


def test_branches_table() -> None:
    assert branches("a|b") == ["a", "b"]
    assert branches("(?x) a | b") == ["(?x) a ", "(?x) b"]
    assert branches("(?:a|b)") is None  # one branch
    assert branches("a|(?i)b") is None  # a bare flag
    assert branches("a|\\1") is None  # a backreference: unsure


def test_branches_come_back_from_the_cache_as_they_went_in() -> None:
    made = pats._read_branches(_money_pattern(), True)
    assert len(made) == 4 and made[0][1] == ("$", "\u00a3", "\u20ac") and made[2][1] is None
    assert pats._as_branches(json.loads(json.dumps(made))) == made
    assert pats._as_branches([[[], [""]]]) is None and pats._as_branches([[[[9, ["a"], False]], None]]) is None


# -- patterns.UserPattern._search: begun where an open branch starts ---------------------------------

@FAST
@given(patterns, st.booleans(), texts, st.integers(0, 30), st.integers(0, 30))
@example("[$\u00a3]\\d|\\d+ ?usd", True, "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 $5", 0, 60)
@example("[$\u00a3]\\d|\\d+ ?usd", True, "1 2 3 USD $5", 0, 60)
@example("(?<=a)\\$|b", False, "a$b$", 1, 30)  # a look-behind still reads the text before pos
@example("\\$x|%", False, "$x%", 0, 2)  # a start that only fits past endpos is no start
def test_a_search_from_the_open_branches_starts_is_the_plain_search(pattern: str, ignore_case: bool, text: str,
                                                                    pos: int, end: int) -> None:
    compiled = _compiled(pattern, ignore_case)
    if compiled is None:
        return
    end = min(end, len(text))
    fast, slow = user_pattern(pattern, regex.IGNORECASE if ignore_case else 0), _plain(pattern, ignore_case)
    plain = compiled.search(text, pos, end)
    with branches_told_in_any_text():
        found = fast._search(text, pos, end, None)
        assert (found is None) == (plain is None)
        if plain is not None:
            assert (found.span(), found.groups()) == (plain.span(), plain.groups())
        assert [m.span() for m in fast.finditer(text, Searches(), pos, end)] == \
            [m.span() for m in slow.finditer(text, Searches(), pos, end)]
        assert fast.found(text, Searches()) == slow.found(text, Searches())


def test_money_amount_searches_from_a_currency_sign_when_no_currency_word_is_there() -> None:
    fast = user_pattern(_money_pattern(), regex.IGNORECASE)
    text = "Caf\u00e9 " + "12 34 " * 50 + "$12,000 a year"
    assert fast._starts_in(text) not in (None, False)  # the digits' branches are shut: only $ £ € start a match
    assert [m.group() for m in fast.finditer(text, Searches())] == ["$12,000"]
    with branches_told_in_any_text():
        assert fast._starts_in("Caf\u00e9 12 34") is False  # no branch open: no search at all
        assert fast._starts_in("Caf\u00e9 12 USD") is False  # "1,000 usd" needs its comma, "12 million usd" its million
        assert fast._starts_in("Caf\u00e9 1,200 USD") is None  # a digit may start a match: searched as before


def test_a_short_text_is_searched_without_telling_its_branches() -> None:
    fast = user_pattern(_money_pattern(), regex.IGNORECASE)
    short, long = "Caf\u00e9 12 34", "Caf\u00e9 " + "12 34 " * 60
    assert len(short) < pats.BRANCHES_FROM <= len(long)
    assert fast._starts_in(short) is fast._first is None and fast._starts_in(long) is False
    assert [m.span() for m in fast.finditer(long + " $1,000", Searches())] == [(len(long) + 1, len(long) + 7)]
