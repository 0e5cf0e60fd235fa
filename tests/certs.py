"""Throwaway TLS certificates for the servers tests start on 127.0.0.1 (trusted only by a test's client)."""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass


@dataclass(frozen=True)
class Pem:
    """A certificate and its key, PEM-encoded."""

    cert: bytes
    """The certificate."""
    key: bytes
    """Its private key (PKCS#8, unencrypted)."""

    def write(self, path: str, key_path: str | None = None) -> str:
        """Write the certificate to path, and the key after it (or to key_path); return path."""
        with open(path, "wb") as handle:
            handle.write(self.cert + (b"" if key_path else self.key))
        if key_path:
            with open(key_path, "wb") as handle:
                handle.write(self.key)
        return path


def make_cert(
    *,
    days: tuple[int, int] = (-1, 30),
    issuer: Pem | None = None,
    ca: bool = False,
    name: str = "127.0.0.1",
    hosts: tuple[str, ...] = ("127.0.0.1", "localhost"),
) -> Pem:
    """A certificate valid from `days[0]` to `days[1]` days from now: a CA, or a server for hosts.

    The extensions are the ones strict clients (Node's TLS in Claude Code) insist on: a CA says it
    signs certificates, and a server certificate names its hosts and says it serves TLS.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    if issuer is not None:
        signer = serialization.load_pem_private_key(issuer.key, None)
        issuer_name = x509.load_pem_x509_certificate(issuer.cert).subject
    else:
        signer, issuer_name = key, subject
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + datetime.timedelta(days=days[0]))
        .not_valid_after(now + datetime.timedelta(days=days[1]))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
    )
    if ca:
        usage = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
        builder = builder.add_extension(usage, critical=True)
    else:
        names: list[x509.GeneralName] = []
        for host in hosts:
            try:
                names.append(x509.IPAddress(ipaddress.ip_address(host)))
            except ValueError:
                names.append(x509.DNSName(host))
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
    cert = builder.sign(signer, hashes.SHA256())  # type: ignore[arg-type]
    return Pem(
        cert.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
