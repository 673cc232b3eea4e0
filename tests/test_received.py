"""The Received parser, the entry hop and the Authentication-Results parser, table-driven over real-looking lines."""

from __future__ import annotations

import pytest

from spamlint import Engine, load_document
from spamlint.checks.received import looks_dynamic
from spamlint.engine.rules import builtin_rules
from spamlint.model.document import Document
from spamlint.text.authres import parse_auth_results, parse_received_spf
from spamlint.text.facts import Context
from spamlint.text.received import Trail, entry_hop, parse_hop, parse_trail


def trail(doc: Document) -> Trail:
    """The trail as checks see it: the run's fact, with no settings."""
    return Context(doc).facts.trail

# (Received value, helo, rdns, rdns_state, ip, by, protocol)
HOPS = [
    ("from mail.example.org (mail.example.org [93.184.216.34])\n\tby mx.receiver.net (Postfix) with ESMTPS id 4A18"
     "\n\tfor <a@receiver.net>; Tue, 25 Jun 2024 10:09:18 +0200 (CEST)",
     "mail.example.org", "mail.example.org", "recorded", "93.184.216.34", "mx.receiver.net", "ESMTPS"),
    ("from WIN-7H2K (unknown [91.204.17.23]) by mx.receiver.net (Postfix) with ESMTP id 9F; Tue, 25 Jun 2024 10:09:18 +0200",
     "win-7h2k", None, "unknown", "91.204.17.23", "mx.receiver.net", "ESMTP"),
    ("from ip-109-091-157-025.um37.pools.vodafone-ip.de ([109.91.157.25]\n helo=metamask.io) by sfi-mx-2.v28.lw.sourceforge.com"
     " with esmtp (Exim 4.95) id 1s1Ybw; Mon, 29 Apr 2024 21:32:34 +0000",
     "metamask.io", "ip-109-091-157-025.um37.pools.vodafone-ip.de", "recorded", "109.91.157.25",
     "sfi-mx-2.v28.lw.sourceforge.com", "esmtp"),
    ("from [172.30.20.202] (helo=mx.sourceforge.net) by sfs-ml-2.v29.lw.sourceforge.com with esmtps (TLS1.2) tls"
     " (Exim 4.95); Mon, 29 Apr 2024 21:32:34 +0000",
     "mx.sourceforge.net", None, "absent", "172.30.20.202", "sfs-ml-2.v29.lw.sourceforge.com", "esmtps"),
    ("from mail.lfdr.de ([1.2.3.4]) by x.example.net with esmtp (Exim 4.9); 1 Jan 2020 00:00:00 -0000",
     "mail.lfdr.de", "mail.lfdr.de", "recorded", "1.2.3.4", "x.example.net", "esmtp"),
    ("from xsv5.vitalesso.it (4.205.27.26) by AMS0EPF00000193.mail.protection.outlook.com (10.167.16.212) with Microsoft"
     " SMTP Server id 15.20.9654.16 via Frontend Transport; Tue, 3 Mar 2026 20:23:30 +0000",
     "xsv5.vitalesso.it", None, "absent", "4.205.27.26", "ams0epf00000193.mail.protection.outlook.com", "Microsoft"),
    ("from lizzard.sbs.de (lizzard.sbs.de. [194.138.37.39]) by gmr-mx.google.com with ESMTPS id d22si for <x@y.example>"
     " (version=TLS1_2 cipher=ECDHE-RSA-AES128-GCM-SHA256 bits=128/128); Mon, 26 Aug 2019 10:03:55 -0700 (PDT)",
     "lizzard.sbs.de", "lizzard.sbs.de", "recorded", "194.138.37.39", "gmr-mx.google.com", "ESMTPS"),
    ("from [139.25.68.37] (md1q0hnc.ad001.siemens.net [139.25.68.37] (may be forged)) by mail2.sbs.de (8.15.2/8.15.2)"
     " with ESMTP id x7QH3tbT; Mon, 26 Aug 2019 19:03:55 +0200",
     "139.25.68.37", "md1q0hnc.ad001.siemens.net", "recorded", "139.25.68.37", "mail2.sbs.de", "ESMTP"),
    ("from unknown (HELO mailout5-0.nyroc.rr.com) (24.92.226.169) by mta3.grp.scd.yahoo.com with SMTP; 2 Dec 2002 01:25:12 -0000",
     "mailout5-0.nyroc.rr.com", None, "absent", "24.92.226.169", "mta3.grp.scd.yahoo.com", "SMTP"),
    ("from [IPv6:2a00:1450:4864:20::53c] (mail.example.org [IPv6:2a00:1450:4864:20::53c]) by mx.receiver.net (Postfix)"
     " with ESMTPSA id 1; Tue, 25 Jun 2024 10:09:18 +0200",
     "ipv6:2a00:1450:4864:20::53c", "mail.example.org", "recorded", "2a00:1450:4864:20::53c", "mx.receiver.net", "ESMTPSA"),
    ("by smtp.kernel.org (Postfix) with ESMTPSA id C5EF4C32782; Tue, 25 Jun 2024 08:09:09 +0000 (UTC)",
     None, None, "absent", None, "smtp.kernel.org", "ESMTPSA"),
    ("(qmail 60709 invoked from network); 2 Dec 2002 01:25:13 -0000", None, None, "absent", None, None, None),
    ("garbage without any structure", None, None, "absent", None, None, None),
]


