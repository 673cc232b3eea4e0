"""Issue 15's per-message fast paths in the checks give what the plain definitions beside them give."""

from __future__ import annotations

import pytest
import regex
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from spamlint import load_document
from spamlint.checks.phrases import PhrasesCheck, phrase_gate
from spamlint.engine.rules import builtin_rules, validate_options
from spamlint.engine.run import Engine
from spamlint.model.segment import Segment
from spamlint.text.facts import Context, SegmentFacts
import sys

from regex import _regex

from spamlint.text import prefilter
from spamlint.text.prefilter import cannot_match

RULES = {r.id: r for r in builtin_rules()}
FAST = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- text/prefilter.py: tests_for (verbose mode, literal runs, the reading for ASCII text) -----------
TEXT_CHARS = list("aAbqQ:/!@ #\n\t-_%") + ["://", "qq", "QQ", "ab", "\u3000", "\u5fae", "\u4fe1", "\uff1a",
                                          "\u017f", "\u212a", "k", "\u00e9", "\u0663", "1"]
PIECES = ["a", "b", "q", "Q", "qq", "ab", "k", "K", "a:", "Ab-", "q q", ":", "/", "://", "!", "@", "%", "\\.", "-", "_",
          "\\ ", "\\#",
          "[:\uff1a]", "[ab]", "[^a]", "[a-c]", "\\w", "\\d", "\\s", ".", "\u5fae", "\u4fe1", "\u5fae\u4fe1", "\u00e9",
          "\u017f", "[\u5fae\u4fe1]", "[a\u5fae]", "[kK]", "[\u212a]", "(?:", "(?i:", "(?-i:", "(?i)", "(?s:", "(?=",
          "(?!", "(?<!", ")", "|",
          "*", "+", "?", "{2}", "{0,2}", "{1,}", "^", "$", "\\b", " ", "\n", "  ", "# note\n", "\t", "\u3000", "#"]


def _patterns() -> st.SearchStrategy[str]:
    body = st.lists(st.sampled_from(PIECES), max_size=10).map("".join)
    return st.tuples(st.sampled_from(["", "(?x)"]), body).map("".join)


def _texts() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(TEXT_CHARS), max_size=14).map("".join)


@FAST
@given(_patterns(), _texts(), st.booleans())
@example("(?x)QQ\\s*[:\uff1a]|\u5fae\u4fe1", "QQ :", False)
@example("(?x)a b # c\n|\u5fae", "ab", False)
@example("(?x)(?i:qq)\\ :", "QQ :", False)
@example("(?x)a{0,2} :", ":", False)
@example("a b:", "A B:", True)  # a needle with a letter and more: sought in the lower case
def test_a_text_the_tests_rule_out_never_matches(pattern: str, text: str, ignore_case: bool) -> None:
    """tests_for is sound: whatever it rules out, the regex module does not match either."""
    try:
        compiled = regex.compile(pattern, regex.V0 | (regex.IGNORECASE if ignore_case else 0))
    except regex.error:
        return
    if cannot_match(text, prefilter.tests_for(pattern, ignore_case)):
        assert compiled.search(text) is None, (pattern, text)


@FAST
@given(_patterns(), st.data(), st.booleans())
def test_a_text_made_from_the_pattern_is_ruled_out_only_if_it_cannot_match(pattern: str, data: st.DataObject,
                                                                              ignore_case: bool) -> None:
    """As above, with texts made of the pattern's own characters in either case (so they often match)."""
    try:
        compiled = regex.compile(pattern, regex.V0 | (regex.IGNORECASE if ignore_case else 0))
    except regex.error:
        return
    own = "".join(c for c in pattern if c not in "\\()[]{}|*+?^$")
    start = data.draw(st.integers(0, len(own)))
    piece = own[start:data.draw(st.integers(start, len(own)))]  # a run of the pattern's characters
    swaps = data.draw(st.lists(st.booleans(), min_size=len(piece), max_size=len(piece)))
    text = data.draw(st.sampled_from(["", " ", "x ", "\u5fae "])) + "".join(
        c.swapcase() if swap else c for c, swap in zip(piece, swaps))
    if cannot_match(text, prefilter.tests_for(pattern, ignore_case)):
        assert compiled.search(text) is None, (pattern, text)


