"""DKIM key records (RFC 6376 3.6.1), DMARC (RFC 7489), MX (RFC 5321 5.1, RFC 2181 10.3) and PTR/FCrDNS."""

from __future__ import annotations

import base64
import binascii
import ipaddress

import regex

from spamlint.auth.dns import Lookup, reverse_name
from spamlint.model.domain import DnsProblem
from spamlint.text.urls import registrable_domain

COMMON_SELECTORS = ("default", "selector1", "selector2", "google", "k1", "s1", "s2", "dkim", "mail")
_DYNAMIC = regex.compile(r"(?:\d{1,3}[-.x]){3}\d{1,3}|\b(?:dyn|dynamic|dhcp|pool|dsl|adsl|cable|ppp|dialup|client|"
                         r"cpe|broadband|customer|static-ip)\b|(?:^|[.-])(?:ip|host)\d", regex.I)


def tags(record: str) -> dict[str, str] | None:
    """A tag=value list (DKIM and DMARC share the form) as a dict; None when it is not one."""
    out: dict[str, str] = {}
    for part in record.split(";"):
        part = part.strip()
        if not part:
            continue
        name, sep, value = part.partition("=")
        if not sep or not regex.match(r"^[a-z][a-z0-9_]*$", name.strip(), regex.I):
            return None
        out[name.strip().lower()] = "".join(value.split())
    return out


def key_bits(p: str, k: str) -> int | None:
    """The size of a DKIM public key in bits (ed25519: 256); None when p= is not a key."""
    try:
        der = base64.b64decode(p, validate=True)
    except (binascii.Error, ValueError):
        return None
    if k == "ed25519":
        return 256 if len(der) == 32 else None
    from dkim.crypto import UnparsableKeyError, parse_public_key  # dkimpy: the key parser it verifies with
    try:
        return parse_public_key(der)["modulus"].bit_length()
    except (UnparsableKeyError, KeyError, ValueError, TypeError, IndexError):
        return None


def dkim_keys(lookup: Lookup, domain: str, selectors: list[str]) -> list[DnsProblem]:
    """Problems of the keys under the given selectors (or the common ones tried, when none is given)."""
    tried = selectors or list(COMMON_SELECTORS)
    out, found = [], 0
    for sel in tried:
        name = f"{sel}._domainkey.{domain}"
        answer = lookup.query(name, "TXT")
        if answer.failed:
            out.append(DnsProblem("dkim-unchecked", f"{name} TXT", "", {"name": name, "reason": answer.reason}))
            if not selectors:
                break  # guessing selectors on a server that fails would only repeat the same line
            continue
        records = [r for r in answer.records if "p=" in r]
        if not records:
            if selectors:
                out.append(DnsProblem("dkim-key-missing", f"{name} TXT", "", {"name": name}))
            continue
        found += 1
        out += _key_problems(name, records[0])
    if not selectors and not found and not any(p.code == "dkim-unchecked" for p in out):
        out.append(DnsProblem("dkim-key-missing", f"<selector>._domainkey.{domain} TXT", "",
                              {"name": f"{{{','.join(tried)}}}._domainkey.{domain}"}))
    return out


def _key_problems(name: str, record: str) -> list[DnsProblem]:
    where, t = f"{name} TXT", tags(record)
    if t is None or t.get("v", "DKIM1") != "DKIM1" or "p" not in t or t.get("k", "rsa") not in ("rsa", "ed25519"):
        return [DnsProblem("dkim-key-syntax", where, record, {"name": name})]
    out = []
    if "y" in t.get("t", "").split(":"):
        out.append(DnsProblem("dkim-key-testing", where, record, {"name": name}))
    if not t["p"]:
        return out + [DnsProblem("dkim-key-revoked", where, record, {"name": name})]
    bits = key_bits(t["p"], t.get("k", "rsa"))
    if bits is None:
        return out + [DnsProblem("dkim-key-syntax", where, record, {"name": name})]
    if t.get("k", "rsa") == "rsa" and bits < 1024:
        out.append(DnsProblem("dkim-key-too-short", where, record[:80], {"name": name, "bits": bits}))
    elif t.get("k", "rsa") == "rsa" and bits < 2048:
        out.append(DnsProblem("dkim-key-weak", where, record[:80], {"name": name, "bits": bits}))
    return out


def dmarc_record(lookup: Lookup, domain: str) -> tuple[str, str | None, str]:
    """(where it was looked up, the DMARC record or None, the reason it could not be checked or '')."""
    org = registrable_domain(domain) or domain
    for name in dict.fromkeys([f"_dmarc.{domain}", f"_dmarc.{org}"]):
        answer = lookup.query(name, "TXT")
        if answer.failed:
            return name, None, answer.reason
        records = [r for r in answer.records if r.replace(" ", "").upper().startswith("V=DMARC1")]
        if records:
            return name, records[0], ""
    return f"_dmarc.{domain}", None, ""


