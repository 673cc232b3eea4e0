"""Property-based tests: every fast path gives what its plain definition, beside it in the same module, gives.

Text is generated from pieces biased toward the alphabets the fast paths special-case: leet
digits and symbols, gap marks between single letters, zero-width and look-alike characters,
line breaks, and corpus-like words (addresses, URLs, ordinals).  Budgets are bounded and
deadlines off, so the suite stays fast and steady; `HYPOTHESIS_PROFILE=fuzz` runs many more.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from spamlint.checks import disguise, hashbusting
from spamlint.inputs.mime import load
from spamlint.model.segment import Segment
from spamlint.text import canon, normalize
from spamlint.text.facts import Context, SegmentFacts
from spamlint.text.index import PhraseIndex
from spamlint.text.words import _plain_letter_count, _plain_phrase_pattern, fold_il, letter_count, phrase_pattern

settings.register_profile("fast-paths", max_examples=300, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=4000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile("fuzz" if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else "fast-paths")

# -- generators -------------------------------------------------------------------------------------
CHARS = (
    "aeiosltfrxyzqjAEFRST"  # letters, vowels and the rare ones
    "0134579" "2" "$@|!"  # leet digits, a digit that is none, leet symbols
    " .-_*\u00b7\u2022" ":~+/\\'^,#%&="  # gap marks of both kinds, URL and address punctuation
    "\n\t\r\u00a0\u3002?"  # line and word breaks, stops
    "\u200b\u00ad\u2060"  # invisible characters
    "\u0430\u0435\u043e\u0440\u0441\u03bf"  # Cyrillic and Greek look-alikes
    "\u00e9\u0301\uff26\uff52\u00b2\u2167\u0663\u00df\u0130\ufb01"  # accents, full width, numbers, odd cases
    "\u03a3\u0391"  # a capital sigma lowers by its context
    "\u0558\u1c89"  # letters newer than the stdlib's Unicode tables, not the regex module's
)
PIECES = [
    "free", "sale", "cash", "FREE", "F.r.e.e", "$.a.l.e", "5.a.l.e", "c.@.$.h", "@.b.c.d", "f r e e", "V-I-A-G-R-A",
    "fr33", "$ale", "c@sh", "p.r!z.e", "c|al|s", "v1agra", "m0ney", "1st", "22nd", "a@b.com", "x@y-z.org",
    "http://a.b.c/d.e.f?g=h", "www.e.x.a.m.p.l.e", "e.g.", "U.S.A.", "4-B", "$$$", "!!!", "l33t", "a_b_c_d",
    "\u0440\u0430yp\u0430l", "fr\u200bee", "\uff26\uff52\uff45\uff45", "bcdfghj", "qajaxz", "Strengths",
    " " * 70, "\n \t" * 25,  # white space runs longer than a window's reach in characters
]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(CHARS, max_size=8)), max_size=14).map("".join)


# -- text/normalize.py ------------------------------------------------------------------------------
def _same_canonical(raw: str) -> None:
    fast, plain = normalize.canonical(raw), normalize._plain_canonical(raw)
    assert fast.text == plain.text
    assert fast.changed == plain.changed
    assert fast.windows() == plain.windows()
    assert [fast.raw_span(i, i + 1) for i in range(len(fast.text))] == [
        plain.raw_span(i, i + 1) for i in range(len(plain.text))]


@given(texts)
@example("Big $.a.l.e today")
@example("pay @.b.c.d now")
def test_canonical_is_the_documented_steps(raw: str) -> None:
    _same_canonical(raw)


@given(texts.filter(str.isascii))
def test_canonical_of_ascii_text(raw: str) -> None:
    _same_canonical(raw)


@given(texts)
def test_leet_words_in_word_windows_are_all_leet_words(text: str) -> None:
    text = normalize.substitute(normalize.substitute(text, normalize._NON_ASCII, normalize._fold_run)[0],
                                normalize._GAPPED, normalize._join_gaps)[0]
    assert normalize._leet_step(text)[0] == normalize.substitute(text, normalize._LEET_WORD, normalize._read_leet)[0]


@given(texts)
def test_gaps_in_line_windows_are_all_gaps(text: str) -> None:
    text = normalize.substitute(text, normalize._NON_ASCII, normalize._fold_run)[0]
    assert normalize._gap_step(text)[0] == normalize.substitute(text, normalize._GAPPED, normalize._join_gaps)[0]


@given(texts)
def test_ascii_spellings_match_as_the_unicode_patterns_do(text: str) -> None:
    text = text.encode("ascii", "ignore").decode()
    assert [m.span() for m in normalize._LEET_WORD_ASCII.finditer(text)] == [
        m.span() for m in normalize._LEET_WORD.finditer(text)]


@given(texts)
def test_tokens_are_the_word_runs(text: str) -> None:
    assert normalize.tokens(text) == frozenset(re.findall(r"\w+", text))


@given(texts)
@example("\u03a0\u03a1\u039f\u03a3\u03a6\u039f\u03a1\u0391\u03a3 \u0130stanbul")  # a final sigma beside an İ
def test_lower_text_is_the_lowering_with_offsets_kept(text: str) -> None:
    low = normalize.lower_text(text)
    assert len(low) == len(text)
    assert low.replace("\u0130", "\u0130".lower()) == text.lower()


def test_only_one_character_lowers_to_two() -> None:
    assert [c for c in map(chr, range(0x110000)) if len(c.lower()) != 1] == ["\u0130"]


@given(texts)
def test_letter_count_counts_the_letters(text: str) -> None:
    assert letter_count(text) == _plain_letter_count(text)


# -- text/segment.py and text/index.py ------------------------------------------------------------------
@given(texts)
def test_sentence_at_is_the_sentence_holding_the_offset(text: str) -> None:
    seg = SegmentFacts(Segment("text/plain", text))
    for offset, char in enumerate(text):
        if not char.isspace():
            assert [span for span in seg.sentences if span[0] <= offset < span[1]] == [seg.sentence_at(offset)]


phrase_lists = st.lists(st.one_of(st.sampled_from(["free", "sale", "cash", "click here", "$$$", "act now", "a b",
                                                   "-50%", "s.1618", "l1", "free money", "a"]),
                                  st.text("abil1 $-.", min_size=1, max_size=6)), min_size=1, max_size=6)


@given(phrase_lists, texts)
def test_phrase_index_finds_what_the_pattern_finds(phrases: list[str], text: str) -> None:
    pattern = phrase_pattern(phrases, lowered=True)
    seg = SegmentFacts(Segment("p", text))
    assert [m.span() for m in PhraseIndex(phrases).finditer(pattern, seg)] == [
        m.span() for m in pattern.finditer(seg.lower)]


@given(phrase_lists, texts, st.booleans(), st.booleans())
@example(["ai", "al."], "ai. x", True, True)
def test_phrase_trie_matches_as_the_plain_alternation(phrases: list[str], text: str, loose: bool,
                                                      lowered: bool) -> None:
    text = text.lower() if lowered else text
    assert [m.span() for m in phrase_pattern(phrases, loose, lowered).finditer(text)] == [
        m.span() for m in _plain_phrase_pattern(phrases, loose).finditer(text)]


@given(phrase_lists, texts)
@example(["big sale"], "Big $.a.l.e today")
@example(["sale"], "$.a.l.e" + " " * 70)  # a change followed only by white space reaches the end
@example(["1l"], "1i")  # i/l looseness alone, where nothing changed, is no disguise
@example(["1l"], "$.a.l.e" + " x" * 80 + " 1i")  # nor far from the change there is
@example(["big sale"], "Big" + " " * 80 + "$.a.l.e today")  # \s+ stretches a phrase past a 64-character pad
@example(["big summer sale"], "Big \n\n" + "\t" * 70 + "summer  5ale")
def test_canonical_only_finds_near_changes_what_the_whole_text_gives(phrases: list[str], text: str) -> None:
    seg = SegmentFacts(Segment("p", text))
    raw = [m.span() for m in phrase_pattern(phrases, lowered=True).finditer(seg.lower)]
    loose = phrase_pattern([fold_il(p) for p in phrases], loose=True, lowered=True)
    found = canon.canonical_only(seg, loose, raw)
    assert found == canon._plain_canonical_only(seg, loose, raw)
    if found:  # the phrase check asks PhraseIndex first whether a canonical match is possible at all
        assert PhraseIndex([fold_il(p) for p in phrases]).possible(seg.canonical.window_words)


# -- checks/hashbusting.py and checks/disguise.py ---------------------------------------------------------
@given(texts)
@example("send c.@.$.h now")
def test_gapped_word_candidates_are_the_pattern_matches(text: str) -> None:
    assert list(hashbusting.GappedWordCheck._candidates(text)) == hashbusting._plain_candidates(text)


@given(texts.filter(str.isascii))
def test_gapped_word_candidates_in_ascii_text(text: str) -> None:
    assert list(hashbusting.GappedWordCheck._candidates(text)) == hashbusting._plain_candidates(text)


@given(texts)
def test_foreign_words_are_the_words_with_foreign_letters(text: str) -> None:
    assert list(hashbusting._foreign_words(text)) == hashbusting._plain_foreign_words(text)


@given(texts)
def test_random_tokens_are_the_random_looking_tokens(text: str) -> None:
    assert disguise._random_tokens(text) == disguise._plain_random_tokens(text)


# -- the corpus (opt-in) ----------------------------------------------------------------------------------
_CORPUS_ENV = os.environ.get("SPAMLINT_CORPUS", "")
CORPUS = Path(_CORPUS_ENV) if os.path.isdir(_CORPUS_ENV) else Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.mark.corpus
@pytest.mark.skipif(not _CORPUS_ENV, reason="opt-in: set SPAMLINT_CORPUS=1 (or a corpus folder) to check ../shared/corpus")
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS} (it lives in ../shared beside the repository)")
def test_fast_paths_over_the_corpus() -> None:
    words = yaml.safe_load((Path(__file__).resolve().parents[1] / "rules" / "disguised-word.yaml").read_text())
    raw_pattern = phrase_pattern(words["options"]["words"], lowered=True)
    loose = phrase_pattern([fold_il(w) for w in words["options"]["words"]], loose=True, lowered=True)
    differ = []
    for path in sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix not in (".md", ".tsv")):
        for seg in Context(load(path.read_bytes(), str(path))).facts.segments(("subject", "body")):
            text, raw = seg.text, [m.span() for m in raw_pattern.finditer(seg.lower)]
            fast, plain = normalize.canonical(text), normalize._plain_canonical(text)
            if (fast.text, fast.windows()) != (plain.text, plain.windows()) \
                    or list(hashbusting.GappedWordCheck._candidates(text)) != hashbusting._plain_candidates(text) \
                    or list(hashbusting._foreign_words(text)) != hashbusting._plain_foreign_words(text) \
                    or disguise._random_tokens(text) != disguise._plain_random_tokens(text) \
                    or canon.canonical_only(seg, loose, raw) != canon._plain_canonical_only(seg, loose, raw):
                differ.append(f"{path}: {text[:60]!r}")
    assert differ == []


# -- text/segment.py: sentence ends found by a loop, against the single pattern they replace ----------------
_STOPS = ".!?\u3002\uff01\uff1f"
_PLAIN_SENTENCE_END = re.compile(rf"[{_STOPS}\n](?:(?<=\n)|(?<=[{_STOPS}])[{_STOPS}]*(?=\s|$))((?:[^\S\n]*\n)*)")
_PLAIN_NEXT_END = re.compile(rf"[{_STOPS}\n](?:(?<=\n)|(?<=[{_STOPS}])[{_STOPS}]*(?=\s|$))")


def _plain_sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _PLAIN_SENTENCE_END.finditer(text):
        end = m.start(1)
        if not text[start:end].isspace() and end > start:
            spans.append((start, end))
        start = m.end()
    if start < len(text) and not text[start:].isspace():
        spans.append((start, len(text)))
    return spans


@given(st.text(st.sampled_from("ab .!?\u3002\n\t x"), max_size=40))
def test_sentences_match_the_pattern_they_replace(text: str) -> None:
    from spamlint.text import segment
    assert segment.sentences(text) == _plain_sentences(text)
    for offset in range(len(text) + 1):
        m = _PLAIN_NEXT_END.search(text, offset)
        assert segment.next_end(text, offset) == (None if m is None else m.end())


@given(texts, st.integers(0, 60), st.integers(0, 60))
def test_touches_change_is_the_plain_overlap_test(text: str, start: int, length: int) -> None:
    canon = normalize.canonical(text)
    end = start + length
    assert canon.touches_change(start, end) == any(a <= end and b >= start for a, b in canon.changes)
