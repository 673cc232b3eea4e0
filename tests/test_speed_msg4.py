"""Issue 15, fourth pass on per-message work: each fast path gives what the plain definition beside it gives."""

from __future__ import annotations

import os
from itertools import islice
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from spamlint import Engine, builtin_rules, load_document
from spamlint.engine import suppress
from spamlint.engine.run import _kept, stamp
from spamlint.model.domain import DnsProblem
from spamlint.model.findings import sort_findings
from spamlint.text import language, received

ROOT = Path(__file__).resolve().parent.parent
RULES = builtin_rules()
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- engine/run.py: the rule plan (no per-rule lookups, DNS rules left out offline, the phrase gate once per scope)
def _plain_run(engine: Engine, doc, only=None, dns_problems=()) -> list:  # noqa: ANN001 - as Engine.run
    """Engine.run as plainly defined: every checked rule in turn, each asked itself whether it is silent."""
    ctx = engine.context(doc, dns_problems)
    findings = []
    directives = suppress.parse(doc)
    keep = suppress.Filter(directives) if directives else None
    for rule in engine._checked:
        if only is not None and rule.id not in only:
            continue
        if rule.check.silent(ctx, rule.scope):
            continue
        ctx.searches.start(rule.id)
        findings.extend(islice(_kept(rule, iter(rule.check.run(doc, ctx, rule.scope)), keep), rule.max_hits))
    if directives:
        for rule in engine._unused:
            if only is None or rule.id in only:
                findings.extend(stamp(rule, h) for h in islice(rule.check.report(directives, engine.known), rule.max_hits))
    return sort_findings(findings)


def _every_rule(doc, dns_problems=()) -> list:  # noqa: ANN001
    """Each rule asked with no skipping at all (not even Check.silent): what the skips must not change."""
    engine = Engine(RULES)
    engine.__dict__["phrase_gate"] = None  # no gate: every phrase rule scans its segments
    return _plain_run(engine, doc, dns_problems=dns_problems)


SAMPLE = b"""From: "Deals" <deals@shop.example>
To: you@example.org
Subject: FREE m0ney - act now!!! Big $.a.l.e

Dear customer, click here for a fr33 gift: $$$ cash, transa\xc3\xa7\xc3\xa3o, 100% free.
We do not sell email lists. Unsubscribe: http://shop.example/u
<!-- spamlint: disable=risky-words -->
"""
PROBLEMS = (DnsProblem("spf-missing", "shop.example TXT"), DnsProblem("dmarc-missing", "_dmarc.shop.example TXT"))
PIECES = ["FREE ", "m0ney ", "act now", "!!!", "click here ", "fr33 ", "$$$ ", "Sie haben gewonnen ", "Konto ",
          "gesperrt ", "transa\u00e7\u00e3o ", "cart\u00e3o ", "\u514d\u8d39 ", "http://x.example/a ", "\n", "unsubscribe ",
          "<b>", "</b>", "Dear you@example.org, ", "verify your account ", "PayPal ", "100% ", "guaranteed "]
texts = st.lists(st.sampled_from(PIECES), max_size=25).map("".join)


def _samples() -> list:
    docs = [load_document(p) for p in sorted((ROOT / "samples").iterdir())]
    return docs + [load_document(SAMPLE, name="sample.eml")]


@pytest.mark.parametrize("problems", [(), PROBLEMS])
def test_the_plan_finds_what_every_rule_asked_in_turn_finds(problems: tuple) -> None:
    engine = Engine(RULES)
    for doc in _samples():
        found = engine.run(doc, dns_problems=problems)
        assert found == _plain_run(engine, doc, dns_problems=problems) == _every_rule(doc, problems)
    assert any(f.rule == "spf-missing" for f in engine.run(_samples()[-1], dns_problems=PROBLEMS)) is bool(PROBLEMS)


def test_only_picks_from_the_plan_as_from_the_rules() -> None:
    engine = Engine(RULES)
    doc = load_document(SAMPLE, name="sample.eml")
    for only in ({"risky-words"}, {"spf-missing", "exclamation-run"}, set(), {r.id for r in RULES[::3]}):
        for problems in ((), PROBLEMS):
            assert engine.run(doc, only=only, dns_problems=problems) == _plain_run(engine, doc, only, problems)


def test_a_dns_rule_finds_nothing_without_dns_problems() -> None:
    """What leaving the DNS rules out offline relies on: a rule that reads only `dns` reads ctx.dns_problems."""
    dns_rules = [r for r in RULES if tuple(r.scope) == ("dns",)]
    assert len(dns_rules) > 10
    for doc in _samples():
        ctx = Engine(dns_rules).context(doc)
        assert all(list(r.check.run(doc, ctx, r.scope)) == [] for r in dns_rules)


