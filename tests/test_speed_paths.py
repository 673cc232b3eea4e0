"""Issue 15's fast paths give what the plain definitions beside them give."""

from __future__ import annotations

import array
import base64
import dataclasses
import gc
import os
import re
import sys
import time
from pathlib import Path

import pytest
import regex
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from spamlint import Engine, builtin_rules, load_document
from spamlint.checks import brand
from spamlint.engine import batch, cache, rules
from spamlint.inputs import css
from spamlint.inputs.sources import Source
from spamlint.model.segment import Segment
from spamlint.text import compiled, language
from spamlint.text.facts import SegmentFacts

RULES = {r.id: r for r in builtin_rules()}
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- checks/senders.py: recipient-greeting ---------------------------------------------------------
GREETING_PIECES = ["Dear ", "dear", "Hi", "hello, ", "Good  morning ", "bonjour", "Hey!", " ", ",", ":", "\n",
                   "jane", "JANE@EXAMPLE.ORG", "dev-list", "dev-list@lists.example.org", "x", "this ", "a.b",
                   "-", ".com", "\u017f", "ol\u00e1 ", "\u00e9"]
openings = st.lists(st.sampled_from(GREETING_PIECES), max_size=40).map("".join)
recipients = st.sampled_from(["jane@example.org", "dev-list@lists.example.org",
                              "Jane <jane@example.org>, dev-list@lists.example.org", "nobody", ""])


@FAST
@given(openings, openings, recipients)
@example("Dear JANE@EXAMPLE.ORG, hi", "", "jane@example.org")
@example("Hi all, hello dev-list: x", "dear dev-list@lists.example.org.", "dev-list@lists.example.org")
@example("x" * 190 + " Hi jane@example.org", "", "jane@example.org")
def test_recipient_greeting_is_the_plain_search(text: str, html: str, to: str) -> None:
    assert_greeting_is_plain(text, html, to)


def assert_greeting_is_plain(text: str, html: str, to: str) -> None:
    """recipient-greeting's findings on a message with this text and HTML body equal its plain search's."""
    rule = RULES["recipient-address-greeting"]
    raw = (f"From: a@mailer.example.net\nTo: {to}\nSubject: x\nMIME-Version: 1.0\n"
           'Content-Type: multipart/alternative; boundary="b"\n\n'
           f"--b\nContent-Type: text/plain\n\n{text}\n--b\nContent-Type: text/html\n\n<p>{html}</p>\n--b--\n")
    doc = load_document(raw, name="t")
    ctx = Engine([rule]).context(doc)
    fast = list(rule.check.run(doc, ctx, rule.scope))
    assert fast == list(rule.check._plain_run(doc, ctx, rule.scope))


# -- checks/brand.py: brand-impersonation's key words ----------------------------------------------
BRAND_PIECES = ["your ", "Your  ", "dear ", "PayPal", "PAYPAL", "pay pal", "paypal's", " account", " Team", "-",
                "Bank of\nAmerica", "bank of america", "UPS", "ups", "Ups", "groups", " support", "Apple ID",
                "Booking.com", "booking com", "\u0130", "\u017f", "Micro\u017foft", "M\u0130CROSOFT", "\u00b2",
                "\u00e9", "caf\u00e9 ", "x", " ", "\n", "@", ".", "IRS", "theirs "]
brand_texts = st.lists(st.sampled_from(BRAND_PIECES), max_size=25).map("".join)


@FAST
@given(brand_texts)
@example("Dear M\u0130CROSOFT customer")
@example("your Micro\u017foft account")
@example("Dear PAYPAL\u00b2 caf\u00e9")
@example("Dear PayPal member")
def test_brand_key_words_never_skip_a_claim(text: str) -> None:
    check = RULES["brand-impersonation"].check
    seg = SegmentFacts(Segment("body", text))
    assert check.may_claim(seg) or check.claim_re.search(text) is None