LITERALS = ["a", "B", "k", ":", " ", "-", "\\.", "\u5fae", "\u00e9", "\u017f", "\\ "]


@FAST
@given(st.lists(st.lists(st.sampled_from(LITERALS), min_size=1, max_size=5).map("".join), min_size=1, max_size=3),
       st.data(), st.booleans(), st.booleans())
def test_a_branch_written_in_either_case_is_never_ruled_out(branches: list[str], data: st.DataObject,
                                                             ignore_case: bool, verbose: bool) -> None:
    """Literal runs and letters in lower case: a text that is one branch, its letters' case swapped
    at random, is ruled out only when the regex module does not match it."""
    pattern = ("(?x)" if verbose else "") + "|".join(branches)
    compiled = regex.compile(pattern, regex.V0 | (regex.IGNORECASE if ignore_case else 0))
    branch = data.draw(st.sampled_from(branches)).replace("\\", "")
    swaps = data.draw(st.lists(st.booleans(), min_size=len(branch), max_size=len(branch)))
    text = "".join(c.swapcase() if swap else c for c, swap in zip(branch, swaps))
    if cannot_match(text, prefilter.tests_for(pattern, ignore_case)):
        assert compiled.search(text) is None, (pattern, text)


@pytest.mark.parametrize(("pattern", "ascii_text", "other_text"), [
    # verbose mode: white space and comments between items are skipped, as the regex module does
    ("(?x)\u5fae\u4fe1 | \u5a01\u4fe1  # a comment\n", None, "\u52a0\u5fae\u4fe1"),
    # the ASCII branch of a Chinese list: only "wechat" or "qq" and a colon can match ASCII text
    ("(?x)\u62b1\u6b49\u6253\u6270|(?:QQ|qq|wechat|\u5fae\u4fe1)\\s*[:\uff1a]\\s*\\w{5,}", "wechat: abc12", None),
    ("(?x)your\\ name\\s*:", "your name:", None),  # an escaped space is a literal one
    ("(?i:abc)d|x\u3000y", "ABCd", "x\u3000y"),  # a scoped (?i:...) ignores case only inside
])
def test_tests_for_examples(pattern: str, ascii_text: str | None, other_text: str | None) -> None:
    tests = prefilter.tests_for(pattern, False)
    compiled = regex.compile(pattern, regex.V0)
    for text in (ascii_text, other_text):
        if text is not None:
            assert compiled.search(text) and not cannot_match(text, tests)


@pytest.mark.parametrize(("pattern", "ignore_case", "ruled_out"), [
    ("(?x)\u5fae\u4fe1 | \u5a01\u4fe1", False, ["plain ascii", "wechat:"]),  # no ASCII text can match
    ("(?x)\u62b1\u6b49|(?:QQ|wechat)\\s*:", False, ["we chat: x", "Q Q:", "qq"]),  # needs "QQ" or "wechat", and ":"
    ("https?://\\S+\u69d8", True, ["http://example.com/ x"]),  # a branch that needs a CJK character
    ("(?x)a b", False, ["a b", "ba"]),  # "ab", as verbose mode reads it
])
def test_tests_for_rules_out(pattern: str, ignore_case: bool, ruled_out: list[str]) -> None:
    tests = prefilter.tests_for(pattern, ignore_case)
    for text in ruled_out:
        assert cannot_match(text, tests), text


@pytest.mark.parametrize("rule", [r for r in builtin_rules() if any(k.endswith("pattern") for k in r.options)],
                         ids=lambda r: r.id)
