"""A real HTTP server on 127.0.0.1 that answers like a provider, for tests; it stops itself."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    """What the server answers on one path."""

    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=lambda: {"content-type": "application/json"})
    delay: float = 0.0
    drip: float = 0.0  # seconds between bytes, for slow-body tests


@dataclass
class Seen:
    """A request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""


@contextmanager
def serve(routes: dict[str, Reply] | Callable[[str], Reply]) -> Iterator[tuple[str, list[Seen]]]:
    """Start the server; yields its base URL and the list of requests it saw."""
    seen: list[Seen] = []
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            self._answer("POST", body)

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._answer("GET", b"")

        def _answer(self, method: str, request_body: bytes) -> None:
            seen.append(
                Seen(method, self.path, {k.lower(): v for k, v in self.headers.items()}, request_body)
            )
            reply = (
                routes(self.path)
                if callable(routes)
                else routes.get(self.path.split("?")[0], Reply(404, b'{"error":"no route"}'))
            )
            if reply.delay:
                stop.wait(reply.delay)
            body = reply.body.encode() if isinstance(reply.body, str) else reply.body
            try:
                self.send_response(reply.status)
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                if reply.drip:
                    for i in range(len(body)):
                        if stop.is_set():
                            return
                        self.wfile.write(body[i : i + 1])
                        self.wfile.flush()
                        time.sleep(reply.drip)
                else:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: object) -> None:
            pass

    try:
        with running(Handler) as base:
            yield base, seen
    finally:
        stop.set()


@contextmanager
def running(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve handler on a free port of 127.0.0.1 in a thread; yields the base URL, then stops it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
