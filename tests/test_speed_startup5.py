"""Issue 15's fifth start-up pass: each fast path gives what the plain definition it replaces gives.

The run's PhraseGate is built from each phrase check's `gate_words` (kept in the rule-pack
cache), so start-up builds no PhraseIndex; the gate must answer as the indexes do, and the
words read back from the cache must be the words the indexes give.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from spamlint.checks.phrases import PhrasesCheck, phrase_gate
from spamlint.engine import rules
from spamlint.engine.rules import validate_options
from spamlint.model.segment import Segment
from spamlint.text.facts import SegmentFacts
from spamlint.text.index import PhraseGate, PhraseIndex, gate_words, valid_gate_words

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _plain_gate_words(raw: PhraseIndex, loose: PhraseIndex | None) -> tuple[bool, set, bool, set]:
    """What the gate reads of the indexes, written plainly: the raw word sets some phrase starts in
    (each with its anchor, the longest word), and the loose word sets."""
    raw_sets = {n for n, f in raw.needs.items() if n and f}
    loose_sets = {n for n in loose.needs if n} if loose is not None else set()
    return (bool(raw.unanchored), raw_sets, bool(loose is not None and loose.always), loose_sets)


def _sets_of(by_anchor: dict[str, str]) -> set[frozenset[str]]:
    """The word sets gate_words filed by anchor, each checked to sit under one of its longest words."""
    out = set()
    for anchor, text in by_anchor.items():
        for line in text.split("\n"):
            words = frozenset([anchor, *line.split(" ")] if line else [anchor])
            assert len(anchor) == max(map(len, words)), (anchor, words)
            assert words not in out
            out.add(words)
    return out


def _check(phrases: list[str], canonical: bool = True) -> PhrasesCheck:
    return PhrasesCheck(validate_options(PhrasesCheck, {"phrases": phrases, "canonical": canonical}, "test"))


def _phrase_checks() -> list[PhrasesCheck]:
    return [r.check for r in rules.builtin_rules() if isinstance(r.check, PhrasesCheck)]


# -- text/index.py: gate_words holds the indexes' word sets ------------------------------------------------
def _same_words(check: PhrasesCheck) -> None:
    loose = check.loose_needs if check.opts["canonical"] else None
    raw_always, raw_sets, loose_always, loose_sets = check.gate_words
    plain = _plain_gate_words(check.needs, loose)
    assert (raw_always, _sets_of(raw_sets), loose_always, _sets_of(loose_sets)) == plain
    assert _sets_of(gate_words(check.needs, loose)[1]) == plain[1]  # made afresh (a tie for the longest word may differ)


def test_every_built_in_phrase_check_keeps_its_indexes_words() -> None:
    checks = _phrase_checks()
    assert len(checks) > 40
    for check in checks:
        _same_words(check)


@FAST
@given(st.lists(st.sampled_from(["free", "money", "$$$", "big sale", "transa\u00e7\u00e3o", "act now", "", "  ",
                                 "l1l", "click here now", "-50%", "\u00e9 \u00e9", "a b c", "b a"]), min_size=1, max_size=8),
       st.booleans())
@example(["$$$", "free $$$"], True)
@example([""], False)
def test_gate_words_are_the_indexes_words(phrases: list[str], canonical: bool) -> None:
    _same_words(_check(phrases, canonical))


def test_gate_words_come_back_from_json_as_they_went_in() -> None:
    for check in _phrase_checks():
        assert valid_gate_words(json.loads(json.dumps(check.gate_words))) == tuple(check.gate_words)


@pytest.mark.parametrize("bad", [None, [], [True, {}, False], [1, {}, False, {}], [True, {"a": 1}, False, {}],
                                 [True, {}, False, ["a"]], [True, {}, "no", {}], {"a": "b"}, "text"])
def test_malformed_gate_words_are_refused(bad: object) -> None:
    assert valid_gate_words(bad) is None


# -- the gate from gate_words answers as each check's own indexes do ---------------------------------------
def _texts() -> st.SearchStrategy[str]:
    """Texts made of the built-in phrase lists' own words (so many phrases match), with disguises."""
    words = sorted({w for c in _phrase_checks()[::3] for n in c.needs.needs for w in n})
    random.Random(5).shuffle(words)
    pieces = words[:300] + ["fr33", "F.r.e.e", "$$$", "c@sh", "l1", " ", "\n", ".", "transacao"]
    return st.lists(st.sampled_from(pieces), max_size=30).map(" ".join)


