"""`check anthropic` with the real guide against a local server that answers like the Anthropic API."""

from __future__ import annotations

import json

import pytest
from conftest import check_json
from fakeserver import Reply, serve

KEY = "sk-ant-api03-" + "Zq" * 46 + "4xAA"


def err(kind: str, message: str) -> str:
    return json.dumps({"type": "error", "error": {"type": kind, "message": message}, "request_id": "req_01"})


def check(machine, base: str, *extra: str, **env: str) -> dict:
    home, cwd = machine()
    environ = {"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": base, **env}
    return check_json(home, cwd, ["anthropic", "--timeout", "2", *extra], environ, KEY)


def finding(doc: dict, check_id: str) -> dict:
    return next(f for f in doc["findings"] if f["id"] == f"anthropic/{check_id}")


MODELS = json.dumps({"data": [{"id": "claude-sonnet-4-5-20250929"}], "has_more": False})


@pytest.mark.parametrize(
    ("reply", "status", "code"),
    [
        (Reply(200, MODELS), "pass", None),
        (Reply(401, err("authentication_error", "invalid x-api-key")), "fail", "A1"),
        (Reply(403, err("forbidden", "Request not allowed")), "fail", "A14"),
        (
            Reply(
                429,
                err("rate_limit_error", "rate limited"),
                {"content-type": "application/json", "retry-after": "3"},
            ),
            "warn",
            "A11",
        ),
        (Reply(529, err("overloaded_error", "Overloaded")), "warn", "A12"),
        (Reply(200, "<html><title>Proxy login</title></html>", {"content-type": "text/html"}), "fail", None),
    ],
)
def test_models_endpoint_findings(machine, reply: Reply, status: str, code: str | None) -> None:
    with serve({"/v1/models": reply}) as (base, seen):
        doc = check(machine, base)
    f = finding(doc, "models-endpoint")
    assert f["status"] == status
    if code:
        assert code in f["covers"]
    if status != "pass":
        assert f["fix"] and f["docs_url"].startswith("https://")
    assert seen[0].headers["x-api-key"] == KEY and seen[0].headers["anthropic-version"] == "2023-06-01"
    assert doc["exit"] == (1 if status == "fail" else 0)


def test_model_not_listed_is_a_failure_naming_the_model(machine) -> None:
    with serve({"/v1/models": Reply(200, MODELS)}) as (base, _):
        doc = check(machine, base, ANTHROPIC_MODEL="claude-opus-4-6")
    f = finding(doc, "models-endpoint")
    assert f["status"] == "fail" and "A10" in f["covers"] and "claude-opus-4-6" in f["message"]


def test_slow_server_is_a_timeout_finding_within_bound(machine) -> None:
    with serve({"/v1/models": Reply(200, MODELS, delay=5)}) as (base, _):
        doc = check(machine, base)
    f = finding(doc, "models-endpoint")
    assert f["status"] == "fail" and f["duration_ms"] < 2600


def test_offline_touches_no_network(machine) -> None:
    with serve({"/v1/models": Reply(200, MODELS)}) as (base, seen):
        doc = check(machine, base, "--offline")
    assert seen == []
    assert finding(doc, "models-endpoint")["status"] == "skip"


def test_local_findings_for_a_broken_setup(machine) -> None:
    doc = check(
        machine,
        "http://0.0.0.0:4000/v1",
        "--offline",
        ANTHROPIC_API_KEY="sk-ant-oat01-" + "x" * 80,
        ANTHROPIC_AUTH_TOKEN="sk-ant-api03-" + "y" * 80,
        ANTHROPIC_MODEL="anthropic/claude-sonnet-4.5",
    )
    by_id = {f["id"].split("/")[1]: f for f in doc["findings"]}
    assert by_id["api-key-shape"]["status"] == "fail"
    assert by_id["auth-token-shape"]["status"] == "fail"
    assert by_id["auth-conflict"]["status"] == "warn"
    assert by_id["base-url-shape"]["status"] == "fail"
    # ANTHROPIC_MODEL is Claude Code's setting: judged on Claude Code's route, not on the SDK's.
    assert by_id["model-id-shape"]["status"] == "skip"
    assert doc["exit"] == 1


def test_paid_check_runs_only_with_live_and_says_so(machine) -> None:
    routes = {
        "/v1/models": Reply(200, MODELS),
        "/v1/messages": Reply(200, json.dumps({"id": "msg_01", "type": "message", "content": []})),
    }
    with serve(routes) as (base, seen):
        doc = check(machine, base)
        assert [s.method for s in seen] == ["GET"]
        assert finding(doc, "messages-live")["status"] == "skip"
        live = check(machine, base, "--live")
    post = [s for s in seen if s.method == "POST"]
    assert len(post) == 1 and post[0].path == "/v1/messages"
    assert json.loads(post[0].body)["max_tokens"] == 1
    assert finding(live, "messages-live")["status"] == "pass"


def test_paid_check_maps_credit_balance_400(machine) -> None:
    body = err(
        "invalid_request_error",
        "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
    )
    with serve({"/v1/models": Reply(200, MODELS), "/v1/messages": Reply(400, body)}) as (base, _):
        doc = check(machine, base, "--live")
    f = finding(doc, "messages-live")
    assert f["status"] == "fail" and "A7" in f["covers"] and "credit balance" in f["message"]
