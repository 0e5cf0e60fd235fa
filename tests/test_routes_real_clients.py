"""The route `check` predicts is the request the real client sends (issue 14, items 5 and 6).

Every case in tests/fixtures/routes/*_cases.yaml is run twice on the same fake machine: once with the
real client (Claude Code from npm, the anthropic/openai/litellm packages) against the recorder in a
private network namespace (tests/route_clients.py), once as `python -m generator check --offline
--json TARGET`. The route for the case's client must name the same endpoint, auth scheme, credential
fingerprint, model, background model, region and project as the request the client sent
(`route_clients.assert_route`); the recorded observations must stay what the client does.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import yaml
from route_clients import (
    ROUTES,
    WORKERS,
    Case,
    Outcome,
    assert_route,
    both,
    claude_binary,
    claude_version,
    isolation,
    load_cases,
)

pytestmark = pytest.mark.slow

CLAUDE = load_cases("claude_code")
PYTHON = load_cases("python_clients")
ALL = CLAUDE + PYTHON


@pytest.fixture(scope="module")
def outcomes(request: pytest.FixtureRequest) -> dict[str, Outcome]:
    """Every selected case run once with its client and once with `check`, a few at a time."""
    reason = isolation()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the route tests cannot run: {reason}")
        pytest.skip(reason)
    if claude_binary() is None:
        pytest.fail("Claude Code is not installed: run tests/clients/install.sh (.ci/run does)")
    wanted = {
        item.callspec.params["case"].id
        for item in request.session.items
        if hasattr(item, "callspec") and isinstance(item.callspec.params.get("case"), Case)
    }
    with ThreadPoolExecutor(WORKERS) as pool:
        return {o.case.id: o for o in pool.map(both, [c for c in ALL if c.id in wanted])}


def _stored(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROUTES / f"{name}_observed.yaml").read_text("utf-8"))
    return data


STABLE = ("endpoint", "auth", "fingerprint", "model", "region", "project")


def _stable(facts: dict[str, Any] | None) -> dict[str, Any] | None:
    return {k: facts[k] for k in STABLE} if facts else None


def test_installed_claude_code_is_the_recorded_version() -> None:
    recorded = _stored("claude_code")["versions"]["@anthropic-ai/claude-code"]
    assert claude_version() == recorded, (
        "tests/clients installs another Claude Code than the one the observations were made with: "
        "run `python tests/route_clients.py observe` and review the diff"
    )


@pytest.mark.parametrize("case", ALL, ids=[c.id for c in ALL])
def test_client_sends_what_the_fixture_records(case: Case, outcomes: dict[str, Outcome]) -> None:
    """The stored observations are still what the client does (and the client is deterministic)."""
    name = "claude_code" if case.client == "claude-code" else "python_clients"
    stored = _stored(name)["observed"][case.id]
    fresh = outcomes[case.id].observed
    assert "error" not in fresh, f"{case.id}: the client run failed: {fresh.get('error')}"
    for part in ("main", "background"):
        assert _stable(fresh[part]) == _stable(stored[part]), (
            f"{case.id}: {part} request changed (exit {fresh.get('exit')}: {fresh.get('output')!r})"
        )


PREDICTABLE = [
    pytest.param(
        c,
        id=c.id,
        # A known gap fails as expected; once check gets it right the XPASS fails the suite, so
        # the case's `pending:` is removed with the fix.
        marks=[pytest.mark.xfail(strict=True, reason=c.pending)] if c.pending else [],
    )
    for c in ALL
    if c.predictable
]


@pytest.mark.parametrize("case", PREDICTABLE)
def test_route_is_what_the_client_sends(case: Case, outcomes: dict[str, Outcome]) -> None:
    """`check`'s route for the case equals the request the real client sent, field by field."""
    assert_route(outcomes[case.id])
