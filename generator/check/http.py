"""HTTP for the probes that call an API: the client, safe URLs, a bounded exchange, and the one place where
HTTP replies and httpx errors become outcomes (`FAILURES`, shared by the kinds that call over HTTP)."""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from generator.check.bounded import Overrun, within
from generator.check.kinds.base import Status
from generator.secrets import clip, redact_urls

if TYPE_CHECKING:
    import httpx


# Bodies past this are not read: a models list is a few hundred KB at most.
MAX_BODY = 5 * 1024 * 1024
STATUS_OUTCOMES = {
    401: "unauthorized",
    402: "payment-required",
    403: "forbidden",
    404: "not-found",
    429: "rate-limited",
    529: "overloaded",
}
FAILURES = {
    "offline": Status.SKIP,
    "no-key": Status.SKIP,
    "unauthorized": Status.FAIL,
    "forbidden": Status.FAIL,
    "not-found": Status.FAIL,
    "payment-required": Status.FAIL,
    "rate-limited": Status.WARN,
    "overloaded": Status.WARN,
    "server-error": Status.WARN,
    "unexpected-status": Status.FAIL,
    "html": Status.FAIL,
    "bad-json": Status.FAIL,
    "wrong-shape": Status.FAIL,
    "redirect": Status.FAIL,
    "timeout": Status.FAIL,
    "tls": Status.FAIL,
    "unreachable": Status.FAIL,
}
"""Outcomes of a request that went wrong, with their status, for every kind that calls over HTTP."""


def safe_url(url: str) -> str:
    """The URL without user:password@ and without a query (either may carry a secret); never raises."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:  # a port out of range, an unclosed IPv6 bracket
        return redact_urls(url.split("?", 1)[0].split("#", 1)[0])
    if ":" in host:
        host = f"[{host}]"  # IPv6
    netloc = host + (f":{port}" if port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def url_problem(url: str) -> str | None:
    """Why no HTTP client could send to `url`, or None when it is a usable http(s) URL."""
    if any(ord(c) < 0x21 or c == "\x7f" for c in url):
        return "the URL holds a space, a line break or a control character"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"not a valid URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return f"not an http(s) URL (scheme '{parts.scheme}')"
    if not parts.hostname:
        return "the URL has no host"
    if port == 0:
        return "port 0"
    try:
        (parts.hostname or "").encode("idna")
    except UnicodeError:
        return "the host name is not valid"
    return None


def header_problem(value: str) -> int | None:
    """1-based position of the first character no HTTP client can send in a header, or None."""
    for i, c in enumerate(value):
        if not (0x20 <= ord(c) < 0x7F):
            return i + 1
    return None


def make_client(timeout: float) -> httpx.Client:
    """The HTTP client for free calls, configured from the process environment as the reader's own
    tools are (HTTPS_PROXY, SSL_CERT_FILE); when that configuration cannot work (a SOCKS proxy
    without `socksio`, a missing CA file), every request fails with the reason instead."""
    import httpx

    headers = {"user-agent": "llm-access-doctor"}
    try:
        return httpx.Client(timeout=timeout, follow_redirects=False, headers=headers)
    except Exception as exc:  # ImportError, OSError, ValueError, ssl.SSLError: each is a setup problem
        reason = clip(f"the HTTP client cannot start: {type(exc).__name__}: {exc}")

    class Unusable(httpx.BaseTransport):
        """Refuses every request with the reason the real client could not start."""

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError(reason, request=request)

    return httpx.Client(transport=Unusable(), follow_redirects=False, headers=headers)


def dig(data: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def detail(data: Any) -> str:
    """The provider's own error message from common envelopes, masked, then shortened."""
    for path in ("error.message", "message", "detail", "error"):
        found = dig(data, path)
        if isinstance(found, str):
            return clip(found, 200)
    return ""


class BodyTooLarge(Exception):
    pass


def fetch(
    client: httpx.Client,
    method: str,
    url: str,
    headers: dict[str, str],
    timeout: float,
    payload: dict[str, Any] | None = None,
) -> tuple[int, str, bytes, httpx.Headers]:
    """The whole exchange within `timeout` seconds, whatever the server does.

    httpx's timeouts apply to each read, so a server that drips its status line and headers one
    byte a second never trips them; the exchange runs in its own thread and is abandoned (its
    socket shut) at the deadline.
    """
    import httpx

    streams: list[Any] = []

    def trace(event: str, info: dict[str, Any]) -> None:
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            streams.append(info.get("return_value"))

    try:
        result: tuple[int, str, bytes, httpx.Headers] = within(
            timeout, lambda: _exchange(client, method, url, headers, timeout, payload, trace), "http-probe"
        )
    except Overrun:
        import socket  # only when a stuck connection has to be cut

        for stream in streams:
            with contextlib.suppress(AttributeError, OSError):
                stream.get_extra_info("socket").shutdown(socket.SHUT_RDWR)
        raise httpx.ReadTimeout("deadline") from None
    return result


def _exchange(
    client: httpx.Client,
    method: str,
    url: str,
    headers: dict[str, str],
    timeout: float,
    payload: dict[str, Any] | None,
    trace: Any,
) -> tuple[int, str, bytes, httpx.Headers]:
    import httpx

    deadline = time.monotonic() + timeout
    with client.stream(
        method,
        url,
        headers=headers,
        json=payload,
        follow_redirects=False,
        timeout=timeout,
        extensions={"trace": trace},
    ) as resp:
        chunks, size = [], 0
        # Decoded bytes are counted, so a compressed bomb is cut off as well.
        for chunk in resp.iter_bytes():
            size += len(chunk)
            if size > MAX_BODY:
                raise BodyTooLarge
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout("deadline")
        return resp.status_code, resp.headers.get("content-type", ""), b"".join(chunks), resp.headers


def html_title(text: str) -> str:
    lower = text.lower()
    start = lower.find("<title>")
    if start == -1:
        return "HTML page"
    end = lower.find("</title>", start)
    return clip(" ".join(text[start + 7 : end if end != -1 else start + 80].split()), 80) or "HTML page"
