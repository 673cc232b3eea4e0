"""The Document is finished data, parsing collects its problems, and runs keep their facts to themselves."""

from __future__ import annotations

import dataclasses

import pytest

import spamlint
from spamlint import Engine, Limits
from spamlint.engine.rules import builtin_rules, parse_rule
from spamlint.inputs import mime
from spamlint.inputs.parse import Parse
from spamlint.text.facts import Context, Facts
from test_robustness import RUNAWAY_RULE  # one catastrophic-pattern rule for both files

RULES = {r.id: r for r in builtin_rules()}

MESSAGE = (
    b"From: Shop <news@shop.example>\r\nTo: you@example.org\r\nSubject: Big news. FREE GIFT TODAY!!!\r\n"
    b"Content-Type: multipart/alternative; boundary=b\r\n\r\n"
    b"--b\r\nContent-Type: text/plain; charset=no-such-charset\r\n\r\nPlain words. Visit https://bit.ly/x now!!!\r\n"
    b"--b\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: x-unknown\r\n\r\n"
    b'<html><body><p>Hello. <a href="https://www.shop.example/a">shop.example</a>'
    b'<a href="https://other.example/b">www.shop.example</a></p>'
    b'<img src="https://img.elsewhere.example/a.png" width="300" height="200" alt="x"></body></html>\r\n'
    b"--b--\r\n"
)


@pytest.fixture(scope="module")
def doc() -> spamlint.Document:
    return spamlint.load_document(MESSAGE, name="m.eml")


def test_the_document_and_its_records_are_frozen(doc: spamlint.Document) -> None:
    records = [doc, doc.headers[0], doc.subject, doc.bodies[0], doc.html_parts[0], doc.links[0], doc.images[0]]
    for record in records:
        field = dataclasses.fields(record)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(record, field, getattr(record, field))
        with pytest.raises((AttributeError, TypeError)):  # slots: no attribute can be added either
            record.extra = 1  # type: ignore[union-attr]
    for name in ("headers", "bodies", "html_parts", "links", "images", "attachments", "problems"):
        assert isinstance(getattr(doc, name), tuple), name
    with pytest.raises(TypeError):
        doc.html_parts[0].tag_counts["script"] = 1  # type: ignore[index]


def test_parse_problems_arrive_in_the_returned_document(doc: spamlint.Document) -> None:
    kinds = [kind for kind, _ in doc.problems]
    assert kinds == ["charset", "decode"], doc.problems
    assert "no-such-charset" in doc.problems[0][1] and "x-unknown" in doc.problems[1][1]


def test_a_limit_is_noted_once_by_its_flag() -> None:
    parse = Parse(Limits(max_links=1))
    parse.limit("max_links", "more links", once=True)
    parse.limit("max_links", "still more links", once=True)
    parse.problem("decode", "text that names max_links=1) is not a limit")  # the flag, not the text, decides
    assert parse.passed == {"max_links"}
    assert [text for kind, text in parse.problems if kind == "limit"] == ["more links (limit max_links=1)"]
    many = b"".join(b'<p><a href="https://x%d.example/">x</a></p>' % i for i in range(5))
    data = (b"From: a@example.org\nContent-Type: multipart/mixed; boundary=b\n\n"
            b"--b\nContent-Type: text/html\n\n" + many + b"\n--b\nContent-Type: text/html\n\n" + many + b"\n--b--\n")
    loaded = mime.load(data, limits=Limits(max_links=3))
    assert len(loaded.links) == 3
    assert [text for _, text in loaded.problems if "max_links" in text] == [
        "more than 3 links; the rest were not checked (limit max_links=3)"]


def test_facts_give_the_same_objects_each_time(doc: spamlint.Document) -> None:
    facts = Facts(doc)
    assert facts.segments(("subject", "body")) is facts.segments(("subject", "body"))
    assert [s.segment for s in facts.segments(("body",))] == doc.segments(("body",))
    seg = facts.segments(("body",))[0]
    assert seg is facts.segments(("html",))[0]  # one SegmentFacts per segment, whatever the scope
    for name in ("canonical", "sentences", "lower", "lower_words", "line_starts", "capitals_shape"):
        assert getattr(seg, name) is getattr(seg, name), name
    assert seg.word_starts("hello") is seg.word_starts("hello")
    assert seg.sentence_at(0) is seg.sentence_at(0)
    assert facts.web_links is facts.web_links and facts.sender is facts.sender
    assert [w.domain for w in facts.web_links] == ["bit.ly", "shop.example", "other.example"]
    assert facts.sender is not None and facts.sender.domain == "shop.example"


def test_one_document_linted_with_different_sender_domains_gives_independent_results(doc: spamlint.Document) -> None:
    rules = [RULES["anchor-domain-mismatch"], RULES["unrelated-image-host"]]
    before = dataclasses.replace(doc)  # an equal copy to compare with afterwards
    plain, own = Engine(rules), Engine(rules, sender_domains=["other.example", "elsewhere.example"])
    first = {f.rule for f in plain.run(doc)}
    assert first == {"anchor-domain-mismatch", "unrelated-image-host"}
    assert {f.rule for f in own.run(doc)} == set()
    assert {f.rule for f in plain.run(doc)} == first  # the second engine's settings left nothing behind
    assert doc == before


def test_a_pattern_timeout_belongs_to_the_run_not_the_document() -> None:
    runaway = parse_rule("mine/runaway.yaml", RUNAWAY_RULE)
    engine = Engine([runaway, RULES["limit-reached"]])
    doc = spamlint.load_document(b"From: a@example.org\n\n" + b"a" * 5000 + b"b", limits=Limits(regex_timeout=0.05))
    for _ in range(2):  # each run meets its own timeout, once
        reached = [f.message for f in engine.run(doc) if f.rule == "limit-reached"]
        assert len(reached) == 1 and "regex_timeout" in reached[0]
    assert doc.problems == ()
    ctx = Context(doc)
    list(runaway.check.run(doc, ctx, runaway.scope))
    assert [kind for kind, _ in ctx.problems] == ["limit"]

