"""The free HTTP probe against a real local server that answers like the Anthropic API."""

from __future__ import annotations

import json
import socket
import time

import httpx
import pytest
from fakeserver import Reply, serve

from generator.check.environment import Environment
from generator.check.kinds.http_json import HttpParams, http_json

KEY = "sk-ant-api03-" + "k" * 93 + "AA"
MODELS = {
    "data": [
        {"id": "claude-sonnet-4-5-20250929", "type": "model"},
        {"id": "claude-haiku-4-5-20251001", "type": "model"},
    ],
    "has_more": False,
}


def err(kind: str, message: str) -> str:
    return json.dumps(
        {"type": "error", "error": {"type": kind, "message": message}, "request_id": "req_011CTest"}
    )


def params(base: str) -> HttpParams:
    return HttpParams(
        base_var="ANTHROPIC_BASE_URL",
        base_default="https://api.anthropic.com",
        path="/v1/models",
        auth="x-api-key",
        key_var="ANTHROPIC_API_KEY",
        bearer_var="ANTHROPIC_AUTH_TOKEN",
        headers={"anthropic-version": "2023-06-01"},
        model_var="ANTHROPIC_MODEL",
    )


def probe(machine, base: str, **extra: str):
    home, cwd = machine()
    environ = {"ANTHROPIC_BASE_URL": base, "ANTHROPIC_API_KEY": KEY, **extra}
    with httpx.Client() as client:
        env = Environment(vars=environ, home=home, cwd=cwd, client=client, timeout=1.0)
        return http_json(params(base), env)


CASES = [
    (Reply(200, json.dumps(MODELS)), {}, "ok"),
    (Reply(200, json.dumps(MODELS)), {"ANTHROPIC_MODEL": "claude-3-opus-20240229"}, "model-missing"),
    (Reply(401, err("authentication_error", "invalid x-api-key")), {}, "unauthorized"),
    (
        Reply(
            403,
            err("permission_error", "Your API key does not have permission to use the specified resource."),
        ),
        {},
        "forbidden",
    ),
    (Reply(404, err("not_found_error", "Not Found")), {}, "not-found"),
    (
        Reply(
            429,
            err("rate_limit_error", "Number of requests has exceeded your rate limit"),
            {"content-type": "application/json", "retry-after": "17"},
        ),
        {},
        "rate-limited",
    ),
    (Reply(529, err("overloaded_error", "Overloaded")), {}, "overloaded"),
    (Reply(500, err("api_error", "Internal server error")), {}, "server-error"),
    (
        Reply(
            200,
            "<!DOCTYPE html><html><head><title>Sign in - Corp Proxy</title></head></html>",
            {"content-type": "text/html"},
        ),
        {},
        "html",
    ),
    (Reply(200, "{not json", {"content-type": "application/json"}), {}, "bad-json"),
    (Reply(200, json.dumps({"models": []})), {}, "wrong-shape"),
    (Reply(302, "", {"location": "https://evil.example.net/steal?key=1"}), {}, "redirect"),
    (Reply(418, "{}"), {}, "unexpected-status"),
]


@pytest.mark.parametrize(("reply", "extra", "outcome"), CASES, ids=[c[2] for c in CASES])
def test_anthropic_like_replies_map_to_outcomes(
    machine, reply: Reply, extra: dict[str, str], outcome: str
) -> None:
    with serve({"/v1/models": reply}) as (base, seen):
        r = probe(machine, base, **extra)
    assert r.outcome == outcome
    assert KEY not in json.dumps(r.values) + json.dumps(r.evidence)
    # Exactly the headers the Anthropic client sends.
    assert seen[0].headers["x-api-key"] == KEY
    assert seen[0].headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in seen[0].headers


def test_details_carry_provider_message_retry_after_and_count(machine) -> None:
    with serve(
        {
            "/v1/models": Reply(
                429,
                err("rate_limit_error", "slow down"),
                {"content-type": "application/json", "retry-after": "17"},
            )
        }
    ) as (base, _):
        r = probe(machine, base)
    assert (r.values["detail"], r.values["retry_after"], r.values["status"]) == ("slow down", "17", "429")
    with serve({"/v1/models": Reply(200, json.dumps(MODELS))}) as (base, _):
        assert probe(machine, base).values["count"] == "2"
    with serve(
        {"/v1/models": Reply(200, "<html><title>Blocked</title></html>", {"content-type": "text/html"})}
    ) as (base, _):
        assert probe(machine, base).values["detail"] == "Blocked"


def test_redirect_is_not_followed_and_location_has_no_query(machine) -> None:
    with serve({"/v1/models": Reply(307, "", {"location": "https://other.example.net/x?token=abc"})}) as (
        base,
        seen,
    ):
        r = probe(machine, base)
    assert r.values["location"] == "https://other.example.net/x"
    assert len(seen) == 1


def test_auth_token_goes_as_bearer_too(machine) -> None:
    with serve({"/v1/models": Reply(200, json.dumps(MODELS))}) as (base, seen):
        probe(machine, base, ANTHROPIC_AUTH_TOKEN="gateway-token-123456")
    assert seen[0].headers["authorization"] == "Bearer gateway-token-123456"


@pytest.mark.parametrize(
    "reply",
    [Reply(200, json.dumps(MODELS), delay=3.0), Reply(200, json.dumps(MODELS) * 3, drip=0.05)],
    ids=["no-answer", "drip"],
)
def test_slow_server_times_out_within_bound(machine, reply: Reply) -> None:
    with serve({"/v1/models": reply}) as (base, _):
        t0 = time.monotonic()
        r = probe(machine, base)
        took = time.monotonic() - t0
    assert r.outcome == "timeout"
    assert took < 1.0 + 0.5


def test_connection_refused_is_unreachable(machine) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    r = probe(machine, f"http://127.0.0.1:{port}")
    assert r.outcome == "unreachable"


def test_offline_and_no_key_touch_no_network(machine) -> None:
    home, cwd = machine()
    env = Environment(vars={"ANTHROPIC_API_KEY": KEY}, home=home, cwd=cwd, client=None)
    assert http_json(params("x"), env).outcome == "offline"
    env = Environment(
        vars={},
        home=home,
        cwd=cwd,
        client=httpx.Client(transport=httpx.MockTransport(lambda r: pytest.fail("network used"))),
    )
    assert http_json(params("x"), env).outcome == "no-key"


def test_mock_transport_sees_the_default_url(machine) -> None:
    home, cwd = machine()
    urls = []

    def handler(request: httpx.Request) -> httpx.Response:
        urls.append(str(request.url))
        return httpx.Response(200, json=MODELS)

    env = Environment(
        vars={"ANTHROPIC_API_KEY": KEY},
        home=home,
        cwd=cwd,
        client=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    assert http_json(params(""), env).outcome == "ok"
    assert urls == ["https://api.anthropic.com/v1/models"]


@pytest.mark.parametrize("model", ["sonnet", "opus[1m]", "claude-sonnet-4-5"])
def test_aliases_are_not_reported_missing(machine, model: str) -> None:
    home, cwd = machine()
    env = Environment(
        vars={"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_MODEL": model},
        home=home,
        cwd=cwd,
        client=httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, json=MODELS))),
        models={
            "api_aliases": {"claude-sonnet-4-5": "claude-sonnet-4-5-20250929"},
            "claude_code": {"aliases": ["sonnet", "opus"], "suffixes": ["[1m]"]},
        },
    )
    assert http_json(params(""), env).outcome == "ok"
