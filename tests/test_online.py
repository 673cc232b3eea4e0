"""`check --online`: DKIM verified with dkimpy, SPF of the entry IP, DMARC alignment, PTR, against a real DNS server.

Keys are generated here and published in the zone the dnslib server (conftest.serve) answers from.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import dkim
import pytest
from click.testing import CliRunner
from conftest import rsa_key, txt

from spamlint.cli import main

GOOD_PEM, GOOD_PUB = rsa_key(2048)
SHORT_PEM, SHORT_PUB = rsa_key(512)
IP, OTHER_IP = "93.184.216.34", "93.184.216.99"  # global addresses: only ever asked of the test server

ZONE = "\n".join([
    txt("s1._domainkey.shop.test", f"v=DKIM1; k=rsa; p={GOOD_PUB}"),
    txt("short._domainkey.shop.test", f"v=DKIM1; k=rsa; p={SHORT_PUB}"),
    txt("old._domainkey.shop.test", "v=DKIM1; k=rsa; p="),
    txt("s1._domainkey.other.test", f"v=DKIM1; k=rsa; p={GOOD_PUB}"),
    txt("shop.test", f"v=spf1 ip4:{IP} -all"),
    txt("other.test", f"v=spf1 ip4:{IP} -all"),
    txt("_dmarc.shop.test", "v=DMARC1; p=reject; rua=mailto:d@shop.test"),
    f"34.216.184.93.in-addr.arpa. 60 IN PTR mail.shop.test.\nmail.shop.test. 60 IN A {IP}",
    f"99.216.184.93.in-addr.arpa. 60 IN PTR mail.shop.test.",
])


def message(ip: str = IP, sender: str = "news@shop.test", bounce: str = "bounce@shop.test") -> bytes:
    return textwrap.dedent(f"""\
        Return-Path: <{bounce}>
        Received: from mail.shop.test (mail.shop.test [{ip}])
        \tby mx.receiver.test (Postfix) with ESMTPS id 4A1B2C3D
        \tfor <you@receiver.test>; Tue, 25 Jun 2024 10:09:18 +0000
        From: Shop <{sender}>
        To: you@receiver.test
        Subject: Your order has shipped
        Date: Tue, 25 Jun 2024 10:09:10 +0000
        Message-ID: <42@shop.test>
        Content-Type: text/plain; charset=utf-8

        Hello, your order 1042 has shipped and will arrive on Thursday.
        """).replace("\n", "\r\n").encode()


def signed(raw: bytes, selector: str = "s1", domain: str = "shop.test", pem: bytes = GOOD_PEM) -> bytes:
    """raw with a DKIM signature over From, To, Subject, Date and the body (received headers left out)."""
    sig = dkim.sign(raw, selector.encode(), domain.encode(), pem,
                    include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
    return sig + raw


def online(server: str, tmp_path: Path, raw: bytes, *extra: str) -> tuple[int, list[dict]]:
    path = tmp_path / "m.eml"
    path.write_bytes(raw)
    result = CliRunner().invoke(main, ["check", str(path), "--online", "--resolver", server, "--format", "json",
                                       "--select", "authentication", *extra])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.output)["results"][0]["findings"]


@pytest.fixture
def server(serve) -> str:
    return serve(ZONE)


def test_a_good_signature_from_a_listed_ip_has_no_findings(server: str, tmp_path: Path) -> None:
    _, findings = online(server, tmp_path, signed(message()))
    assert findings == []


@pytest.mark.parametrize("change, reason", [
    (lambda m: m.replace(b"arrive on Thursday", b"arrive on Friday"), "body was changed"),
    (lambda m: m.replace(b"Subject: Your order has shipped", b"Subject: Your order is on hold"), "signed headers"),
])
def test_tampering_fails_the_signature(server: str, tmp_path: Path, change, reason: str) -> None:
    _, findings = online(server, tmp_path, change(signed(message())))
    fails = [f for f in findings if f["rule"] == "dkim-signature-fail"]
    assert len(fails) == 1 and reason in fails[0]["message"], findings
    # From is on shop.test and SPF still passes for the entry IP: DMARC stays aligned
    assert "dmarc-not-aligned" not in [f["rule"] for f in findings]


@pytest.mark.parametrize("selector, pem, reason", [
    ("old", GOOD_PEM, "revoked"), ("short", SHORT_PEM, "public key too small: 512"),
    ("missing", GOOD_PEM, "no key is published"),
])
def test_revoked_short_and_missing_keys_fail(server: str, tmp_path: Path, selector: str, pem: bytes, reason: str) -> None:
    _, findings = online(server, tmp_path, signed(message(), selector=selector, pem=pem))
    assert [f["rule"] for f in findings] == ["dkim-signature-fail"]
    assert reason in findings[0]["message"]


def test_spf_for_the_entry_ip_and_dmarc_alignment(server: str, tmp_path: Path) -> None:
    # signed by a third party, sent from an IP shop.test does not list: no aligned pass at all
    code, findings = online(server, tmp_path, signed(message(ip=OTHER_IP), domain="other.test"))
    rules = sorted(f["rule"] for f in findings)
    # the HELO name mail.shop.test resolves to the listed IP, not this one
    assert rules == ["dmarc-not-aligned", "ptr-helo-not-confirmed", "ptr-not-confirmed", "spf-ip-not-allowed"], findings
    assert code == 0 or code == 1


def test_a_dead_server_is_could_not_check(silent: str, tmp_path: Path) -> None:
    _, findings = online(silent, tmp_path, signed(message()))
    assert {"dkim-unchecked", "spf-unchecked"} <= {f["rule"] for f in findings}


def test_online_is_a_config_key(server: str, tmp_path: Path) -> None:
    (tmp_path / ".spamlint.yaml").write_text(f"online: true\nresolver: '{server}'\n", encoding="utf-8")
    path = tmp_path / "m.eml"
    path.write_bytes(signed(message()).replace(b"Thursday", b"Friday"))
    result = CliRunner().invoke(main, ["check", str(path), "--format", "json", "--select", "authentication"])
    assert [f["rule"] for f in json.loads(result.output)["results"][0]["findings"]] == ["dkim-signature-fail"]
    off = CliRunner().invoke(main, ["check", str(path), "--offline", "--format", "json", "--select", "authentication"])
    assert json.loads(off.output)["results"][0]["findings"] == []


NO_NETWORK = """
import socket, sys
def refuse(*a, **k):
    raise AssertionError("network touched")