def _span(m: object) -> object:
    return None if m is None else (m.span(), m.groups())  # type: ignore[attr-defined]


CLAIM_PIECES = BRAND_PIECES + ["Dear", "sehr  geehrte ", "PayPal-----", "--", "'s", " security team", " customer\n service",
                               "\t", "\x1c", "payment  method", "Amazon Prime", "amazon", "Gmail", "a", "\u00e9", "\u0131",
                               "\u212a", "\u00a0", "\u2003", "\u00df", "\u0130", "ch\u00e8re ", "\u00e9quipe", " s\u00e9curit\u00e9"]
claim_texts = st.lists(st.sampled_from(CLAIM_PIECES), max_size=40).map("".join)


@FAST
@given(claim_texts)
@example("Dear PayPal member, your paypal account")
@example("groups " * 50 + "your PayPal" + " " * 300 + "-" * 200 + "account")
@example("x@your paypal account, dear-paypal")
@example("paypal " * 40 + "your paypal account")  # key words so dense that the whole text is searched
@example("caf\u00e9: your Micro\u017foft account")
@example("caf\u00e9: your M\u0130CROSOFT account")
@example("\u00e9 your\u2003PayPal\u00a0account")
def test_brand_claims_searched_around_key_words_equal_the_whole_text(text: str) -> None:
    check = RULES["brand-impersonation"].check
    assert check.reach is not None  # the rule takes the windowed search
    seg = SegmentFacts(Segment("body", text))
    assert _span(check._search(seg)) == _span(check._plain_search(seg))


JA_ASCII_PIECES = ["ANA", "ana", "JAL", "JCB", "MyJCB", "PayPay", "Amazon", "SBI", "TEPCO", "[", "]", "(", ")", " ",
                   "\n", "from ", "no ", "wo go riyou", "kara no oshirase", "your ", " account", " support", "dear ", "x"]


@FAST
@given(st.lists(st.sampled_from(JA_ASCII_PIECES), max_size=30).map("".join))
@example("[Amazon] Amazon support: your Amazon account")
def test_a_rule_whose_claims_need_non_ascii_never_claims_in_ascii_text(text: str) -> None:
    check = RULES["brand-impersonation-ja"].check
    assert check.ascii_never
    seg = SegmentFacts(Segment("body", text))
    assert not check.may_claim(seg) and check.claim_re.search(text) is None


JA_PIECES = ["Amazon", "アマゾン", "楽天カード", "ANA", "【", "】", "をご利用いただき", "を", "ご利用", "あなたの", "カード",
             "から", "のお知らせ", "より", "\u00e9", " ", "\n", "ヲ", "アカウント", "x"]


@FAST
@given(st.lists(st.sampled_from(JA_PIECES), max_size=30).map("".join))
@example("【楽天カード】ご利用確認")
@example("アマゾンをご利用いただき")
def test_a_rule_whose_claims_need_some_characters_is_asked_only_with_one_of_them(text: str) -> None:
    check = RULES["brand-impersonation-ja"].check
    assert check.claim_needs
    seg = SegmentFacts(Segment("body", text))
    assert check.may_claim(seg) or check.claim_re.search(text) is None


def test_claim_needs_match_only_themselves_when_case_is_ignored() -> None:
    needs = RULES["brand-impersonation-ja"].check.claim_needs
    every = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)
    assert sorted(regex.findall(f"(?i)[{regex.escape(needs)}]", every)) == sorted(needs)


@pytest.mark.parametrize(("pattern", "needs"), [
    ("【{brand}】", True), ("{brand}をご利用", True), ("(?:あなたの|your){brand}", False), ("{brand}\u212a", False),
    ("{brand}\u017f", False), ("{brand}(?:を)?", False), ("{brand}", False), ("{brand}[をx]", False), ("(?:【|を){brand}", True),
])
def test_claim_patterns_that_need_a_non_ascii_character(pattern: str, needs: bool) -> None:
    assert brand._needs_non_ascii(pattern) is needs