@FAST
@given(texts, texts)
@example("FREE m0ney act now!!! click here", "Sie haben gewonnen Konto gesperrt")
def test_the_plan_over_generated_mail(subject: str, body: str) -> None:
    raw = (f"From: a@b.example\nTo: you@example.org\nSubject: {' '.join(subject.split())}\n"
           f"Content-Type: text/html; charset=utf-8\n\n<p>{body}</p>\n")
    doc = load_document(raw.encode(), name="t.eml")
    engine = Engine(RULES)
    assert engine.run(doc) == _plain_run(engine, doc) == _every_rule(doc)


# -- text/language.py: py3langid's model arrays kept in the user's cache -------------------------------------
def _same_identifier(a, b) -> None:  # noqa: ANN001
    """The two identifiers hold equal model arrays of equal types."""
    for name in ("nb_ptc", "nb_pc"):
        x, y = getattr(a, name), getattr(b, name)
        assert type(x) is type(y) and x.dtype == y.dtype and np.array_equal(x, y)
    for name in ("nb_classes", "tk_output", "tk_nextmove", "tk_row", "_rowbase", "_alias_pairs"):
        x, y = getattr(a, name), getattr(b, name)
        assert type(x) is type(y) and x == y
        if hasattr(x, "typecode"):
            assert x.typecode == y.typecode


TEXTS = ["Sehr geehrter Kunde, Ihr Konto wurde gesperrt. Bitte bestätigen Sie Ihre Daten.",
         "Cher client, votre compte a été suspendu, veuillez confirmer vos informations.",
         "您的账户已被冻结，请立即验证您的身份信息。", "Prezado cliente, sua conta foi bloqueada.",
         "Dear customer, your account has been suspended; please verify your details.", "ok 123 ok ok ok ok ok ok"]