def test_builtin_patterns_keep_their_examples_with_tests_for(rule) -> None:
    """Every example text a rule's pattern matches, and every match in it, survives the sharper tests."""
    for key, pattern in rule.options.items():
        if not key.endswith("pattern") or not pattern:
            continue
        ignore_case = rule.options.get("ignore_case", True)
        compiled = regex.compile(pattern, regex.V0 | (regex.IGNORECASE if ignore_case else 0))
        tests = prefilter.tests_for(pattern, ignore_case)
        for text in rule.examples_hit + rule.examples_miss:
            for m in compiled.finditer(text):
                assert not cannot_match(m.group(), tests), (pattern, m.group())
                assert not cannot_match(text, tests), (pattern, text)


def test_the_chinese_and_japanese_lists_skip_ascii_text() -> None:
    """The lever itself: these verbose word lists are never searched in ASCII text."""
    for rule_id in ("scam-wording-ja", "spam-wording-zh", "account-alert-zh", "phishing-wording-ja"):
        tests = prefilter.tests_for(RULES[rule_id].options["pattern"], False)
        assert cannot_match("Dear customer, your account: QQ 12345 wechat", tests)
    assert cannot_match("Meeting at 10:30, see http://example.com/x",
                        prefilter.tests_for(RULES["sales-pitch-zh"].options["pattern"], False))


def test_far_characters_are_what_the_search_for_them_finds() -> None:
    """The NEAR reading drops far characters; the NEAR test's search must find exactly those."""
    search = prefilter._far_search()
    for cp in range(sys.maxunicode + 1):
        char = chr(cp)
        if 0xD800 <= cp <= 0xDFFF:
            continue  # surrogates: no str of decoded text holds one alone
        assert prefilter.far(char) is (search(char) is not None), hex(cp)


@pytest.mark.parametrize(("rule_id", "text", "ruled_out"), [
    ("sales-pitch-zh", "Caf\u00e9 meeting: 10:30 in Z\u00fcrich \u2014 see you", True),  # Western, no QQ/WeChat
    ("sales-pitch-zh", "Caf\u00e9 \u2014 WeChat: abc12345", False),  # the ASCII branch can match it
    ("sales-pitch-zh", "\u6b22\u8fce\u54a8\u8be2", False),  # Chinese: searched
    ("scam-wording-ja", "Gr\u00f6\u00dfe \u2014 \u00e9t\u00e9 \u2122", True),
    ("scam-wording-ja", "\u53d7\u76ca\u8005", False),
])
def test_near_text_skips_the_far_word_lists(rule_id: str, text: str, ruled_out: bool) -> None:
    pattern = RULES[rule_id].options["pattern"]
    assert cannot_match(text, prefilter.tests_for(pattern, False)) is ruled_out
    if ruled_out:
        assert regex.compile(pattern, regex.V0).search(text) is None


def test_caseless_characters_have_no_other_case_in_regex() -> None:
    """What the reader takes as caseless (CJK and other uncased letters included) the regex module
    matches only as itself when case is ignored, simple or full case folding alike."""
    flags = regex.IGNORECASE
    for cp in range(sys.maxunicode + 1):
        char = chr(cp)
        if prefilter.caseless(char):
            assert _regex.get_all_cases(flags, cp) in ([], [cp]), hex(cp)
            assert _regex.get_all_cases(flags | regex.FULLCASE, cp) in ([], [cp]), hex(cp)
            assert _regex.fold_case(flags | regex.FULLCASE, char) == char, hex(cp)



# -- text/index.py PhraseGate and checks/phrases.py: which phrase rules a segment can match at all ----
PHRASES = ["free", "sale", "cash", "click here", "$$$", "act now", "a b", "-50%", "l1", "free money", "a", "big sale",
           "transa\u00e7\u00e3o", "don't", "fr\u00e9e"]
phrase_lists = st.lists(st.one_of(st.sampled_from(PHRASES), st.text("abil1 $-.", min_size=1, max_size=6)),
                        min_size=1, max_size=5)