# -- engine/batch.py: workers inherit the compiled rule pack -----------------------------------------
def _rules_compiled_in_worker(source: Source) -> int:
    """What a worker reports instead of a lint: how many times it has compiled the rule pack."""
    return rules.builtin_rules.cache_info().misses - _PARENT_MISSES[0]


_PARENT_MISSES = [0]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork only on Linux")
def test_workers_inherit_the_compiled_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    rules.builtin_rules()
    _PARENT_MISSES[0] = rules.builtin_rules.cache_info().misses
    monkeypatch.setattr(batch, "_work", _rules_compiled_in_worker)  # a forked worker sees the parent's module
    sources = [Source(name=f"m{i}.txt", ext=".txt", data=b"hello") for i in range(4)]
    assert list(batch.run(sources, batch.Options(), jobs=2)) == [0, 0, 0, 0]


def _identifier_in_worker(source: Source) -> bool:
    """What a worker reports instead of a lint: whether it started with the language identifier loaded."""
    return language._identifier is not None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork only on Linux")
@pytest.mark.parametrize("inputs", [4, 2 * batch.PRELOAD_PER_WORKER, 2 * batch.LANGUAGE_PRELOAD_PER_WORKER])
def test_workers_of_a_large_batch_inherit_the_language_identifier(monkeypatch: pytest.MonkeyPatch, inputs: int) -> None:
    monkeypatch.setattr(language, "_identifier", None)
    monkeypatch.setattr(batch, "_work", _identifier_in_worker)
    sources = [Source(name=f"m{i}.txt", ext=".txt", data=b"hello") for i in range(inputs)]
    large = inputs >= 2 * batch.LANGUAGE_PRELOAD_PER_WORKER
    assert list(batch.run(sources, batch.Options(), jobs=2)) == [large] * inputs
    assert (language._identifier is not None) is large  # a small batch loads nothing it may not need


def _warm_in_worker(source: Source) -> tuple[bool, bool]:
    """What a worker reports instead of a lint: whether it started with module patterns made and
    email imported, and whether what it inherited is frozen (out of the cyclic collector's walks)."""
    return all("_made" in vars(p) for p in compiled._lazies) and "email.parser" in sys.modules, gc.get_freeze_count() > 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork only on Linux")
def test_workers_of_a_large_batch_inherit_made_module_patterns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "_work", _warm_in_worker)
    sources = [Source(name=f"m{i}.txt", ext=".txt", data=b"hello") for i in range(2 * batch.PRELOAD_PER_WORKER)]
    assert set(batch.run(sources, batch.Options(), jobs=2)) == {(True, True)}
    assert gc.get_freeze_count() == 0  # the parent's objects are the collector's again


# -- text/compiled.py and engine/cache.py: the rule-pack cache -------------------------------------
def _phrase_sources() -> list[tuple[str, int]]:
    """Source and flags of every phrase pattern of the built-in rule pack."""
    out = []
    for rule in RULES.values():
        for name in ("pattern", "loose", "risky"):
            pattern = getattr(rule.check, name, None)
            if isinstance(pattern, re.Pattern):
                out.append((pattern.pattern, pattern.flags))
    return out


def test_patterns_from_generated_code_equal_re_compile() -> None:
    # re.Pattern objects are equal only when source, flags and SRE code are all equal
    sources = _phrase_sources()
    assert len(sources) > 80
    for source, flags in sources:
        assert compiled.compile_pattern(source, flags) == re.compile(source, flags)


