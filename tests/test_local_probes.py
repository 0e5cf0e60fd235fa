from __future__ import annotations

import pytest

from generator.check.environment import Environment
from generator.check.kinds.config_files import FilesParams, config_files
from generator.check.kinds.key_shape import KeyShapeParams, key_shape
from generator.check.kinds.model_id import ModelParams, model_id
from generator.check.kinds.setting import SettingParams
from generator.check.kinds.setting_present import setting_present
from generator.check.kinds.setting_value import ValueParams, setting_value
from generator.check.kinds.settings_conflict import ConflictParams, settings_conflict
from generator.check.kinds.url_shape import UrlParams, url_shape
from generator.check.plan import compile_models
from generator.kb.model import ModelTable
from generator.kb.yamlmarks import load
from generator.paths import default_guides_dir

SOURCES = ["claude-local", "claude-project", "claude-user", "env", "dotenv"]
GOOD = "sk-ant-api03-" + "a" * 93 + "AA"
# The real dialects, regions and Claude Code aliases of guides/models.yaml, with one model row, so the
# expectations below do not move when a model is added.
_DATA = load((default_guides_dir() / "models.yaml").read_text(encoding="utf-8")).data
ROW = {
    "id": "claude-sonnet-4-5",
    "name": "Claude Sonnet 4.5",
    "family": "sonnet",
    "status": "legacy",
    "anthropic": "claude-sonnet-4-5-20250929",
    "aliases": ["claude-sonnet-4-5"],
    "bedrock": "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "bedrock_prefixes": ["us", "global"],
    "vertex": "claude-sonnet-4-5@20250929",
    "openrouter": "anthropic/claude-sonnet-4.5",
}
CLAUDE_CODE = {
    **_DATA["claude_code"],
    "history": [{"since": "2.1.328", "providers": ["anthropic"], "targets": {"sonnet": "claude-sonnet-4-5"}}],
}
TABLE = ModelTable.model_validate({**_DATA, "models": [ROW], "claude_code": CLAUDE_CODE})


def env_of(machine, environ: dict[str, str], **files: object) -> Environment:
    home, cwd = machine(**files)
    return Environment(vars=environ, home=home, cwd=cwd, models=compile_models(TABLE))


KEY = KeyShapeParams(
    var="ANTHROPIC_API_KEY",
    sources=SOURCES,
    prefixes=["sk-ant-api03-"],
    wrong_prefixes={"sk-ant-oat": "oauth-token", "sk-ant-admin": "admin-key"},
)


@pytest.mark.parametrize(
    ("value", "outcome", "position"),
    [
        (GOOD, "ok", None),
        ("", "unset", None),
        (f'"{GOOD}"', "quoted", None),
        (f"{GOOD}\n", "whitespace", "109"),
        ("sk-ant-api03-ab cd", "whitespace", "16"),
        (f"{GOOD[:20]}\u200b{GOOD[20:]}", "invisible", "21"),
        ("sk-ant-oat01-" + "b" * 90, "oauth-token", None),
        ("sk-ant-admin01-" + "c" * 90, "admin-key", None),
        ("your-api-key-here", "placeholder", None),
        ("sk-proj-abcdef1234567890", "unexpected-prefix", None),
    ],
)
def test_key_shape(machine, value: str, outcome: str, position: str | None) -> None:
    r = key_shape(KEY, env_of(machine, {"ANTHROPIC_API_KEY": value} if value else {}))
    assert r.outcome == outcome
    assert r.values.get("position") == position
    if value:
        assert value.strip('"\n') not in str(r.values) and value not in str(r.evidence)


def test_setting_present_names_winner_and_elsewhere(machine) -> None:
    p = SettingParams(var="ANTHROPIC_API_KEY", sources=["env"], secret=True)
    e = env_of(machine, {}, cwd_files={".env": f"ANTHROPIC_API_KEY={GOOD}\n"})
    r = setting_present(p, e)
    assert (r.outcome, r.values["found_in"]) == ("elsewhere", ".env")
    e = env_of(machine, {"ANTHROPIC_API_KEY": GOOD})
    r = setting_present(p, e)
    assert r.outcome == "present" and r.values["source"] == "environment" and GOOD not in r.values["value"]
    assert setting_present(p, env_of(machine, {})).outcome == "missing"


def test_conflict(machine) -> None:
    p = ConflictParams(vars=["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"], sources=SOURCES)
    both = env_of(
        machine,
        {"ANTHROPIC_API_KEY": GOOD},
        home_files={".claude/settings.json": {"env": {"ANTHROPIC_AUTH_TOKEN": "tok-123456789"}}},
    )
    r = settings_conflict(p, both)
    assert r.outcome == "conflict" and r.values["set"] == "ANTHROPIC_API_KEY, ANTHROPIC_AUTH_TOKEN"
    assert settings_conflict(p, env_of(machine, {"ANTHROPIC_API_KEY": GOOD})).outcome == "ok"


URL = UrlParams(
    var="ANTHROPIC_BASE_URL",
    sources=SOURCES,
    default="https://api.anthropic.com",
    bad_suffixes=["/v1", "/v1/"],
    wrong_hosts={"openrouter.ai": "openrouter-host"},
)


