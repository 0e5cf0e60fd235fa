"""A recording stand-in for the model APIs, for running real clients against 127.0.0.1.

It answers just enough of the Anthropic Messages API (and its Bedrock and Vertex shapes, and the
OpenAI chat API) for a client to finish one turn, and records what each request looked like: method,
host, path, which kind of auth header, a fingerprint of the credential (never the credential), and the
model in the body. `python tests/recorder.py run SPEC.json` starts it on the spec's port, runs the
spec's command with the spec's environment, and prints the recorded requests as JSON; the tests run
that inside `unshare -n` so the client can reach nothing but the recorder.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import os
import re
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from certs import Pem, make_cert

MAX_BODY = 16 * 1024 * 1024  # a Claude Code turn carries its whole system prompt and tool list
MAX_REQUESTS = 200  # a client stuck in a loop must not fill memory
MARK = "ROUTE-RECORDER-HOOK"  # put in a hook's prompt, so its request can be told apart


def fingerprint(secret: str) -> str:
    """The same short SHA-256 fingerprint `check` prints, so the two can be compared."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:8]


@dataclass(frozen=True)
class Seen:
    """One request as the recorder saw it, with no secret in it."""

    method: str
    """HTTP method."""
    host: str
    """The Host header the client sent."""
    path: str
    """Path without the query string."""
    query: str
    """The query string (Azure-style clients put the API version there)."""
    auth: str
    """x-api-key, bearer, aws-sigv4, google-oauth (a bearer on a Vertex path) or none."""
    fingerprint: str | None
    """sha256(credential)[:8] of the credential in that header."""
    model: str | None
    """`model` in the JSON body, or the model in a Bedrock/Vertex path."""
    stream: bool | None
    """`stream` in the JSON body (Bedrock and Vertex say it in the path)."""
    tools: int
    """How many tools the body offered: a main turn offers many, a background call none."""
    tool_names: list[str]
    """The names of those tools (a subagent's turn offers a different set)."""
    max_tokens: int | None
    """`max_tokens` in the body."""
    headers: dict[str, str]
    """Other headers worth knowing (beta flags, versions, client name), secrets left out."""
    scheme: str
    """http, or https when the request came through the TLS door on 443."""
    region: str | None
    """The region the request names: Bedrock host or SigV4 scope, Vertex path."""
    project: str | None
    """The Google Cloud project in a Vertex path."""
    marked: bool
    """The body holds MARK: the request came from the test's prompt hook (the background model)."""
    header_names: list[str]
    """Every header name sent (values only for the safe ones in `headers`)."""


# Headers kept verbatim: none of them carries a secret.
_KEEP = (
    "anthropic-version",
    "anthropic-beta",
    "user-agent",
    "x-app",
    "content-type",
    "openai-organization",
    "x-stainless-lang",
    "x-stainless-package-version",
    "http-referer",
    "x-title",
    "api-key-kind",
    "x-goog-user-project",
    "x-amz-date",
    "x-amz-security-token-present",
)


def _auth(headers: Any, path: str) -> tuple[str, str | None]:
    """Which auth scheme a request used and the fingerprint of its credential."""
    key = headers.get("x-api-key")
    value = headers.get("authorization") or ""
    if key:
        return "x-api-key", fingerprint(key)
    if value.startswith("AWS4-HMAC-SHA256"):
        match = re.search(r"Credential=([^/,\s]+)", value)
        return "aws-sigv4", fingerprint(match.group(1)) if match else None
    if value.lower().startswith("bearer "):
        token = value[7:].strip()
        kind = "google-oauth" if "/publishers/anthropic/" in path else "bearer"
        return kind, fingerprint(token)
    if headers.get("api-key"):  # Azure OpenAI style
        return "api-key", fingerprint(headers["api-key"])
    return "none", None


