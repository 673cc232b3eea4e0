"""SPF (RFC 7208): find the record, check its syntax, count DNS lookups across include/redirect, evaluate IPs."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

import regex

from spamlint.auth.dns import Answer, Lookup
from spamlint.model.domain import DnsProblem

MAX_LOOKUPS = 10  # RFC 7208 4.6.4: terms that cause DNS lookups, over the whole evaluation
MAX_VOID = 2  # RFC 7208 4.6.4: lookups that return no records
MAX_DEPTH = 12  # include/redirect nesting we follow before calling it a loop
_LOOKUP_TERMS = frozenset({"a", "mx", "ptr", "exists", "include"})
_MECHANISMS = frozenset({"all", "ip4", "ip6"}) | _LOOKUP_TERMS
_TERM = regex.compile(r"^([+\-~?]?)([a-z][a-z0-9_.-]*)(?:([:=])(.*))?$", regex.I)
_DOMAIN_SPEC = regex.compile(r"^[a-z0-9_.%{}-]+(?:/\d+)?(?://\d+)?$", regex.I)


@dataclass(frozen=True)
class Term:
    """One term of a record: qualifier, name (mechanism or modifier), value, and whether it is a modifier."""

    qualifier: str
    name: str
    value: str
    modifier: bool


def fetch(lookup: Lookup, domain: str) -> tuple[Answer, list[str]]:
    """The TXT answer at domain and the SPF records in it (those starting `v=spf1`)."""
    answer = lookup.query(domain, "TXT")
    return answer, [r for r in answer.records if r.lower() == "v=spf1" or r.lower().startswith("v=spf1 ")]


def parse(record: str) -> tuple[list[Term], list[str]]:
    """The terms of a record and the terms that are not valid SPF."""
    terms, bad = [], []
    for raw in record.split()[1:]:
        m = _TERM.match(raw)
        if m is None:
            bad.append(raw)
            continue
        qual, name, sep, value = m.group(1) or "+", m.group(2).lower(), m.group(3), m.group(4) or ""
        term = Term(qual, name, value, sep == "=")
        if not term.modifier and (name not in _MECHANISMS or not _valid_value(term)):
            bad.append(raw)
            continue
        terms.append(term)
    return terms, bad


def _valid_value(term: Term) -> bool:
    if term.name in ("ip4", "ip6"):
        try:
            net = ipaddress.ip_network(term.value, strict=False)
        except ValueError:
            return False
        return net.version == (4 if term.name == "ip4" else 6)
    if term.name == "all":
        return not term.value
    if term.name in ("include", "exists"):
        return bool(term.value) and bool(_DOMAIN_SPEC.match(term.value))
    return not term.value or bool(_DOMAIN_SPEC.match(term.value))


@dataclass
class Walk:
    """The lookups an evaluation of the whole record tree would make, and what went wrong on the way."""

    lookups: int = 0
    void: int = 0
    problems: list[DnsProblem] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)


def walk(lookup: Lookup, domain: str, walk_: Walk, depth: int = 0) -> None:
    """Count lookup terms and void lookups through include and redirect, depth first."""
    if depth > MAX_DEPTH or domain in walk_.seen:
        return
    walk_.seen.add(domain)
    answer, records = fetch(lookup, domain)
    if answer.failed:
        walk_.unchecked.append(f"{domain} TXT: {answer.reason}")
        return
    if len(records) != 1:
        return  # the top-level caller reports missing/multiple; an include of it is a permerror counted below
    terms, _ = parse(records[0])
    for term in terms:
        if term.name in _LOOKUP_TERMS and not term.modifier:
            walk_.lookups += 1
            _follow(lookup, domain, term, walk_, depth)
        elif term.modifier and term.name == "redirect":
            walk_.lookups += 1
            _follow(lookup, domain, term, walk_, depth)


def _follow(lookup: Lookup, domain: str, term: Term, walk_: Walk, depth: int) -> None:
    target = _target(term, domain)
    if "%" in target:
        return  # a macro expands per message; nothing to count here
    if term.name in ("include", "redirect"):
        answer, records = fetch(lookup, target)
        if not answer.failed and not records:
            walk_.void += answer.status != "ok"
            walk_.problems.append(DnsProblem("spf-include-missing", f"{target} TXT", "",
                                             {"domain": target, "parent": domain, "term": term.name}))
            return
        walk(lookup, target, walk_, depth + 1)
        return
    if term.name == "mx":
        answer = lookup.query(target, "MX")
        if answer.failed:
            walk_.unchecked.append(f"{target} MX: {answer.reason}")
        elif answer.status != "ok":
            walk_.void += 1
        return
    rdtype = "A" if term.name in ("a", "exists") else None
    if rdtype:
        answer = lookup.query(target, "A")
        if not answer.failed and answer.status != "ok" and not lookup.query(target, "AAAA").records:
            walk_.void += 1


def _target(term: Term, domain: str) -> str:
    """The domain a term names (its own domain when it names none), without a CIDR suffix."""
    return (term.value.split("/", 1)[0] if term.value else domain).rstrip(".").lower()


def evaluate(lookup: Lookup, domain: str, ip: str, depth: int = 0, budget: list[int] | None = None) -> str:
    """check_host() for one IP: pass, fail, softfail, neutral, none, permerror or temperror."""
    budget = budget if budget is not None else [0]
    if depth > MAX_DEPTH:
        return "permerror"
    answer, records = fetch(lookup, domain)
    if answer.failed:
        return "temperror"
    if len(records) != 1:
        return "none" if not records else "permerror"
    terms, bad = parse(records[0])
    if bad:
        return "permerror"
    addr = ipaddress.ip_address(ip)
    for term in [t for t in terms if not t.modifier]:
        if term.name in _LOOKUP_TERMS:
            budget[0] += 1
            if budget[0] > MAX_LOOKUPS:
                return "permerror"
        matched = _matches(lookup, domain, term, addr, depth, budget)
        if matched in ("temperror", "permerror"):
            return matched
        if matched:
            return {"+": "pass", "-": "fail", "~": "softfail", "?": "neutral"}[term.qualifier]
    redirect = next((t for t in terms if t.modifier and t.name == "redirect"), None)
    if redirect is not None:
        budget[0] += 1
        if budget[0] > MAX_LOOKUPS:
            return "permerror"
        result = evaluate(lookup, _target(redirect, domain), ip, depth + 1, budget)
        return "permerror" if result == "none" else result
    return "neutral"


def _matches(lookup: Lookup, domain: str, term: Term, addr: ipaddress._BaseAddress, depth: int,
             budget: list[int]) -> bool | str:
    """Whether one mechanism matches the address (or temperror/permerror)."""
    if term.name == "all":
        return True
    if term.name in ("ip4", "ip6"):
        net = ipaddress.ip_network(term.value, strict=False)
        return addr.version == net.version and addr in net
    target = _target(term, domain)
    if "%" in target or term.name == "ptr":
        return False  # macros and ptr (RFC 7208 5.5: "do not use") are not evaluated here
    if term.name == "include":
        result = evaluate(lookup, target, str(addr), depth + 1, budget)
        return {"pass": True, "temperror": "temperror", "permerror": "permerror", "none": "permerror"}.get(result, False)
    if term.name == "exists":
        answer = lookup.query(target, "A")
        return "temperror" if answer.failed else answer.status == "ok"
    hosts = [target]
    if term.name == "mx":
        answer = lookup.query(target, "MX")
        if answer.failed:
            return "temperror"
        hosts = [r.split()[-1].rstrip(".") for r in answer.records][:10]
    return _any_address(lookup, hosts, addr, term.value)


def _any_address(lookup: Lookup, hosts: list[str], addr: ipaddress._BaseAddress, value: str) -> bool | str:
    """Whether addr is in one of the hosts' A/AAAA networks (with the term's CIDR lengths)."""
    parts = value.split("/")
    v4 = int(parts[1]) if len(parts) > 1 and parts[1] else 32
    v6 = int(parts[-1]) if "//" in value else 128
    rdtype, prefix = ("A", v4) if addr.version == 4 else ("AAAA", v6)
    for host in hosts:
        answer = lookup.query(host, rdtype)
        if answer.failed:
            return "temperror"
        for rec in answer.records:
            try:
                if addr in ipaddress.ip_network(f"{rec}/{prefix}", strict=False):
                    return True
            except ValueError:
                continue
    return False


def audit(lookup: Lookup, domain: str, ips: list[str]) -> list[DnsProblem]:
    """Every SPF problem of domain, and the result for each sending IP that SPF does not pass."""
    where = f"{domain} TXT"
    answer, records = fetch(lookup, domain)
    if answer.failed:
        return [DnsProblem("spf-unchecked", where, "", {"domain": domain, "reason": answer.reason})]
    if not records:
        return [DnsProblem("spf-missing", where, "", {"domain": domain})]
    if len(records) > 1:
        return [DnsProblem("spf-multiple", where, " | ".join(records), {"domain": domain, "count": len(records)})]
    record = records[0]
    terms, bad = parse(record)
    out = [DnsProblem("spf-syntax", where, record, {"domain": domain, "term": b}) for b in bad]
    for term in terms:
        if term.name == "all" and term.qualifier in "+?":
            code = "spf-pass-all" if term.qualifier == "+" else "spf-neutral-all"
            out.append(DnsProblem(code, where, record, {"domain": domain, "term": f"{term.qualifier}all"}))
    result = Walk()
    walk(lookup, domain, result)
    out += result.problems
    if result.lookups > MAX_LOOKUPS:
        out.append(DnsProblem("spf-too-many-lookups", where, record, {"domain": domain, "count": result.lookups}))
    if result.void > MAX_VOID:
        out.append(DnsProblem("spf-void-lookups", where, record, {"domain": domain, "count": result.void}))
    out += [DnsProblem("spf-unchecked", where, "", {"domain": domain, "reason": r}) for r in result.unchecked[:1]]
    for ip in ips:
        verdict = evaluate(lookup, domain, ip)
        if verdict == "temperror":
            out.append(DnsProblem("spf-unchecked", where, "", {"domain": domain, "reason": f"temperror for {ip}"}))
        elif verdict != "pass":
            out.append(DnsProblem("spf-ip-not-allowed", where, record, {"domain": domain, "ip": ip, "result": verdict}))
    return out
