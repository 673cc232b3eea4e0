"""The regex prefilter: the characters it says a match needs must really be in every match."""

from __future__ import annotations


import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from spamlint.text.facts import _UNSUB, offers_unsubscribe
from spamlint.engine.rules import builtin_rules
from spamlint.limits import Limits
from spamlint.text.patterns import Searches, user_pattern
from spamlint.text.prefilter import cannot_match, needles, required_sets


def _sets(pattern: str, ignore_case: bool = False) -> list[str]:
    return sorted("".join(sorted(s)) for s in required_sets(pattern, ignore_case))


@pytest.mark.parametrize(("pattern", "ignore_case", "expected"), [
    ("a@b", False, ["@", "a", "b"]),
    ("a@b", True, ["@"]),  # letters have case variants
    ("x%[0-9a-f]{2}", True, ["%"]),
    ("(?:^|\\.)xn--", True, ["-", "-"]),
    ("[!\\uff01]{3,}|[!?]{2,}", False, ["!?！"]),
    ("[a-z]+\\d{3,}@|[a-z]{2}\\d{4}@", True, ["0123456789<non-ASCII>", "@"]),  # both branches: @ and a digit
    ("@|\\d", False, ["0123456789<non-ASCII>@"]),
    ("a|b?", False, []),  # one branch requires nothing
    ("a*b{0,3}(?:c)?", False, []),
    ("(?=@)x", False, ["x"]),  # look-arounds consume nothing
    ("(?<!@)x", False, ["x"]),
    ("[^@]x", False, ["x"]),  # a negated class requires nothing
    ("[\\w@]x", False, ["x"]),
    ("\\p{Latin}[\\u200b\\u200c]+", False, ["\u200b\u200c"]),
    ("[]a]", False, ["]a"]),
    ("[a-]", False, ["-a"]),
    ("\\.\\*", False, ["*", "."]),
    ("(a)\\1", False, []),  # backreferences: unsure
    ("(?x) a", False, ["a"]),  # a leading verbose flag: white space is skipped
    ("a(?x) b", False, []),  # verbose mode elsewhere: unsure
    ("(?i)@A", False, []),  # an inline i flag: unsure
    ("[[:alpha:]]@", False, []),
    ("a{e<=1}", False, []),  # fuzzy matching: unsure
    ("\\N{BULLET}", False, []),
    ("a)", False, []),
    ("(a", False, []),
])
def test_required_sets(pattern: str, ignore_case: bool, expected: list[str]) -> None:
    assert _sets(pattern, ignore_case) == expected


def test_cannot_match_needs_one_character_of_every_set() -> None:
    tests = needles([frozenset("@"), frozenset("%:")])
    assert cannot_match("example.com", tests)
    assert cannot_match("a@example.com", tests)
    assert not cannot_match("a@example.com:80", tests)
    wide = needles([frozenset(chr(c) for c in range(0x1D400, 0x1D800))])
    assert cannot_match("plain ascii", wide)
    assert not cannot_match("caf\u00e9", wide)  # too many characters to scan: the regex decides
    digits = needles(required_sets("\\d+", False))
    assert cannot_match("no digits", digits)
    assert not cannot_match("route 66", digits)
    assert not cannot_match("caf\u00e9 \u0663", digits)  # other scripts' digits: the regex decides


def test_user_pattern_skips_only_hopeless_searches() -> None:
    p = user_pattern("[\\w.]+@[\\w.]+", regex.IGNORECASE)
    assert p.tests
    assert p.search("no address here", Searches()) is None
    assert p.search("write to a@example.com", Searches()).group() == "a@example.com"
    assert [m.group() for m in p.finditer("a@b c@d", Searches())] == ["a@b", "c@d"]


TEXT = st.text(alphabet=st.sampled_from(list("aA!?@%:.-/= \n\u200b\uff01\u017fKk\u212a19\u0663") + ["\U0001d41a"]), max_size=30)
PIECES = ["a", "A", "k", "!", "?", "@", "%", ":", "\\.", "-", "[!?]", "[^a]", "[a-c]", "\\w", "\\d", ".", "\\u200b", "[\\d@]",
          "(?:", ")", "|", "*", "+", "?", "{2}", "{1,}", "(?=@)", "(?<!a)", "^", "$", "\\b", "[\\U0001d400-\\U0001d7ff]"]


def _patterns() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(PIECES), max_size=8).map("".join)


@given(_patterns(), TEXT, st.booleans())
def test_a_hopeless_text_never_matches(pattern: str, text: str, ignore_case: bool) -> None:
    try:
        compiled = regex.compile(pattern, regex.V0 | (regex.IGNORECASE if ignore_case else 0))
    except regex.error:
        return
    if cannot_match(text, needles(required_sets(pattern, ignore_case))):
        assert compiled.search(text) is None


@pytest.mark.parametrize("rule", [r for r in builtin_rules() if any(k.endswith("pattern") for k in r.options)],
                         ids=lambda r: r.id)
def test_builtin_patterns_keep_their_examples(rule) -> None:
    """Every example text a rule's pattern matches survives the prefilter."""
    for key, pattern in rule.options.items():
        if not key.endswith("pattern") or not pattern:
            continue
        ignore_case = rule.options.get("ignore_case", True)
        compiled = regex.compile(pattern, regex.V0 | (regex.IGNORECASE if ignore_case else 0))
        tests = needles(required_sets(pattern, ignore_case))
        for text in rule.examples_hit + rule.examples_miss:
            for m in compiled.finditer(text):
                assert not cannot_match(m.group(), tests), (pattern, m.group())


def test_found_answers_as_search_and_remembers_short_texts() -> None:
    p = user_pattern("^http://", regex.IGNORECASE)
    for text in ["http://a.example/", "HTTP://b.example", "https://a.example/", "", "mailto:x@y"]:
        for _ in range(2):  # the second answer comes from memory
            assert p.found(text, Searches()) == (p.compiled.search(text) is not None)
    assert "http://a.example/" in p._seen


def test_found_forgets_nothing_it_did_not_finish() -> None:
    searches = Searches(Limits(regex_timeout=0.05))
    p = user_pattern("(a|aa)+$")
    text = "a" * 60 + "b"
    assert p.found(text, searches) is False
    assert text not in p._seen  # ran out of time: asked again, it searches again
    assert [kind for kind, what in searches.problems if "regex_timeout" in what] == ["limit"]


@pytest.mark.parametrize(("text", "offers"), [
    ("Click to UNSUBSCRIBE.", True), ("opt out here", True), ("Opt-Out", True), ("optout", True),
    ("opt  out", False), ("Abmelden", True), ("DÉSINSCRIPTION", True), ("darse de baja", True),
    ("un\u017fubscribe", True),  # long s: case-insensitive re says s; the ASCII fast path must not decide
    ("subscribe", False), ("", False),
])
def test_offers_unsubscribe_as_the_pattern_says(text: str, offers: bool) -> None:
    assert offers_unsubscribe(text) is offers
    assert (_UNSUB.search(text) is not None) is offers