@pytest.mark.parametrize("value,helo,rdns,state,ip,by,protocol", HOPS)
def test_parse_hop(value: str, helo: str | None, rdns: str | None, state: str, ip: str | None, by: str | None,
                   protocol: str | None) -> None:
    hop = parse_hop(value)
    assert (hop.helo, hop.rdns, hop.rdns_state, hop.ip, hop.by, hop.protocol) == (helo, rdns, state, ip, by, protocol)


def test_hop_date_and_authentication() -> None:
    hop = parse_hop(HOPS[0][0])
    assert hop.date is not None and hop.date.utcoffset().total_seconds() == 7200
    assert not hop.authenticated and parse_hop(HOPS[-4][0]).authenticated
    assert parse_hop("from a (b [1.2.3.4]) by c with SMTP").date is None


LIST_TRAIL = [
    "from lists.sourceforge.net (lists.sourceforge.net [216.105.38.7]) by mail.lfdr.de (Postfix) with ESMTPS id 45E;"
    " Mon, 29 Apr 2024 23:32:37 +0200",
    "from [127.0.0.1] (helo=sfs-ml-2.v29.lw.sourceforge.com) by sfs-ml-2.v29.lw.sourceforge.com with esmtp (Exim 4.95);"
    " Mon, 29 Apr 2024 21:32:35 +0000",
    HOPS[3][0],
    HOPS[2][0],
    "from [10.1.1.1] (dsl-1-2-3-4.isp.example [1.2.3.4]) by metamask.io with SMTP; Mon, 29 Apr 2024 21:30:00 +0000",
]


@pytest.mark.parametrize("domains,networks,expected", [
    ((), (), 0),  # no list named: the list server's hand-over to the archive is the entry
    (("sourceforge.net",), (), 3),  # list hops skipped: the spammer's machine talking to the list's MX
    ((), ("216.105.38.0/24",), 3),  # trusted-networks reach the same hop
])
def test_entry_hop(domains: tuple[str, ...], networks: tuple[str, ...], expected: int) -> None:
    from spamlint.text.received import parse_networks

    hops = parse_trail([(v, i + 1) for i, v in enumerate(LIST_TRAIL)])
    hop = entry_hop(hops, domains, parse_networks(networks))
    assert hop is not None and hop.index == expected


def test_entry_hop_none_when_all_internal() -> None:
    hops = parse_trail([("from localhost (localhost [127.0.0.1]) by mx.a.example with ESMTP; 1 Jan 2024 00:00:00 +0000", 1),
                        ("by mx.a.example with ESMTPSA id 1; 1 Jan 2024 00:00:00 +0000", 2)])
    assert entry_hop(hops) is None


def test_list_headers_skip_list_hops() -> None:
    text = "\n".join(f"Received: {v}" for v in LIST_TRAIL) + (
        "\nList-Id: <osst-users.lists.sourceforge.net>\nFrom: a@metamask.io\nSubject: x\n\nHello.\n")
    entry = trail(load_document(text, name="x")).entry
    assert entry is not None and entry.helo == "metamask.io"