_BEDROCK = re.compile(r"/model/([^/]+)/(invoke|invoke-with-response-stream|converse|converse-stream)$")
_VERTEX = re.compile(r"/projects/([^/]+)/locations/([^/]+)/publishers/anthropic/models/([^/:]+):(\w+)$")


def _message(model: str, text: str = "ok") -> dict[str, Any]:
    return {
        "id": "msg_recorder",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 1},
    }


def _tool_message(model: str, tool: dict[str, Any]) -> dict[str, Any]:
    message = _message(model)
    message["content"] = [{"type": "tool_use", "id": "toolu_recorder", **tool}]
    message["stop_reason"] = "tool_use"
    return message


def _events(model: str, tool: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The Messages API stream of one short reply (text, or one tool call), as event payloads."""
    start = _message(model)
    start["content"], start["stop_reason"] = [], None
    if tool:
        block: dict[str, Any] = {"type": "tool_use", "id": "toolu_recorder", "name": tool["name"]}
        block["input"] = {}
        delta = {"type": "input_json_delta", "partial_json": json.dumps(tool["input"])}
    else:
        block, delta = {"type": "text", "text": ""}, {"type": "text_delta", "text": "ok"}
    return [
        {"type": "message_start", "message": start},
        {"type": "content_block_start", "index": 0, "content_block": block},
        {"type": "content_block_delta", "index": 0, "delta": delta},
        {"type": "content_block_stop", "index": 0},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "tool_use" if tool else "end_turn", "stop_sequence": None},
            "usage": {"output_tokens": 1},
        },
        {"type": "message_stop"},
    ]


def _sse(model: str, tool: dict[str, Any] | None = None) -> bytes:
    return b"".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in _events(model, tool))


def _eventstream_frame(payload: bytes, headers: dict[str, str]) -> bytes:
    """One AWS event-stream message (the binary framing Bedrock's streaming responses use)."""
    head = b"".join(
        struct.pack("B", len(k)) + k.encode() + b"\x07" + struct.pack(">H", len(v)) + v.encode()
        for k, v in headers.items()
    )
    total = 12 + len(head) + len(payload) + 4
    prelude = struct.pack(">II", total, len(head))
    prelude += struct.pack(">I", binascii.crc32(prelude))
    body = prelude + head + payload
    return body + struct.pack(">I", binascii.crc32(body))


def _bedrock_stream(model: str, tool: dict[str, Any] | None = None) -> bytes:
    frames = []
    for event in _events(model, tool):
        chunk = json.dumps({"bytes": base64.b64encode(json.dumps(event).encode()).decode()})
        frames.append(
            _eventstream_frame(
                chunk.encode(),
                {
                    ":event-type": "chunk",
                    ":content-type": "application/json",
                    ":message-type": "event",
                },
            )
        )
    return b"".join(frames)


def _openai_chat(model: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-recorder",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "ok"},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 1, "total_tokens": 11},
    }


def _sni(data: bytes) -> str | None:
    """The server name in a TLS ClientHello, or None when the bytes are not one."""
    try:
        if data[0] != 22 or data[5] != 1:
            return None
        i = 5 + 4 + 2 + 32
        i += 1 + data[i]
        i += 2 + struct.unpack(">H", data[i : i + 2])[0]
        i += 1 + data[i]
        end = i + 2 + struct.unpack(">H", data[i : i + 2])[0]
        i += 2
        while i + 4 <= end:
            kind, size = struct.unpack(">HH", data[i : i + 4])
            if kind == 0:
                length = struct.unpack(">H", data[i + 7 : i + 9])[0]
                return data[i + 9 : i + 9 + length].decode("ascii", "replace")
            i += 4 + size
    except (IndexError, struct.error):
        return None
    return None


class Names:
    """A DNS server on 127.0.0.1:53 that answers every A query with 127.0.0.1 and keeps the names.

    With /etc/resolv.conf pointing here (inside a mount namespace), a client that goes to a real host
    (api.anthropic.com, a Bedrock regional endpoint) comes to the recorder instead, and the names it
    looked up show where it meant to go.
    """

    def __init__(self) -> None:
        self.names: list[str] = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 53))
        self.sock.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, peer = self.sock.recvfrom(2048)
            except OSError:
                continue
            try:
                labels, i = [], 12
                while data[i]:
                    labels.append(data[i + 1 : i + 1 + data[i]].decode("ascii", "replace"))
                    i += 1 + data[i]
                qtype = struct.unpack(">H", data[i + 1 : i + 3])[0]
                question = data[12 : i + 5]
            except (IndexError, struct.error):
                continue
            name = ".".join(labels).lower()
            if len(self.names) < MAX_REQUESTS and name not in self.names:
                self.names.append(name)
            answers = b""
            if qtype == 1:  # A: 127.0.0.1; anything else (AAAA) gets an empty answer
                answers = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 5, 4) + bytes([127, 0, 0, 1])
            head = data[:2] + b"\x81\x80" + struct.pack(">HHHH", 1, 1 if answers else 0, 0, 0)
            self.sock.sendto(head + question + answers, peer)

    def __enter__(self) -> Names:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(1)
        self.sock.close()


