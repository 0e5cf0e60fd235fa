"""`http-json` and `http-paid`: a request to the provider's API exactly as its client sends it (free, or with --live one that spends tokens)."""

from __future__ import annotations

import json
import math
from dataclasses import field
from typing import Any, Literal
from urllib.parse import urlsplit

from generator.check import trust
from generator.check.environment import Environment, Result
from generator.check.http import (
    FAILURES,
    MAX_BODY,
    STATUS_OUTCOMES,
    BodyTooLarge,
    detail,
    dig,
    fetch,
    header_problem,
    html_title,
    safe_url,
    url_problem,
)
from generator.check.kinds.base import Kind, Params, Status, env_only, params
from generator.secrets import clip


@params
class HttpParams(Params):
    """Parameters of `http-json`, a free GET against the provider's API."""

    base_var: str | None = None
    """Setting that overrides the base URL."""
    base_default: str
    """Base URL when the setting is unset."""
    path: str
    """Path appended to the base URL (`/v1/models`)."""
    auth: Literal["x-api-key", "bearer", "none"] = "bearer"
    """How the client sends the key."""
    key_var: str | None = None
    """Setting that holds the key (sent as `auth` says)."""
    bearer_var: str | None = None
    """Setting sent as `Authorization: Bearer` in addition (Anthropic clients send both when both are set)."""
    sources: list[str] = field(default_factory=env_only)
    """Where the tool reads its settings, highest precedence first."""
    headers: dict[str, str] = field(default_factory=dict)
    """Extra headers the real client sends (`anthropic-version`)."""
    model_var: str | None = None
    """Setting whose model ID must appear in the listed IDs."""
    list_field: str = "data"
    """Field of the JSON reply holding the list (dotted path); empty when the reply is not a list."""
    method: Literal["GET", "POST"] = "GET"
    """HTTP method; POST only for `http-paid` (a request that spends tokens)."""
    body: dict[str, Any] = field(default_factory=dict)
    """JSON body of a POST; the model setting's value goes into `model`."""
    model_default: str | None = None
    """Model sent in a POST body when the model setting is unset."""
    id_field: str = "id"
    """Field of each list item holding the ID."""
    budget_field: str | None = None
    """Field of the JSON reply holding a spending limit (dotted path, `info.max_budget`; null: no limit).
    Setting it adds the outcome `budget-exceeded`, reported when the spend reaches the limit."""
    spend_field: str | None = None
    """Field of the JSON reply holding the amount spent so far (dotted path, `info.spend`)."""


_VALUES = (
    "url",
    "status",
    "model",
    "detail",
    "count",
    "retry_after",
    "host",
    "location",
    "error",
    "spend",
    "budget",
)


def _budget(p: Any) -> set[str]:
    return {"budget-exceeded"} if p.budget_field else set()


KINDS = (
    Kind(
        "http-json",
        "free-call",
        HttpParams,
        {"ok": Status.PASS, "model-missing": Status.FAIL, **FAILURES},
        _VALUES,
        probe="http_json",
        reads=("base_var", "key_var", "bearer_var", "model_var"),
        secrets=("key_var", "bearer_var"),
        extra_outcomes=_budget,
    ),
    # A real request that spends tokens (a one-token message): run only with --live.
    Kind(
        "http-paid",
        "paid-call",
        HttpParams,
        {"ok": Status.PASS, "model-missing": Status.FAIL, **FAILURES, "bad-request": Status.FAIL},
        _VALUES,
        probe="http_json",
        reads=("base_var", "key_var", "bearer_var", "model_var"),
        secrets=("key_var", "bearer_var"),
        extra_outcomes=_budget,
    ),
)


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
        status, ctype, body, resp_headers = fetch(env.client, p.method, url, headers, env.timeout, payload)
    except BodyTooLarge:
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
        values["detail"] = html_title(text)
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
        values["detail"] = detail(data) or "-"
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
    items = dig(data, p.list_field)
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
    budget = _number(dig(data, p.budget_field or ""))
    spend = _number(dig(data, p.spend_field)) if p.spend_field else None
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
