"""The predicted route equals what the real clients were seen to send (no client needed to run this).

tests/fixtures/routes/*_observed.yaml hold what Claude Code 2.1.328 and the anthropic/openai/litellm
packages really sent for each configuration of *_cases.yaml (recorded by tests/route_clients.py in a
private network namespace). Here each configuration is laid out again and `check` resolves its route
in-process; `route_clients.assert_route` compares endpoint, auth, credential fingerprint, model,
background model, region and project field by field. tests/test_routes_real_clients.py re-runs the
clients themselves; this test keeps the resolver honest on every CI run, in seconds.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
import yaml
from route_clients import ROUTES, TARGET, Case, Outcome, assert_route, build, load_cases

from generator.check.command import CheckOptions, check_command


def _observed() -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for name in ("claude_code", "python_clients"):
        path = ROUTES / f"{name}_observed.yaml"
        if path.is_file():
            seen.update(yaml.safe_load(path.read_text("utf-8"))["observed"])
    return seen


OBSERVED = _observed()
CASES = [
    c for c in load_cases("claude_code") + load_cases("python_clients") if c.predictable and c.id in OBSERVED
]


def predicted(case: Case, top: Path) -> dict[str, Any]:
    machine = build(case, top)
    model = case.args[case.args.index("--model") + 1] if "--model" in case.args else None
    out = io.StringIO()
    with redirect_stdout(out):
        check_command(
            CheckOptions(targets=[TARGET[case.client]], offline=True, json=True, lang="en", model=model),
            environ=machine.env,
            home=machine.home,
            cwd=machine.cwd,
        )
    doc: dict[str, Any] = json.loads(out.getvalue())
    return doc


def test_every_recorded_case_is_compared() -> None:
    assert len(CASES) >= 80


@pytest.mark.parametrize(
    "case",
    [
        # A case the resolver does not meet yet carries `pending:`; it must fail until the fix
        # removes that line (as in test_routes_real_clients.py).
        pytest.param(c, marks=[pytest.mark.xfail(strict=True, reason=c.pending)] if c.pending else [])
        for c in CASES
    ],
    ids=[c.id for c in CASES],
)
def test_route_matches_what_the_client_sent(case: Case, tmp_path: Path) -> None:
    assert_route(Outcome(case, OBSERVED[case.id], predicted(case, tmp_path), ""))
