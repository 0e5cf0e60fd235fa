"""Raw-socket servers on 127.0.0.1 that misbehave on purpose, certificates made on the spot, and a
small guide whose `http-json` check points at them.

Each server runs in daemon threads and stops itself when its `with` block ends; nothing here
leaves the machine.
"""

from __future__ import annotations

import gzip
import socket
import ssl
import struct
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from certs import Pem

Handler = Callable[[socket.socket, threading.Event, "Server"], None]
MB = 1024 * 1024


@dataclass
class Server:
    """A running server: where it listens and the request heads it received."""

    port: int
    scheme: str = "http"
    seen: list[bytes] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"


def read_head(conn: socket.socket, limit: float = 5.0) -> bytes:
    """The request line and headers (the probe sends no body with GET)."""
    conn.settimeout(limit)
    data = b""
    try:
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
    except (OSError, TimeoutError):
        pass
    return data


@contextmanager
def serve(handler: Handler, tls: ssl.SSLContext | None = None) -> Iterator[Server]:
    """Listen on 127.0.0.1 (any free port); every connection gets its own thread running `handler`."""
    stop = threading.Event()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.05)
    server = Server(listener.getsockname()[1], "https" if tls else "http")
    conns: list[socket.socket] = []

    def one(conn: socket.socket) -> None:
        try:
            if tls is not None:
                conn.settimeout(5)
                conn = tls.wrap_socket(conn, server_side=True)
                conns.append(conn)
            handler(conn, stop, server)
        except (OSError, ssl.SSLError, ValueError):
            pass  # the client gave up, or refused our certificate: both are the point
        finally:
            with suppress(OSError):
                conn.close()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            conns.append(conn)
            threading.Thread(target=one, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()
        for conn in conns:
            with suppress(OSError):
                conn.close()


# ---------------------------------------------------------------- behaviours


def response(status: int, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    head = f"HTTP/1.1 {status} X\r\n"
    for k, v in {"content-type": "application/json", **(headers or {})}.items():
        head += f"{k}: {v}\r\n"
    head += f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    return head.encode() + body


def answer(raw: bytes) -> Handler:
    """Read the request, send `raw` (a whole HTTP response), close."""

    def handle(conn: socket.socket, stop: threading.Event, server: Server) -> None:
        server.seen.append(read_head(conn))
        conn.sendall(raw)

    return handle


def silent(conn: socket.socket, stop: threading.Event, server: Server) -> None:
    """Read the request and never answer."""
    server.seen.append(read_head(conn))
    stop.wait(60)


def drip(interval: float = 1.0) -> Handler:
    """Answer a valid models list, status line and headers included, one byte per `interval`."""
    raw = response(200, b'{"data": [{"id": "m"}]}')

    def handle(conn: socket.socket, stop: threading.Event, server: Server) -> None:
        server.seen.append(read_head(conn))
        for i in range(len(raw)):
            if stop.wait(interval):
                return
            conn.sendall(raw[i : i + 1])

    return handle


def huge(size: int = 50 * MB) -> Handler:
    """A `size`-byte JSON-typed body, streamed until the client hangs up."""

    def handle(conn: socket.socket, stop: threading.Event, server: Server) -> None:
        server.seen.append(read_head(conn))
        conn.sendall(
            f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {size}\r\n\r\n".encode()
        )
        chunk = b"[" + b" " * (64 * 1024 - 1)
        sent = 0
        while sent < size and not stop.is_set():
            conn.sendall(chunk)
            sent += len(chunk)

    return handle


def gzip_bomb(size: int = 50 * MB) -> bytes:
    """A small gzip body that inflates to `size` bytes."""
    return response(200, gzip.compress(b" " * size, compresslevel=9), {"content-encoding": "gzip"})


def reset(conn: socket.socket, stop: threading.Event, server: Server) -> None:
    """Read the request, then abort the connection (RST, not FIN)."""
    server.seen.append(read_head(conn))
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def redirect(location: str, status: int = 307) -> Handler:
    return answer(response(status, b"", {"location": location}))


def loop(conn: socket.socket, stop: threading.Event, server: Server) -> None:
    """Redirect to itself, forever."""
    server.seen.append(read_head(conn))
    conn.sendall(response(302, b"", {"location": f"{server.base}/v1/models"}))


def intercepting_proxy(tls: ssl.SSLContext) -> Handler:
    """An HTTP proxy that accepts CONNECT and then speaks TLS itself, with its own certificate."""

    def handle(conn: socket.socket, stop: threading.Event, server: Server) -> None:
        server.seen.append(read_head(conn))
        conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        inner = tls.wrap_socket(conn, server_side=True)  # the client refuses this certificate
        server.seen.append(read_head(inner))  # only reached if it did not: then we would see the key
        inner.sendall(response(200, b'{"data": []}'))

    return handle


# ---------------------------------------------------------------- certificates


def server_context(pem: Pem) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory() as tmp:
        cert, key = Path(tmp) / "cert.pem", Path(tmp) / "key.pem"
        cert.write_bytes(pem.cert)
        key.write_bytes(pem.key)
        ctx.load_cert_chain(cert, key)
    return ctx


def client_context(ca: Pem) -> ssl.SSLContext:
    """A client that trusts only `ca` (so an expired leaf fails for its date, nothing else)."""
    return ssl.create_default_context(cadata=ca.cert.decode())


# ---------------------------------------------------------------- the guide that points at them

BASE_VAR, KEY_VAR, GOOD_VAR = "PROBE_BASE_URL", "PROBE_API_KEY", "PROBE_GOOD_URL"


def probe_guide(folder: Path) -> Path:
    """Write `probe.yaml`: an http-json check on PROBE_BASE_URL, one on a healthy server, a local one.

    Every outcome's English text starts with `outcome=<name>`, so tests read the outcome from any
    output format.
    """
    from generator.check.kinds import KINDS

    def outcomes(kind: str) -> dict[str, Any]:
        k = KINDS[kind]
        shown = " ".join(f"{v}={{{v}}}" for v in ("error", "detail", "location", "url") if v in k.values)
        out: dict[str, Any] = {}
        for name, status in k.outcomes.items():
            o: dict[str, Any] = {
                "message": {"ja": f"outcome={name} {shown}", "en": f"outcome={name} {shown}"}
            }
            if status.value in ("warn", "fail"):
                o["fix"] = {"ja": "直してください。", "en": "Fix it."}
            out[name] = o
        return out

    http = {"base_default": "https://127.0.0.1:1", "path": "/v1/models", "sources": ["env"]}
    guide = {
        "provider": "probe",
        "name": {"ja": "プローブ", "en": "Probe"},
        "summary": {"ja": "テスト用です。", "en": "For tests."},
        "setup": {
            "intro": {"ja": "なし。", "en": "None."},
            "steps": [{"title": {"ja": "なし", "en": "None"}, "body": {"ja": "なし。", "en": "None."}}],
        },
        "entries": [
            {
                "id": "api-broken",
                "title": {"ja": "API が壊れている", "en": "The API is broken"},
                "symptom": "network",
                "messages": [{"text": "anything"}],
                "summary": {"ja": "壊れています。", "en": "Broken."},
                "causes": [
                    {"text": {"ja": "壊れています。", "en": "Broken."}, "checks": ["target", "healthy"]}
                ],
                "fixes": [{"text": {"ja": "直します。", "en": "Fix it."}}],
                "checks": ["target", "healthy", "key-shape"],
                "covers": ["A1"],
                "sources": [{"title": "Test", "url": "https://example.com/"}],
            }
        ],
        "checks": [
            {
                "id": "target",
                "title": {"ja": "対象", "en": "Target"},
                "kind": "http-json",
                "params": {**http, "base_var": BASE_VAR, "auth": "bearer", "key_var": KEY_VAR},
                "covers": ["A1"],
                "outcomes": outcomes("http-json"),
            },
            {
                "id": "healthy",
                "title": {"ja": "健全", "en": "Healthy"},
                "kind": "http-json",
                "params": {**http, "base_var": GOOD_VAR, "auth": "none"},
                "covers": ["A1"],
                "outcomes": outcomes("http-json"),
            },
            {
                "id": "key-shape",
                "title": {"ja": "キー", "en": "Key"},
                "kind": "key-shape",
                "params": {"var": KEY_VAR, "prefixes": ["sk-probe-"]},
                "covers": ["A1"],
                "outcomes": outcomes("key-shape"),
            },
        ],
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "probe.yaml"
    path.write_text(yaml.safe_dump(guide, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def service_account_adc(token_uri: str, private_key_id: str = "0123456789abcdef") -> dict[str, str]:
    """A service-account ADC file whose token endpoint is `token_uri` (google-auth honours it)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return {
        "type": "service_account",
        "project_id": "leak-test",
        "private_key_id": private_key_id,
        "private_key": pem,
        "client_email": "probe@leak-test.iam.gserviceaccount.com",
        "client_id": "1234567890",
        "token_uri": token_uri,
    }