def dmarc(lookup: Lookup, domain: str) -> list[DnsProblem]:
    """Problems of the DMARC policy that applies to domain (its own, else its organisational domain's)."""
    name, record, reason = dmarc_record(lookup, domain)
    where = f"{name} TXT"
    if reason:
        return [DnsProblem("dmarc-unchecked", where, "", {"domain": domain, "reason": reason})]
    if record is None:
        return [DnsProblem("dmarc-missing", where, "", {"domain": domain})]
    t = tags(record)
    if t is None or t.get("v") != "DMARC1" or t.get("p", "").lower() not in ("none", "quarantine", "reject") \
            or t.get("sp", "none").lower() not in ("none", "quarantine", "reject"):
        return [DnsProblem("dmarc-syntax", where, record, {"domain": domain})]
    out, detail = [], {"domain": domain, "at": name}
    policy = t["p"].lower() if name == f"_dmarc.{domain}" else t.get("sp", t["p"]).lower()
    if policy == "none":
        out.append(DnsProblem("dmarc-policy-none", where, record, {**detail, "policy": policy}))
    pct = t.get("pct", "100")
    if not pct.isdigit() or int(pct) > 100:
        out.append(DnsProblem("dmarc-syntax", where, record, detail))
    elif int(pct) < 100 and policy != "none":
        out.append(DnsProblem("dmarc-partial-pct", where, record, {**detail, "pct": int(pct)}))
    if not any(u.lower().startswith("mailto:") for u in t.get("rua", "").split(",")):
        out.append(DnsProblem("dmarc-no-rua", where, record, detail))
    return out


def mx(lookup: Lookup, domain: str) -> list[DnsProblem]:
    """Problems of domain's MX records: none, an IP address as host, a CNAME, a host that does not resolve."""
    where = f"{domain} MX"
    answer = lookup.query(domain, "MX")
    if answer.failed:
        return [DnsProblem("mx-unchecked", where, "", {"domain": domain, "reason": answer.reason})]
    if not answer.records:
        return [DnsProblem("mx-missing", where, "", {"domain": domain})]
    out = []
    for rec in answer.records[:10]:
        host = rec.split()[-1].rstrip(".")
        if host == "" and rec.split()[0] == "0":
            continue  # RFC 7505 null MX: says the domain receives no mail, on purpose
        if _is_ip(host):
            out.append(DnsProblem("mx-ip-address", where, rec, {"domain": domain, "host": host}))
            continue
        a = lookup.query(host, "A")
        if a.failed:
            out.append(DnsProblem("mx-unchecked", f"{host} A", "", {"domain": domain, "reason": a.reason}))
        elif a.cname is not None:
            out.append(DnsProblem("mx-cname", f"{host} A", rec, {"domain": domain, "host": host, "target": a.cname}))
        elif not a.records and not lookup.query(host, "AAAA").records:
            out.append(DnsProblem("mx-unresolvable", f"{host} A", rec, {"domain": domain, "host": host}))
    return out


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return False
    return True


def ptr(lookup: Lookup, ip: str) -> list[DnsProblem]:
    """Problems of a sending IP's reverse DNS: no PTR, a name that does not resolve back, a dynamic-looking name."""
    name = reverse_name(ip)
    where = f"{name} PTR"
    answer = lookup.query(name, "PTR")
    if answer.failed:
        return [DnsProblem("ptr-unchecked", where, "", {"ip": ip, "reason": answer.reason})]
    if not answer.records:
        return [DnsProblem("ptr-missing", where, "", {"ip": ip})]
    host = answer.records[0]
    out = []
    forward = lookup.query(host, "A" if ipaddress.ip_address(ip).version == 4 else "AAAA")
    if forward.failed:
        out.append(DnsProblem("ptr-unchecked", f"{host} A", "", {"ip": ip, "reason": forward.reason}))
    elif ipaddress.ip_address(ip).compressed not in {normal_ip(r) for r in forward.records}:
        out.append(DnsProblem("ptr-not-confirmed", where, host, {"ip": ip, "host": host}))
    if _DYNAMIC.search(host):
        out.append(DnsProblem("ptr-dynamic", where, host, {"ip": ip, "host": host}))
    return out


def normal_ip(text: str) -> str:
    """An address in its compressed form (the text unchanged when it is not one)."""
    try:
        return ipaddress.ip_address(text).compressed
    except ValueError:
        return text