def test_patterns_rebuilt_from_the_cache_file_equal_re_compile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(compiled, "_known", {})
    monkeypatch.setattr(compiled, "made", {})
    files = rules.builtin_rule_files()
    where = cache.cache_file(files)
    assert where is not None and where.parent == tmp_path / "spamlint"
    for source, flags in _phrase_sources():
        compiled.compile_pattern(source, flags)
    data = {name: yaml.safe_load(text) for name, text in files}
    cache.save(where, data)
    monkeypatch.setattr(compiled, "made", {})
    assert cache.load(where) == data
    for source, flags in _phrase_sources():
        assert (source, int(flags)) in compiled._known
        assert compiled.compile_pattern(source, flags) == re.compile(source, flags)
    assert not compiled.made  # every one came from the file


def test_deferred_module_patterns_are_saved_with_the_cache_and_equal_re_compile(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from spamlint.checks import hashbusting
    from spamlint.text import normalize

    lazy = [normalize._LEET_ASCII, normalize._LEET_CORE, normalize._GAP_ASCII, normalize._GAP_HINT,
            hashbusting._PUNCT_HINT, hashbusting._SPACE_HINT]
    assert {p().pattern for p in lazy} <= {source for source, _ in compiled._deferred}
    for get in lazy:
        assert get() is get()  # compiled once
        assert get() == re.compile(get().pattern, get().flags)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(compiled, "_known", {})
    monkeypatch.setattr(compiled, "made", {})
    where = cache.cache_file([("rules/x.yaml", "id: x")])
    cache.save(where, {})  # nothing compiled in this process: the deferred patterns are saved anyway
    monkeypatch.setattr(compiled, "made", {})
    assert cache.load(where) == {}
    for source, flags in compiled._deferred:
        assert (source, flags) in compiled._known
        assert compiled.compile_pattern(source, flags) == re.compile(source, flags)
    assert not compiled.made


def test_rules_built_from_the_cache_equal_rules_built_from_the_files(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    rules.builtin_rules.cache_clear()
    try:
        first = rules.builtin_rules()  # no cache yet: parsed from YAML, then written
        assert list((tmp_path / "spamlint").glob("rulepack-*.json"))
        rules.builtin_rules.cache_clear()
        second = rules.builtin_rules()  # read back from the cache
    finally:
        rules.builtin_rules.cache_clear()
    fresh = [rules.parse_rule(name, text, rules.BUILTIN_DOCS) for name, text in rules.builtin_rule_files()]
    for a, b, c in zip(first, second, fresh, strict=True):
        assert _fields(a) == _fields(b) == _fields(c)


def _fields(rule: rules.Rule) -> dict:
    # the record's fields (a rule from the cache reads its examples on first use, not into vars() at once)
    return {f.name: getattr(rule, f.name) for f in dataclasses.fields(rule) if f.name != "check"}


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="ownership and modes are POSIX")
def test_a_cache_others_may_write_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    where = cache.cache_file([("rules/x.yaml", "id: x")])
    assert where is not None
    cache.save(where, {"rules/x.yaml": {"id": "x"}})
    assert cache.load(where) == {"rules/x.yaml": {"id": "x"}}
    where.chmod(0o666)
    assert cache.load(where) is None
    where.chmod(0o600)
    where.parent.chmod(0o777)
    assert cache.load(where) is None


@pytest.mark.parametrize("junk", ["", "[]", '{"format": 1, "rules": [], "patterns": []}', "{" * 100_000,
                                  '{"format": 1, "rules": {}, "patterns": [["(a", 0, 32, "!!", 0, {}, []]]}'])
def test_a_broken_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, junk: str) -> None:
    monkeypatch.setattr(compiled, "_known", {})
    where = tmp_path / "rulepack.json"
    where.write_text(junk)
    where.chmod(0o600)
    tmp_path.chmod(0o700)
    loaded = cache.load(where)
    assert loaded in (None, {})
    assert compiled.compile_pattern("(a)", 0) == re.compile("(a)")


