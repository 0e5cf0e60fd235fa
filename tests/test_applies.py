"""Checks of providers the reader does not use are skips with a reason, unless named on the command line."""

from __future__ import annotations

from conftest import check_json

KEY = "sk-ant-api03-" + "Ap" * 46 + "qqAA"


def test_unused_providers_skip_with_their_reason(machine) -> None:
    home, cwd = machine()
    doc = check_json(home, cwd, ["--offline"], {"ANTHROPIC_API_KEY": KEY}, KEY)
    bedrock = [f for f in doc["findings"] if f["provider"] == "bedrock"]
    assert bedrock and {f["status"] for f in bedrock} == {"skip"}
    assert all("check bedrock" in f["message"] for f in bedrock)
    full = {f["id"]: f for f in doc["findings"]}
    # Anthropic is in use here (the SDK's route carries the key); "is a key set" only runs on a route
    # without a credential, so the key's own checks speak for it.
    assert full["anthropic/api-key-shape"]["status"] == "pass"
    assert full["anthropic/api-key-present"]["status"] == "skip"
    assert doc["exit"] == 0


def test_a_named_provider_is_checked_anyway(machine) -> None:
    home, cwd = machine()
    doc = check_json(home, cwd, ["bedrock", "--offline"], {}, KEY)
    assert {f["id"]: f for f in doc["findings"]}["bedrock/credentials-present"]["status"] == "fail"
    assert doc["exit"] == 1


def test_a_settings_file_or_variable_switches_a_provider_on(machine) -> None:
    home, cwd = machine(home_files={".claude/settings.json": {"env": {"CLAUDE_CODE_USE_BEDROCK": "1"}}})
    doc = check_json(home, cwd, ["--offline"], {}, KEY)
    by_provider = {f["id"]: f for f in doc["findings"]}
    assert by_provider["bedrock/credentials-present"]["status"] == "fail"  # Bedrock in use, no credentials
    assert by_provider["claude-code/settings-files"]["status"] == "pass"  # the file exists and parses
    assert by_provider["openrouter/api-key-present"]["status"] == "skip"