GATE_PIECES = ["free", "FREE", "fr33", "F.r.e.e", "f r e e", "sale", "$.a.l.e", "5ale", "cash", "c@sh", "click",
               "here", "act", "now", "money", "a", "b", "l1", "ii", "$$$", "-50%", "big", "transacao",
               "transa\u00e7\u00e3o",
               "don\u2019t", "\u0440\u0430yp\u0430l", "fr\u200bee", " ", "  ", "\n", ".", ",", "x" * 3, " " * 70]
gate_texts = st.lists(st.sampled_from(GATE_PIECES), max_size=16).map("".join)


def _phrase_check(phrases: list[str], canonical: bool) -> PhrasesCheck:
    return PhrasesCheck(validate_options(PhrasesCheck, {"phrases": phrases, "canonical": canonical}, "test"))


@FAST
@given(st.lists(st.tuples(phrase_lists, st.booleans()), min_size=1, max_size=4), gate_texts)
@example([(["big sale"], True)], "Big $.a.l.e today")
@example([(["$$$"], False), (["free money"], True)], "free $$$ money")
def test_the_gate_answers_as_each_phrase_index_does(lists: list[tuple[list[str], bool]], text: str) -> None:
    """A rule is a raw candidate exactly when its index finds first words or has phrases without one,
    and a loose candidate exactly when its own canonical test holds; matching through the gate
    finds what matching without it finds."""
    checks = [_phrase_check(phrases, canonical) for phrases, canonical in lists]
    gate = phrase_gate(checks)
    seg = SegmentFacts(Segment("text/plain", text))
    for check in checks:
        raw = bool(check.needs.first_words(seg.lower_words)) or bool(check.needs.unanchored)
        assert (check in gate.raw(seg)) is raw
        canon = seg.canonical
        loose = check.opts["canonical"] and canon.changed and check.loose_needs.possible(canon.window_words)
        assert (check in gate.loose(seg)) is bool(loose)
        assert check.matches(seg, gate) == check.matches(seg)


@FAST
@given(st.lists(phrase_lists, min_size=1, max_size=3), gate_texts, gate_texts)
def test_a_silent_phrase_rule_finds_nothing(lists: list[list[str]], subject: str, body: str) -> None:
    """Check.silent never hides a hit: the engine skips only rules that would find nothing."""
    checks = [_phrase_check(phrases, True) for phrases in lists]
    doc = load_document(f"Subject: {' '.join(subject.split())}\n\n{body}\n".encode(), name="t")
    ctx = Context(doc, phrase_gate=phrase_gate(checks))
    plain = Context(doc)
    for check in checks:
        for scope in (("subject",), ("body",), ("subject", "body")):
            found = list(check.run(doc, plain, scope))
            assert list(check.run(doc, ctx, scope)) == found
            if check.silent(ctx, scope):
                assert found == []


SAMPLE = b"""From: "Deals" <deals@shop.example>
To: you@example.org
Subject: FREE m0ney - act now!!! Big $.a.l.e

Dear customer, click here for a fr33 gift: $$$ cash, transa\xc3\xa7\xc3\xa3o, 100% free.
We do not sell email lists. Unsubscribe: http://shop.example/u
"""


def test_the_engine_finds_with_the_gate_what_it_finds_without() -> None:
    """Every built-in rule over a sample full of phrases: the gate and the silent skip change nothing."""
    doc = load_document(SAMPLE, name="sample.eml")
    engine, plain = Engine(builtin_rules()), Engine(builtin_rules())
    plain.__dict__["phrase_gate"] = None  # the cached_property as if no rule were a phrase rule
    assert engine.phrase_gate is not None
    found = engine.run(doc)
    assert found == plain.run(doc)
    assert {f.rule for f in found} >= {"risky-words"}


