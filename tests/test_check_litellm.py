"""`check litellm` with the real guide against a local server that answers like a LiteLLM proxy with a database.

The real proxy runs in test_litellm_proxy.py; virtual keys need its database, so the `/key/info`
bodies here copy the shape LiteLLM 1.x returns (`{"key": ..., "info": {"spend", "max_budget", ...}}`).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import check_json
from fakeserver import Reply, serve

KEY = "sk-" + "Vk3" * 8 + "9aQQ"


def key_info(**info: Any) -> str:
    base = {
        "key_alias": None,
        "spend": 0.0,
        "max_budget": None,
        "models": [],
        "budget_reset_at": None,
        "status": "active",
    }
    return json.dumps({"key": KEY, "info": {**base, **info}})


def models(*ids: str) -> str:
    return json.dumps({"data": [{"id": i, "object": "model"} for i in ids], "object": "list"})


def check(machine, base: str, **env: str) -> dict[str, Any]:
    home, cwd = machine()
    environ = {"LITELLM_PROXY_URL": base, "LITELLM_API_KEY": KEY, **env}
    return check_json(home, cwd, ["litellm", "--timeout", "2", "--lang", "en"], environ, KEY)


@pytest.mark.parametrize(
    ("info", "status", "shown"),
    [
        ({"spend": 3.25, "max_budget": None}, "pass", "spent 3.25, budget -"),
        ({"spend": 2, "max_budget": 10}, "pass", "spent 2, budget 10"),
        ({"spend": 0.0, "max_budget": 0.0}, "fail", "spent 0 of 0"),  # `max_budget: 0` blocks at once
        ({"spend": 10.5, "max_budget": 10}, "fail", "spent 10.5 of 10"),
        ({"spend": None, "max_budget": 5}, "pass", "spent -, budget 5"),  # no spend recorded yet
        ({"spend": 1, "max_budget": "10"}, "pass", "budget -"),  # not a number: not judged
    ],
)
def test_key_budget(machine, info: dict[str, Any], status: str, shown: str) -> None:
    with serve({"/key/info": Reply(200, key_info(**info))}) as (base, seen):
        doc = check(machine, base)
    f = doc["by_id"]["key-info"]
    assert f["status"] == status and shown in f["message"], f
    if status == "fail":
        assert (
            f["covers"] == ["L9"]
            and "/litellm/budget-exceeded/" in f["docs_url"]
            and "max_budget" in f["fix"]
        )
    assert next(s for s in seen if s.path == "/key/info").headers["authorization"] == f"Bearer {KEY}"


def test_model_the_key_may_not_use(machine) -> None:
    # LiteLLM lists only the models a key may use on /v1/models, so a key generated with
    # `models: [claude-haiku]` does not list claude-sonnet even though the proxy serves it.
    with serve(
        {
            "/v1/models": Reply(200, models("claude-haiku")),
            "/key/info": Reply(200, key_info(models=["claude-haiku"])),
        }
    ) as (base, _):
        doc = check(machine, base, LITELLM_PROXY_MODEL="claude-sonnet")
    f = doc["by_id"]["proxy-models"]
    assert (
        f["status"] == "fail" and "claude-sonnet is not among the 1 models this key may use" in f["message"]
    )
    assert "L8" in f["covers"]
    assert doc["by_id"]["key-info"]["status"] == "pass"
    assert doc["exit"] == 1


def test_budget_error_status_from_a_model_route(machine) -> None:
    # Current LiteLLM answers an exhausted key's model calls with 422 (older releases: 400 or 429);
    # the free routes stay open, so key-info reads the numbers instead of waiting for that error.
    body = json.dumps(
        {
            "error": {
                "message": "Budget has been exceeded! Key=key Current cost: 0.0, Max budget: 0.0",
                "type": "budget_exceeded",
                "code": "422",
            }
        }
    )
    with serve({"/key/info": Reply(422, body)}) as (base, _):
        doc = check(machine, base)
    f = doc["by_id"]["key-info"]
    assert f["status"] == "fail" and "Budget has been exceeded!" in f["message"]
