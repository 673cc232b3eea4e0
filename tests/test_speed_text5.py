"""Issue 15, fifth pass (text layers, phrases, language, Received): each fast path gives what the
plain definition kept beside it here gives."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from spamlint import Engine, builtin_rules, load_document
from spamlint.checks import phrases
from spamlint.model.findings import Hit
from spamlint.text import facts, normalize, received

RULES = {r.id: r for r in builtin_rules()}
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- checks/phrases.py: phrase-density tells a segment's language only when the answer can matter --
def plain_density_run(check: phrases.PhraseDensityCheck, ctx: facts.Context, scope: tuple[str, ...]) -> list[Hit]:
    """PhraseDensityCheck.run as it was: every segment with a match told its language first."""
    gate = check._gate(ctx)
    found = [m for seg in ctx.facts.segments(scope) for m in check.matches(seg, gate)]
    if check.language is not None and found:
        kept = {seg for seg in {m.seg for m in found} if ctx.facts.language_of(seg) == check.language}
        found = [m for m in found if m.seg in kept]
    found = [m for m in found if not check._cancelled(m)] if check.cancel else found
    if len(found) < check.opts["min_hits"] or not found:
        return []
    weighted = sum(check.weights.get(m.key, 1.0) for m in found)
    if 100.0 * weighted / max(sum(seg.word_count for seg in {m.seg for m in found}), 20) < check.opts["min_density"]:
        return []
    segments = check.in_language(ctx, scope)
    words = sum(seg.word_count for seg in segments) or 1
    density = 100.0 * weighted / max(words, 20)
    if density < check.opts["min_density"]:
        return []
    counts: dict[str, int] = {}
    for m in found:
        label = m.key if m.disguise is None else m.label()
        counts[label] = counts.get(label, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])[:6]
    listed = ", ".join(f"{k} \u00d7{n}" if n > 1 else k for k, n in ranked)
    first = min(found, key=lambda m: (m.seg is not segments[0], m.start))
    return [Hit(**first.seg.hit(first.start, first.end, count=len(found), words=listed, density=f"{density:.1f}"))]


SALES_PIECES = [
    "gratuit ", "offre spéciale ", "réduction ", "profitez ", "cliquez ici ", "Nous vous proposons une ",
    "angebot ", "rabatt ", "gratis ", "jetzt kaufen ", "Wir haben heute für Sie ein ", "kostenlos ",
    "free ", "click here ", "limited time ", "The meeting notes are attached and ", "after free ",
    "oferta ", "grátis ", "compre agora ", "desconto ", "Aproveite esta ", "promoção ",
    "sconto ", "offerta ", "gratis ", "clicca qui ", "\n", ". ", "word " * 5, "mot " * 12,
]
texts = st.lists(st.sampled_from(SALES_PIECES), max_size=30).map("".join)
DENSITY_RULES = sorted(r for r in RULES if RULES[r].check_name == "phrase-density")


def message(subject: str, bodies: list[str]) -> str:
    """A message with this subject and one text/plain part per body (every one a primary body)."""
    parts = "".join(f"--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n{b}\n"
                    for b in bodies)
    return (f"From: a@mailer.example.net\nTo: b@example.org\nSubject: {subject}\nMIME-Version: 1.0\n"
            f'Content-Type: multipart/mixed; boundary="b"\n\n{parts}--b--\n')


def assert_density_is_plain(subject: str, bodies: list[str], told: list[object] | None = None) -> None:
    doc = load_document(message(subject, bodies), name="t")
    for rule_id in DENSITY_RULES:
        rule = RULES[rule_id]
        engine = Engine([rule])
        fast_ctx, plain_ctx = engine.context(doc), engine.context(doc)
        asked: list[object] = []
        language_of = fast_ctx.facts.language_of
        fast_ctx.facts.language_of = lambda seg: asked.append(seg) or language_of(seg)  # type: ignore[method-assign]
        fast = list(rule.check.run(doc, fast_ctx, rule.scope))
        assert fast == plain_density_run(rule.check, plain_ctx, rule.scope), rule_id
        if told is not None:
            told.extend(asked)


@FAST
@given(texts, st.lists(texts, min_size=1, max_size=3), st.sampled_from([0, 1, 6]))
@example("gratuit réduction", ["Nous vous proposons une offre spéciale gratuit réduction profitez " * 3], 6)
@example("x", ["angebot rabatt gratis " + "wort " * 60, "jetzt kaufen kostenlos " + "Wir haben heute für Sie ein "], 1)
@example("oferta grátis desconto", ["The meeting notes are attached and " * 9], 0)
def test_phrase_density_tells_languages_only_when_they_matter(subject: str, bodies: list[str], untold: int) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(phrases, "MAX_UNTOLD", untold)  # 0: every segment told before the choices are tried
        assert_density_is_plain(subject, bodies)


def test_phrase_density_below_min_hits_asks_no_language() -> None:
    told: list[object] = []
    assert_density_is_plain("Weekly notes", ["Bike lanes got a réduction in funding. " + "The city council met. " * 20],
                            told)
    assert told == []  # one French word in English text: sales-words-fr needs three matches


# -- text/normalize.py: tokens of non-ASCII text from its white-space separated chunks ----------------
def test_no_white_space_is_a_word_character() -> None:
    """What tokens() rests on: str.split's white space and re's \\w never share a character, and
    \\w is str.isalnum or "_" (every code point checked)."""
    word = re.compile(r"\w")
    for code in range(sys.maxunicode + 1):
        c = chr(code)
        is_word = word.match(c) is not None
        assert is_word == (c.isalnum() or c == "_"), hex(code)
        assert not (is_word and c.isspace()), hex(code)


WORD_PIECES = ["word", "Wört", "_", "a_b", "\u00e9", "e\u0301", "\u0663", "\u00b2", "\u2167", "\u4e2d\u6587", "x",
               " ", "\u00a0", "\u2003", "\u3000", "\n", "\x1c", "\x85", ",", ".", "-", "'", "\u2019", "\u200b",
               "\u00ad", "1", "$", "@", "\U0001d400", "\ufb01", "caf\u00e9.", "(\u00fcber)"]
word_texts = st.one_of(st.lists(st.sampled_from(WORD_PIECES), max_size=40).map("".join), st.text(max_size=60))


@settings(max_examples=400, deadline=None)
@given(word_texts)
@example("caf\u00e9, na\u00efve_one \u00fcber-all \u00a0x\u2003y")
@example("\u00e9__\u00e9 a\u0301b")
def test_tokens_are_the_plain_word_runs(text: str) -> None:
    assert normalize.tokens(text) == normalize._plain_tokens(text)
    assert normalize.tokens(text.lower()) == normalize._plain_tokens(text.lower())


# -- text/received.py: IPv4 addresses read without ipaddress; no networks, no network test ------------
IP_PIECES = ["1", "0", "00", "01", "255", "256", "199", "249", "250", "25", "300", "1000", ".", ".", ":", "::", "a",
             "f", "F", "ffff", "%", "eth0", "IPv6", "[", " ", "\n", "\u0661", "\uff11", "-", "x"]
ip_texts = st.one_of(st.lists(st.sampled_from(IP_PIECES), max_size=12).map("".join), st.ip_addresses().map(str),
                     st.text(alphabet="0123456789.:abcdefABCDEF%", max_size=20))


@settings(max_examples=600, deadline=None)
@given(ip_texts)
@example("192.168.001.1")
@example("1.2.3.4\n")
@example("0.0.0.0")
@example("255.255.255.255")
@example("::ffff:1.2.3.4")
@example("fe80::1%eth0")
@example("\u0661.2.3.4")
def test_ip_is_the_plain_ipaddress_reading(text: str) -> None:
    assert received._ip(text) == received._plain_ip(text)


@pytest.mark.parametrize("header", [
    "from a.example.net (a.example.net [10.0.0.5]) by mx.example.org with ESMTP; Mon, 3 Feb 2025 10:00:00 +0000",
    "from b.example.com (b.example.com [203.0.113.9]) by mx.example.org with ESMTP; Mon, 3 Feb 2025 10:00:00 +0000",
    "from c (c [2001:db8::1]) by mx.example.org; Mon, 3 Feb 2025 10:00:00 +0000",
])
def test_entry_hop_without_networks_skips_only_the_network_test(header: str) -> None:
    hop = received.parse_hop(header)
    for networks in ((), received.parse_networks(["203.0.113.0/24", "2001:db8::/32"])):
        plain = hop.ip is not None and (received.is_private(hop.ip) or received.in_networks(hop.ip, networks))
        assert received._internal(hop, set(), networks) == plain  # no domains: only the address tells
