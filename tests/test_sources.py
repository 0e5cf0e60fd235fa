from __future__ import annotations

from generator.check.sources import read_settings


def test_settings_file_env_wins_over_shell_and_names_what_it_shadows(machine) -> None:
    home, cwd = machine(
        home_files={".claude/settings.json": {"env": {"ANTHROPIC_MODEL": "claude-user"}}},
        cwd_files={
            ".claude/settings.local.json": {"env": {"ANTHROPIC_MODEL": "claude-local"}},
            ".env": "ANTHROPIC_MODEL=from-dotenv\n",
        },
    )
    s = read_settings({"ANTHROPIC_MODEL": "from-shell"}, home, cwd)
    r = s.resolve("ANTHROPIC_MODEL", ["claude-local", "claude-project", "claude-user", "env"])
    assert r.value == "claude-local"
    assert r.source == ".claude/settings.local.json env"
    assert r.shadowed == ["~/.claude/settings.json env", "environment"]
    assert r.elsewhere == [".env"]  # set there, but this tool does not read .env


def test_dotenv_is_parsed_not_loaded_with_quotes_export_and_comments(machine) -> None:
    home, cwd = machine(
        cwd_files={".env": '# c\nexport A="x y"\nB=plain # note\nC=\'q\'\nD="unpaired\nnot a line\n'}
    )
    s = read_settings({}, home, cwd)
    src = s.sources["dotenv"]
    # python-dotenv, which the tools use, cannot read an unpaired quote: D is not set at all.
    assert dict(src.values) == {"A": "x y", "B": "plain", "C": "q"}
    assert src.problem is not None and (src.problem.line, src.problem.error) == (5, "not a NAME=value line")
    assert dict(src.lines) == {"A": 2, "B": 3, "C": 4}


def test_malformed_json_and_toml_become_problems_with_lines(machine) -> None:
    home, cwd = machine(
        home_files={".claude/settings.json": '{\n  "env": {\n    "A": "b",\n  }\n}\n'},
        cwd_files={"config.toml": '[llm]\nmodel = "anthropic/claude"\napi_key = \n'},
    )
    s = read_settings({}, home, cwd)
    user = s.sources["claude-user"].problem
    toml = s.sources["openhands-toml"].problem
    assert user is not None and user.path == "~/.claude/settings.json" and user.line == 4
    assert toml is not None and toml.path == "config.toml" and toml.line == 3


def test_openhands_toml_keys_read_as_llm_variables(machine) -> None:
    home, cwd = machine(
        cwd_files={
            "config.toml": '[llm]\nmodel = "anthropic/claude-sonnet-4-5-20250929"\napi_key = "sk-ant-api03-x"\nnum_retries = 3\n'
        }
    )
    s = read_settings({}, home, cwd)
    assert s.sources["openhands-toml"].values == {
        "LLM_MODEL": "anthropic/claude-sonnet-4-5-20250929",
        "LLM_API_KEY": "sk-ant-api03-x",
        "LLM_NUM_RETRIES": "3",
    }
    r = s.resolve("ANTHROPIC_API_KEY", ["env", "openhands-toml:LLM_API_KEY"])
    assert (r.value, r.source) == ("sk-ant-api03-x", "config.toml [llm] (LLM_API_KEY)")


def test_table_masks_secret_names(machine) -> None:
    home, cwd = machine()
    s = read_settings(
        {"ANTHROPIC_API_KEY": "sk-ant-api03-abcdefghijklmnopqrstuvwxyz", "ANTHROPIC_MODEL": "claude-x"},
        home,
        cwd,
    )
    rows = s.table(["ANTHROPIC_API_KEY", "ANTHROPIC_MODEL", "UNSET"], set())
    assert [r["var"] for r in rows] == ["ANTHROPIC_API_KEY", "ANTHROPIC_MODEL"]
    key_value = rows[0]["sources"][0]["value"]  # type: ignore[index]
    assert "abcdefghijklmnop" not in key_value and key_value.startswith("sk-ant-api03-…")
    assert rows[1]["sources"][0]["value"] == "claude-x"  # type: ignore[index]
