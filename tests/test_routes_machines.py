"""Whole machines (files + environment) → the routes `check` resolves and the checks that fail.

Each folder under tests/fixtures/machines/ is one machine: `home/` and `cwd/` hold its files,
`env.json` its environment (no PATH: no installed client is found), and `expected.yaml` what
`check --offline --json` must say about it: the routes (dotted fields), the exact set of failing
check IDs, and optionally warnings, fix wording, finding sources and the text length.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURES

from generator.check.command import CheckOptions, check_command
from generator.check.plan import load_plan

MACHINES = sorted(p for p in (FIXTURES / "machines").iterdir() if (p / "expected.yaml").is_file())
# Kinds whose verdict is about the value itself (not its presence or a network reply).
JUDGING = {"key-shape", "url-shape", "model-id", "route-model", "setting-value"}


def run(machine: Path, *args: str) -> tuple[int, str]:
    environ = json.loads((machine / "env.json").read_text(encoding="utf-8"))
    out = io.StringIO()
    with redirect_stdout(out):
        code = check_command(
            CheckOptions(offline=True, json="--json" in args, lang="en", verbose="-v" in args),
            environ=environ,
            home=machine / "home",
            cwd=machine / "cwd",
        )
    return code, out.getvalue()


def field(data: dict[str, Any], dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def test_there_are_enough_machines() -> None:
    names = [m.name for m in MACHINES]
    assert len([n for n in names if n.startswith("seed-")]) == 3
    assert len(names) >= 23


@pytest.mark.parametrize("machine", MACHINES, ids=[m.name for m in MACHINES])
def test_machine(machine: Path) -> None:
    expected = yaml.safe_load((machine / "expected.yaml").read_text(encoding="utf-8"))
    code, out = run(machine, "--json")
    doc = json.loads(out)
    routes = doc["routes"]
    assert len(routes) == len(expected["routes"]), [(r["client"], r["provider"]) for r in routes]
    for want, got in zip(expected["routes"], routes, strict=True):
        for key, value in want.items():
            assert field(got, key) == value, (key, got)
    by_status: dict[str, set[str]] = {}
    for f in doc["findings"]:
        by_status.setdefault(f["status"], set()).add(f["id"])
    assert by_status.get("fail", set()) == set(expected["failing"])
    assert code == (1 if expected["failing"] else 0) or by_status.get("error")
    if "warning" in expected:
        assert by_status.get("warn", set()) == set(expected["warning"])
    findings = {f["id"]: f for f in doc["findings"]}
    for check_id, words in (expected.get("fix") or {}).items():
        assert words in (findings[check_id]["fix"] or ""), findings[check_id]["fix"]
    for check_id, where in (expected.get("source") or {}).items():
        assert findings[check_id]["source"] == where
    assert "error" not in by_status, [f["message"] for f in doc["findings"] if f["status"] == "error"]
    if "max_lines" in expected:
        _, text = run(machine)
        lines = text.rstrip("\n").splitlines()
        assert len(lines) <= expected["max_lines"], text
        problems = [line for line in lines if line.startswith(("✗", "!", "[FAIL]", "[warn]"))]
        if expected["failing"]:
            assert problems and expected["failing"][0] in problems[0], text


@pytest.mark.parametrize("machine", MACHINES, ids=[m.name for m in MACHINES])
def test_no_value_is_both_accepted_and_rejected(machine: Path) -> None:
    """Every check that judges a value agrees with every other check that judges the same value."""
    _, out = run(machine, "--json")
    doc = json.loads(out)
    plan, _ = load_plan(None)
    assert plan is not None
    kinds = {c["id"]: c["kind"] for c in plan["checks"]}
    settings = {s["name"]: s["value"] for r in doc["routes"] for s in r["settings"]}
    environ = json.loads((machine / "env.json").read_text(encoding="utf-8"))
    verdicts: dict[str, dict[str, set[str]]] = {}
    for f in doc["findings"]:
        kind_ok = f["status"] in ("pass", "fail")
        ev = f["evidence"]
        value = ev.get("value") or settings.get(ev.get("var", "")) or environ.get(ev.get("var", ""))
        if not kind_ok or not value or f.get("id") is None:
            continue
        if kinds.get(f["id"]) not in JUDGING:
            continue
        verdicts.setdefault(value, {}).setdefault(f["status"], set()).add(f["id"])
    both = {v: ids for v, ids in verdicts.items() if "pass" in ids and "fail" in ids}
    assert not both, both