def test_code_that_re_would_not_generate_falls_back_to_compiling(monkeypatch: pytest.MonkeyPatch) -> None:
    bogus = base64.b64encode(array.array("I", [99999, 1, 2]).tobytes()).decode()
    monkeypatch.setattr(compiled, "_known", {("abc", 0): ("abc", 0, 32, bogus, 0, {}, [None])})
    assert compiled.compile_pattern("abc") == re.compile("abc")


def test_the_cache_is_off_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPAMLINT_NO_CACHE", "1")
    assert cache.cache_file([]) is None


# -- inputs/css.py: style attributes of plain words without tinycss2 -----------------------------------
STYLE_PIECES = ["color", "COLOR", "Red", "PX", "font-size", "-webkit-x", "--x", "_a", "a1", ":", ";", " ", "\t", "\n", "\r", "\f",
                ",", "#333", "#", "#-", "0", "10px", "-5", "+5", ".5", "5.", "1e3", "1e-3", "1em", "1e-m", "5-3", "1-a",
                "50%", "%", "-", ".", "a.5", "rgb(1,2,3)", "(", ")", "!important", "/*x*/", "'a b'", '"', "\\",
                "\u00e9", "u+0-7f", "url(x)", "{", "}", "@x", "<!--"]
STYLE_WORDS = ["red", "Red", "-a", "a-5", "a1", "#333", "#abc-1", "0", "10px", "-5", "+5", ".5", "5.", "1e3", "1em",
               "1E3", "1e-m", "5-3", "1-a", "50%", "-", ".", "a.5", "--x", "_a", "rgb(1,2,3)", "!important", "\\31 x",
               "é", ""]
STYLE_SEPS = [" ", ",", " , ", "\t", "\n", "", "  ", "\r\n", "\f", "/**/", ":"]
_values = st.lists(st.tuples(st.sampled_from(STYLE_SEPS), st.sampled_from(STYLE_WORDS)), max_size=4).map(
    lambda ws: "".join(sep + word for sep, word in ws))
_declarations = st.tuples(st.sampled_from(["", " ", "\n"]), st.sampled_from(["color", "COLOR", "-x", "--x", "a1", "1a", ""]),
                          st.sampled_from([":", " : ", "", "::"]), _values, st.sampled_from(["", " ", "\t"])).map("".join)
_plain_words = st.lists(st.tuples(st.sampled_from([" ", ",", " , ", "\t", "\n", "", "  "]),
                                  st.sampled_from(STYLE_WORDS[:17])), min_size=1, max_size=4).map(
    lambda ws: ws[0][1] + "".join(sep + word for sep, word in ws[1:]))
_plain_styles = st.lists(st.tuples(st.sampled_from(["color", "COLOR", "-x", "a1"]), st.sampled_from([":", " : "]),
                                   _plain_words).map("".join), max_size=4).map(";".join)
styles = st.one_of(_plain_styles, st.lists(st.sampled_from(STYLE_PIECES), max_size=20).map("".join),
                   st.lists(_declarations, max_size=4).map(";".join))


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(styles)
@example("color:#333;font-size:14px")
@example("x:a .5")
@example("COLOR: Red  , #ABC")
@example("color:1e-m")
@example("padding: 0 10px ; margin:0 ;")
def test_plain_word_styles_read_as_tinycss2_reads_them(style: str) -> None:
    simple = css._simple_declarations(style)
    assert simple is None or simple == css._plain_declarations(style)


def test_saving_forgets_rule_packs_unused_for_a_week(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    old, recent = (cache.cache_file([(name, "")]) for name in ("old", "recent"))
    assert old is not None and recent is not None
    for where in (old, recent):
        cache.save(where, {})
    week_ago = time.time() - 8 * 24 * 3600
    os.utime(old, (week_ago, week_ago))
    os.utime(recent, (week_ago, week_ago))
    assert cache.load(recent) == {}  # reading it marks it as in use
    new = cache.cache_file([("new", "")])
    cache.save(new, {})
    assert not old.exists() and recent.exists() and new.exists()
