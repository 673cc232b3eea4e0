"""Text checks beyond the rule examples: disguised phrases, where they point, random-looking words."""

from __future__ import annotations

import pytest

from spamlint import Engine, load_document
from spamlint.checks.disguise import looks_random
from spamlint.engine.rules import builtin_rules

RULES = {r.id: r for r in builtin_rules()}


def _findings(rule_id: str, text: str) -> list:
    return Engine([RULES[rule_id]]).run(load_document(text, name="t"))


@pytest.mark.parametrize(("text", "phrase", "column"), [
    ("Subject: hi\n\nNow y0u h@ve w0n a car.", "you have won", 5),
    ("Subject: hi\n\nNow you have w\u043en a car.", "you have won", 5),  # Cyrillic o
    ("Subject: hi\n\nNow you have won a car.", None, 5),
])
def test_phrase_found_in_disguise_says_so_and_points_at_raw_text(text: str, phrase: str | None, column: int) -> None:
    [f] = _findings("prize-claim", text)
    assert f.column == column
    if phrase is None:
        assert "written" not in f.message and " as \u201c" not in f.message
    else:
        assert f"{phrase} as \u201c" in f.message


def test_disguised_phrase_counts_once_when_also_written_plainly() -> None:
    text = "Subject: hi\n\nyou have won, yes y0u have won."
    assert len(_findings("prize-claim", text)) == 1


@pytest.mark.parametrize(("text", "word", "how"), [
    ("Best fr33 deals", "free", "leetspeak"),
    ("Your P\u0430yPal login", "paypal", "look-alike letters"),
    ("Get cash\u200b now: c\u200ba\u200bsh", "cash", "invisible characters"),
])
def test_disguised_word_names_word_and_disguise(text: str, word: str, how: str) -> None:
    findings = _findings("disguised-word", text)
    assert findings and word in findings[0].message and how in findings[0].message


@pytest.mark.parametrize(("text", "hits"), [
    ("Email bob@cash.example or visit fr.ee.example", 0),
    ("The 1st and 3rd of May, 4th floor", 0),
    ("caf\u00e9 cr\u00e8me br\u00fbl\u00e9e for free", 0),
    ("FREE! Yahoo! mp3 perl5", 0),
])
def test_disguised_word_leaves_ordinary_text_alone(text: str, hits: int) -> None:
    assert len(_findings("disguised-word", text)) == hits


@pytest.mark.parametrize(("token", "random"), [
    ("xkwqzrt", True), ("plmnbvcx", True), ("qzjxqa", True),
    ("strengths", False), ("rhythm", False), ("Schwartz", False), ("NASA", False), ("iPhone", False),
    ("jazz", False), ("quizzes", False),
])
def test_looks_random(token: str, random: bool) -> None:
    assert looks_random(token) is random


@pytest.mark.parametrize(("text", "hits"), [
    ("Great offer. xkwqzrt plmnbvcx qwrtzkj", 1),
    ("xkwqzrt is a word here, and later plmnbvcx, but far apart from the third one qwrtzkj", 0),
    ("See https://example.org/xkwqzrtplmnbvcxqwrtzkj/abc and #ffcc00", 0),
    ("aGVsbG8gd29ybGQgdGhpcyBpcyBiYXNlNjQ=", 0),
])
def test_nonsense_words_need_a_run(text: str, hits: int) -> None:
    assert len(_findings("nonsense-words", text)) == hits


@pytest.mark.parametrize(("text", "phrase"), [
    ("<p>Detectamos uma transação suspeita.</p>", "transação suspeita"),
    ("<p>Detectamos uma transacao suspeita.</p>", "transacao suspeita"),  # accents dropped
    ("<p>Ihr Konto wurde gesperrt.</p>", "Ihr Konto wurde gesperrt"),
])
def test_phrases_match_with_or_without_accents(text: str, phrase: str) -> None:
    [f] = _findings("account-threat", text)
    assert f'"{phrase}"' in f.message