@FAST
@given(_texts())
@example("act now free money click here $$$")
def test_the_built_in_gate_answers_as_the_indexes_do(text: str) -> None:
    checks = _phrase_checks()
    gate = phrase_gate(checks)
    # the same gate from the words as the cache gives them back
    again = PhraseGate([(c, valid_gate_words(json.loads(json.dumps(c.gate_words)))) for c in checks])
    seg = SegmentFacts(Segment("text/plain", text))
    canon = seg.canonical
    for check in checks:
        raw = bool(check.needs.first_words(seg.lower_words)) or bool(check.needs.unanchored)
        loose = bool(check.opts["canonical"] and canon.changed and check.loose_needs.possible(canon.window_words))
        for g in (gate, again):
            assert (check in g.raw(seg)) is raw
            assert (check in g.loose(seg)) is loose


# -- checks/phrases.py: read from the cache, a check builds its indexes only when asked -------------------
def test_cached_phrase_checks_build_no_index_until_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("SPAMLINT_NO_CACHE", raising=False)
    rules.builtin_rules.cache_clear()
    try:
        first = {r.id: r.check for r in rules.builtin_rules() if isinstance(r.check, PhrasesCheck)}  # writes the cache
        rules.builtin_rules.cache_clear()
        again = {r.id: r.check for r in rules.builtin_rules() if isinstance(r.check, PhrasesCheck)}  # reads it
    finally:
        rules.builtin_rules.cache_clear()
    assert list(first) == list(again)
    for rule_id, check in again.items():
        assert not {"needs", "loose_needs", "aliases", "by_folded"} & set(vars(check)), rule_id
        assert check.gate_words == first[rule_id].gate_words, rule_id
        _same_words(check)  # builds them now, from the phrases


# -- engine/rules.py and engine/cache.py: files read without Python file objects ---------------------------
_TEXT_PIECES = ["a", "id: x\n", "\r\n", "\r", "\n", "\r\r\n", "\n\r", "\ufeff", "\u00e9", "\u4fe1", "\U0001f600", " ", "\t"]


@FAST
@given(st.lists(st.sampled_from(_TEXT_PIECES), max_size=40).map("".join), st.integers(0, 3))
@example("a\r\nb\rc\nd\r", 0)
@example("x" * 70_000 + "\r\n" + "\u00e9" * 40_000, 0)
def test_rule_files_read_as_text_mode_reads_them(text: str, cut: int) -> None:
    """_read_utf8 gives what open(path, encoding="utf-8").read() gives, every line end as \\n;
    a file that is not UTF-8 fails the same way."""
    import tempfile
    from spamlint.engine.cache import read_bytes

    data = text.encode("utf-8")
    if cut and data:
        data = data[:-cut] + b"\xff"  # not UTF-8
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "rule.yaml")
        Path(path).write_bytes(data)
        assert read_bytes(path) == data
        try:
            with open(path, encoding="utf-8") as f:
                plain: object = f.read()
        except UnicodeDecodeError:
            plain = UnicodeDecodeError
        try:
            fast: object = rules._read_utf8(path)
        except UnicodeDecodeError:
            fast = UnicodeDecodeError
        assert fast == plain


def test_a_missing_rule_file_is_an_os_error(tmp_path: Path) -> None:
    from spamlint.engine.cache import read_bytes

    with pytest.raises(OSError):
        read_bytes(str(tmp_path / "gone.yaml"))
    with pytest.raises(OSError):
        rules._read_utf8(str(tmp_path))  # a folder


def test_code_stamp_is_the_digest_of_the_code_files() -> None:
    """code_stamp read plainly: each .py file of the checks, engine, model and text folders, by name."""
    import os

    from spamlint.engine import cache
    from spamlint.text.compiled import digest

    root = Path(cache.__file__).resolve().parent.parent
    plain = digest()
    for folder in ("checks", "engine", "model", "text"):
        for name in sorted(os.listdir(root / folder)):
            if name.endswith(".py"):
                plain.update(f"{folder}/{name}\0".encode() + (root / folder / name).read_bytes() + b"\0")
    cache.code_stamp.cache_clear()
    try:
        assert cache.code_stamp() == plain.hexdigest()[:32]
    finally:
        cache.code_stamp.cache_clear()
