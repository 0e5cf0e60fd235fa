from __future__ import annotations

import json

import pytest

from generator.check.environment import Environment
from generator.check.kinds.aws import AwsParams, aws_credentials, aws_region
from generator.check.kinds.gcp import GcpParams, gcp_adc, gcp_project
from generator.check.kinds.litellm_config import LitellmConfigParams, litellm_config
from generator.check.kinds.settings_agree import AgreeParams, settings_agree
from generator.check.plan import load_plan

AWS = AwsParams(model_var="ANTHROPIC_MODEL")
GCP = GcpParams()


def env_of(machine, environ: dict[str, str], **files: object) -> Environment:
    home, cwd = machine(**files)
    return Environment(vars=environ, home=home, cwd=cwd, models=MODELS)


MODELS = (load_plan(None)[0] or {})["models"]  # the region → profile rule of guides/models.yaml


@pytest.mark.parametrize(
    ("environ", "files", "outcome", "region"),
    [
        (
            {"AWS_REGION": "us-west-2", "ANTHROPIC_MODEL": "us.anthropic.claude-sonnet-4-5-20250929-v1:0"},
            {},
            "ok",
            "us-west-2",
        ),
        (
            {
                "AWS_REGION": "ap-northeast-1",
                "ANTHROPIC_MODEL": "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            },
            {},
            "prefix-mismatch",
            "ap-northeast-1",
        ),
        (
            {
                "AWS_REGION": "ap-northeast-1",
                "ANTHROPIC_MODEL": "jp.anthropic.claude-sonnet-4-5-20250929-v1:0",
            },
            {},
            "ok",
            "ap-northeast-1",
        ),
        (
            {
                "AWS_REGION": "eu-west-1",
                "ANTHROPIC_MODEL": "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
            },
            {},
            "ok",
            "eu-west-1",
        ),
        ({"AWS_REGION": "Tokyo"}, {}, "invalid-region", "Tokyo"),
        ({"AWS_DEFAULT_REGION": "eu-central-1"}, {}, "ok", "eu-central-1"),
        ({}, {}, "default-region", "us-east-1"),
        (
            {"AWS_PROFILE": "work"},
            {".aws/config": "[profile work]\nregion = ap-southeast-2\n"},
            "ok",
            "ap-southeast-2",
        ),
    ],
)
def test_aws_region(machine, environ, files, outcome, region) -> None:
    r = aws_region(AWS, env_of(machine, environ, home_files=files))
    assert (r.outcome, r.values["region"]) == (outcome, region)


def test_aws_region_from_claude_settings_wins_over_shell(machine) -> None:
    e = env_of(
        machine,
        {"AWS_REGION": "us-east-1"},
        home_files={".claude/settings.json": {"env": {"AWS_REGION": "eu-west-3"}}},
    )
    r = aws_region(AWS, e)
    assert r.values["region"] == "eu-west-3" and "settings.json" in r.values["source"]


@pytest.mark.parametrize(
    ("arn_region", "outcome"), [("us-west-2", "arn-region"), ("us-east-1", "ok"), ("eu-west-1", "arn-region")]
)
def test_aws_region_judges_an_arn_against_the_route_region(machine, arn_region, outcome) -> None:
    """QA2 D5: Bedrock accepts an ARN only in the region it lives in."""
    from generator.check.routes import resolve_routes

    plan = load_plan(None)[0] or {}
    arn = f"arn:aws:bedrock:{arn_region}:123456789012:application-inference-profile/abcd1234"
    e = env_of(machine, {"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_REGION": "us-east-1", "ANTHROPIC_MODEL": arn})
    e.routes = resolve_routes(e, plan)
    r = aws_region(AwsParams(), e)
    assert r.outcome == outcome
    if outcome == "arn-region":
        assert (r.values["found"], r.values["region"]) == (arn_region, "us-east-1")


@pytest.mark.parametrize(
    ("environ", "files", "outcome"),
    [
        ({"AWS_ACCESS_KEY_ID": "AKIAEXAMPLEEXAMPLE12", "AWS_SECRET_ACCESS_KEY": "s" * 40}, {}, "env-keys"),
        ({"AWS_ACCESS_KEY_ID": "AKIAEXAMPLEEXAMPLE12"}, {}, "partial-keys"),
        (
            {"AWS_ACCESS_KEY_ID": "ASIAEXAMPLEEXAMPLE12", "AWS_SECRET_ACCESS_KEY": "s" * 40},
            {},
            "no-session-token",
        ),
        (
            {
                "AWS_ACCESS_KEY_ID": "ASIAEXAMPLEEXAMPLE12",
                "AWS_SECRET_ACCESS_KEY": "s" * 40,
                "AWS_SESSION_TOKEN": "t",
            },
            {},
            "env-keys",
        ),
        (
            {},
            {
                ".aws/credentials": "[default]\naws_access_key_id = ASIAEXAMPLEEXAMPLE12\naws_secret_access_key = "
                + "s" * 40
            },
            "no-session-token",
        ),
        ({"AWS_BEARER_TOKEN_BEDROCK": "bedrock-api-key-" + "x" * 30}, {}, "bearer-token"),
        (
            {},
            {
                ".aws/credentials": "[default]\naws_access_key_id = AKIAEXAMPLEEXAMPLE12\naws_secret_access_key = "
                + "s" * 40
                + "\n"
            },
            "profile",
        ),
        (
            {"AWS_PROFILE": "sso"},
            {".aws/config": "[profile sso]\nsso_session = corp\nsso_account_id = 1\n"},
            "sso-profile",
        ),
        (
            {"AWS_PROFILE": "nope"},
            {".aws/config": "[profile other]\nregion = us-east-1\n"},
            "profile-missing",
        ),
        ({}, {".aws/credentials": "[default\naws_access_key_id = x\n"}, "malformed"),
        (
            {"AWS_PROFILE": "t"},
            {
                ".aws/config": "[profile t]\naws_access_key_id = ASIAEXAMPLEEXAMPLE12\naws_secret_access_key = "
                + "s" * 40
            },
            "no-session-token",
        ),
        (
            {"AWS_PROFILE": "t"},
            {".aws/config": "[profile t]\naws_access_key_id = AKIAEXAMPLEEXAMPLE12\n"},
            "partial-keys",
        ),
        ({}, {}, "none"),
    ],
)
def test_aws_credentials(machine, environ, files, outcome) -> None:
    r = aws_credentials(AWS, env_of(machine, environ, home_files=files))
    assert r.outcome == outcome
    assert "s" * 40 not in json.dumps(r.values)


def test_gcp_project_precedence(machine) -> None:
    e = env_of(machine, {"GOOGLE_CLOUD_PROJECT": "other-proj", "ANTHROPIC_VERTEX_PROJECT_ID": "my-proj"})
    r = gcp_project(GCP, e)
    # The Vertex SDK asks the credentials for a project only when ANTHROPIC_VERTEX_PROJECT_ID is unset.
    assert (r.outcome, r.values["project"], r.values["ignored"]) == ("overridden", "my-proj", "other-proj")
    alone = gcp_project(GCP, env_of(machine, {"GOOGLE_CLOUD_PROJECT": "other-proj"}))
    assert (alone.outcome, alone.values["project"]) == ("ok", "other-proj")
    assert gcp_project(GCP, env_of(machine, {"ANTHROPIC_VERTEX_PROJECT_ID": "my-proj"})).outcome == "ok"
    assert gcp_project(GCP, env_of(machine, {})).outcome == "missing"


def test_gcp_project_from_credentials_file(machine) -> None:
    home, cwd = machine(
        home_files={
            "sa.json": {"type": "service_account", "project_id": "file-proj", "private_key": "-----BEGIN"}
        }
    )
    e = Environment(
        vars={
            "GOOGLE_APPLICATION_CREDENTIALS": str(home / "sa.json"),
            "ANTHROPIC_VERTEX_PROJECT_ID": "my-proj",
        },
        home=home,
        cwd=cwd,
    )
    r = gcp_project(GCP, e)
    assert (r.outcome, r.values["project"], r.values["ignored_source"]) == (
        "overridden",
        "my-proj",
        "~/sa.json",
    )


def test_gcp_adc(machine) -> None:
    adc = ".config/gcloud/application_default_credentials.json"
    assert (
        gcp_adc(
            GCP, env_of(machine, {}, home_files={adc: {"type": "authorized_user", "refresh_token": "1//x"}})
        ).outcome
        == "default-file"
    )
    assert gcp_adc(GCP, env_of(machine, {})).outcome == "missing"
    assert (
        gcp_adc(GCP, env_of(machine, {"GOOGLE_APPLICATION_CREDENTIALS": "/nonexistent/key.json"})).outcome
        == "path-missing"
    )
    broken = gcp_adc(GCP, env_of(machine, {}, home_files={adc: '{"type": "authorized_user",\n}'}))
    assert (broken.outcome, broken.values["line"]) == ("malformed", "2")


def test_settings_agree_between_env_and_config_toml(machine) -> None:
    p = AgreeParams(vars=["LLM_MODEL", "LLM_API_KEY"])
    toml = {
        "config.toml": '[llm]\nmodel = "anthropic/claude-sonnet-4-5-20250929"\napi_key = "sk-ant-api03-toml-value-123456"\n'
    }
    same = env_of(machine, {"LLM_MODEL": "anthropic/claude-sonnet-4-5-20250929"}, cwd_files=toml)
    assert settings_agree(p, same).outcome == "ok"
    differ = env_of(machine, {"LLM_API_KEY": "sk-ant-api03-env-value-1234567"}, cwd_files=toml)
    r = settings_agree(p, differ)
    assert (r.outcome, r.values["var"]) == ("differ", "LLM_API_KEY")
    assert "env-value-123" not in r.values["left"] and "toml-value" not in r.values["right"]


CONFIG = """model_list:
  - model_name: claude-sonnet
    litellm_params:
      model: {model}
      api_key: os.environ/ANTHROPIC_API_KEY
general_settings:
  master_key: {master}
"""


@pytest.mark.parametrize(
    ("model", "master", "outcome"),
    [
        ("anthropic/claude-sonnet-4-5-20250929", "sk-1234", "ok"),
        ("claude-sonnet-4-5-20250929", "sk-1234", "missing-route"),
        ("anthropic/claude-sonnet-4-5-20250929", "mysecret", "bad-master-key"),
        ("anthropic/claude-sonnet-4-5-20250929", "os.environ/LITELLM_MASTER_KEY", "ok"),
    ],
)
def test_litellm_config(machine, model, master, outcome) -> None:
    environ = {"ANTHROPIC_API_KEY": "sk-ant-x", "LITELLM_MASTER_KEY": "sk-m"}
    e = env_of(machine, environ, cwd_files={"config.yaml": CONFIG.format(model=model, master=master)})
    r = litellm_config(LitellmConfigParams(), e)
    assert r.outcome == outcome


@pytest.mark.parametrize(
    ("environ", "dotenv", "outcome", "where"),
    [
        ({}, "", "env-unset", ("ANTHROPIC_API_KEY", 5)),
        ({"ANTHROPIC_API_KEY": "sk-ant-x"}, "", "env-unset", ("LITELLM_MASTER_KEY", 7)),
        ({}, "ANTHROPIC_API_KEY=sk-ant-x\nLITELLM_MASTER_KEY=sk-m\n", "ok", None),
    ],
)
def test_litellm_config_names_an_unset_env_reference_and_its_line(
    machine, environ, dotenv, outcome, where
) -> None:
    """QA2 D11: `os.environ/NAME` set nowhere (LiteLLM also loads .env) fails at the line that names it."""
    text = CONFIG.format(model="anthropic/claude-sonnet-4-5-20250929", master="os.environ/LITELLM_MASTER_KEY")
    e = env_of(machine, environ, cwd_files={"config.yaml": text, ".env": dotenv})
    r = litellm_config(LitellmConfigParams(), e)
    assert r.outcome == outcome
    if where:
        assert (r.values["var"], r.evidence["fix_at"]["line"]) == where
        assert r.evidence["fix_at"]["source"] == "config.yaml"


def test_litellm_config_own_environment_variables_block_counts_as_set(machine) -> None:
    text = CONFIG.format(model="anthropic/claude-sonnet-4-5-20250929", master="sk-1")
    text += "environment_variables:\n  ANTHROPIC_API_KEY: sk-ant-x\n"
    r = litellm_config(LitellmConfigParams(), env_of(machine, {}, cwd_files={"config.yaml": text}))
    assert r.outcome == "ok"


def test_litellm_config_retired_model_and_master_key_name_their_lines(machine) -> None:
    environ = {"ANTHROPIC_API_KEY": "sk-ant-x"}
    retired = CONFIG.format(model="anthropic/claude-3-5-sonnet-20241022", master="sk-1")
    r = litellm_config(LitellmConfigParams(), env_of(machine, environ, cwd_files={"config.yaml": retired}))
    assert (r.outcome, r.evidence["fix_at"]["line"]) == ("retired-model", 4)
    assert r.evidence["fix_at"]["value"] == r.values["replacement"] != "-"
    bad = CONFIG.format(model="anthropic/claude-sonnet-4-5-20250929", master='"1234"')
    r = litellm_config(LitellmConfigParams(), env_of(machine, environ, cwd_files={"config.yaml": bad}))
    assert (r.outcome, r.evidence["fix_at"]["line"]) == ("bad-master-key", 7)


def test_a_folder_litellm_config_puts_the_proxy_in_use(machine) -> None:
    """QA D26: a `config.yaml` with `model_list` is where the proxy runs from; another tool's is not."""
    from generator.check.routes import litellm_proxy_route

    e = env_of(machine, {}, cwd_files={"config.yaml": CONFIG.format(model="anthropic/x", master="sk-1")})
    assert litellm_proxy_route(e, False) is not None
    assert litellm_proxy_route(env_of(machine, {}, cwd_files={"config.yaml": "theme: dark\n"}), False) is None


def test_litellm_config_absent_and_malformed(machine) -> None:
    p = LitellmConfigParams()
    assert litellm_config(p, env_of(machine, {})).outcome == "absent"
    r = litellm_config(
        p,
        env_of(
            machine,
            {"LITELLM_CONFIG": "proxy.yaml"},
            cwd_files={"proxy.yaml": "model_list:\n  - model_name: [\n"},
        ),
    )
    assert (r.outcome, r.values["path"]) == ("malformed", "proxy.yaml")
    assert (
        litellm_config(p, env_of(machine, {}, cwd_files={"config.yaml": "model_list: []\n"})).outcome
        == "no-models"
    )


def test_route_credential_from_keys_in_the_aws_config_file(machine) -> None:
    """QA2 D17: the SDKs read static keys under `[profile x]` in ~/.aws/config; the route fingerprints them."""
    from generator.check.routes import resolve_routes
    from generator.secrets import fingerprint

    config = "[profile claude]\nregion = ap-northeast-1\naws_access_key_id = AKIAEXAMPLEEXAMPLE12\n"
    config += "aws_secret_access_key = " + "s" * 40 + "\n"
    e = env_of(
        machine, {"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_PROFILE": "claude"}, home_files={".aws/config": config}
    )
    route = resolve_routes(e, load_plan(None)[0] or {})[0]
    assert route.credential is not None and route.credential.fingerprint == fingerprint(
        "AKIAEXAMPLEEXAMPLE12"
    )
    assert "s" * 40 not in repr(route)


def test_folder_named_aws_config_with_credential_process_warns_and_runs_nothing(machine) -> None:
    """QA D7: the profile is in the file the folder's settings name; its program is named, never run."""
    settings = {"env": {"AWS_CONFIG_FILE": "./aws-config", "AWS_PROFILE": "evil"}}
    home, cwd = machine(
        cwd_files={
            ".claude/settings.json": settings,
            "aws-config": "[profile evil]\ncredential_process = /bin/sh -c 'touch PWNED'\n",
        }
    )
    e = Environment(vars={}, home=home, cwd=cwd, models=MODELS)
    r = aws_credentials(AWS, e)
    assert r.outcome == "folder-process"
    assert "touch PWNED" in r.values["process"] and r.values["named_by"].startswith(".claude/settings.json:")
    assert not (cwd / "PWNED").exists()


@pytest.mark.parametrize(
    ("cache", "outcome"),
    [
        ({"accessToken": "tok", "expiresAt": "2020-11-01T00:00:00Z"}, "sso-expired"),
        ({"accessToken": "tok", "expiresAt": "2020-11-01T00:00:00UTC"}, "sso-expired"),
        ({"accessToken": "tok", "expiresAt": "2999-11-01T00:00:00Z"}, "sso-profile"),
        ({"accessToken": "tok", "expiresAt": "2020-11-01T00:00:00Z", "refreshToken": "r"}, "sso-profile"),
        (
            {
                "accessToken": "tok",
                "expiresAt": "2020-11-01T00:00:00Z",
                "refreshToken": "r",
                "registrationExpiresAt": "2020-12-01T00:00:00Z",
            },
            "sso-expired",
        ),
        (None, "sso-profile"),
    ],
)
def test_expired_sso_token_in_the_cache_is_reported_read_only(machine, cache, outcome) -> None:
    """QA D32: the SSO cache (~/.aws/sso/cache/<sha1(session)>.json) says the token expired; never refreshed."""
    import hashlib

    config = "[profile sso]\nsso_session = corp\nsso_account_id = 1\n[sso-session corp]\nsso_start_url = https://x\n"
    files: dict[str, object] = {".aws/config": config}
    if cache is not None:
        files[f".aws/sso/cache/{hashlib.sha1(b'corp').hexdigest()}.json"] = cache
    home, cwd = machine(home_files=files)
    before = {p: p.stat().st_mtime_ns for p in home.rglob("*") if p.is_file()}
    r = aws_credentials(AWS, Environment(vars={"AWS_PROFILE": "sso"}, home=home, cwd=cwd, models=MODELS))
    assert r.outcome == outcome
    if outcome == "sso-expired":
        assert (r.values["session"], r.values["expired"]) == ("corp", "2020-11-01")
    assert {p: p.stat().st_mtime_ns for p in home.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(
    ("source", "outcome", "reads"),
    [
        ({"file": "@HOME@/.ssh/id_ed25519"}, "folder-reads", "~/.ssh/id_ed25519"),
        ({"url": "http://169.254.169.254/token"}, "folder-reads", "http://169.254.169.254/token"),
        ({"executable": {"command": "/bin/sh -c 'touch PWNED'"}}, "folder-runs", "/bin/sh -c 'touch PWNED'"),
    ],
)
def test_folder_named_external_account_adc_says_what_it_would_read(machine, source, outcome, reads) -> None:
    """QA D15: the folder's external_account file is described (what it reads, where it sends), never used."""
    home, _ = machine()
    source = json.loads(json.dumps(source).replace("@HOME@", str(home)))
    ext = {"type": "external_account", "token_url": "http://127.0.0.1:9/token", "credential_source": source}
    settings = {"env": {"GOOGLE_APPLICATION_CREDENTIALS": "./ext.json"}}
    _, cwd = machine(cwd_files={".claude/settings.json": settings, "ext.json": ext})
    r = gcp_adc(GCP, Environment(vars={}, home=home, cwd=cwd, models=MODELS))
    assert (r.outcome, r.values["reads"]) == (outcome, reads)
    assert r.values["named_by"].startswith(".claude/settings.json:") and r.values["token_url"].endswith(
        "/token"
    )
    assert not (cwd / "PWNED").exists()
    # The same file named by the user's own environment is theirs: used as it is.
    own = gcp_adc(
        GCP, Environment(vars={"GOOGLE_APPLICATION_CREDENTIALS": str(cwd / "ext.json")}, home=home, cwd=home)
    )
    assert own.outcome == "env-file"


def test_adc_path_with_a_tilde_is_not_expanded_by_the_clients(machine) -> None:
    """google-auth (Python and Node) never expands `~`: a value still holding it names no file."""
    home, cwd = machine(
        home_files={"keys/sa.json": {"type": "service_account"}, ".claude/settings.json": {"env": {}}}
    )
    e = Environment(vars={"GOOGLE_APPLICATION_CREDENTIALS": "~/keys/sa.json"}, home=home, cwd=cwd)
    r = gcp_adc(GCP, e)
    assert (r.outcome, r.values["path"]) == ("tilde", "~/keys/sa.json")