@pytest.mark.parametrize(
    ("value", "outcome"),
    [
        (None, "default"),
        ("https://api.anthropic.com", "ok"),
        ("https://gateway.example.com/v1", "bad-suffix"),
        ("https://gateway.example.com/v1/", "bad-suffix"),
        ("http://0.0.0.0:4000", "unspecified-host"),
        ("api.anthropic.com", "not-url"),
        ("https://openrouter.ai/api", "openrouter-host"),
        ("http://gateway.example.com", "plain-http"),
        ("http://localhost:4000", "ok"),
    ],
)
def test_url_shape(machine, value: str | None, outcome: str) -> None:
    assert url_shape(URL, env_of(machine, {"ANTHROPIC_BASE_URL": value} if value else {})).outcome == outcome


def test_required_path(machine) -> None:
    p = UrlParams(var="OPENROUTER_API_BASE", required_path="/api/v1")
    assert (
        url_shape(p, env_of(machine, {"OPENROUTER_API_BASE": "https://openrouter.ai/v1"})).outcome
        == "missing-path"
    )
    assert (
        url_shape(p, env_of(machine, {"OPENROUTER_API_BASE": "https://openrouter.ai/api/v1/"})).outcome
        == "ok"
    )


@pytest.mark.parametrize(
    ("dialect", "value", "outcome", "suggestion"),
    [
        ("anthropic", "claude-sonnet-4-5-20250929", "ok", "claude-sonnet-4-5-20250929"),
        ("anthropic", "claude-sonet-4-5-20250929", "unknown", "claude-sonnet-4-5-20250929"),
        ("anthropic", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "other-dialect", None),
        ("anthropic", "anthropic/claude-sonnet-4.5", "other-dialect", None),
        ("anthropic", "claude-sonnet-4.5", "other-dialect", None),
        ("bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "ok", None),
        ("bedrock", "claude-sonnet-4-5-20250929", "other-dialect", None),
        ("vertex", "claude-sonnet-4-5@20250929", "ok", None),
        ("litellm", "claude-sonnet-4-5-20250929", "other-dialect", "anthropic/claude-sonnet-4-5-20250929"),
        ("anthropic", None, "unset", None),
    ],
)
def test_model_id(machine, dialect: str, value: str | None, outcome: str, suggestion: str | None) -> None:
    p = ModelParams(var="M", dialect=dialect)  # type: ignore[arg-type]
    r = model_id(p, env_of(machine, {"M": value} if value else {}))
    assert r.outcome == outcome
    if suggestion:
        assert r.values["suggestion"] == suggestion


def test_setting_value(machine) -> None:
    p = ValueParams(var="CLAUDE_CODE_USE_BEDROCK", pattern="1|true")
    assert setting_value(p, env_of(machine, {"CLAUDE_CODE_USE_BEDROCK": "yes"})).outcome == "invalid"
    assert setting_value(p, env_of(machine, {"CLAUDE_CODE_USE_BEDROCK": "1"})).outcome == "ok"
    assert setting_value(p, env_of(machine, {})).outcome == "unset"


def test_config_files_reports_first_problem(machine) -> None:

    p = FilesParams(files=["dotenv", "claude-user", "claude-project"])
    e = env_of(machine, {}, cwd_files={".claude/settings.json": "{not json"})
    r = config_files(p, e)
    assert r.outcome == "malformed"
    assert (r.values["path"], r.values["line"]) == (".claude/settings.json", "1")
    assert config_files(p, env_of(machine, {})).outcome == "absent"
    assert config_files(p, env_of(machine, {}, cwd_files={".env": "A=1\n"})).outcome == "ok"


def test_model_dialect_follows_the_provider_flag(machine) -> None:
    p = ModelParams(
        var="ANTHROPIC_MODEL",
        dialect="anthropic",
        dialect_flags={"CLAUDE_CODE_USE_BEDROCK": "bedrock", "CLAUDE_CODE_USE_VERTEX": "vertex"},
    )
    bedrock_id = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
    assert model_id(p, env_of(machine, {"ANTHROPIC_MODEL": bedrock_id})).outcome == "other-dialect"
    r = model_id(p, env_of(machine, {"ANTHROPIC_MODEL": bedrock_id, "CLAUDE_CODE_USE_BEDROCK": "1"}))
    assert (r.outcome, r.values["dialect"]) == ("ok", "bedrock")
    r = model_id(
        p,
        env_of(machine, {"ANTHROPIC_MODEL": "claude-sonnet-4-5@20250929", "CLAUDE_CODE_USE_VERTEX": "true"}),
    )
    assert r.outcome == "ok"


@pytest.mark.parametrize(
    ("value", "files", "outcome", "path"),
    [
        (None, {}, "unset", "-"),
        (
            "certs/ca.pem",
            {"certs/ca.pem": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"},
            "ok",
            "certs/ca.pem",
        ),
        ("certs/missing.pem", {}, "missing", "certs/missing.pem"),
        ("certs", {"certs/ca.pem": "x"}, "not-file", "certs"),
        ("certs/ca.cer", {"certs/ca.cer": "0\x82\x03binary DER"}, "not-pem", "certs/ca.cer"),
        ("~/certs/ca.pem", {}, "tilde", "~/certs/ca.pem"),
    ],
)
def test_file_setting(machine, value: str | None, files: dict[str, str], outcome: str, path: str) -> None:
    """QA2 D13: NODE_EXTRA_CA_CERTS naming a missing (or unusable) file; the path is shown as set."""
    from generator.check.kinds.file_setting import FileSettingParams, file_setting

    home, cwd = machine(cwd_files=files)
    environ = {"NODE_EXTRA_CA_CERTS": value} if value else {}
    p = FileSettingParams(var="NODE_EXTRA_CA_CERTS", sources=["env"], pem=True)
    r = file_setting(p, Environment(vars=environ, home=home, cwd=cwd))
    assert (r.outcome, r.values["path"]) == (outcome, path)
