"""No secret leaves where it should not.

Distinctive secrets are planted in every source `check` reads (process environment, `.env`, the
three Claude Code settings files, OpenHands `config.toml`, AWS `credentials`, the gcloud ADC file,
a LiteLLM `config.yaml`, the password of a base URL). Then every command runs against the real
guides, in every output format, in-process and as a real process, including a run where probes
crash with the secrets in their exception. No output (stdout, stderr, log records, warnings)
may hold any secret, nor its middle part.

Credentials are followed on the wire too: each is sent only to the endpoint its own configuration
names, and a redirect to another host never carries it.
"""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from conftest import GUIDES, ROOT
from hostile_servers import Server, answer, read_head, response, serve, service_account_adc

from generator.catalogue import load_catalogue, params_of
from generator.checks.command import check_command
from generator.checks.sources import read_settings
from generator.cli import build_parser


def secret(prefix: str, tag: str) -> str:
    """A credential-shaped value whose middle (`LEAK<tag>Q`) is unique and never inside a mask."""
    return f"{prefix}x7Kp2Qw9Rt5Yz3Vb8LEAK{tag}Q8Nm4Hj6Gf1Dd0Ss"


S: dict[str, str] = {
    # process environment
    "env.anthropic": secret("sk-ant-api03-", "envanthropic"),
    "env.openrouter": secret("sk-or-v1-", "envopenrouter"),
    "env.openai": secret("sk-proj-", "envopenai"),
    "env.litellm": secret("sk-", "envlitellm"),
    "env.litellm-master": secret("sk-", "envlitellmmaster"),
    "env.llm": secret("sk-ant-api03-", "envllm"),
    "env.aws-secret": secret("", "envawssecret"),
    "env.aws-session": secret("IQoJb3JpZ2luX2VjE", "envawssession"),
    "env.aws-id": secret("AKIA", "envawsid"),
    "env.bedrock-bearer": secret("ABSK", "envbedrockbearer"),
    "env.url-password": secret("", "envurlpassword"),
    "env.proxy-password": secret("", "envproxypassword"),
    # .env in the working folder
    "dotenv.anthropic": secret("sk-ant-api03-", "dotenvanthropic"),
    "dotenv.openrouter": secret("sk-or-v1-", "dotenvopenrouter"),
    "dotenv.litellm": secret("sk-", "dotenvlitellm"),
    # Claude Code settings
    "claude-user.token": secret("", "claudeusertoken"),
    "claude-user.anthropic": secret("sk-ant-api03-", "claudeuseranthropic"),
    "claude-user.helper": "/usr/local/bin/get-key --token " + secret("", "claudeuserhelper"),
    "claude-project.anthropic": secret("sk-ant-api03-", "claudeprojectanthropic"),
    "claude-local.anthropic": secret("sk-ant-api03-", "claudelocalanthropic"),
    # OpenHands config.toml
    "toml.api-key": secret("sk-ant-api03-", "tomlapikey"),
    # files check does not (all) read through settings: AWS, ADC, LiteLLM
    "aws.secret": secret("", "awsfilesecret"),
    "aws.session": secret("IQoJb3JpZ2luX2VjE", "awsfilesession"),
    "adc.client-secret": secret("GOCSPX-", "adcclientsecret"),
    "adc.refresh": secret("1//0g", "adcrefresh"),
    "adc.private-key-id": secret("", "adcprivatekeyid"),
    # "adc.private-key": a line from the middle of a service account's PEM key, added when made
    "litellm.master": secret("sk-", "litellmfilemaster"),
    "litellm.api-key": secret("sk-ant-api03-", "litellmfileapikey"),
}


def _needles(value: str) -> list[str]:
    if "LEAK" not in value:
        return [value]
    # A mask shows at most 14 leading and 4 trailing characters; this middle part lies beyond both.
    core = value[value.index("LEAK") : value.index("Q8Nm4")]
    assert value.index("LEAK") >= 16 and len(value) - value.index("Q8Nm4") > 8
    return [value, core]


def leaks(text: str) -> list[str]:
    return sorted(name for name, value in S.items() if any(n in text for n in _needles(value)))


@dataclass
class Wire:
    """Every request the client sent, wherever it went: (host:port, method, url, headers)."""

    sent: list[tuple[str, str, str, dict[str, str]]] = field(default_factory=list)

    def destinations(self, value: str) -> set[str]:
        return {
            host for host, _, url, headers in self.sent if value in url or any(value in v for v in headers.values())
        }