def make_ca(folder: str) -> tuple[str, str]:
    """Write a throwaway certificate authority (cert, key) into folder; clients are told to trust it."""
    ca = make_cert(ca=True, name="route recorder test CA", days=(-1, 2))
    cert_path, key_path = os.path.join(folder, "ca.pem"), os.path.join(folder, "ca.key")
    return ca.write(cert_path, key_path), key_path


def _leaf_context(ca_cert: str, ca_key: str, host: str, folder: str) -> ssl.SSLContext:
    """A server context whose certificate, signed by the test CA, names host."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(_leaf_cert(ca_cert, ca_key, host, folder))
    return context


def _leaf_cert(ca_cert: str, ca_key: str, host: str, folder: str) -> str:
    """Write a certificate and key for host, signed by the test CA; return the file's path."""
    with open(ca_cert, "rb") as cert, open(ca_key, "rb") as key:
        issuer = Pem(cert.read(), key.read())
    leaf = make_cert(issuer=issuer, name=host, hosts=(host,), days=(-1, 2))
    return leaf.write(os.path.join(folder, f"leaf-{hashlib.sha256(host.encode()).hexdigest()[:12]}.pem"))


class Recorder:
    """A threaded HTTP server on 127.0.0.1 that answers like a model API and keeps what it saw."""

    def __init__(
        self,
        port: int = 0,
        tool: dict[str, Any] | None = None,
        tls: tuple[str, str, str] | None = None,
    ) -> None:
        self.seen: list[Seen] = []
        # The first turn that offers tools is answered with this tool call (to make the client
        # do the work that calls its background model); every other turn gets a short text.
        self._tool = tool
        self._lock = threading.Lock()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 10  # a client that opens a connection and says nothing is dropped

            def log_message(self, *args: Any) -> None:  # keep the client's output clean
                pass

            def _body(self) -> tuple[dict[str, Any] | None, str]:
                length = int(self.headers.get("content-length") or 0)
                if length <= 0 or length > MAX_BODY:
                    return None, ""
                raw = self.rfile.read(length)
                if self.headers.get("content-encoding") == "gzip":
                    import gzip

                    raw = gzip.decompress(raw)
                text = raw.decode("utf-8", "replace")
                try:
                    data = json.loads(text)
                except ValueError:
                    return None, text
                return (data if isinstance(data, dict) else None), text

            def _send(self, status: int, body: bytes, ctype: str) -> None:
                self.send_response(status)
                self.send_header("content-type", ctype)
                self.send_header("content-length", str(len(body)))
                self.send_header("request-id", "req_recorder")
                self.end_headers()
                self.wfile.write(body)

            def _json(self, status: int, data: Any) -> None:
                self._send(status, json.dumps(data).encode(), "application/json")

            def _handle(self) -> None:
                path, _, query = self.path.partition("?")
                body, raw_text = self._body() if self.command in ("POST", "PUT") else (None, "")
                kind, fp = _auth(self.headers, path)
                model = body.get("model") if body else None
                bedrock, vertex = _BEDROCK.search(path), _VERTEX.search(path)
                if bedrock:
                    model = bedrock.group(1)
                elif vertex:
                    model = vertex.group(3)
                region = project = None
                host = self.headers.get("host", "")
                aws = re.match(r"bedrock-runtime(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com", host)
                scope = re.search(
                    r"Credential=[^/]+/\d+/([a-z0-9-]+)/", self.headers.get("authorization") or ""
                )
                if scope:
                    region = scope.group(1)
                elif aws:
                    region = aws.group(1)
                if vertex:
                    project, region = vertex.group(1), vertex.group(2)
                stream = body.get("stream") if body else None
                tools = body.get("tools") if body else None
                headers = {k: v for k, v in self.headers.items() if k.lower() in _KEEP}
                # Both credential headers, as fingerprints: a client may send both at once.
                if self.headers.get("x-api-key"):
                    headers["x-api-key"] = "sha256:" + fingerprint(self.headers["x-api-key"])
                if self.headers.get("authorization"):
                    scheme_, _, secret = self.headers["authorization"].partition(" ")
                    if scheme_ == "AWS4-HMAC-SHA256":  # the signature changes every second
                        secret = re.sub(r"Signature=\w+", "", secret)
                    headers["authorization"] = f"{scheme_} sha256:{fingerprint(secret)}"
                seen = Seen(
                    method=self.command,
                    host=self.headers.get("host", ""),
                    path=path,
                    query=query,
                    auth=kind,
                    fingerprint=fp,
                    model=model if isinstance(model, str) else None,
                    stream=stream if isinstance(stream, bool) else None,
                    tools=len(tools) if isinstance(tools, list) else 0,
                    tool_names=[str(t.get("name")) for t in tools or [] if isinstance(t, dict)][:60],
                    max_tokens=body.get("max_tokens") if body else None,
                    headers={k.lower(): v for k, v in headers.items()},
                    scheme="https" if isinstance(self.connection, ssl.SSLSocket) else "http",
                    region=region,
                    project=project,
                    marked=MARK in raw_text,
                    header_names=sorted({k.lower() for k in self.headers}),
                )
                with recorder._lock:
                    if len(recorder.seen) < MAX_REQUESTS:
                        recorder.seen.append(seen)
                name = model if isinstance(model, str) else "recorder-model"
                tool = None
                if seen.tools and recorder._tool:
                    tool, recorder._tool = recorder._tool, None
                if bedrock:
                    if bedrock.group(2) == "invoke-with-response-stream":
                        self._send(200, _bedrock_stream(name, tool), "application/vnd.amazon.eventstream")
                    else:
                        self._json(200, _tool_message(name, tool) if tool else _message(name))
                elif vertex:
                    if vertex.group(4) == "streamRawPredict":
                        self._send(200, _sse(name, tool), "text/event-stream")
                    elif vertex.group(4) == "countTokens":
                        self._json(200, {"input_tokens": 10})
                    else:
                        self._json(200, _tool_message(name, tool) if tool else _message(name))
                elif path == "/token" and self.command == "POST":  # Google's OAuth token exchange
                    self._json(
                        200, {"access_token": "ya29.recorder", "expires_in": 3600, "token_type": "Bearer"}
                    )
                elif path.endswith("/messages/count_tokens"):
                    self._json(200, {"input_tokens": 10})
                elif path.endswith("/messages"):
                    if stream:
                        self._send(200, _sse(name, tool), "text/event-stream")
                    else:
                        self._json(200, _tool_message(name, tool) if tool else _message(name))
                elif path.endswith("/chat/completions"):
                    self._json(200, _openai_chat(name))
                elif path.endswith("/models") and self.command == "GET":
                    self._json(200, {"data": [], "has_more": False, "object": "list"})
                elif self.command == "HEAD":
                    self._send(200, b"", "text/plain")
                else:
                    self._json(
                        404,
                        {"type": "error", "error": {"type": "not_found_error", "message": "recorder"}},
                    )

            def do_GET(self) -> None:
                self._handle()

            def do_POST(self) -> None:
                self._handle()

            def do_HEAD(self) -> None:
                self._handle()

            def do_PUT(self) -> None:
                self._handle()

            def do_OPTIONS(self) -> None:
                self._handle()

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.servers = [self.server]
        # The TLS server names clients asked for on 443 (a host no base URL pointed here).
        self.tls_names: list[str] = []
        if tls:
            self.servers.append(self._https(Handler, *tls))

    def _https(
        self, handler: type[BaseHTTPRequestHandler], ca_cert: str, ca_key: str, folder: str
    ) -> ThreadingHTTPServer:
        """127.0.0.1:443 with a certificate for whatever name the client asks for."""
        contexts: dict[str, ssl.SSLContext] = {}

        def pick(sock: ssl.SSLObject, name: str | None, _: ssl.SSLContext) -> None:
            if not name:
                return
            with self._lock:
                if len(self.tls_names) < MAX_REQUESTS:
                    self.tls_names.append(name)
                if name not in contexts:
                    contexts[name] = _leaf_context(ca_cert, ca_key, name, folder)
            sock.context = contexts[name]

        base = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        base.load_cert_chain(_leaf_cert(ca_cert, ca_key, "localhost", folder))
        base.sni_callback = pick
        server = ThreadingHTTPServer(("127.0.0.1", 443), handler)
        server.daemon_threads = True
        # The handshake happens in the handler's thread, so a silent client can't stall accept().
        server.socket = base.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        return server

    def __enter__(self) -> Recorder:
        for server in self.servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


