"""The fast paths of the text checks give what the plain definitions they replace would give."""

from __future__ import annotations

import re

import pytest
import regex

from spamlint.checks import disguise, hashbusting
from spamlint.model.segment import Segment
from spamlint.text import normalize
from spamlint.text.facts import SegmentFacts
from spamlint.text.index import PhraseIndex
from spamlint.text.normalize import _GAP_CORE, _GAPPED, line_windows, tokens, word_windows
from spamlint.text.words import _plain_phrase_pattern, phrase_pattern

TEXTS = [
    "",
    "Plain words. Two sentences!  And a third?\n\nNew line\n",
    "WOW!!! FREE money... act now!\nlast line without a stop",
    "a.b.c x... y!z   \n  \n \u3002done\uff01 end",
    "F.r.e.e v-i-a-g-r-a f r e e c|al|s p.r!z.e $.$.$ @ a b",
    "www.example.com/a/b.html 12/05/2002 10:30:00 e.g. i.e.",
    "P\u0430yp\u0430l \u0430ccount caf\u00e9 \u041c\u043e\u0441\u043a\u0432\u0430 abc\u0301d",
    "xkcdq zzxjq bcdfghj Strengths rhythms qajaxz base64QXZJ",
    "snake_case under_score \u00a0a\u00a0b\u00a0c d_e",
]


@pytest.mark.parametrize("text", TEXTS)
def test_sentence_at_is_the_sentence_holding_the_offset(text: str) -> None:
    seg = SegmentFacts(Segment("text/plain", text))
    for offset, char in enumerate(text):
        if not char.isspace():
            assert [span for span in seg.sentences if span[0] <= offset < span[1]] == [seg.sentence_at(offset)]


@pytest.mark.parametrize("text", TEXTS)
def test_tokens_are_the_word_runs(text: str) -> None:
    assert tokens(text) == frozenset(re.findall(r"\w+", text))
    assert tokens(text.lower()) == SegmentFacts(Segment("p", text)).lower_words


PHRASES = [["free", "click here", "$$$"], ["s.1618", "-50%", "act now"], ["a", "a b", "free money"]]


@pytest.mark.parametrize("phrases", PHRASES)
@pytest.mark.parametrize("text", TEXTS)
def test_phrase_index_finds_what_the_pattern_finds(phrases: list[str], text: str) -> None:
    pattern = phrase_pattern(phrases, lowered=True)
    seg = SegmentFacts(Segment("p", text + " Free $$$ click  here -50% a b"))
    assert [m.span() for m in PhraseIndex(phrases).finditer(pattern, seg)] == [
        m.span() for m in pattern.finditer(seg.lower)]


@pytest.mark.parametrize("text", TEXTS)
def test_gaps_are_joined_only_in_lines_that_can_hold_them(text: str) -> None:
    windows = line_windows(text, _GAP_CORE)
    assert [m.span() for m in _GAPPED.finditer(text)] == [
        m.span() for start, end in windows for m in _GAPPED.finditer(text, start, end)]


@pytest.mark.parametrize("text", TEXTS)
def test_gapped_word_shapes_match_the_patterns(text: str) -> None:
    assert hashbusting._space_hint(text) == bool(hashbusting._SPACE_HINT().search(text))
    assert [m.span() for m in hashbusting._space_gapped(text)] == [
        m.span() for m in hashbusting._SPACE_GAPPED.finditer(text)]
    assert list(hashbusting._punct_gapped(text)) == [
        m.span() for start, end in word_windows(text, hashbusting._PUNCT_HINT())
        for m in hashbusting._PUNCT_GAPPED.finditer(text, start, end)]


@pytest.mark.parametrize("text", TEXTS + ["http://a.b.c/d.e.f?g=h.i.j  k.l.m\tn.o.p\nq-r-s"])
def test_shape_windows_are_the_word_windows_of_the_hints(text: str) -> None:
    shape = text.translate(hashbusting._PUNCT_SHAPE)
    assert hashbusting._shape_windows(shape) == word_windows(shape, hashbusting._PUNCT_HINT_SHAPE)


_WORD = regex.compile(r"[\p{L}\p{M}]{2,}")


@pytest.mark.parametrize("text", TEXTS)
def test_foreign_words_are_the_words_with_foreign_letters(text: str) -> None:
    assert list(hashbusting._foreign_words(text)) == [
        m.span() for m in _WORD.finditer(text) if hashbusting._FOREIGN.search(m.group())]


_HINT = re.compile(r"[b-df-hj-np-tv-xzB-DF-HJ-NP-TV-XZ]{5}|[qxzjQXZJ][a-zA-Z]*[qxzjQXZJ][a-zA-Z]*[qxzjQXZJ]")


@pytest.mark.parametrize("text", TEXTS)
def test_nonsense_hints_start_the_same_runs(text: str) -> None:
    runs = set()
    for m in _HINT.finditer(text):
        start = m.start()
        while start > 0 and text[start - 1].isascii() and text[start - 1].isalpha():
            start -= 1
        runs.add(start)
    assert set(disguise._hinted_runs(text)) == runs


def test_no_foreign_letter_before_greek() -> None:
    assert not [c for c in map(chr, range(0x370)) if hashbusting._FOREIGN.match(c)]


# drifts the property tests (test_fast_path_properties.py) found between a fast path and its plain definition
@pytest.mark.parametrize(("raw", "text"), [
    ("Big $.a.l.e today", "Big sale today"),  # the gap pre-scan took no $ or @ for a spread-out letter
    ("Big 5.a.l.e today", "Big sale today"),
    ("pay @.b.c.d now", "pay abcd now"),
    ("\u0558!free", "\u0558ifree"),  # a letter newer than the stdlib's Unicode tables (the regex module knows it)
])
def test_canonical_drifts(raw: str, text: str) -> None:
    assert normalize.canonical(raw).text == normalize._plain_canonical(raw).text == text


@pytest.mark.parametrize(("text", "spans"), [
    ("send c.@.$.h now", [(5, 12)]),  # the punctuation hint took no $ or @ for a letter
    ("send c.@.$.h n\u00f6w", [(5, 12)]),
    ("f r e_x", [(0, 5)]),  # the space hint refused a run before "_", which the pattern takes
])
def test_gapped_word_drifts(text: str, spans: list[tuple[int, int]]) -> None:
    assert list(hashbusting.GappedWordCheck._candidates(text)) == hashbusting._plain_candidates(text) == spans


def test_loose_phrase_pattern_prefers_the_longest_phrase() -> None:
    # the trie tried "i" before "l", so "ai" won over the longer "al." that [il] also matches
    assert [m.group() for m in phrase_pattern(["ai", "al."], loose=True, lowered=True).finditer("ai. x")] == ["ai."]


def test_lowered_pattern_with_an_empty_phrase_matches_where_the_plain_one_does() -> None:
    pattern = phrase_pattern(["free", " "], lowered=True)
    assert [m.span() for m in pattern.finditer(" x")] == [m.span() for m in _plain_phrase_pattern(
        ["free", " "], lowered=True).finditer(" x")] == [(0, 0)]
