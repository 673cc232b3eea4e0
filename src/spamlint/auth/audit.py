"""`spamlint domain`: every DNS problem of a sending domain, gathered before the rules run."""

from __future__ import annotations

import ipaddress

from spamlint.auth import records, spf
from spamlint.auth.dns import Lookup, ZoneLookup
from spamlint.auth.message import audit_message
from spamlint.model.domain import DnsProblem

MESSAGE_MARKER = "; message:\n"
EXAMPLE_DOMAIN = "example.com"  # the domain a rule example's zone describes


def audit_domain(lookup: Lookup, domain: str, ips: list[str] = (), selectors: list[str] = ()) -> list[DnsProblem]:
    """SPF, DKIM keys, DMARC and MX of domain, and reverse DNS of each sending IP."""
    domain = domain.strip().rstrip(".").lower()
    ips, selectors = list(ips), list(selectors)
    out = spf.audit(lookup, domain, ips)
    out += records.dkim_keys(lookup, domain, selectors)
    out += records.dmarc(lookup, domain)
    out += records.mx(lookup, domain)
    for ip in ips:
        out += records.ptr(lookup, ip)
    return out


def check_ip(value: str) -> str:
    """A sending IP as given, or ValueError naming it."""
    try:
        return ipaddress.ip_address(value).compressed
    except ValueError:
        raise ValueError(f"--ip {value!r} is not an IP address") from None


def audit_example(zone: str) -> list[DnsProblem]:
    """What `spamlint domain example.com` finds in a rule example's zone.

    The example is a zone in master-file format with absolute names; comment lines
    `; ip: ADDRESS` and `; selector: NAME` stand for the command's --ip and --selector.  After a
    line `; message:` comes a message, checked as `--online` would (`; ip:` and `; helo:` are the
    sending host's address and HELO name, which a real run reads from the Received trail).
    """
    zone, marker, message = zone.partition(MESSAGE_MARKER)
    ips = [line.split(":", 1)[1].strip() for line in zone.splitlines() if line.startswith("; ip:")]
    if marker:  # an --online example: the zone, then a message to check against it
        raw = message.lstrip("\n").replace("\n", "\r\n").encode("utf-8")
        helo = next((line.split(":", 1)[1].strip() for line in zone.splitlines() if line.startswith("; helo:")), None)
        return audit_message(ZoneLookup(zone), raw, ips[0] if ips else None, helo)
    sels = [line.split(":", 1)[1].strip() for line in zone.splitlines() if line.startswith("; selector:")]
    return audit_domain(ZoneLookup(zone), EXAMPLE_DOMAIN, ips, sels)
