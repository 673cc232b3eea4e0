"""Issue 15's per-message fast paths (fourth lever set) give what the plain definitions beside them give."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from spamlint import builtin_rules, load_document
from spamlint.inputs import html_text
from spamlint.model.segment import Segment
from spamlint.text.facts import SegmentFacts
from spamlint.text import received
from spamlint.text.received import entry_hop, list_domains, parse_hop, parse_networks, parse_trail, read_trail
from spamlint.text.urls import registrable_domain

BRAND = next(r.check for r in builtin_rules() if r.id == "brand-impersonation")
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- text/received.py: the walk parses hops only down to the entry hop ------------------------------
HOP_LINES = [
    "from mail.example.org (mail.example.org [93.184.216.34]) by mx.receiver.net (Postfix) with ESMTPS id 4A"
    " for <a@receiver.net>; Tue, 25 Jun 2024 10:09:18 +0200",
    "from WIN-7H2K (unknown [91.204.17.23]) by mx.receiver.net (Postfix) with ESMTP id 9F; Tue, 25 Jun 2024 10:09:18 +0200",
    "from [10.0.0.5] (helo=relay.receiver.net) by mx.receiver.net with esmtps (Exim 4.95); Mon, 29 Apr 2024 21:32:34 +0000",
    "from localhost (localhost [127.0.0.1]) by mx.receiver.net (Postfix) with ESMTP id 1; 1 Jan 2020 00:00:00 -0000",
    "from relay.lists.example.com (relay.lists.example.com [203.0.113.7]) by mx.receiver.net with ESMTP"
    " for <dev@lists.example.com>; 2 Jan 2020 00:00:00 +0000",
    "from sender.example.net (sender.example.net [198.51.100.9]) by relay.lists.example.com with ESMTPSA"
    " for <dev@lists.example.com>; 2 Jan 2020 00:00:00 +0000",
    "from unknown (HELO pc) (192.0.2.44) by smtp.example.net with SMTP; 3 Jan 2020 00:00:00 +0000",
    "by mx.receiver.net (Postfix, from userid 0) id 77; 4 Jan 2020 00:00:00 +0000",
    "from xsv5.vitalesso.it (4.205.27.26) by AMS0EPF.mail.protection.outlook.com (10.167.16.212) with Microsoft"
    " SMTP Server; Tue, 3 Mar 2026 20:23:30 +0000",
    "from [172.16.3.1] by relay.receiver.net; 5 Jan 2020 00:00:00 +0000",
    "junk that is no Received header at all",
]
LIST_HEADERS = ["", "List-Id: Dev <dev.lists.example.com>\n", "List-Post: <mailto:dev@lists.example.com>\n",
                "List-Id: <other.example.org>\n"]
NETWORKS = [(), ("203.0.113.0/24",), ("91.204.0.0/16", "198.51.100.0/24")]


def _entry_plain(hops: tuple[received.Hop, ...], internal_domains: set[str], networks) -> received.Hop | None:
    """entry_hop as it was before the walk could stop early: every hop read for the list's checks."""
    domains = set(internal_domains)
    hosts = [h.index for h in hops if h.by and registrable_domain(h.by) in domains]
    to_list = [h.index for h in hops if h.recipient and registrable_domain(h.recipient.rsplit("@", 1)[1]) in domains]
    last_list = (hosts[-1] if hosts else to_list[0] if to_list else -1) if domains else -1
    for hop in hops:
        if hop.by:
            domains.add(registrable_domain(hop.by))
        if not hop.has_from or hop.index < last_list or received._internal(hop, domains, networks):
            continue
        return hop
    return None


def _message(lines: list[str], list_header: str) -> bytes:
    received_lines = "".join(f"Received: {line}\n" for line in lines)
    return (f"{received_lines}{list_header}From: a@example.org\nTo: b@receiver.net\nSubject: hi\n"
            "Date: Tue, 25 Jun 2024 10:00:00 +0200\n\nhello\n").encode()


@FAST
@given(st.lists(st.sampled_from(HOP_LINES), max_size=8), st.sampled_from(LIST_HEADERS), st.sampled_from(NETWORKS))
def test_read_trail_is_parse_trail_and_entry_hop(lines: list[str], list_header: str, cidrs: tuple[str, ...]) -> None:
    doc = load_document(_message(lines, list_header), name="m.eml")
    networks = parse_networks(cidrs)
    t = read_trail(doc, networks)
    entry = t.entry  # read before hops: the lazy trail must know its entry without parsing the rest
    hops = parse_trail((h.value, h.line) for h in doc.headers if h.name.lower() == "received")
    assert t.hops == hops
    assert entry == _entry_plain(hops, list_domains(doc), networks)
    assert entry_hop(hops, list_domains(doc), networks) == entry
    assert entry_hop(iter(hops), list_domains(doc), networks) == entry  # any iterable will do