class RecordingTransport(httpx.BaseTransport):
    """Records every request; 127.0.0.1 is served for real, any other host gets a canned 503."""

    def __init__(self, wire: Wire) -> None:
        self.wire = wire
        self.local = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        host = f"{url.host}:{url.port or (443 if url.scheme == 'https' else 80)}"
        self.wire.sent.append((host, request.method, str(url), dict(request.headers)))
        if url.host == "127.0.0.1":
            return self.local.handle_request(request)
        return httpx.Response(503, json={"error": {"message": "not on the internet in tests"}})

    def close(self) -> None:
        self.local.close()


def echo(conn: Any, stop: Any, server: Server) -> None:
    """A provider that repeats the request (headers included) in its error message, as some do."""
    head = read_head(conn)
    server.seen.append(head)
    said = head.decode("latin-1").replace("\r\n", " | ")
    conn.sendall(response(401, json.dumps({"error": {"message": f"invalid key: {said}"}}).encode()))


@dataclass
class Machine:
    home: Path
    cwd: Path
    environ: dict[str, str]
    servers: dict[str, Server]


@contextmanager
def planted(tmp: Path) -> Iterator[Machine]:
    home, cwd = tmp / "home" / "someuser", tmp / "work" / "project"
    with ExitStack() as stack:
        servers = {
            name: stack.enter_context(serve(echo))
            for name in ("anthropic", "openai", "litellm", "aws", "gcp-token", "proxy")
        }
        sa = service_account_adc(f"{servers['gcp-token'].base}/token", S["adc.private-key-id"])
        S["adc.private-key"] = sa["private_key"].splitlines()[10]
        environ = {
            "ANTHROPIC_API_KEY": S["env.anthropic"],
            "ANTHROPIC_BASE_URL": f"http://gateway:{S['env.url-password']}@127.0.0.1:{servers['anthropic'].port}",
            "OPENROUTER_API_KEY": S["env.openrouter"],
            "OPENAI_API_KEY": S["env.openai"],
            "OPENAI_BASE_URL": f"{servers['openai'].base}/v1",
            "LITELLM_API_KEY": S["env.litellm"],
            "LITELLM_MASTER_KEY": S["env.litellm-master"],
            "LITELLM_PROXY_URL": servers["litellm"].base,
            "LLM_API_KEY": S["env.llm"],
            "AWS_ACCESS_KEY_ID": S["env.aws-id"],
            "AWS_SECRET_ACCESS_KEY": S["env.aws-secret"],
            "AWS_SESSION_TOKEN": S["env.aws-session"],
            "AWS_BEARER_TOKEN_BEDROCK": S["env.bedrock-bearer"],
            "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": servers["aws"].base,
            "CLAUDE_CODE_USE_BEDROCK": "1",
            # A service account: google-auth honours its token_uri (an authorized_user file always
            # goes to oauth2.googleapis.com, which a test must not reach).
            "GOOGLE_APPLICATION_CREDENTIALS": str(home / "keys" / "vertex-sa.json"),
            "HTTPS_PROXY": f"http://corp:{S['env.proxy-password']}@127.0.0.1:{servers['proxy'].port}",
            "NO_PROXY": "",
        }
        files = {
            cwd / ".env": (
                f"ANTHROPIC_API_KEY={S['dotenv.anthropic']}\n"
                f"export OPENROUTER_API_KEY='{S['dotenv.openrouter']}'\n"
                f'LITELLM_API_KEY="{S["dotenv.litellm"]}"  # comment\n'
            ),
            home / ".claude" / "settings.json": json.dumps(
                {
                    "env": {
                        "ANTHROPIC_AUTH_TOKEN": S["claude-user.token"],
                        "ANTHROPIC_API_KEY": S["claude-user.anthropic"],
                    },
                    "apiKeyHelper": S["claude-user.helper"],
                }
            ),
            cwd / ".claude" / "settings.json": json.dumps({"env": {"ANTHROPIC_API_KEY": S["claude-project.anthropic"]}}),
            cwd / ".claude" / "settings.local.json": json.dumps(
                {"env": {"ANTHROPIC_API_KEY": S["claude-local.anthropic"]}}
            ),
            cwd / "config.toml": (
                f'[llm]\nmodel = "anthropic/claude-sonnet-4-5-20250929"\napi_key = "{S["toml.api-key"]}"\n'
                'base_url = "https://api.anthropic.com"\n'
            ),
            home / ".aws" / "credentials": (
                "[default]\naws_access_key_id = AKIALEAKFILEAWSID7Q\n"
                f"aws_secret_access_key = {S['aws.secret']}\naws_session_token = {S['aws.session']}\n"
            ),
            home / ".aws" / "config": "[default]\nregion = eu-west-1\n",
            home / "keys" / "vertex-sa.json": json.dumps(sa),
            home / ".config" / "gcloud" / "application_default_credentials.json": json.dumps(
                {
                    "type": "authorized_user",
                    "client_id": "123-leak.apps.googleusercontent.com",
                    "client_secret": S["adc.client-secret"],
                    "refresh_token": S["adc.refresh"],
                    "token_uri": f"{servers['gcp-token'].base}/token",
                }
            ),
            cwd / "config.yaml": (
                "model_list:\n  - model_name: claude\n    litellm_params:\n"
                f"      model: anthropic/claude-sonnet-4-5-20250929\n      api_key: {S['litellm.api-key']}\n"
                f"general_settings:\n  master_key: {S['litellm.master']}\n"
            ),
        }
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        yield Machine(home, cwd, environ, servers)