@pytest.mark.parametrize("name,ip,dynamic", [
    ("ip-109-091-157-025.um37.pools.vodafone-ip.de", "109.91.157.25", True),
    ("c-73-12-34-56.hsd1.ca.comcast.net", "73.12.34.56", True),
    ("56.34.12.73.in-addr.example.net", "73.12.34.56", True),
    ("adsl-64-175-246-157.dsl.sntc01.pacbell.net", "64.175.246.157", True),
    ("dyn-5.example.net", "5.6.7.8", True),
    ("mail-ed1-x53c.google.com", "209.85.1.2", False),
    ("o15.ck.n.convertkit.com", "167.89.30.32", False),
    ("a8-33.smtp-out.amazonses.com", "54.240.8.33", False),
    ("mail.pool.example", "1.2.3.4", False),  # the operator's own domain says nothing
])
def test_looks_dynamic(name: str, ip: str, dynamic: bool) -> None:
    assert looks_dynamic(name, ip) is dynamic


# (header value, arc, [(authserv-id, method, result, first property)])
AUTH = [
    ("smtp.subspace.kernel.org;\n\tdkim=pass (2048-bit key) header.d=kernel.org header.i=@kernel.org header.b=\"Eaq2mBQO\"",
     False, [("smtp.subspace.kernel.org", "dkim", "pass", ("header.d", "kernel.org"))]),
    ("spf=none (sender IP is 4.205.27.26) smtp.mailfrom=vitalesso.it; dkim=none (message not signed) header.d=none;"
     "dmarc=none action=none header.from=4zr3.com;compauth=fail reason=001",
     False, [("", "spf", "none", ("smtp.mailfrom", "vitalesso.it")), ("", "dkim", "none", ("header.d", "none")),
             ("", "dmarc", "none", ("header.from", "4zr3.com")), ("", "compauth", "fail", None)]),
    ("mx.google.com; spf=pass (google.com: domain of x@y.example designates 1.2.3.4 as permitted sender; ok)"
     " smtp.mailfrom=x@y.example; dmarc=fail (p=NONE sp=NONE dis=NONE) header.from=y.example",
     False, [("mx.google.com", "spf", "pass", ("smtp.mailfrom", "x@y.example")),
             ("mx.google.com", "dmarc", "fail", ("header.from", "y.example"))]),
    ("i=1; mx.zohomail.com; dkim=pass header.i=crosslink.net; dmarc=pass header.from=<c@crosslink.net>",
     True, [("mx.zohomail.com", "dkim", "pass", ("header.i", "crosslink.net")),
            ("mx.zohomail.com", "dmarc", "pass", ("header.from", "c@crosslink.net"))]),
    ("mx.example.net 1; none", False, []),
]


@pytest.mark.parametrize("value,arc,expected", AUTH)
def test_parse_auth_results(value: str, arc: bool, expected: list) -> None:
    got = [(r.authserv_id, r.method, r.result, r.props[0] if r.props else None) for r in parse_auth_results(value, arc)]
    assert got == expected


def test_parse_received_spf() -> None:
    r = parse_received_spf('Fail (protection.outlook.com: domain of a.example does not designate 1.2.3.4 as permitted'
                           ' sender) receiver=x; client-ip=1.2.3.4; helo=a.example; envelope-from="<b@a.example>"')
    assert r is not None and (r.method, r.result, r.prop("smtp.mailfrom")) == ("spf", "fail", "b@a.example")
    assert parse_received_spf("whatever") is None


MESSAGE = """Authentication-Results: mx.receiver.example; spf=fail smtp.mailfrom=b@bank.example
Received: from mail.bulk.example (mail.bulk.example [185.12.64.7])
        by mx.receiver.example (Postfix) with ESMTP id 4A1B2C3D; Tue, 25 Jun 2024 10:09:18 +0200
From: Bank <alerts@bank.example>
Subject: Notice

Hello.
"""


@pytest.mark.parametrize("networks,ids,fires", [
    ((), None, True),  # inferred: the entry hop's receiver wrote it
    ((), ("mx.other.example",), False),  # the user trusts another authserv-id only
    ((), ("receiver.example",), True),  # a trusted parent domain covers its hosts
    (("185.12.64.0/24",), None, False),  # the sending server is the receiver's own: no entry hop, nothing counts
])
def test_engine_settings_reach_the_checks(networks: tuple, ids: tuple | None, fires: bool) -> None:
    rule = next(r for r in builtin_rules() if r.id == "spf-fail")
    findings = Engine([rule], trusted_networks=networks, trusted_authserv_ids=ids).run(load_document(MESSAGE, name="m"))
    assert bool(findings) is fires