def test_the_walk_parses_no_hop_below_the_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[int] = []

    def counted(value: str, index: int = 0, line: int | None = None) -> received.Hop:
        parsed.append(index)
        return parse_hop(value, index, line)

    monkeypatch.setattr(received, "parse_hop", counted)
    doc = load_document(_message([HOP_LINES[3], HOP_LINES[1], HOP_LINES[0], HOP_LINES[6]], ""), name="m.eml")
    t = read_trail(doc)
    assert t.entry is not None and t.entry.index == 1 and parsed == [0, 1]
    assert [h.index for h in t.hops] == [0, 1, 2, 3] and parsed == [0, 1, 2, 3]
    assert t.hops is t.hops  # parsed once


# -- inputs/html_text.py: an element's style frame remembered per (tag, attributes, parent's style) -------
TAGS = ["td", "div", "span", "font"]
ATTRS = ["", ' style="color:#fff"', ' style="background:#fff"', ' style="color:#fefefe;background-color:white"',
         ' style="font-size:0"', ' style="font-size:14px"', ' style="display:none"', ' style="visibility:hidden"',
         ' style="visibility:visible"', ' bgcolor="#000000"', ' color="black"', ' size="1"', ' hidden',
         ' class="x"', ' class="y x"', ' id="z"', ' href="https://example.org/"']
SHEETS = ["<style>.x{color:#fff} #z{display:none}</style>", "<style>.y{display:none}</style>", "<style>td{background:#fff}</style>",
          '<style media="screen and (max-width:600px)">.x{display:block}</style>']


@st.composite
def documents(draw: st.DrawFn) -> str:
    out = []
    for _ in range(draw(st.integers(0, 30))):
        kind = draw(st.integers(0, 6))
        if kind == 0:
            out.append(draw(st.sampled_from(SHEETS)))
        elif kind == 1:
            out.append(f"</{draw(st.sampled_from(TAGS))}>")
        elif kind == 2:
            out.append(draw(st.sampled_from(["text ", "more words", "&amp; x", " "])))
        else:
            out.append(f"<{draw(st.sampled_from(TAGS))}{draw(st.sampled_from(ATTRS))}>")
    return "".join(out)


def _facts(source: str) -> tuple:
    part, links, images = html_text.parse_html(source, "html")
    return part.text.text, part.hidden, links, images, dict(part.tag_counts)


@FAST
@given(documents())
@example('<div style="display:none"><span style="color:#000">a</span></div><span style="color:#000">b</span>')
@example('<style>.x{color:red}</style><span class="x">a</span><style>.x{display:none}</style><span class="x">b</span>')
def test_remembered_frames_are_the_frames(source: str) -> None:
    fast = _facts(source)
    plain_walker = html_text._Walker.styled
    try:
        html_text._Walker.styled = lambda self, tag, attr_text, a: self.frame(tag, a)  # type: ignore[method-assign]
        plain = _facts(source)
    finally:
        html_text._Walker.styled = plain_walker  # type: ignore[method-assign]
    assert fast == plain


def test_frames_are_remembered_and_the_sheet_forgets_them() -> None:
    cell = '<td style="color:#fff;background:#fff">x</td>'
    calls: list[str] = []
    frame = html_text._Walker.frame

    def counted(self: html_text._Walker, tag: str, a: dict[str, str]) -> html_text._Frame:
        calls.append(tag)
        return frame(self, tag, a)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(html_text._Walker, "frame", counted)
        part, _, _ = html_text.parse_html(cell * 5 + "<style>td{display:none}</style>" + cell * 5, "html")
    assert calls == ["td", "td"]  # once, then once more after the sheet changed
    assert [h.reason for h in part.hidden] == ["text colour matches background"] * 5 + ["display:none"] * 5


# -- checks/brand.py: in ASCII text, only the key words among the text's words place search windows ----
ASCII_CLAIM_PIECES = ["PayPal", "paypal", "xpaypal", "paypalx", "Apple", "applesauce", "Amazon", "amazonia", "Netflix",
                      "Microsoft", "micro-soft", "Booking.com", "booking com", "your ", "Your ", "dear ", "Dear ",
                      " account", " member", " support", " security team", "'s", "-", "--", " ", "  ", "\n", "\t",
                      "@", ".", "_", "x", "UPS", "ups", " customer\n service", "a" * 130]
ascii_claim_texts = st.lists(st.sampled_from(ASCII_CLAIM_PIECES), max_size=40).map("".join)


@FAST
@given(ascii_claim_texts)
@example("xpaypal paypalx " * 10 + "your PayPal account")
@example("applesauce, amazonia: dear paypal")
@example("your paypal_account, dear-paypal, your paypal.com account")
def test_brand_windows_from_the_texts_key_words_find_the_whole_texts_claim(text: str) -> None:
    check = BRAND
    seg = SegmentFacts(Segment("body", text))
    assert seg.is_ascii and check.reach is not None
    fast, plain = check._search(seg), check._plain_search(seg)
    assert (fast and (fast.span(), fast.groups())) == (plain and (plain.span(), plain.groups()))


# -- text/received.py: a header value's white space collapsed by split, not by a regex --------------
@FAST
@given(st.text(st.sampled_from(" \t\r\n\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2000\u2028\u3000\u200bab;()[]"), max_size=30))
def test_split_white_space_is_the_regex_white_space(value: str) -> None:
    assert " ".join(value.split()) == re.sub(r"\s+", " ", value).strip()
    assert parse_hop(value) == parse_hop(re.sub(r"\s+", " ", value))