@pytest.fixture(scope="module")
def reference():  # noqa: ANN201
    """py3langid's identifier as it builds it itself."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE)


def test_the_kept_model_is_the_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reference) -> None:  # noqa: ANN001
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("SPAMLINT_NO_CACHE", raising=False)
    first = language._load()  # reads the model and keeps its arrays
    kept = list((tmp_path / "spamlint").glob("langid-*.npz"))
    assert len(kept) == 1 and kept[0].stat().st_mode & 0o077 == 0
    second = language._load()  # from the kept arrays
    for ident in (first, second):
        _same_identifier(ident, reference)
        assert [ident.classify(t) for t in TEXTS] == [reference.classify(t) for t in TEXTS]
    with np.load(kept[0], allow_pickle=False) as data:  # plain arrays only: nothing that needs pickle
        assert all(data[k].dtype != object for k in data.files)


def test_a_kept_model_others_may_write_or_that_is_broken_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      reference) -> None:  # noqa: ANN001
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("SPAMLINT_NO_CACHE", raising=False)
    language._load()
    kept = next((tmp_path / "spamlint").glob("langid-*.npz"))
    os.chmod(kept, 0o666)
    assert language._read(kept) is None  # others may write it: not read (and replaced by the next load)
    _same_identifier(language._load(), reference)
    assert language._read(kept) is not None
    kept.write_bytes(kept.read_bytes()[:100_000])  # cut short
    assert language._read(kept) is None
    _same_identifier(language._load(), reference)
    np.savez(kept, ptc=np.zeros(3))  # other arrays
    assert language._read(kept) is None


def test_no_cache_keeps_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reference) -> None:  # noqa: ANN001
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("SPAMLINT_NO_CACHE", "1")
    _same_identifier(language._load(), reference)
    assert not (tmp_path / "spamlint").exists()


# -- text/facts.py: the To header's addresses parsed once per run ---------------------------------------------
ADDRESS_PIECES = ["jane@example.org", "Jane Doe", " <", ">", ", ", '"Doe, Jane"', "(comment)", "JANE@EXAMPLE.ORG",
                  "undisclosed-recipients:;", "group: a@b.example, c@d.example;", "@", "\u00e9", "=?utf-8?q?J=C3=A9?=",
                  " ", "\t", "x", "<>", "a@", "@b", "dev-list@lists.example.org"]


@FAST
@given(st.lists(st.sampled_from(ADDRESS_PIECES), max_size=12).map("".join), st.booleans())
@example("Jane <jane@example.org>, dev-list@lists.example.org", True)
@example("", False)
def test_the_recipients_fact_is_the_plain_parse(to: str, with_to: bool) -> None:
    from spamlint.checks.senders import _recipients

    to = " ".join(to.split())
    raw = f"From: a@b.example\n{'To: ' + to + chr(10) if with_to else ''}Subject: x\n\nhello\n"
    doc = load_document(raw.encode(), name="t.eml")
    ctx = Engine(RULES).context(doc)
    assert ctx.facts.recipients == tuple(_recipients(doc))
    assert ctx.facts.recipients is ctx.facts.recipients  # parsed once


# -- text/received.py: a hop's searches only where their key word stands ----------------------------------------
def _plain_from_clause(head: str) -> tuple:
    """_from_clause as it was: one lazy _FROM match, every search made."""
    m = received._FROM.match(head)
    if m is None:
        return None, None, "absent", None
    clause = m.group(1).strip()
    first = clause.split(" ", 1)[0].split("(", 1)[0]
    bracket = received._BRACKET_IP.search(clause)
    bare = received._PAREN_IP.search(clause)
    ip = received._ip(bracket.group(1) if bracket else bare.group(1) if bare else None)
    if ip is None and received._ip(first.strip("[]")) is not None:
        ip = received._ip(first.strip("[]"))
    helo_eq, qmail = received._HELO_EQ.search(clause), received._QMAIL_HELO.search(clause)
    host, rdns = received._host, received._rdns
    if helo_eq or qmail:
        helo = (helo_eq or qmail).group(1)
        if first.startswith("["):
            return host(helo), None, "absent", ip
        if qmail is not None and first.lower() == "unknown":
            return host(helo), None, "absent", ip
        return host(helo), *rdns(host(first)), ip
    paren = received._PAREN.search(clause)
    inner = paren.group(1).strip() if paren else ""
    if bracket and inner and not inner.startswith("["):
        return host(first), *rdns(inner.split(" ", 1)[0].rsplit("@", 1)[-1]), ip
    if bracket and inner.startswith("[") and not first.startswith("["):
        return host(first), host(first), "recorded", ip
    return host(first), None, "absent", ip


def _plain_hop(value: str, index: int = 0, line: int | None = None) -> received.Hop:
    """parse_hop as it was: each pattern searched over the whole head."""
    text = " ".join(value.split())
    head, when = text.rpartition(";")[::2] if ";" in text else (text, "")
    by, proto, rcpt = received._BY.search(head), received._WITH.search(head), received._FOR.search(head)
    helo, rdns, state, ip = _plain_from_clause(head)
    return received.Hop(index=index, helo=helo, rdns=rdns, rdns_state=state, ip=ip,
                        by=received._host(by.group(1)) if by else None, protocol=proto.group(1) if proto else None,
                        date_text=when.strip(), line=line, recipient=rcpt.group(1).lower() if rcpt else None)


HOP_PIECES = ["from ", "FROM ", "From", " by ", "BY ", "by", ")by ", "(by ", " with ", "WITH ESMTPSA ", "w\u0131th ",
              "w\u0130th ", " for ", "FOR ", "for <a@b.example>", " <jane@example.org>", "mx.example.net ", "(", ")",
              "[", "]", "[192.0.2.7]", "(198.51.100.2)", "(HELO x.example)", "helo=", "HELO=", "HELO=mail.example ",
              "unknown ", "(unknown [203.0.113.9])", "([192.0.2.1] helo=a.example)", "; ", ";", "\t", "\n ", " ",
              "Tue, 1 Jul 2003 10:00:00 +0000", "\u00e9", "\u212a", "\u017f", "id 12ab", "IPv6:", "::1", "@"]
hop_values = st.lists(st.sampled_from(HOP_PIECES), max_size=30).map("".join)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hop_values)
@example("from mail.example (mail.example [192.0.2.7]) by mx.example.net with ESMTP id x for <a@b.example>; Tue, 1 Jul 2003")
@example("from x by y w\u0131th SMTP f\u0130r")
@example("from a.example ([192.0.2.1] helo=a.example) by b.example (Postfix) with ESMTPS for <j@example.org>")
@example("  FROM  a  BY  b ")
@example("by b.example with LMTPA; x")
def test_a_hop_is_parsed_as_the_plain_searches_parse_it(value: str) -> None:
    assert received.parse_hop(value, 3, 7) == _plain_hop(value, 3, 7)


@FAST
@given(hop_values)
def test_the_from_text_is_the_lazy_from_match(value: str) -> None:
    head = " ".join(value.split()).rpartition(";")[0] or " ".join(value.split())
    m = received._FROM.match(head)
    assert received._from_text(head, head.lower()) == (m.group(1).strip() if m else None)


@FAST
@given(st.text(st.sampled_from("ab \u00e9\u4e2d1.\u0301\u2160\n"), max_size=40), st.integers(-2, 30))
def test_enough_letters_is_the_letter_count(text: str, count: int) -> None:
    assert language._letters_reach(text, count) is (sum(ch.isalpha() for ch in text) >= count)


def test_nothing_is_kept_in_a_folder_others_may_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      reference) -> None:  # noqa: ANN001
    from spamlint.engine import cache

    assert language._store == (cache.cache_dir, cache.usable, cache.write_private)  # the engine handed its cache's rules over
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("SPAMLINT_NO_CACHE", raising=False)
    (tmp_path / "spamlint").mkdir(mode=0o700)
    os.chmod(tmp_path / "spamlint", 0o777)
    _same_identifier(language._load(), reference)
    assert list((tmp_path / "spamlint").iterdir()) == []


# -- inputs/decoding.py: unfolding without "\r" ----------------------------------------------------------------
@FAST
@given(st.text(st.sampled_from("ab \t\r\n:=?\u00e9"), max_size=60))
@example("a\r\n b\n\tc\r\nd")
def test_unfold_is_the_fold_pattern(value: str) -> None:
    from spamlint.inputs import decoding

    assert decoding.unfold(value) == decoding._FOLD.sub(" ", value)
