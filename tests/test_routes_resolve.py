"""Route resolution details: the installed Claude Code version, the version → alias table, and the
`routes` block in every output format."""

from __future__ import annotations

import io
import json
import os
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

from generator.check.command import CheckOptions, check_command

ROUTE_KEYS = {
    "client",
    "client_version",
    "provider",
    "endpoint",
    "auth",
    "credential",
    "model",
    "small_model",
    "region",
    "project",
    "settings",
}
KEY = "sk-ant-api03-" + "Rt7" * 30 + "AbCd"


def run(environ: dict[str, str], home: Path, cwd: Path, **options: Any) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        check_command(CheckOptions(offline=True, lang="en", **options), environ=environ, home=home, cwd=cwd)
    return out.getvalue()


def routes(environ: dict[str, str], home: Path, cwd: Path, *targets: str) -> list[dict[str, Any]]:
    doc = json.loads(run(environ, home, cwd, json=True, targets=list(targets)))
    result: list[dict[str, Any]] = doc["routes"]
    return result


def claude(environ: dict[str, str], home: Path, cwd: Path) -> dict[str, Any]:
    """Claude Code's route (an API key in the shell also gives the Anthropic SDK one)."""
    (route,) = [r for r in routes(environ, home, cwd, "claude-code") if r["client"] == "claude-code"]
    return route


def npm_install(top: Path, version: str) -> Path:
    """An npm global install of Claude Code: bin/claude → the package's native binary, beside package.json.

    The binary is a script that leaves a mark when run: `check` must never run it.
    """
    pkg = top / "lib" / "node_modules" / "@anthropic-ai" / "claude-code"
    (pkg / "bin").mkdir(parents=True)
    (pkg / "package.json").write_text(json.dumps({"name": "@anthropic-ai/claude-code", "version": version}))
    exe = pkg / "bin" / "claude.exe"
    exe.write_text(f"#!/bin/sh\ntouch {top / 'was-run'}\n")
    exe.chmod(0o755)
    (top / "bin").mkdir()
    (top / "bin" / "claude").symlink_to(os.path.relpath(exe, top / "bin"))
    return top / "bin"


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    home.mkdir()
    cwd.mkdir()
    return home, cwd


def test_version_from_npm_package_on_path_never_run(dirs: tuple[Path, Path], tmp_path: Path) -> None:
    home, cwd = dirs
    bin_dir = npm_install(tmp_path / "npm", "2.1.197")
    route = claude({"PATH": str(bin_dir), "ANTHROPIC_API_KEY": KEY}, home, cwd)
    assert route["client"] == "claude-code" and route["client_version"] == "2.1.197"
    assert not (tmp_path / "npm" / "was-run").exists()


def test_version_selects_the_alias_table(dirs: tuple[Path, Path], tmp_path: Path) -> None:
    """Issue 14 item 6: 2.1.197 sends claude-opus-4-8 by default and maps `sonnet` to claude-sonnet-5."""
    home, cwd = dirs
    old = npm_install(tmp_path / "old", "2.1.197")
    new = npm_install(tmp_path / "new", "2.1.328")
    env = {"ANTHROPIC_API_KEY": KEY}
    r_old = claude({**env, "PATH": str(old)}, home, cwd)
    r_new = claude({**env, "PATH": str(new)}, home, cwd)
    assert r_old["model"]["resolved"] == "claude-opus-4-8"
    assert r_new["model"]["resolved"] == "claude-opus-5-5"
    r_alias = claude({**env, "PATH": str(old), "ANTHROPIC_MODEL": "sonnet"}, home, cwd)
    assert r_alias["model"] == {
        "value": "sonnet",
        "resolved": "claude-sonnet-5",
        "setting": "ANTHROPIC_MODEL",
        "source": "env",
        "line": None,
    }


def test_version_from_native_installer(dirs: tuple[Path, Path], tmp_path: Path) -> None:
    home, cwd = dirs
    versions = home / ".local" / "share" / "claude" / "versions"
    versions.mkdir(parents=True)
    (versions / "2.1.300").write_text("#!/bin/sh\nexit 1\n")
    bin_dir = home / ".local" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "claude").symlink_to(versions / "2.1.300")
    (route,) = routes({"PATH": str(bin_dir)}, home, cwd)
    assert route["client"] == "claude-code" and route["client_version"] == "2.1.300"


def test_real_package_version(dirs: tuple[Path, Path]) -> None:
    bin_dir = ROOT / "tests" / "clients" / "node_modules" / ".bin"
    pkg = ROOT / "tests" / "clients" / "node_modules" / "@anthropic-ai" / "claude-code" / "package.json"
    if not (bin_dir / "claude").exists():
        pytest.skip("Claude Code is not installed under tests/clients")
    home, cwd = dirs
    (route,) = routes({"PATH": str(bin_dir)}, home, cwd)
    assert route["client_version"] == json.loads(pkg.read_text())["version"]


def test_routes_in_every_format(dirs: tuple[Path, Path]) -> None:
    home, cwd = dirs
    (home / ".claude").mkdir()
    (home / ".claude" / "settings.json").write_text(
        json.dumps(
            {
                "env": {
                    "ANTHROPIC_AUTH_TOKEN": "gw-" + "t" * 30,
                    "ANTHROPIC_BASE_URL": "https://gw.example.com",
                }
            }
        )
    )
    environ = {"PATH": ""}
    (route,) = routes(environ, home, cwd)
    assert set(route) == ROUTE_KEYS
    assert route["provider"] == "gateway" and route["auth"] == "bearer"
    assert route["credential"]["source"] == "~/.claude/settings.json" and route["credential"]["line"] == 1
    assert set(route["credential"]) == {"setting", "masked", "fingerprint", "source", "line"}
    assert all(set(s) == {"name", "value", "source", "line", "shadowed"} for s in route["settings"])
    last = run(environ, home, cwd, ndjson=True).strip().splitlines()[-1]
    assert json.loads(last)["routes"][0]["endpoint"] == "https://gw.example.com"
    report = run(environ, home, cwd, report=True)
    assert "claude-code → gateway https://gw.example.com" in report
    text = run(environ, home, cwd).splitlines()
    # (StringIO is not a UTF-8 terminal: the arrow prints as `?` there)
    assert (
        text[0] == "Routes:"
        and text[1].startswith("  claude-code ")
        and "gateway https://gw.example.com" in text[1]
    )
    assert "t" * 30 not in "".join(text) + report + last


def test_a_named_provider_forces_its_route(dirs: tuple[Path, Path]) -> None:
    home, cwd = dirs
    assert routes({"PATH": ""}, home, cwd) == []
    (forced,) = routes({"PATH": ""}, home, cwd, "openhands")
    assert forced["client"] == "openhands" and forced["credential"] is None


def test_empty_machine_text_is_short_and_says_what_to_do(dirs: tuple[Path, Path]) -> None:
    home, cwd = dirs
    lines = run({"PATH": ""}, home, cwd).rstrip("\n").splitlines()
    assert len(lines) <= 15
    assert lines[0].startswith("No client in use was found (looked at:")
    assert any(
        line.startswith("Name a provider to check it anyway: python -m generator check ") for line in lines
    )
    verbose = run({"PATH": ""}, home, cwd, verbose=True)
    assert len(verbose.splitlines()) > 40  # -v lists every check
