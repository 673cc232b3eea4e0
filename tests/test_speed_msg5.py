"""Issue 15, fifth pass (per-message work): each fast path gives what the plain definition gives."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_speed_paths import assert_greeting_is_plain

from spamlint import Engine, builtin_rules, load_document
from spamlint.checks.senders import may_hold_name, opening_source

RULES = {r.id: r for r in builtin_rules()}
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- checks/senders.py: recipient-greeting compiles its pattern only where a name can match --------
PIECES = ["Dear ", "dear", "Hi", "hello, ", "Good  morning ", "Hey!", " ", ",", ":", "\n", "jane", "JANE",
          "jane@example.org", "JANE@EXAMPLE.ORG", "dev-list", "DEV-LIST", "dev-list@lists.example.org", "x",
          "a.b", "-", "\u017f", "\u212a", "\u0130", "\u00e9", "ja\u212ae", "ja", "ne"]
texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)
NAMES = ["jane@example.org", "dev-list", "dev-list@lists.example.org", "kate", "kiss", "s\u00e9b", "ja\u212ae",
         "\u017ftan", "x"]
names_lists = st.lists(st.sampled_from(NAMES), min_size=1, max_size=4)


@FAST
@given(texts, names_lists, st.integers(0, 40), st.integers(0, 400))
@example("Dear JANE@EXAMPLE.ORG, hi", ["jane@example.org"], 0, 200)
@example("Hi KATE", ["kate"], 0, 200)
@example("Hi \u212aATE", ["kate"], 0, 200)  # the Kelvin sign matches k when case is ignored
@example("Hi \u017ftan", ["stan"], 0, 200)  # so does the long s match s
@example("Hi stan", ["\u017ftan"], 0, 200)
@example("Dear dev-list", ["dev-list"], 0, 10)  # the name runs past `within`
def test_a_window_said_to_hold_no_name_never_matches(text: str, names: list[str], first: int, within: int) -> None:
    check = RULES["recipient-address-greeting"].check
    first = min(first, len(text))
    if not may_hold_name(text[first:within], names):
        assert check.pattern(names).search(text, first, within) is None


recipients = st.sampled_from(["jane@example.org", "dev-list@lists.example.org", "kate@example.org",
                              "Jane <jane@example.org>, dev-list@lists.example.org", "nobody", ""])


@FAST
@given(texts, texts, recipients)
@example("Dear friend, hello", "", "jane@example.org")
@example("Hi \u212aATE@EXAMPLE.ORG", "", "kate@example.org")
@example("Dear JANE@EXAMPLE.ORG, hi", "hi dev-list", "Jane <jane@example.org>, dev-list@lists.example.org")
def test_recipient_greeting_is_still_the_plain_search(text: str, html: str, to: str) -> None:
    assert_greeting_is_plain(text, html, to)


@pytest.mark.parametrize(("body", "compiles"), [("Dear friend, a word.", 0), ("Dear jane@example.org, a word.", 1),
                                                ("Ol\u00e1 amigo, a word.", 1)])
def test_a_greeting_that_names_nobody_compiles_no_pattern(body: str, compiles: int,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    rule = RULES["recipient-address-greeting"]
    made: list[list[str]] = []
    plain = type(rule.check).pattern
    monkeypatch.setattr(type(rule.check), "pattern", lambda self, names: made.append(names) or plain(self, names))
    doc = load_document(f"From: a@mailer.example.net\nTo: jane@example.org\nSubject: x\n\n{body}\n", name="t")
    list(rule.check.run(doc, Engine([rule]).context(doc), rule.scope))
    assert len(made) == compiles


# -- checks/senders.py: recipient-greeting's opening starts with a class of first letters ---------
OPENING_PIECES = ["Dear", "DEAR ", "dear,", "hi", "Hi!", "hello", "hey", "good", "Good  day", "good\nmorning",
                  "bem-vindo", "bem vindo", "ol\u00e1", "OL\u00c1", "ch\u00e8re", "CH\u00c8RE", "x", "_", "1", " ",
                  "\n", ",", ":", "!", "\u017f", "\u212a", "\u0130", "\u0131", "sir", "kind", "-"]
opening_texts = st.lists(st.sampled_from(OPENING_PIECES), max_size=30).map("".join)
WORDS = ["dear", "hi", "hello", "hey", "good day", "good morning", "ol\u00e1", "ola", "ch\u00e8re", "bem-vindo",
         "bem vindo", "sir", "kind regards", "\u0130nan", "stra\u00dfe", "-hi", " hi", "1st", "h"]


def plain_opening(words: list[str]) -> re.Pattern[str]:
    """The opening as it was first written: the look-behind, then every word (longest first)."""
    alts = "|".join(re.escape(w).replace("\\ ", r"\s+") for w in words) or "(?!)"
    return re.compile(rf"(?<!\w)(?:{alts})[\s,:!]*", re.IGNORECASE)


@FAST
@given(opening_texts, st.lists(st.sampled_from(WORDS), max_size=6), st.integers(0, 30), st.integers(0, 300))
@example("xDear hi, hello", ["dear", "hi", "hello"], 0, 200)
@example("\u212aind regards", ["kind regards"], 0, 200)
@example("\u017fir", ["sir"], 0, 200)
@example("_hi hi", ["hi"], 1, 200)
def test_the_opening_is_the_plain_pattern(text: str, words: list[str], pos: int, within: int) -> None:
    words = sorted((w.lower() for w in words), key=len, reverse=True)
    fast, plain = re.compile(opening_source(words), re.IGNORECASE), plain_opening(words)
    got, want = fast.search(text, pos, within), plain.search(text, pos, within)
    assert (got and got.span()) == (want and want.span())
    assert [m.span() for m in fast.finditer(text, pos, within)] == [m.span() for m in plain.finditer(text, pos, within)]


def test_the_builtin_opening_starts_with_a_class() -> None:
    assert RULES["recipient-address-greeting"].check.opening.pattern.startswith("[")