for name in ("connect", "connect_ex", "sendto", "sendall", "send"):
    setattr(socket.socket, name, refuse)
socket.getaddrinfo = refuse
socket.create_connection = refuse
from spamlint.cli import main
try:
    main([sys.argv[1], "--format", "json"], standalone_mode=False)
except SystemExit:
    pass
loaded = sorted(m for m in sys.modules if m.startswith(("spamlint.auth", "dns.", "dkim")) or m in ("dns", "dkim"))
assert not loaded, loaded
print("offline ok")
"""


def test_nothing_touches_the_network_without_online(tmp_path: Path) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(signed(message()))
    result = subprocess.run([sys.executable, "-c", NO_NETWORK, str(path)], capture_output=True, text=True,
                            timeout=120, check=False)
    assert "offline ok" in result.stdout, result.stdout + result.stderr


def test_profile_bulk_for_a_message(server: str, tmp_path: Path) -> None:
    path = tmp_path / "m.eml"
    raw = message().replace(b"Subject:", b"List-Unsubscribe: <https://shop.test/u/1>\r\n"
                            b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\nSubject:")
    path.write_bytes(signed(raw))
    ok = CliRunner().invoke(main, ["check", str(path), "--online", "--resolver", server, "--profile", "bulk"])
    assert ok.exit_code == 0, ok.output
    assert ok.output.count("PASS  ") == 6 and "NOTE  Spam complaint rate" in ok.output
    path.write_bytes(signed(message(ip=OTHER_IP), domain="other.test"))  # no one-click, unaligned, no FCrDNS
    bad = CliRunner().invoke(main, ["check", str(path), "--online", "--resolver", server, "--profile", "bulk",
                                    "--format", "json"])
    assert bad.exit_code == 1
    lines = {r["requirement"].split(" (")[0]: r["status"] for r in json.loads(bad.output)["profiles"][0]["requirements"]}
    assert lines["From domain aligned with SPF or DKIM"] == "fail"
    assert lines["SPF record valid"] == "fail"
    assert lines["Forward and reverse DNS of the sending IP"] == "fail"
    assert lines["DKIM signing with a valid key"] == "pass"


def test_profile_bulk_offline_says_what_it_could_not_see(tmp_path: Path) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(message())
    result = CliRunner().invoke(main, ["check", str(path), "--profile", "bulk"])
    assert "----  DKIM signing with a valid key [needs spamlint domain or --online]" in result.output
    assert result.exit_code == 0