class Captured:
    """stdout, stderr, every log record (any logger, any level) and every warning of a block."""

    def __init__(self) -> None:
        self.logs = io.StringIO()
        self.warned: list[str] = []

    @contextmanager
    def around(self) -> Iterator[None]:
        handler = logging.StreamHandler(self.logs)
        handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        root = logging.getLogger()
        old = root.level
        root.addHandler(handler)
        root.setLevel(logging.DEBUG)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                yield
            self.warned += [str(w.message) for w in caught]
        finally:
            root.removeHandler(handler)
            root.setLevel(old)

    def text(self) -> str:
        return self.logs.getvalue() + "\n".join(self.warned)


FORMATS = [
    [],
    ["--json"],
    ["--ndjson"],
    ["--report"],
    ["--sources"],
    ["-v"],
    ["-v", "--lang", "ja"],
    ["--live", "--json"],
    ["--offline", "--report"],
]


def _run_check(m: Machine, extra: list[str], wire: Wire, capsys: Any, cap: Captured) -> tuple[int, str]:
    args = build_parser().parse_args(["--guides", str(GUIDES), "check", "--timeout", "3", "--deadline", "30", *extra])
    client = httpx.Client(transport=RecordingTransport(wire), follow_redirects=False, timeout=3)
    with cap.around():
        code = check_command(args, environ=dict(m.environ), home=m.home, cwd=m.cwd, client=client)
    out, err = capsys.readouterr()
    return code, out + err


def test_check_in_every_format_shows_no_secret(tmp_path: Path, capsys: Any) -> None:
    wire, cap = Wire(), Captured()
    with planted(tmp_path) as m:
        for extra in FORMATS:
            code, printed = _run_check(m, extra, wire, capsys, cap)
            assert code in (0, 1, 3), (extra, printed[-2000:])
            assert not leaks(printed), (extra, leaks(printed))
            if extra != ["--sources"]:
                assert "anthropic/api-key-shape" in printed or "api-key-shape" in printed, extra  # it really ran
    assert not leaks(cap.text()), leaks(cap.text())
    assert wire.sent, "no HTTP probe ran"


