"""A fake reader's machine with distinctive secrets planted in every place `check` reads, and the
tools to follow them: local echoing providers, a transport that records every request, and a
check for any secret (or its middle part) in a text.

Shared by test_no_leaks.py and test_no_writes.py.
"""

from __future__ import annotations

import io
import json
import logging
import warnings
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from hostile_servers import Server, read_head, response, serve, service_account_adc


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


def runs(secret: str, n: int = 12) -> list[str]:
    """Every `n`-character run of `secret` that is not all public prefix (`sk-ant-api03-`, which
    every mask and guide shows): none may appear in any output."""
    from generator.secrets import PUBLIC_PREFIXES

    public = next((len(p) for p in PUBLIC_PREFIXES if secret.startswith(p)), 0)
    return [secret[i : i + n] for i in range(0, max(1, len(secret) - n + 1)) if i + n > public]


def leaks(text: str) -> list[str]:
    return sorted(name for name, value in S.items() if any(n in text for n in _needles(value)))


@dataclass
class Wire:
    """Every request the client sent, wherever it went: (host:port, method, url, headers)."""

    sent: list[tuple[str, str, str, dict[str, str]]] = field(default_factory=list)

    def destinations(self, value: str) -> set[str]:
        return {
            host
            for host, _, url, headers in self.sent
            if value in url or any(value in v for v in headers.values())
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
            cwd / ".claude" / "settings.json": json.dumps(
                {"env": {"ANTHROPIC_API_KEY": S["claude-project.anthropic"]}}
            ),
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
