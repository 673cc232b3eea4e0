"""`--online` for a message: verify its DKIM signatures, SPF for the sending IP, DMARC alignment, PTR.

The sending IP comes from the Received trail (the hop where the message entered the
receiver's network, text/received.py); the engine passes it in.  Key and policy lookups go
through the same Lookup as `spamlint domain`, so timeouts become "could not check" findings.
"""

from __future__ import annotations

import email.parser
import email.policy
import email.utils
import ipaddress
import logging

from spamlint.auth import records, spf
from spamlint.auth.dns import Lookup
from spamlint.model.domain import DnsProblem
from spamlint.text.urls import registrable_domain

_LOG = logging.getLogger("spamlint.dkim")
_LOG.addHandler(logging.NullHandler())
_LOG.propagate = False  # dkimpy reports through it; our findings say what matters
MAX_SIGNATURES = 5  # each costs a key lookup; more than a few is not a real message's shape


def _headers(raw: bytes) -> email.message.Message:
    return email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)


def _domain_of(value: str | None) -> str | None:
    if not value:
        return None
    addr = email.utils.parseaddr(value)[1]
    return addr.rsplit("@", 1)[1].strip(".").lower() if "@" in addr else None


def _sig_tags(value: str) -> dict[str, str]:
    return records.tags(value) or {}


def verify_dkim(lookup: Lookup, raw: bytes) -> tuple[list[str], list[DnsProblem]]:
    """The domains (d=) of the signatures that verify, and a problem for each that does not."""
    import dkim  # dkimpy; imported here so offline runs never load it

    signatures = _headers(raw).get_all("DKIM-Signature") or []
    passed, out = [], []
    if not signatures:
        return passed, [DnsProblem("dkim-unsigned", "headers", "", {})]
    for idx, value in enumerate(signatures[:MAX_SIGNATURES]):
        t = _sig_tags(value)
        d, s = t.get("d", "").lower(), t.get("s", "")
        name = f"{s}._domainkey.{d}"
        detail = {"domain": d, "selector": s, "name": name}
        answer = lookup.query(name, "TXT") if d and s else None
        if answer is not None and answer.failed:
            out.append(DnsProblem("dkim-unchecked", f"{name} TXT", "", {**detail, "reason": answer.reason}))
            continue
        keys = [r for r in (answer.records if answer else ()) if "p=" in r]

        def dnsfunc(qname: bytes, timeout: int = 5, _keys: list[str] = keys) -> bytes:
            return _keys[0].encode() if _keys else b""

        if not keys:
            ok, reason = False, "no key is published for the selector"
        elif (records.tags(keys[0]) or {}).get("p") == "":
            ok, reason = False, "the key is revoked (empty p=)"  # RFC 6376 3.6.1; dkimpy calls it a mismatch
        else:
            ok, reason = _verify(dkim, raw, idx, dnsfunc, keys)
        if ok:
            passed.append(d)
        else:
            out.append(DnsProblem("dkim-signature-fail", "header:DKIM-Signature", value[:120], {**detail, "reason": reason}))
    return passed, out


def _verify(dkim, raw: bytes, idx: int, dnsfunc, keys: list[str]) -> tuple[bool, str]:  # noqa: ANN001
    """dkimpy's verdict on signature idx, and why it failed ('' when it passed)."""
    try:
        ok = dkim.DKIM(raw, logger=_LOG).verify(idx=idx, dnsfunc=dnsfunc)
    except dkim.DKIMException as exc:
        return False, _reason(str(exc), keys)
    return ok, "" if ok else "the signed headers do not match the signature"


def _reason(text: str, keys: list[str]) -> str:
    """dkimpy's message, said in the terms a sender acts on."""
    if text.startswith("body hash mismatch"):
        return "the body was changed after signing (body hash mismatch)"
    if "missing public key" in text or not keys:
        return "no key is published for the selector"
    return text.split(" (got ")[0]


def audit_message(lookup: Lookup, raw: bytes, ip: str | None, helo: str | None = None) -> list[DnsProblem]:
    """DKIM, SPF for the sending IP, DMARC alignment of From, and the sending IP's reverse DNS."""
    head = _headers(raw)
    from_domain = _domain_of(head.get("From"))
    mail_from = _domain_of(head.get("Return-Path")) or from_domain
    dkim_pass, out = verify_dkim(lookup, raw)
    spf_pass: list[str] = []
    public = ip is not None and ipaddress.ip_address(ip).is_global
    if public and mail_from:
        result = spf.evaluate(lookup, mail_from, ip)
        where = f"{mail_from} TXT"
        if result == "temperror":
            out.append(DnsProblem("spf-unchecked", where, "", {"domain": mail_from, "reason": f"temperror for {ip}"}))
        elif result == "pass":
            spf_pass.append(mail_from)
        else:
            out.append(DnsProblem("spf-ip-not-allowed", where, "", {"domain": mail_from, "ip": ip, "result": result}))
    if from_domain:
        out += _alignment(lookup, from_domain, dkim_pass + spf_pass)
    if public:
        out += records.ptr(lookup, ip)
        out += _helo(lookup, ip, helo)
    return out


def _helo(lookup: Lookup, ip: str, helo: str | None) -> list[DnsProblem]:
    """ptr-helo-not-confirmed when the name the sender gave in HELO/EHLO does not resolve to its IP."""
    if not helo or "." not in helo or helo.startswith("["):
        return []
    answer = lookup.query(helo, "A" if ipaddress.ip_address(ip).version == 4 else "AAAA")
    if answer.failed:
        return [DnsProblem("ptr-unchecked", f"{helo} A", "", {"ip": ip, "reason": answer.reason})]
    if ipaddress.ip_address(ip).compressed in {records.normal_ip(r) for r in answer.records}:
        return []
    return [DnsProblem("ptr-helo-not-confirmed", f"{helo} A", helo, {"ip": ip, "helo": helo})]


def _alignment(lookup: Lookup, from_domain: str, passing: list[str]) -> list[DnsProblem]:
    """dmarc-not-aligned when no passing SPF or DKIM domain shares From's organisational domain (RFC 7489 3.1)."""
    org = registrable_domain(from_domain) or from_domain
    if any((registrable_domain(d) or d) == org for d in passing):
        return []
    name, record, reason = records.dmarc_record(lookup, from_domain)
    if reason:
        return [DnsProblem("dmarc-unchecked", f"{name} TXT", "", {"domain": from_domain, "reason": reason})]
    return [DnsProblem("dmarc-not-aligned", "header:From", "", {
        "domain": from_domain, "passing": ", ".join(sorted(set(passing))) or "none",
        "policy": (records.tags(record) or {}).get("p", "none") if record else "none"})]