def run(spec: dict[str, Any]) -> dict[str, Any]:
    """Start a recorder on spec["port"], run spec["argv"], return what it saw and how it ended.

    With spec["dns"] (inside a private network and mount namespace), also answer DNS and note
    the TLS server names the client tried.
    """
    with contextlib.ExitStack() as stack:
        names = stack.enter_context(Names()) if spec.get("dns") else None
        tls = None
        if spec.get("ca"):
            ca_cert, ca_key = spec["ca"]
            tls = (ca_cert, ca_key, tempfile.mkdtemp(prefix="leaf-"))
        rec = stack.enter_context(Recorder(int(spec.get("port", 0)), spec.get("tool"), tls))
        result = _run_client(spec, rec)
        result["dns"] = list(names.names) if names else None
        result["tls"] = list(rec.tls_names) if tls else None
        return result


def _text(value: str | bytes | None) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else value or ""


def _run_client(spec: dict[str, Any], rec: Recorder) -> dict[str, Any]:
    started = time.monotonic()
    code: int | None
    try:
        proc = subprocess.run(
            spec["argv"],
            cwd=spec["cwd"],
            env=spec["env"],
            input=spec.get("stdin", ""),
            capture_output=True,
            text=True,
            timeout=float(spec.get("timeout", 30)),
        )
        code, out, err = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as exc:
        code, out, err = None, _text(exc.stdout), _text(exc.stderr)
    time.sleep(0.2)  # a background request still in flight when the client exits
    with rec._lock:
        seen = [asdict(s) for s in rec.seen]
    return {
        "returncode": code,
        "seconds": round(time.monotonic() - started, 2),
        "stdout": out[-2000:],
        "stderr": err[-2000:],
        "requests": seen,
    }


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "run":
        sys.exit("usage: recorder.py run SPEC.json")
    with open(sys.argv[2], encoding="utf-8") as handle:
        result = run(json.load(handle))
    sys.stdout.write(json.dumps(result))
    sys.stdout.flush()
    os._exit(0)
