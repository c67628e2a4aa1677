"""A certificate authority made for one demo run, so the demo is served over HTTPS.

Served over plain HTTP, every demo run sat at Level 1 for its security, which says nothing about
the rest. Each run makes a fresh CA and a certificate for ``127.0.0.1`` and ``localhost`` with
trustme (a small, well-kept library made for exactly this); the audit trusts them for that run
only (discovery adds the CA to its own client, the browser trusts the certificate's key by its
hash) and nothing is installed anywhere. The private keys live in memory and end with the run.
"""

from __future__ import annotations

import base64
import hashlib
import ssl
from dataclasses import dataclass

import trustme
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

__all__ = ["LocalTLS", "local_tls"]


@dataclass(frozen=True)
class LocalTLS:
    server_context: ssl.SSLContext  # the demo server's side
    ca_pem: str  # what discovery trusts
    spki: str  # base64 SHA-256 of the certificate's SubjectPublicKeyInfo: what the browser trusts


def local_tls() -> LocalTLS:
    ca = trustme.CA(organization_name="maturity demo (this run only)")
    leaf = ca.issue_cert("127.0.0.1", "localhost", "::1")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    leaf.configure_cert(context)
    cert = x509.load_pem_x509_certificate(leaf.cert_chain_pems[0].bytes())
    der = cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    spki = base64.b64encode(hashlib.sha256(der).digest()).decode("ascii")
    return LocalTLS(server_context=context, ca_pem=ca.cert_pem.bytes().decode("ascii"), spki=spki)
