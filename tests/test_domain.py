"""`spamlint domain` against a real authoritative DNS server on 127.0.0.1 (conftest.serve): no mocked resolver."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner
from conftest import rsa_key, txt

from spamlint.auth.dns import Resolver
from spamlint.cli import main
from spamlint.engine.domain import lint_domain
from spamlint.engine.rules import builtin_rules

RULES = builtin_rules()
_, KEY2048 = rsa_key(2048)
_, KEY1024 = rsa_key(1024)
_, KEY512 = rsa_key(512)


def good(domain: str, spf: str = "v=spf1 ip4:192.0.2.0/24 include:_spf.{d} -all", dmarc: str | None = None,
         mx: str | None = None, dkim: str | None = None) -> str:
    """A correct setup for domain; each argument replaces one part ('' leaves it out)."""
    lines = [txt(domain, spf.format(d=domain)) if spf else "",
             txt(f"_spf.{domain}", "v=spf1 ip4:198.51.100.0/24 -all"),
             txt(f"_dmarc.{domain}", f"v=DMARC1; p=reject; rua=mailto:dmarc@{domain}") if dmarc is None else dmarc,
             (f"{domain}. 60 IN MX 10 mx.{domain}.\nmx.{domain}. 60 IN A 192.0.2.10") if mx is None else mx,
             txt(f"s1._domainkey.{domain}", f"v=DKIM1; k=rsa; p={KEY2048}") if dkim is None else dkim]
    return "\n".join(line for line in lines if line)


def chain(domain: str, levels: int) -> str:
    """An SPF include chain: each level costs three lookups (a, mx, include)."""
    out = [txt(domain, f"v=SPF1 a mx include:l1.{domain} -all".lower())]
    for i in range(1, levels + 1):
        nxt = f" include:l{i + 1}.{domain}" if i < levels else ""
        out += [txt(f"l{i}.{domain}", f"v=spf1 a mx{nxt} -all"), f"l{i}.{domain}. 60 IN A 192.0.2.{i}"]
    return "\n".join(out) + f"\n{domain}. 60 IN A 192.0.2.50"


ZONE = "\n".join([
    good("good.test"),
    "10.2.0.192.in-addr.arpa. 60 IN PTR mx.good.test.",
    good("nospf.test", spf=""),
    good("twospf.test") + "\n" + txt("twospf.test", "v=spf1 include:_spf.google.com ~all"),
    good("plusall.test", spf="v=spf1 ip4:192.0.2.0/24 +all"),
    good("neutral.test", spf="v=spf1 ip4:192.0.2.0/24 ?all"),
    good("syntax.test", spf="v=spf1 ipv4:192.0.2.1 -all"),
    good("void.test", spf="v=spf1 a:gone1.void.test a:gone2.void.test a:gone3.void.test -all"),
    good("chain.test", spf="") + "\n" + chain("chain.test", 4),
    good("shortchain.test", spf="") + "\n" + chain("shortchain.test", 2),
    good("short.test", dkim=txt("s1._domainkey.short.test", f"v=DKIM1; k=rsa; p={KEY512}")),
    good("weak.test", dkim=txt("s1._domainkey.weak.test", f"v=DKIM1; k=rsa; p={KEY1024}")),
    good("testing.test", dkim=txt("s1._domainkey.testing.test", f"v=DKIM1; t=y; k=rsa; p={KEY2048}")),
    good("revoked.test", dkim=txt("s1._domainkey.revoked.test", "v=DKIM1; k=rsa; p=")),
    good("nodmarc.test", dmarc=""),
    good("monitor.test", dmarc=txt("_dmarc.monitor.test", "v=DMARC1; p=none")),
    good("mail.org.test", dmarc=""),  # its policy is the organisational domain's
    txt("_dmarc.org.test", "v=DMARC1; p=quarantine; rua=mailto:d@org.test"),
    good("nomx.test", mx=""),
    good("mxip.test", mx="mxip.test. 60 IN MX 10 192.0.2.10."),
    good("mxcname.test", mx="mxcname.test. 60 IN MX 10 mail.mxcname.test.\nmail.mxcname.test. 60 IN CNAME mx.good.test."),
    good("mxdangling.test", mx="mxdangling.test. 60 IN MX 10 mx.mxdangling.test."),
    good("broken.test"),
    "11.2.0.192.in-addr.arpa. 60 IN PTR elsewhere.good.test.",
    "12.2.0.192.in-addr.arpa. 60 IN PTR 192-0-2-12.dyn.isp.test.",
    "192-0-2-12.dyn.isp.test. 60 IN A 192.0.2.12",
])


@pytest.fixture
def server(serve) -> str:
    return serve(ZONE, servfail=("_dmarc.broken.test",))


def codes(server: str, domain: str, ips: tuple[str, ...] = (), selectors: tuple[str, ...] = ("s1",)) -> list[str]:
    report = lint_domain(Resolver(server, timeout=2), domain, RULES, ips, selectors)
    return [f.rule for f in report.findings]


def test_a_correct_setup_has_no_findings(server: str) -> None:
    assert codes(server, "good.test", ("192.0.2.10", "198.51.100.7")[:1]) == []
    assert codes(server, "shortchain.test") == []  # 7 lookups: within the limit


@pytest.mark.parametrize("domain, expected", [
    ("nospf.test", "spf-missing"), ("twospf.test", "spf-multiple"), ("plusall.test", "spf-pass-all"),
    ("neutral.test", "spf-neutral-all"), ("syntax.test", "spf-syntax"), ("void.test", "spf-void-lookups"),
    ("chain.test", "spf-too-many-lookups"),
    ("short.test", "dkim-key-too-short"), ("weak.test", "dkim-key-weak"), ("testing.test", "dkim-key-testing"),
    ("revoked.test", "dkim-key-revoked"), ("nodmarc.test", "dmarc-missing"), ("monitor.test", "dmarc-policy-none"),
    ("monitor.test", "dmarc-no-rua"), ("nomx.test", "mx-missing"), ("mxip.test", "mx-ip-address"),
    ("mxcname.test", "mx-cname"), ("mxdangling.test", "mx-unresolvable"), ("broken.test", "dmarc-unchecked"),
])
def test_each_mistake_is_its_own_finding(server: str, domain: str, expected: str) -> None:
    found = codes(server, domain)
    assert expected in found
    assert all(c.split("-")[0] == expected.split("-")[0] for c in found), found  # nothing else is blamed


def test_the_lookup_count_follows_the_include_chain(server: str) -> None:
    report = lint_domain(Resolver(server), "chain.test", RULES, (), ("s1",))
    # 3 lookups at the top and on each of three levels, 2 on the last; the levels' mx find nothing
    assert [f.message for f in report.findings] == ["SPF of chain.test needs 14 DNS lookups; the limit is 10",
                                                    "SPF of chain.test makes 4 lookups that return nothing; the limit is 2"]


def test_dmarc_is_found_at_the_organisational_domain(server: str) -> None:
    assert codes(server, "mail.org.test") == []
    assert "dmarc-missing" in codes(server, "nodmarc.test")


@pytest.mark.parametrize("ip, expected", [
    ("192.0.2.10", []), ("198.51.100.7", ["ptr-missing"]),  # SPF passes through the include
    ("203.0.113.9", ["ptr-missing", "spf-ip-not-allowed"]),
    ("192.0.2.11", ["ptr-not-confirmed"]), ("192.0.2.12", ["ptr-dynamic"]),
])
def test_sending_ips_spf_and_forward_confirmed_reverse_dns(server: str, ip: str, expected: list[str]) -> None:
    assert sorted(codes(server, "good.test", (ip,))) == expected


def test_spf_result_for_an_unlisted_ip_is_named(server: str) -> None:
    report = lint_domain(Resolver(server), "good.test", RULES, ("203.0.113.9",), ("s1",))
    assert "SPF of good.test gives fail for the sending IP 203.0.113.9" in [f.message for f in report.findings]


def test_common_selectors_are_tried_when_none_is_given(server: str) -> None:
    assert codes(server, "good.test", selectors=()) == []  # s1 is among the common ones
    assert codes(server, "nomx.test", selectors=("nosuch",)) == ["dkim-key-missing", "mx-missing"]


def test_a_server_that_does_not_answer_is_could_not_check_never_a_pass(silent: str) -> None:
    start = time.monotonic()
    result = CliRunner().invoke(main, ["domain", "good.test", "--resolver", silent, "--timeout", "0.3",
                                       "--ip", "192.0.2.10", "--selector", "s1"])
    assert time.monotonic() - start < 5  # a dead server is given up on, not waited on per query
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for mechanism in ("spf", "dkim", "dmarc", "mx", "ptr"):
        assert f"{mechanism}-unchecked" in result.output


def test_answers_are_cached_and_the_budget_bounds_queries(server: str) -> None:
    lookup = Resolver(server)
    lint_domain(lookup, "good.test", RULES, ("192.0.2.10",), ("s1",))
    asked = lookup.asked
    lint_domain(lookup, "good.test", RULES, ("192.0.2.10",), ("s1",))
    assert lookup.asked == asked  # the second audit was answered from the run's cache
    tight = Resolver(server, budget=2)
    found = [f.rule for f in lint_domain(tight, "good.test", RULES, ("192.0.2.10",), ("s1",)).findings]
    assert tight.asked == 2 and "dmarc-unchecked" in found and "mx-unchecked" in found


def test_cli_text_and_json(server: str) -> None:
    ok = CliRunner().invoke(main, ["domain", "good.test", "--resolver", server, "--ip", "192.0.2.10", "--selector", "s1"])
    assert ok.exit_code == 0, ok.output
    assert "PASS" in ok.output
    bad = CliRunner().invoke(main, ["domain", "plusall.test", "--resolver", server, "--selector", "s1", "--format", "json"])
    assert bad.exit_code == 1
    data = json.loads(bad.output)
    assert [f["rule"] for f in data["results"][0]["findings"]] == ["spf-pass-all"]


@pytest.mark.parametrize("args, message", [
    (["domain", "good.test", "--ip", "999.1.1.1"], "is not an IP address"),
    (["domain", "good.test", "--resolver", "127.0.0.1:notaport"], "expected HOST or HOST:PORT"),
    (["domain", "not a domain"], "is not a domain name"),
])
def test_bad_arguments_are_one_line_errors(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and message in result.output


def test_profile_bulk_for_a_domain(server: str) -> None:
    ok = CliRunner().invoke(main, ["domain", "good.test", "--resolver", server, "--selector", "s1",
                                   "--ip", "192.0.2.10", "--profile", "bulk"])
    assert ok.exit_code == 0, ok.output
    assert "PASS  Forward and reverse DNS of the sending IP" in ok.output
    assert "----  From domain aligned with SPF or DKIM [needs a message checked with --online]" in ok.output
    bad = CliRunner().invoke(main, ["domain", "nodmarc.test", "--resolver", server, "--selector", "s1", "--profile", "bulk"])
    assert bad.exit_code == 1 and "FAIL  DMARC record (at least p=none) (dmarc-missing)" in bad.output
