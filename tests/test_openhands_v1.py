"""OpenHands V1: ~/.openhands/agent_settings.json is read as data, and `check` warns when the `LLM_*`
variables would be ignored (the CLI uses the file unless run with --override-with-envs)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from generator.check.sources import read_settings

OLD_KEY = "sk-ant-api03-" + "O" * 40 + "1234"
NEW_KEY = "sk-ant-api03-" + "N" * 40 + "9999"
AGENT = {
    "llm": {
        "model": "anthropic/claude-sonnet-4-5-20250929",
        "api_key": OLD_KEY,
        "base_url": "https://llm-proxy.app.all-hands.dev/",
        "usage_id": "agent",
    },
    "condenser": {"llm": {"model": "anthropic/claude-haiku-4-5-20251001", "usage_id": "condenser"}},
}


def home_with(tmp_path: Path, text: str | None) -> Path:
    home = tmp_path / "home"  # beside the working folder, not under it: shown as ~/...
    (home / ".openhands").mkdir(parents=True)
    if text is not None:
        (home / ".openhands" / "agent_settings.json").write_text(text, encoding="utf-8")
    return home


def check(home: Path, cwd: Path, env: dict[str, str], target: str) -> dict[str, dict[str, object]]:
    run = subprocess.run(
        [sys.executable, "-m", "generator", "check", target, "--offline", "--json"],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(home), **env},
        timeout=120,
    )
    assert OLD_KEY not in run.stdout + run.stderr and NEW_KEY not in run.stdout + run.stderr
    return {f["id"]: f for f in json.loads(run.stdout)["findings"]}


def test_the_agent_settings_file_is_read_with_lines(tmp_path: Path) -> None:
    home = home_with(tmp_path, json.dumps(AGENT, indent=2))
    work = tmp_path / "work"
    work.mkdir()
    source = read_settings({}, home, work).sources["openhands-agent"]
    assert source.values == {
        "LLM_MODEL": "anthropic/claude-sonnet-4-5-20250929",
        "LLM_API_KEY": OLD_KEY,
        "LLM_BASE_URL": "https://llm-proxy.app.all-hands.dev/",
    }
    assert source.path == "~/.openhands/agent_settings.json"
    assert source.lines["LLM_MODEL"] == 3  # the agent's model, not the condenser's
    assert source.lines["LLM_API_KEY"] == 4


def test_a_different_variable_is_reported_as_ignored(tmp_path: Path) -> None:
    home = home_with(tmp_path, json.dumps(AGENT))
    found = check(
        home, tmp_path, {"LLM_MODEL": "anthropic/claude-sonnet-5-5"}, "openhands/env-ignored-by-cli"
    )
    finding = found["openhands/env-ignored-by-cli"]
    assert finding["status"] == "warn"
    assert "--override-with-envs" in str(finding["message"])
    assert "anthropic/claude-sonnet-4-5-20250929" in str(finding["message"])
    assert str(finding["docs_url"]).rstrip("/").endswith("openhands/llm-env-ignored/#llm-env-ignored")


def test_a_different_key_is_reported_masked(tmp_path: Path) -> None:
    home = home_with(tmp_path, json.dumps(AGENT))
    env = {"LLM_MODEL": "anthropic/claude-sonnet-4-5-20250929", "LLM_API_KEY": NEW_KEY}
    finding = check(home, tmp_path, env, "openhands/env-ignored-by-cli")["openhands/env-ignored-by-cli"]
    assert finding["status"] == "warn"
    assert "…1234" in str(finding["message"]) and "…9999" in str(finding["message"])


def test_matching_values_or_no_file_pass(tmp_path: Path) -> None:
    env = {"LLM_MODEL": "anthropic/claude-sonnet-4-5-20250929", "LLM_API_KEY": OLD_KEY}
    home = home_with(tmp_path, json.dumps(AGENT))
    assert (
        check(home, tmp_path, env, "openhands/env-ignored-by-cli")["openhands/env-ignored-by-cli"]["status"]
        == "pass"
    )
    bare = home_with(tmp_path / "other", None)
    assert (
        check(bare, tmp_path, env, "openhands/env-ignored-by-cli")["openhands/env-ignored-by-cli"]["status"]
        == "pass"
    )


def test_a_broken_agent_settings_file_is_a_failure_with_its_line(tmp_path: Path) -> None:
    home = home_with(tmp_path, '{"llm": {"model": 1,\n')
    work = tmp_path / "work"
    work.mkdir()
    finding = check(home, work, {"LLM_MODEL": "x"}, "openhands/config-file")["openhands/config-file"]
    assert finding["status"] == "fail"
    assert "~/.openhands/agent_settings.json line" in str(finding["message"])
