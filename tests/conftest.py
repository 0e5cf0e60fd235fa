"""Shared fixtures: paths, a fake machine, and a parsed `check` command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.check.command import CheckOptions
from generator.cli import build_parser, check_options

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GUIDES = ROOT / "guides"
RESEARCH = ROOT.parent / "shared" / "research" / "provider-errors.md"
# The providers DESIGN.md names: each must have a guide, and a leak test runs all of their checks.
PROVIDERS = (
    "anthropic",
    "claude-code",
    "bedrock",
    "vertex",
    "openrouter",
    "openai-sdk",
    "litellm",
    "openhands",
)


@pytest.fixture
def machine(tmp_path: Path) -> Callable[..., tuple[Path, Path]]:
    """Make a fake home and working folder, with optional files in each."""

    count = [0]

    def make(
        home_files: dict[str, object] | None = None, cwd_files: dict[str, object] | None = None
    ) -> tuple[Path, Path]:
        count[0] += 1  # each call is a fresh machine
        top = tmp_path / f"m{count[0]}"
        home, cwd = top / "home" / "someuser", top / "work" / "project"
        for base, files in ((home, home_files or {}), (cwd, cwd_files or {})):
            base.mkdir(parents=True, exist_ok=True)
            for rel, content in files.items():
                path = base / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(
                    content if isinstance(content, str) else json.dumps(content), encoding="utf-8"
                )
        return home, cwd

    return make


def check_args(*argv: str) -> CheckOptions:
    return check_options(build_parser().parse_args(["check", *argv]))


def check_json(home: Path, cwd: Path, args: list[str], env: dict[str, str], secret: str) -> dict[str, Any]:
    """Run `python -m generator check ARGS --json` on a fake machine; the secret must never show."""
    environ = {"PATH": os.environ["PATH"], "HOME": str(home), "PYTHONPATH": str(ROOT), **env}
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "check", *args, "--json"],
        capture_output=True, text=True, cwd=cwd, env=environ, timeout=60,
    )  # fmt: skip
    assert secret not in proc.stdout + proc.stderr
    doc: dict[str, Any] = json.loads(proc.stdout)
    doc["exit"] = proc.returncode
    doc["by_id"] = {f["id"].split("/", 1)[1]: f for f in doc["findings"]}
    return doc
