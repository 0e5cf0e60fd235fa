"""The free HTTP probe, and the one place where HTTP replies and httpx errors become outcomes."""

from __future__ import annotations

import contextlib
import json
import math
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from generator.check import trust
from generator.check.bounded import Overrun, within
from generator.check.environment import Environment, Result
from generator.secrets import clip, redact_urls

if TYPE_CHECKING:
    import httpx

    from generator.check.params import HttpParams

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


def _dig(data: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def _detail(data: Any) -> str:
    """The provider's own error message from common envelopes, masked, then shortened."""
    for path in ("error.message", "message", "detail", "error"):
        found = _dig(data, path)
        if isinstance(found, str):
            return clip(found, 200)
    return ""


def http_json(p: HttpParams, env: Environment) -> Result:
    settings = env.settings
    base = settings.resolve(p.base_var, p.sources).value if p.base_var else None
    base_url = (base or p.base_default).strip().rstrip("/")
    url = base_url + p.path
    values: dict[str, str] = {
        "url": safe_url(url),
        "host": urlsplit(url).hostname or "",
        "status": "-",
        "detail": "-",
    }
    values.update(model="-", count="-", retry_after="-", location="-", error="-", spend="-", budget="-")
    headers = {"accept": "application/json", **p.headers}
    key_r = settings.resolve(p.key_var, p.sources) if p.key_var else None
    bearer_r = settings.resolve(p.bearer_var, p.sources) if p.bearer_var else None
    key = key_r.value if key_r else None
    bearer = bearer_r.value if bearer_r else None
    if p.auth != "none":
        if not key and not bearer:
            return Result("no-key", values)
        # The trust rule (trust.py): a key from the environment or the home folder never goes to
        # an endpoint that only the working folder names.
        held = [r for r in (key_r, bearer_r) if r is not None and r.value]
        found = trust.refusal(settings, held, p.base_var, p.sources, values["url"], p.base_default)
        if found:
            return trust.refused(env, found, values)
        for r in held if env.client is not None else []:  # offline, key-shape alone reports it
            bad = header_problem(r.value or "")
            if bad is not None:
                return trust.not_sendable(env, r, bad, values)
        problem = url_problem(url)
        if problem and env.client is not None:
            values["error"] = problem
            return Result("unreachable", values, {"url": values["url"]})
        # Exactly what the client sends: the key in its header, a bearer token as Authorization.
        if key:
            headers["x-api-key" if p.auth == "x-api-key" else "authorization"] = (
                key if p.auth == "x-api-key" else f"Bearer {key}"
            )
        if bearer:
            headers["authorization"] = f"Bearer {bearer}"
    model = settings.resolve(p.model_var, p.sources).value if p.model_var else None
    if model:
        values["model"] = model
    if env.client is None:
        return Result("offline", values)
    import httpx  # only here: `--offline` never pays for it

    ev: dict[str, Any] = {"url": values["url"], "method": p.method}
    payload = None
    if p.method == "POST":
        payload = {**p.body, "model": model or p.model_default}
        values["model"] = str(payload["model"])
    try:
        status, ctype, body, resp_headers = _fetch(env.client, p.method, url, headers, env.timeout, payload)
    except _BodyTooLarge:
        values["detail"] = f"body larger than {MAX_BODY // (1024 * 1024)} MB"
        return Result("bad-json", values, ev)
    except httpx.TimeoutException:
        values["error"] = f"no complete answer within {env.timeout:g} s"
        return Result("timeout", values, ev)
    except (httpx.HTTPError, httpx.InvalidURL, UnicodeError, ValueError) as exc:
        text = str(exc) or type(exc).__name__
        values["error"] = clip(text, 200)
        tls = "CERTIFICATE" in text.upper() or "SSL" in text.upper() or "TLS" in text.upper()
        return Result("tls" if tls else "unreachable", values, ev)
    values["status"] = str(status)
    ev["status"] = status
    if 300 <= status < 400:
        # Never follow: the redirect target may be another host, and the credential must not go there.
        values["location"] = safe_url(resp_headers.get("location", "")) or "-"
        return Result("redirect", values, ev)
    text = body.decode("utf-8", "replace")
    if "html" in ctype or text.lstrip()[:15].lower().startswith(("<!doctype", "<html")):
        values["detail"] = _html_title(text)
        return Result("html", values, ev)
    data: Any = None
    if text.strip():
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # RecursionError: a body nested thousands deep
            if status < 300:
                values["detail"] = clip(text.strip(), 80)
                return Result("bad-json", values, ev) if p.list_field else Result("ok", values, ev)
    if data is not None:
        values["detail"] = _detail(data) or "-"
    if status >= 400:
        retry = resp_headers.get("retry-after")
        if retry:
            values["retry_after"] = clip(retry, 20)
        outcome = STATUS_OUTCOMES.get(status) or ("server-error" if status >= 500 else "unexpected-status")
        if outcome == "bad-request" and p.method == "GET":
            outcome = "unexpected-status"  # only a message request has a documented 400
        return Result(outcome, values, ev)
    if p.budget_field and _budget_reached(data, p, values, ev):
        return Result("budget-exceeded", values, ev)
    if not p.list_field:
        return Result("ok", values, ev)
    items = _dig(data, p.list_field)
    if not isinstance(items, list):
        values["detail"] = f"no list at '{p.list_field}'"
        return Result("wrong-shape", values, ev)
    ids = [item.get(p.id_field) for item in items if isinstance(item, dict)]
    values["count"] = str(len(ids))
    ev["count"] = len(ids)
    if model and p.method == "GET" and not _listed(model.strip(), ids, env.models):
        return Result("model-missing", values, ev)
    return Result("ok", values, ev)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _budget_reached(data: Any, p: HttpParams, values: dict[str, str], ev: dict[str, Any]) -> bool:
    """Whether the reply's spend has reached its limit, as LiteLLM decides it (`spend >= max_budget`).

    A null or absent limit is no limit; an absent spend is nothing spent yet.
    """
    budget = _number(_dig(data, p.budget_field or ""))
    spend = _number(_dig(data, p.spend_field)) if p.spend_field else None
    if spend is not None:
        values["spend"] = f"{spend:g}"
        ev["spend"] = spend
    if budget is None:
        return False
    values["budget"] = f"{budget:g}"
    ev["budget"] = budget
    return (spend or 0.0) >= budget


def _listed(model: str, ids: list[Any], models: dict[str, Any]) -> bool:
    """Whether a models list shows `model`: itself, the dated ID its undated alias stands for, or a
    Claude Code alias (those resolve inside the client; no models list shows them)."""
    from generator.check.model_facts import client_alias

    for suffix in (models.get("claude_code") or {}).get("suffixes", []):
        model = model.removesuffix(suffix)
    return model in ids or models.get("api_aliases", {}).get(model) in ids or client_alias(models, model)


class _BodyTooLarge(Exception):
    pass


def _fetch(
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
                raise _BodyTooLarge
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout("deadline")
        return resp.status_code, resp.headers.get("content-type", ""), b"".join(chunks), resp.headers


def _html_title(text: str) -> str:
    lower = text.lower()
    start = lower.find("<title>")
    if start == -1:
        return "HTML page"
    end = lower.find("</title>", start)
    return clip(" ".join(text[start + 7 : end if end != -1 else start + 80].split()), 80) or "HTML page"