@pytest.mark.parametrize(("text", "ruled_out"), [
    ("Meeting notes: http://example.com/agenda", True),  # a link, but no name field before it
    ("Your NAME: Jane http://example.com/x", False),  # ASCII letters are sought in the lower case
    ("Nom : Jean https://exemple.fr", False),
])
def test_a_case_blind_pattern_is_read_in_lower_case(text: str, ruled_out: bool) -> None:
    rule = RULES["form-echo-link"]
    tests = prefilter.tests_for(rule.options["pattern"], True)
    assert cannot_match(text, tests) is ruled_out
    assert (regex.compile(rule.options["pattern"], regex.V0 | regex.IGNORECASE).search(text) is None) or not ruled_out



# -- checks/phrases.py: the language identifier reads only segments with a match -------------------
def _plain_found(check: PhrasesCheck, ctx: Context, scope: tuple[str, ...]) -> tuple[tuple, list]:
    """found() as it was: every scoped segment's language told once any segment has a match."""
    segments = ctx.facts.segments(scope)
    found = [m for seg in segments for m in check.matches(seg)]
    if check.language is not None and found:
        segments = tuple(seg for seg in segments if ctx.facts.language_of(seg) == check.language)
        found = [m for m in found if any(m.seg is seg for seg in segments)]
    return segments, [m for m in found if not check._cancelled(m)] if check.cancel else found


def _plain_density(check: PhrasesCheck, ctx: Context, scope: tuple[str, ...]) -> dict | None:
    """What PhraseDensityCheck.run reported before: the density over every segment in the language."""
    segments, found = _plain_found(check, ctx, scope)
    if len(found) < check.opts["min_hits"]:
        return None
    words = sum(seg.word_count for seg in segments) or 1
    weighted = sum(check.weights.get(m.key, 1.0) for m in found)
    density = 100.0 * weighted / max(words, 20)
    if density < check.opts["min_density"]:
        return None
    first = min(found, key=lambda m: (m.seg is not segments[0], m.start))
    return {"at": (first.seg.part, first.start), "count": len(found), "density": f"{density:.1f}"}


LANGUAGE_PIECES = ["Jetzt kaufen! ", "Klicken Sie hier f\u00fcr das Angebot. ", "Ihr Konto wurde gesperrt. ",
                   "Das ist ein ganz normaler Satz \u00fcber das Wetter in Berlin. ",
                   "Compre agora, oferta gr\u00e1tis! ",
                   "Cliquez ici pour profiter de l'offre. ", "Please review the attached quarterly report. ",
                   "angebot gratis ", "free offer, buy now! ", "\n", "Sehr geehrte Damen und Herren, "]
language_texts = st.lists(st.sampled_from(LANGUAGE_PIECES), max_size=10).map("".join)
LANGUAGE_RULES = [r for r in builtin_rules() if isinstance(r.check, PhrasesCheck) and r.check.language is not None]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(language_texts, language_texts, language_texts)
@example("Jetzt kaufen! Angebot", "Please review the attached quarterly report. " * 3, "")
def test_language_rules_find_what_telling_every_segment_found(subject: str, body: str, html: str) -> None:
    raw = (f"Subject: {' '.join(subject.split())}\nMIME-Version: 1.0\n"
           'Content-Type: multipart/alternative; boundary="b"\n\n'
           f"--b\nContent-Type: text/plain; charset=utf-8\n\n{body}\n"
           f"--b\nContent-Type: text/html; charset=utf-8\n\n<p>{html}</p>\n--b--\n")
    doc = load_document(raw.encode(), name="t.eml")
    for rule in LANGUAGE_RULES:
        ctx = Context(doc)
        if rule.check_name == "phrase-density":
            hits = list(rule.check.run(doc, ctx, rule.scope))
            plain = _plain_density(rule.check, Context(doc), rule.scope)
            assert len(hits) == (plain is not None), rule.id
            if hits:
                assert (hits[0].detail["count"], hits[0].detail["density"]) == (plain["count"], plain["density"])
                assert hits[0].part == plain["at"][0]
        else:
            found = rule.check.found(ctx, rule.scope)
            plain = _plain_found(rule.check, Context(doc), rule.scope)[1]
            assert [(m.seg.part, *m[1:]) for m in found] == [(m.seg.part, *m[1:]) for m in plain], rule.id
