"""A real authoritative DNS server on 127.0.0.1 for the live checks (dnslib), and keys made per test.

No resolver is mocked: `serve(zone)` starts a dnslib server answering from the zone text on a
free port and returns "127.0.0.1:PORT" for --resolver; `silent()` is a port that receives and
never answers.  Names listed in `servfail=` answer SERVFAIL.
"""

from __future__ import annotations

import base64
import socket
from typing import Callable, Iterator

import pytest
from dnslib import RCODE
from dnslib.server import BaseResolver, DNSLogger, DNSServer
from dnslib.zoneresolver import ZoneResolver


class _Zone(BaseResolver):
    """The zone's answers, and SERVFAIL for the names a test says are broken."""

    def __init__(self, zone: str, servfail: tuple[str, ...]) -> None:
        self.zone = ZoneResolver(zone)
        self.servfail = {n.rstrip(".").lower() for n in servfail}

    def resolve(self, request, handler):  # noqa: ANN001, ANN201 - dnslib's interface
        if str(request.q.qname).rstrip(".").lower() in self.servfail:
            reply = request.reply()
            reply.header.rcode = RCODE.SERVFAIL
            return reply
        return self.zone.resolve(request, handler)


@pytest.fixture
def serve() -> Iterator[Callable[..., str]]:
    """Start DNS servers for zone texts; each returns its HOST:PORT; all stop after the test."""
    servers: list[DNSServer] = []

    def start(zone: str, servfail: tuple[str, ...] = ()) -> str:
        server = DNSServer(_Zone(zone, servfail), address="127.0.0.1", port=0,
                           logger=DNSLogger(log="-request,-reply,-truncated,-error,-recv,-send,-data", logf=lambda s: None))
        server.start_thread()
        servers.append(server)
        return f"127.0.0.1:{server.server.server_address[1]}"

    yield start
    for server in servers:
        server.stop()
        server.server.server_close()


@pytest.fixture
def silent() -> Iterator[str]:
    """HOST:PORT of a UDP socket that takes queries and never answers (a server that drops them)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    yield f"127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


def rsa_key(bits: int) -> tuple[bytes, str]:
    """A fresh RSA key: (private key PEM, base64 public key for a DKIM p= tag)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=bits) if bits >= 1024 else _short_key(bits)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption())
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return pem, base64.b64encode(der).decode()


def _short_key(bits: int):  # noqa: ANN202 - an RSAPrivateKey
    """An RSA key shorter than cryptography will generate (RFC 8301 says verifiers refuse them; tests need one)."""
    import secrets

    from cryptography.hazmat.primitives.asymmetric import rsa

    def prime(n: int) -> int:
        while True:
            c = secrets.randbits(n) | (3 << (n - 2)) | 1
            if all(c % s for s in (3, 5, 7, 11, 13)) and all(
                    pow(secrets.randbelow(c - 3) + 2, c - 1, c) == 1 for _ in range(40)):
                return c

    e = 65537
    while True:
        p, q = prime(bits // 2), prime(bits // 2)
        if p != q and (p - 1) % e and (q - 1) % e:
            break
    d = pow(e, -1, (p - 1) * (q - 1))
    return rsa.RSAPrivateNumbers(p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q),
                                 rsa.RSAPublicNumbers(e, p * q)).private_key()


def txt(name: str, text: str) -> str:
    """A zone TXT line, the text cut into quoted strings of at most 200 characters."""
    return f"{name}. 60 IN TXT " + " ".join(f'"{text[i:i + 200]}"' for i in range(0, len(text), 200))
