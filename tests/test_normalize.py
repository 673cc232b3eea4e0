"""The canonical text layer: what each disguise becomes, and how offsets map back."""

from __future__ import annotations

import pytest

from spamlint.text.normalize import canonical

CANONICAL = [
    ("plain words stay as they are", "plain words stay as they are"),
    ("Get F.r.e.e stuff", "Get Free stuff"),
    ("it is f r e e today", "it is free today"),
    ("F-R-E-E", "FREE"),
    ("fr33 v1agra c@sh $ave", "free viagra cash save"),
    ("P\u0430yp\u0430l", "Paypal"),  # Cyrillic a
    ("\uff26\uff32\uff25\uff25", "FREE"),  # full-width
    ("\U0001d405\U0001d42b\U0001d41e\U0001d41e", "Free"),  # mathematical bold
    ("fr\u200bee", "free"),  # zero-width space
    ("bo\u00adnus", "bonus"),  # soft hyphen
    ("caf\u00e9 cre\u0300me", "cafe creme"),
    ("call 555-1234 in room 4-B", "call 555-1234 in room 4-B"),
    ("e.g. and i.e. stay", "e.g. and i.e. stay"),
    ("1,000 dollars for 2 people", "1,000 dollars for 2 people"),
]


@pytest.mark.parametrize(("raw", "expected"), CANONICAL)
def test_canonical_text(raw: str, expected: str) -> None:
    assert canonical(raw).text == expected


OFFSETS = [
    # raw text, word in canonical text, raw text that word maps back to
    ("Get F.r.e.e stuff now", "Free", "F.r.e.e"),
    ("x P\u0430ypal fr\u200bee y", "free", "fr\u200bee"),
    ("x P\u0430ypal fr\u200bee y", "Paypal", "P\u0430ypal"),
    ("\u00a0\u00a0 best fr33 offer", "free", "fr33"),
    ("\u00a0\u00a0 best fr33 offer", "offer", "offer"),
    ("so f r e e now", "now", "now"),
    ("so f r e e now", "free", "f r e e"),
]


@pytest.mark.parametrize(("raw", "word", "raw_word"), OFFSETS)
def test_offsets_map_back_to_raw(raw: str, word: str, raw_word: str) -> None:
    c = canonical(raw)
    start = c.text.index(word)
    rs, re_ = c.raw_span(start, start + len(word))
    assert raw[rs:re_] == raw_word


@pytest.mark.parametrize(("raw", "changed"), [
    ("nothing to undo here.", False),
    ("Just ASCII, with numbers 10 and 2024.", False),
    ("fr33", True),
    ("caf\u00e9", True),
])
def test_changed_flag_and_fast_path(raw: str, changed: bool) -> None:
    c = canonical(raw)
    assert c.changed is changed
    if not changed:
        assert c.text is raw


@pytest.mark.parametrize(("raw", "inside"), [
    ("a long plain sentence before " * 5 + "fr33 gift", "free"),
    ("P\u0430ypal " + "then a long plain tail of words " * 5, "Paypal"),
])
def test_windows_cover_every_change_and_not_the_plain_rest(raw: str, inside: str) -> None:
    c = canonical(raw)
    at = c.text.index(inside)
    windows = c.windows(pad=10)
    assert any(s <= at and at + len(inside) <= e for s, e in windows)
    assert sum(e - s for s, e in windows) < len(c.text) / 2


@pytest.mark.parametrize("raw", ["Stra\u00dfe und \u0130stanbul", "plain ascii", "\u0130\u0130 fr33"])
def test_lower_text_keeps_offsets(raw: str) -> None:
    from spamlint.text.normalize import lower_text

    low = lower_text(raw)
    assert len(low) == len(raw)
    assert low == raw.lower() or "\u0130" in raw
