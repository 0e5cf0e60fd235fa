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

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from conftest import GUIDES, PROVIDERS, ROOT
from hostile_servers import answer, response, serve
from planted import Captured, Machine, RecordingTransport, S, Wire, leaks, planted

from generator.check.command import check_command
from generator.check.sources import read_settings
from generator.cli import build_parser, check_options
from generator.kb.catalogue import load_catalogue, params_of

# Every provider is named on the command line (PROVIDERS): the planted machine sets everything at
# once, and a leak test must run every check, including those of providers no route goes through
# (Vertex while Bedrock wins, say).
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
    args = build_parser().parse_args(
        ["--guides", str(GUIDES), "check", *PROVIDERS, "--timeout", "3", "--deadline", "30", *extra]
    )
    client = httpx.Client(transport=RecordingTransport(wire), follow_redirects=False, timeout=3)
    with cap.around():
        code = check_command(
            check_options(args), environ=dict(m.environ), home=m.home, cwd=m.cwd, client=client
        )
    out, err = capsys.readouterr()
    return code, out + err


def test_check_in_every_format_shows_no_secret(tmp_path: Path, capsys: Any) -> None:
    wire, cap = Wire(), Captured()
    with planted(tmp_path) as m:
        for extra in FORMATS:
            code, printed = _run_check(m, extra, wire, capsys, cap)
            assert code in (0, 1, 3), (extra, printed[-2000:])
            assert not leaks(printed), (extra, leaks(printed))
            if extra not in (["--sources"], []):  # plain text lists only what needs attention
                assert "anthropic/api-key-shape" in printed or "api-key-shape" in printed, (
                    extra
                )  # it really ran
    assert not leaks(cap.text()), leaks(cap.text())
    assert wire.sent, "no HTTP probe ran"


def test_crashing_probes_show_no_secret(tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Probes that die with every secret in their exception: the finding is `error`, scrubbed."""
    from generator.check.kinds import cloud_calls, http_json, key_shape

    everything = " ".join(f"{k}={v}" for k, v in S.items())

    def boom(*_: Any) -> Any:
        raise RuntimeError(f"boom while reading {everything}")

    for module, name in ((key_shape, "key_shape"), (http_json, "http_json"), (cloud_calls, "aws_call")):
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
        ["check", *PROVIDERS, "-v", "--timeout", "3"],
        ["check", *PROVIDERS, "--json", "--timeout", "3"],
        ["check", *PROVIDERS, "--ndjson", "--timeout", "3"],
        ["check", *PROVIDERS, "--report", "--timeout", "3"],
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
    # The Anthropic SDK's key (the environment) reached the gateway its environment names. Claude Code is on
    # Bedrock here, so no settings-file key went anywhere; nor did the `.env` key the shell outranks.
    anthropic = f"127.0.0.1:{urlsplit(m.environ['ANTHROPIC_BASE_URL']).port}"
    assert wire.destinations(S["env.anthropic"]) == {anthropic}
    for unsent in ("claude-local", "claude-project", "claude-user", "dotenv"):
        assert not wire.destinations(S[f"{unsent}.anthropic"]), unsent
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
                    [
                        "--guides",
                        str(GUIDES),
                        "check",
                        "anthropic/models-endpoint",
                        "--json",
                        "--timeout",
                        "2",
                    ]
                )
                from generator.check.command import make_client

                check_command(check_options(args), environ=environ, home=home, cwd=cwd, client=make_client(2))
                doc = json.loads(capsys.readouterr().out)
                seen_configured, seen_trap = list(configured.seen), list(trap.seen)
        (finding,) = doc["findings"]
        assert finding["status"] == "fail" and finding["evidence"].get("status") == 307, finding
        assert len(seen_configured) == 1 and key.encode() in seen_configured[0]  # sent where configured
        assert seen_trap == [], f"the redirect target {target_host} was contacted"
        assert not leaks(json.dumps(doc))