def test_crashing_probes_show_no_secret(tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Probes that die with every secret in their exception: the finding is `error`, scrubbed."""
    from generator.checks import cloud_calls, http, local

    everything = " ".join(f"{k}={v}" for k, v in S.items())

    def boom(*_: Any) -> Any:
        raise RuntimeError(f"boom while reading {everything}")

    for module, name in ((local, "key_shape"), (http, "http_json"), (cloud_calls, "aws_call")):
        monkeypatch.setattr(module, name, boom)
    wire, cap = Wire(), Captured()
    with planted(tmp_path) as m:
        for extra in (["--json"], ["-v"], ["--ndjson"], ["--report"]):
            code, printed = _run_check(m, extra, wire, capsys, cap)
            assert code in (1, 3)
            assert "boom while reading" in printed, extra  # the crash was reported...
            assert not leaks(printed), (extra, leaks(printed))  # ...without the secrets
        doc = json.loads(_run_check(m, ["--json"], wire, capsys, cap)[1])
    crashed = [f for f in doc["findings"] if f["status"] == "error"]
    assert len(crashed) >= 10 and doc["summary"]["error"] == len(crashed)
    assert not leaks(cap.text())


def _proc(args: list[str], m: Machine, stdin: str | None = None) -> str:
    env = {"PATH": os.environ["PATH"], "HOME": str(m.home), "PYTHONPATH": str(ROOT), **m.environ}
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "--guides", str(GUIDES), *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=m.cwd,
        env=env,
        timeout=120,
    )
    assert proc.returncode in (0, 1, 3), (args, proc.stdout[-1000:], proc.stderr[-3000:])
    return proc.stdout + proc.stderr


PASTED = (
    f"anthropic.AuthenticationError: Error code: 401 - invalid x-api-key {S['env.anthropic']}\n"
    f"OpenAI: Incorrect API key provided: {S['env.openai']}. openrouter key {S['env.openrouter']}\n"
    f"Authorization: Bearer {S['claude-user.token']}"
)


@pytest.mark.slow
def test_every_command_as_a_real_process_shows_no_secret(tmp_path: Path) -> None:
    runs = [
        ["check", "-v", "--timeout", "3"],
        ["check", "--json", "--timeout", "3"],
        ["check", "--ndjson", "--timeout", "3"],
        ["check", "--report", "--timeout", "3"],
        ["check", "--sources"],
        ["explain", PASTED],
        ["explain", "--json", "-"],
        ["list", "--json"],
        ["validate"],
    ]
    with planted(tmp_path) as m:
        for args in runs:
            printed = _proc(args, m, stdin=PASTED if args[-1] == "-" else None)
            assert not leaks(printed), (args, leaks(printed))
        proxied = m.servers["proxy"].seen
    # The https checks went to the proxy the environment names (and nowhere else), with its password.
    assert proxied and all(head.startswith(b"CONNECT ") for head in proxied)


def _allowed(m: Machine) -> dict[str, set[str]]:
    """Secret value → the hosts its own configuration sends it to (the base URL of the same check)."""
    settings = read_settings(m.environ, m.home, m.cwd)
    allowed: dict[str, set[str]] = {}
    for _, _, spec in load_catalogue(GUIDES).checks():
        if spec.kind not in ("http-json", "http-paid"):
            continue
        p = params_of(spec)
        base = (settings.resolve(p.base_var, p.sources).value if p.base_var else None) or p.base_default
        parts = urlsplit(base.strip())
        host = f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"
        for var in (p.key_var, p.bearer_var):
            value = settings.resolve(var, p.sources).value if var else None
            if value:
                allowed.setdefault(value.strip(), set()).add(host)
        if parts.password:
            allowed.setdefault(parts.password, set()).add(host)  # basic auth from the URL itself
    return allowed


def test_each_credential_goes_only_where_its_configuration_points(tmp_path: Path, capsys: Any) -> None:
    wire, cap = Wire(), Captured()
    with planted(tmp_path) as m:
        _run_check(m, ["--live", "--json"], wire, capsys, cap)
        allowed = _allowed(m)
        aws_seen = m.servers["aws"].seen
        token_seen = m.servers["gcp-token"].seen
    sent_anything = False
    for name, value in S.items():
        went = wire.destinations(value)
        sent_anything |= bool(went)
        assert went <= allowed.get(value, set()), f"{name} was sent to {went - allowed.get(value, set())}"
    assert sent_anything
    # The winning Anthropic key (the project-local settings file) reached the gateway; the others did not.
    anthropic = f"127.0.0.1:{urlsplit(m.environ['ANTHROPIC_BASE_URL']).port}"
    assert wire.destinations(S["claude-local.anthropic"]) == {anthropic}
    assert not wire.destinations(S["env.anthropic"]) and not wire.destinations(S["dotenv.anthropic"])
    # AWS signs with the secret key, never sends it; only the configured endpoint sees the session token.
    heads = b"".join(aws_seen)
    assert aws_seen and S["env.aws-secret"].encode() not in heads and S["aws.secret"].encode() not in heads
    assert not any(S["env.aws-session"] in str(h) for h, *_ in wire.sent)
    # The service account's signed grant went to the token_uri of its own file, the only place it may go.
    pytest.importorskip("google.auth")
    assert token_seen and all(b"POST /token " in head for head in token_seen)


def test_redirect_to_another_host_never_carries_the_key(tmp_path: Path, capsys: Any) -> None:
    """Two local servers: the configured one redirects to the other; the other sees nothing."""
    key = S["env.anthropic"]
    for target_host in ("localhost", "127.0.0.1"):  # another name, and the same address on another port
        with serve(answer(response(200, b'{"data": []}'))) as trap:
            location = f"http://{target_host}:{trap.port}/v1/models"
            with serve(answer(response(307, b"", {"location": location}))) as configured:
                home, cwd = tmp_path / target_host / "home", tmp_path / target_host / "cwd"
                home.mkdir(parents=True)
                cwd.mkdir(parents=True)
                environ = {"ANTHROPIC_API_KEY": key, "ANTHROPIC_BASE_URL": configured.base}
                args = build_parser().parse_args(
                    ["--guides", str(GUIDES), "check", "anthropic/models-endpoint", "--json", "--timeout", "2"]
                )
                from generator.checks.command import make_client

                check_command(args, environ=environ, home=home, cwd=cwd, client=make_client(2))
                doc = json.loads(capsys.readouterr().out)
                seen_configured, seen_trap = list(configured.seen), list(trap.seen)
        (finding,) = doc["findings"]
        assert finding["status"] == "fail" and finding["evidence"].get("status") == 307, finding
        assert len(seen_configured) == 1 and key.encode() in seen_configured[0]  # sent where configured
        assert seen_trap == [], f"the redirect target {target_host} was contacted"
        assert not leaks(json.dumps(doc))
