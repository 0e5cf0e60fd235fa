"""The compiled check plan keeps `check` fast: it is fresh, and the fast path imports nothing heavy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, GUIDES, ROOT

from generator.check.plan import compile_plan, guides_hash, is_fresh, load_plan, write_plan
from generator.kb.catalogue import load_catalogue
from generator.paths import PLAN_FILE


def test_render_builds_a_fresh_plan_that_check_uses() -> None:
    # The plan is built (render, the mkdocs hook, the install), never committed.
    cat = load_catalogue(GUIDES)
    write_plan(cat, GUIDES)
    assert is_fresh(cat, GUIDES)
    plan, problems = load_plan(None)
    assert problems == [] and plan == json.loads(PLAN_FILE.read_text(encoding="utf-8"))


def test_a_code_change_makes_the_plan_stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The stamp covers the code that shapes the plan, not only the guides.
    import shutil

    import generator.paths as paths

    copy = tmp_path / "generator"
    shutil.copytree(paths.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.json"))
    monkeypatch.setattr(paths, "PACKAGE", copy)
    before = guides_hash(GUIDES)
    kinds = copy / "check" / "kinds" / "__init__.py"
    kinds.write_text(kinds.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    assert guides_hash(GUIDES) != before


def test_no_compiled_file_is_committed() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "generator"], cwd=ROOT, capture_output=True, text=True, timeout=30
    ).stdout.split()
    assert tracked and not [t for t in tracked if t.endswith(".json")]


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
    assert plan["hash"] == guides_hash(valid) != guides_hash(GUIDES)


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