@pytest.mark.parametrize("helo,problem", [
    ("[91.204.17.23]", "a bare IP address"),
    ("ipv6:2a00:1450:4864:20::53c", "a bare IP address"),
    ("WIN-7H2K", "not a fully qualified name"),
    ("mail.example.org", None),
])
def test_helo_problem(helo: str, problem: str | None) -> None:
    from spamlint.checks.received import helo_problem

    hop = parse_hop(f"from {helo} (mail.example.org [91.204.17.23]) by mx.r.example with ESMTP; 1 Jan 2024 00:00:00 +0000")
    assert helo_problem(hop) == problem


def test_list_mx_found_by_the_address_it_takes_mail_for() -> None:
    """The list's host is on another domain than its List-Id; its MX is the first hop for the list address."""
    text = (
        "Received: from befuddled.reisers.ca (befuddled.reisers.ca [206.248.184.127]) by mail.lfdr.de (Postfix)"
        " with ESMTP id D2 for <lists+speakup@lfdr.de>; Thu, 26 Jan 2023 11:37:38 +0100\n"
        "Received: by befuddled.reisers.ca (Postfix, from userid 65534) id 68; Thu, 26 Jan 2023 05:37:36 -0500\n"
        "Received: from hurricane.the-brannons.com (hurricane.the-brannons.com [216.252.162.32]) by befuddled.reisers.ca"
        " (Postfix) with ESMTPS id 87 for <speakup@linux-speakup.org>; Thu, 26 Jan 2023 05:37:26 -0500\n"
        "Received: from [91.204.17.23] (c-91-204-17-23.pool.example.net [91.204.17.23]) by hurricane.the-brannons.com"
        " with ESMTP id e2 for <speakup@linux-speakup.org>; Thu, 26 Jan 2023 10:37:17 +0000\n"
        "Return-Path: <speakup+bounces-922@linux-speakup.org>\nX-BeenThere: speakup@linux-speakup.org\n"
        "From: Chris <chris@the-brannons.com>\nSubject: x\n\nHello.\n")
    entry = trail(load_document(text, name="x")).entry
    assert entry is not None and entry.helo == "hurricane.the-brannons.com" and entry.by == "befuddled.reisers.ca"
    assert entry.recipient == "speakup@linux-speakup.org"


@pytest.mark.parametrize("above,fires", [(True, True), (False, False)])
def test_results_naming_no_server_count_only_above_the_entry_hop(above: bool, fires: bool) -> None:
    """Microsoft writes id-less results above its Received; below it they are the sender's own Exchange's."""
    ar = "Authentication-Results: spf=fail (sender IP is 185.12.64.7) smtp.mailfrom=bank.example\n"
    received = ("Received: from mail.bulk.example (185.12.64.7) by mx.receiver.example (10.1.1.1) with Microsoft SMTP"
                " Server id 15.20; Tue, 25 Jun 2024 10:09:18 +0000\n")
    text = (ar + received if above else received + ar) + "From: Bank <alerts@bank.example>\nSubject: x\n\nHello.\n"
    rule = next(r for r in builtin_rules() if r.id == "spf-fail")
    assert bool(Engine([rule]).run(load_document(text, name="m"))) is fires


def test_engine_refuses_a_bad_trusted_network() -> None:
    """Library callers get a ConfigError naming the setting, not a ValueError from ipaddress."""
    from spamlint.errors import ConfigError

    with pytest.raises(ConfigError, match="trusted_networks: not an IP network: '10.0.0.0/33'"):
        Engine([], trusted_networks=["10.0.0.0/33"])


def test_the_trail_is_one_fact_per_run() -> None:
    """Every origin rule reads the same parsed trail and results: computed once per Context."""
    ctx = Context(load_document(MESSAGE, name="m"))
    assert ctx.facts.trail is ctx.facts.trail and ctx.facts.auth_results is ctx.facts.auth_results
    assert ctx.facts.auth_results and ctx.facts.trail.entry is not None
