"""The compiled check plan keeps `check` fast: it is fresh, and the fast path imports nothing heavy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, GUIDES, ROOT

from generator.catalogue import load_catalogue
from generator.checks.plan import PLAN_FILE, compile_plan, guides_hash, is_fresh, load_plan


def test_committed_plan_is_fresh() -> None:
    cat = load_catalogue(GUIDES)
    assert is_fresh(cat, GUIDES), "run: python -m generator render"


def test_offline_check_imports_neither_pydantic_yaml_jinja_nor_httpx(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from generator.cli import main\n"
        "main(['check', '--offline', '--json'])\n"
        "print(sorted(m for m in ('pydantic', 'yaml', 'jinja2', 'httpx') if m in sys.modules), file=sys.stderr)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60
    )
    assert json.loads(proc.stdout)["schema_version"] == 1
    assert proc.stderr.strip().splitlines()[-1] == "[]"


def test_stale_or_foreign_guides_are_compiled_on_the_fly() -> None:
    valid = FIXTURES / "guides" / "valid"
    plan, problems = load_plan(valid)
    assert problems == [] and plan is not None
    assert [c["id"] for c in plan["checks"]] == ["demo/key-shape"]
    assert plan["hash"] == guides_hash(valid) != json.loads(PLAN_FILE.read_text(encoding="utf-8"))["hash"]


def test_broken_guides_give_problems_not_a_plan() -> None:
    plan, problems = load_plan(FIXTURES / "guides" / "broken")
    assert plan is None and len(problems) == 7


def test_plan_carries_what_findings_need() -> None:
    cat = load_catalogue(FIXTURES / "guides" / "valid")
    (item,) = compile_plan(cat, FIXTURES / "guides" / "valid")["checks"]
    assert item["params"]["prefixes"] == ["demo-"] and item["params"]["sources"] == ["env"]
    assert item["docs_entry"] == "demo/bad-key"
    assert item["source"].endswith("demo.yaml:45")
    assert set(item["outcomes"]["whitespace"]) == {"message", "fix", "covers", "entry"}
