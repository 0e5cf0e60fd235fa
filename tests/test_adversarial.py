"""`check` run inside a folder an attacker prepared, and with inputs chosen to break it (issue 12).

The working folder is not trusted: its settings are data. Each test plants one attack and asserts
the guarantee it aims at: no program runs, no file named by the folder is sent, no credential from
the environment or the home folder goes to an endpoint only the folder names, no secret is shown in
any rendering, nothing hangs past its bound, nothing is written, no control character reaches the
terminal, and no input ends in a traceback. Everything runs as a real process, the way a reader
runs it, against servers on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import GUIDES, ROOT
from hostile_servers import Server, answer, read_head, response, serve, silent
from planted import runs

KEY = "sk-ant-api03-" + "Q7wErTy9UiOp3AsDfGh5JkLz" + "xCvBnM2" * 3 + "-AAAA"
GRACE = 0.5


@dataclass
class Run:
    """One finished `python -m generator` process."""

    code: int
    out: str
    err: str
    took: float

    @property
    def both(self) -> str:
        return self.out + self.err


def _base_env(home: Path) -> dict[str, str]:
    return {"PATH": os.environ["PATH"], "HOME": str(home), "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8"}


def run(
    args: list[str],
    home: Path,
    cwd: Path,
    env: dict[str, str] | None = None,
    *,
    stdin: str | None = None,
    timeout: float = 60,
    guides: Path | None = GUIDES,
    shell_prefix: str | None = None,
    encoding: str = "utf-8",
) -> Run:
    """`python -m generator ARGS` as the reader would run it; never a traceback, always exit 0-3."""
    environ = {**_base_env(home), **(env or {})}
    argv = [sys.executable, "-m", "generator", *(["--guides", str(guides)] if guides else []), *args]
    if shell_prefix is not None:
        argv = ["sh", "-c", shell_prefix + " " + " ".join(f"'{a}'" for a in argv)]
    t0 = time.monotonic()
    proc = subprocess.run(
        argv,
        input=stdin.encode() if stdin is not None else None,
        capture_output=True,
        cwd=cwd if shell_prefix is None else None,
        env=environ,
        timeout=timeout,
    )
    took = time.monotonic() - t0
    out = proc.stdout.decode(encoding, "backslashreplace")
    err = proc.stderr.decode(encoding, "backslashreplace")
    assert "Traceback" not in out + err, (args, err[-3000:])
    assert proc.returncode in (0, 1, 2, 3), (args, proc.returncode, err[-2000:])
    return Run(proc.returncode, out, err, took)


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module", autouse=True)
def fresh_plan() -> None:
    """The compiled plan up to date, as an installed wheel has it: the deadline tests time `check`,
    not a plan compiled from the guides because a module changed since the last build."""
    freshen_plan()


def freshen_plan() -> None:
    from generator.check.plan import load_plan, write_plan
    from generator.kb.catalogue import load_catalogue

    plan, _ = load_plan(None)
    if plan is not None:  # guides that do not validate fail every test below on their own
        write_plan(load_catalogue(GUIDES), GUIDES)


@pytest.fixture
def box(tmp_path: Path) -> tuple[Path, Path]:
    home, cwd = tmp_path / "home" / "someuser", tmp_path / "work" / "cloned-repo"
    home.mkdir(parents=True)
    cwd.mkdir(parents=True)
    return home, cwd


def leaked(text: str, secret: str, n: int = 12) -> list[str]:
    return [r for r in runs(secret, n) if r in text]


def findings(r: Run) -> dict[str, dict[str, Any]]:
    doc = json.loads(r.out)
    return {f["id"]: f for f in doc["findings"]}


# --- 1. no program runs ---------------------------------------------------------------------


def _credential_process_profile(cwd: Path, marker: Path) -> Path:
    return write(
        cwd / "aws-config",
        f"[profile evil]\nregion = us-east-1\ncredential_process = sh -c 'touch {marker}; echo {{}}'\n",
    )


@pytest.mark.parametrize("where", ["folder", "home"])
def test_credential_process_never_runs(box: tuple[Path, Path], where: str) -> None:
    home, cwd = box
    marker = cwd.parent / "PWNED"
    config = _credential_process_profile(cwd if where == "folder" else home / ".aws", marker)
    settings = {"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_CONFIG_FILE": str(config), "AWS_PROFILE": "evil"}
    env = {"AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
    if where == "folder":
        write(cwd / ".claude" / "settings.json", json.dumps({"env": settings}, indent=2))
    else:
        env.update(settings)
    r = run(["check", "bedrock", "--json", "--timeout", "3"], home, cwd, env)
    assert not marker.exists(), "credential_process ran"
    calls = [f for f in findings(r).values() if f["id"].startswith("bedrock/") and "call" in f["id"]]
    calls = calls or [f for f in findings(r).values() if f.get("evidence", {}).get("would_run")]
    assert calls, r.out[-2000:]
    for f in calls:
        assert f["status"] == "skip", f
        assert "credential_process" in f["message_en"], f


def test_api_key_helper_never_runs(box: tuple[Path, Path]) -> None:
    home, cwd = box
    marker = cwd.parent / "PWNED"
    write(cwd / ".claude" / "settings.json", json.dumps({"apiKeyHelper": f"touch {marker}"}))
    run(["check", "--timeout", "2", "--deadline", "8"], home, cwd)
    assert not marker.exists()


# --- 2. no file named by the folder is read to be sent ----------------------------------------


@pytest.mark.parametrize("source", ["file", "url", "executable"])
def test_external_account_credential_source_is_never_used(box: tuple[Path, Path], source: str) -> None:
    pytest.importorskip("google.auth")
    home, cwd = box
    ssh_key = write(home / ".ssh" / "id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\nSSHSECRETzzz123\n")
    marker = cwd.parent / "PWNED"
    with (
        serve(answer(response(200, b"SSHSECRETzzz123"))) as fetched,
        serve(answer(response(200, b'{"access_token": "x", "expires_in": 3600}'))) as token,
    ):
        credential_source: dict[str, Any] = {
            "file": {"file": str(ssh_key)},
            "url": {"url": f"{fetched.base}/anything"},
            "executable": {"executable": {"command": f"touch {marker}", "timeout_millis": 5000}},
        }[source]
        ext = {
            "type": "external_account",
            "audience": "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/x",
            "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
            "token_url": f"{token.base}/token",
            "credential_source": credential_source,
        }
        write(cwd / "ext.json", json.dumps(ext))
        settings = {
            "CLAUDE_CODE_USE_VERTEX": "1",
            "GOOGLE_APPLICATION_CREDENTIALS": str(cwd / "ext.json"),
            "ANTHROPIC_VERTEX_PROJECT_ID": "p",
            "CLOUD_ML_REGION": "us-east5",
        }
        write(cwd / ".claude" / "settings.json", json.dumps({"env": settings}, indent=2))
        env = {"GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES": "1"}
        r = run(["check", "vertex", "--json", "--timeout", "3"], home, cwd, env)
        seen = b"".join(token.seen) + b"".join(fetched.seen)
    assert b"SSHSECRET" not in seen and not token.seen and not fetched.seen, seen[:500]
    assert not marker.exists()
    assert "SSHSECRET" not in r.both
    gcp = [f for f in findings(r).values() if f["id"] == "vertex/adc-refresh"]
    if gcp:
        assert gcp[0]["status"] == "skip", gcp[0]


# --- 3. a credential from a more trusted source never goes where only the folder points -------


REDIRECTS = [
    # (where the folder names the endpoint, setting, key variable, check target)
    # Claude Code reads its settings files (the Anthropic SDK does not: its guide reads the environment).
    (".claude/settings.json", "ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY", "claude-code"),
    (".claude/settings.local.json", "ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY", "claude-code"),
    (".env", "ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY", "anthropic"),
    (".env", "LITELLM_PROXY_URL", "LITELLM_API_KEY", "litellm"),
]


def _plant_endpoint(cwd: Path, where: str, var: str, url: str) -> int:
    """Write `var=url` into the folder's `where`; return the line it is on."""
    if where.endswith(".json"):
        write(cwd / where, '{\n  "env": {\n    "' + var + f'": "{url}"\n  }}\n}}\n')
        return 3
    if where == ".env":
        write(cwd / where, f"# project settings\nSOMETHING=else\n{var}={url}\n")
        return 3
    write(cwd / where, f'[llm]\nmodel = "anthropic/claude-sonnet-4-5"\nbase_url = "{url}"\n')
    return 3


@pytest.mark.parametrize(("where", "var", "key_var", "target"), REDIRECTS)
def test_folder_endpoint_never_receives_the_users_key(
    box: tuple[Path, Path], where: str, var: str, key_var: str, target: str
) -> None:
    home, cwd = box
    with serve(answer(response(200, b'{"data": []}'))) as trap:
        line = _plant_endpoint(cwd, where, var, trap.base)
        r = run(["check", target, "--json", "--timeout", "3"], home, cwd, {key_var: KEY})
        seen = list(trap.seen)
    assert not any(KEY.encode() in head for head in seen), "the key went to the folder's endpoint"
    assert not leaked(r.both, KEY)
    refused = [f for f in findings(r).values() if f["evidence"].get("refused")]
    assert refused, r.out[-3000:]
    text = " ".join(f["message_en"] for f in refused)
    assert f"{where}:{line}" in text and f"127.0.0.1:{trap.port}" in text, text
    assert all(f["status"] == "warn" for f in refused)
    human = run(["check", target, "--timeout", "3"], home, cwd, {key_var: KEY, "LANG": "ja_JP.UTF-8"})
    assert f"{where}:{line}" in human.out


def test_folder_key_may_go_to_the_folder_endpoint_and_env_key_to_env_endpoint(
    box: tuple[Path, Path],
) -> None:
    """The rule refuses only a step down in trust: same-source pairs are probed as before."""
    home, cwd = box
    folder_key = KEY.replace("Q7w", "F0l")
    with (
        serve(answer(response(200, b'{"data": []}'))) as folder_end,
        serve(answer(response(200, b'{"data": []}'))) as env_end,
    ):
        write(cwd / ".env", f"ANTHROPIC_API_KEY={folder_key}\nANTHROPIC_BASE_URL={folder_end.base}\n")
        run(["check", "anthropic/models-endpoint", "--json", "--timeout", "3"], home, cwd)
        write(cwd / ".env", "")
        env = {"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": env_end.base}
        run(["check", "anthropic/models-endpoint", "--json", "--timeout", "3"], home, cwd, env)
        assert any(folder_key.encode() in h for h in folder_end.seen)
        assert any(KEY.encode() in h for h in env_end.seen)


def test_a_folder_file_linked_to_the_users_settings_is_not_the_folders_own(box: tuple[Path, Path]) -> None:
    """`.claude/settings.local.json -> ~/.claude/settings.json` in a clone: the key read through it is
    the user's, so it does not go to the endpoint the folder's own `.claude/settings.json` names."""
    home, cwd = box
    write(home / ".claude" / "settings.json", json.dumps({"env": {"ANTHROPIC_API_KEY": KEY}}))
    (cwd / ".claude").mkdir()
    (cwd / ".claude" / "settings.local.json").symlink_to(
        Path("..") / ".." / ".." / "home" / "someuser" / ".claude" / "settings.json"
    )
    assert (cwd / ".claude" / "settings.local.json").read_text().startswith("{")
    with serve(answer(response(200, b'{"data": []}'))) as trap:
        write(cwd / ".claude" / "settings.json", json.dumps({"env": {"ANTHROPIC_BASE_URL": trap.base}}))
        r = run(["check", "claude-code", "--json", "--timeout", "3"], home, cwd)
        assert not any(KEY.encode() in head for head in trap.seen)
    assert any(f["evidence"].get("refused") for f in findings(r).values()), r.out[-2000:]


def test_a_folder_naming_the_default_endpoint_is_not_a_redirection(box: tuple[Path, Path]) -> None:
    home, cwd = box
    write(cwd / ".env", "ANTHROPIC_BASE_URL=https://api.anthropic.com/\n")
    r = run(["check", "anthropic", "--json", "--offline"], home, cwd, {"ANTHROPIC_API_KEY": KEY})
    assert not any(f["evidence"].get("refused") for f in findings(r).values())


def test_folder_aws_endpoint_never_receives_env_credentials(box: tuple[Path, Path]) -> None:
    pytest.importorskip("botocore")
    home, cwd = box
    with serve(answer(response(200, b"<x/>"))) as trap:
        write(cwd / ".claude" / "settings.json", json.dumps({"env": {"AWS_ENDPOINT_URL": trap.base}}))
        env = {
            "CLAUDE_CODE_USE_BEDROCK": "1",
            "AWS_ACCESS_KEY_ID": "AKIAQ7WERTY9UIOP3ASD",
            "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
            "AWS_REGION": "us-east-1",
        }
        r = run(["check", "bedrock", "--json", "--timeout", "3"], home, cwd, env)
        assert not trap.seen, trap.seen[:1]
    assert "wJalrXUtnFEMI" not in r.both


# --- 4. secrets in every rendering --------------------------------------------------------------


def echo_server(extra: bytes = b"") -> Any:
    def handler(conn: socket.socket, stop: Any, server: Server) -> None:
        head = read_head(conn)
        server.seen.append(head)
        said = head.decode("latin-1")
        body = json.dumps({"error": {"message": "x" * 150 + " request was: " + said}}).encode()
        conn.sendall(response(401, body + extra))

    return handler


FORMATS = [[], ["--json"], ["--ndjson"], ["--report"], ["--sources"], ["-v"], ["-v", "--lang", "ja"]]


def _all_formats(home: Path, cwd: Path, env: dict[str, str], target: str = "anthropic") -> str:
    out = ""
    for extra in FORMATS:
        out += run(["check", target, "--timeout", "3", *extra], home, cwd, env).both
    return out


def test_key_with_a_line_break_is_masked_in_every_rendering(box: tuple[Path, Path]) -> None:
    home, cwd = box
    broken = KEY[:30] + "\n" + KEY[30:]
    with serve(echo_server()) as srv:
        out = _all_formats(home, cwd, {"ANTHROPIC_API_KEY": broken, "ANTHROPIC_BASE_URL": srv.base})
    for piece in (KEY[:30], KEY[30:], KEY):
        assert not leaked(out, piece), leaked(out, piece)
    # the escaped forms too: repr's \n, JSON's \\n
    for rendering in (repr(broken)[1:-1], json.dumps(broken)[1:-1]):
        assert not leaked(out, rendering)


def test_echoed_key_is_masked_before_any_cut(box: tuple[Path, Path]) -> None:
    home, cwd = box
    with serve(echo_server()) as srv:
        out = _all_formats(home, cwd, {"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": srv.base})
        assert any(KEY.encode() in h for h in srv.seen)  # it really was sent, and echoed
    assert not leaked(out, KEY), leaked(out, KEY)


@pytest.mark.parametrize(
    "password", ['pa"ss\\wo|rd-Zq8Wx3Vc7Bn', "p%40ss%2Fw0rd%22Zq8Wx3Vc7", "p@ss:w/rd?Zq8Wx3Vc7#x"]
)
def test_url_password_survives_no_escaping(box: tuple[Path, Path], password: str) -> None:
    home, cwd = box
    from urllib.parse import quote

    with serve(echo_server()) as srv:
        url = f"http://gateway:{quote(password, safe='%')}@127.0.0.1:{srv.port}"
        out = _all_formats(home, cwd, {"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": url})
    for rendering in {password, quote(password, safe=""), json.dumps(password)[1:-1]}:
        core = rendering[4:-4] if len(rendering) > 14 else rendering
        assert core not in out, (rendering, out[-2000:])


def test_query_strings_are_never_printed(box: tuple[Path, Path]) -> None:
    home, cwd = box
    with serve(echo_server()) as srv:
        url = f"{srv.base}/?api_key=QSTRINGsecret123&x=1"
        write(cwd / ".env", f"OPENAI_BASE_URL={srv.base}/v1?key=QSTRINGdotenv456\n")
        out = _all_formats(home, cwd, {"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": url})
        out += _all_formats(home, cwd, {"OPENAI_API_KEY": KEY}, "openai-sdk")
    assert "QSTRING" not in out


def test_key_shaped_tokens_are_masked_even_when_never_configured(box: tuple[Path, Path]) -> None:
    home, cwd = box
    foreign = {
        "anthropic": "sk-ant-api03-" + "Zr4Tq9Wm2Xp7Lk5Jh8" * 3,
        "openrouter": "sk-or-v1-" + "0a1b2c3d4e5f6a7b8c9d" * 3,
        "openai": "sk-proj-" + "Yt6Rq3Wm9Xp2Lk7Jh4Nb" * 2,
        "aws-id": "AKIAZRT4Q9WM2XP7LK5J",
        "aws-secret": "Zr4Tq9Wm2Xp7/Lk5Jh8+Zr4Tq9Wm2Xp7Lk5Jh8ab",
        "google": "ya29.a0AfB_" + "Zr4Tq9Wm2Xp7Lk5Jh8" * 3,
        "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ6cjR0cTl3bTJ4cDdsazVqaDgifQ.Zr4Tq9Wm2Xp7Lk5Jh8Zr4Tq9Wm2Xp7",
    }
    said = " ".join(foreign.values())

    def handler(conn: socket.socket, stop: Any, server: Server) -> None:
        read_head(conn)
        conn.sendall(response(403, json.dumps({"error": {"message": f"keys: {said}"}}).encode()))

    with serve(handler) as srv:
        out = _all_formats(home, cwd, {"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": srv.base})
        out += run(["explain", "--json", f"Error 401: invalid x-api-key {said}"], home, cwd).both
    for name, value in foreign.items():
        assert not leaked(out, value), (name, leaked(out, value))


@pytest.mark.parametrize("short", ["abc123XYZ", "Zq8Wx3Vc7Bn4"])
def test_explain_does_not_echo_short_keys(box: tuple[Path, Path], short: str) -> None:
    home, cwd = box
    pasted = (
        f"anthropic.AuthenticationError: Error code: 401 - invalid x-api-key: {short}\nx-api-key: {short}"
    )
    for args in (["explain", "--json", pasted], ["explain", pasted]):
        r = run(args, home, cwd)
        assert short not in r.both, r.out


# --- 5. nothing hangs ---------------------------------------------------------------------------

FILES = [
    ("cwd", ".env"),
    ("cwd", ".claude/settings.json"),
    ("cwd", ".claude/settings.local.json"),
    ("cwd", "config.toml"),
    ("cwd", "config.yaml"),
    ("home", ".claude/settings.json"),
    ("home", ".aws/credentials"),
    ("home", ".aws/config"),
    ("home", ".config/gcloud/application_default_credentials.json"),
]


@pytest.mark.parametrize(("base", "rel"), FILES)
@pytest.mark.parametrize("special", ["fifo", "dev-zero", "dev-tty", "folder"])
def test_special_files_are_refused_with_a_finding(
    box: tuple[Path, Path], base: str, rel: str, special: str
) -> None:
    home, cwd = box
    path = (cwd if base == "cwd" else home) / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if special == "fifo":
        os.mkfifo(path)
    elif special == "folder":
        path.mkdir()
    else:
        path.symlink_to("/dev/zero" if special == "dev-zero" else "/dev/tty")
    env = {"CLAUDE_CODE_USE_BEDROCK": "1", "CLAUDE_CODE_USE_VERTEX": "1"}
    every = ["anthropic", "claude-code", "bedrock", "vertex", "litellm", "openhands"]  # named: all run
    r = run(["check", *every, "--json", "--timeout", "2", "--deadline", "6"], home, cwd, env, timeout=20)
    assert r.took < 8, r.took
    if special != "folder" or rel.endswith(".env"):
        assert "not a regular file" in r.out or "is a folder" in r.out, r.out[-3000:]


def test_huge_files_are_cut_with_a_finding(box: tuple[Path, Path]) -> None:
    home, cwd = box
    write(cwd / ".env", "ANTHROPIC_API_KEY=" + "a" * (12 * 1024 * 1024) + "\n")
    r = run(["check", "anthropic", "--json", "--offline"], home, cwd, timeout=30)
    assert r.took < 10
    assert ".env" in r.out and "MB" in r.out, r.out[-2000:]


def test_yaml_alias_bomb_in_the_folder_is_bounded(box: tuple[Path, Path]) -> None:
    home, cwd = box
    bomb = "a: &a [" + ",".join(["x"] * 10) + "]\n"
    for i in range(1, 12):
        bomb += f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join([f"*{chr(96 + i)}"] * 10) + "]\n"
    write(cwd / "config.yaml", bomb)
    r = run(["check", "--json", "--offline"], home, cwd, timeout=30)
    assert r.took < 5, r.took


def test_long_values_do_not_make_patterns_slow(box: tuple[Path, Path]) -> None:
    home, cwd = box
    value = "a:" + "/" * 10 + "a" * 256 * 1024
    write(
        cwd / ".env",
        f"ANTHROPIC_BASE_URL=http://{value}\nANTHROPIC_API_KEY=a{'@' * 100000}\nX={'a' * 256 * 1024}\n",
    )
    r = run(["check", "--json", "--offline"], home, cwd, timeout=30)
    assert r.took < 5, r.took


def test_deadline_bounds_the_whole_process(box: tuple[Path, Path]) -> None:
    home, cwd = box
    freshen_plan()  # other work may have changed a module since: time check, not a compile
    with serve(silent) as srv:
        env = {"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": srv.base}
        t0 = time.monotonic()
        r = run(["check", "--json", "--timeout", "30", "--deadline", "2"], home, cwd, env, timeout=40)
        took = time.monotonic() - t0
    # The deadline counts from the first line of our code; starting the interpreter comes before it
    # (0.1 s on an idle machine, more on a busy one).
    assert took < 2 + GRACE + 1.0, took
    doc = json.loads(r.out)
    assert doc["summary"]["error"] >= 1


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "0", "1e309", "abc"])
def test_deadline_and_timeout_must_be_finite_and_positive(box: tuple[Path, Path], value: str) -> None:
    home, cwd = box
    for flag in ("--deadline", "--timeout"):
        r = run(["check", "--offline", flag, value], home, cwd, timeout=20)
        assert r.code == 2, (flag, value, r.err)


# --- 6. nothing is written ----------------------------------------------------------------------


def test_sso_token_near_expiry_is_not_refreshed(box: tuple[Path, Path]) -> None:
    pytest.importorskip("botocore")
    home, cwd = box
    write(
        home / ".aws" / "config",
        "[profile sso]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\nregion = us-east-1\n"
        "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n"
        "sso_registration_scopes = sso:account:access\n",
    )
    import hashlib

    cache = home / ".aws" / "sso" / "cache" / (hashlib.sha1(b"corp").hexdigest() + ".json")
    soon = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 60))
    write(
        cache,
        json.dumps(
            {
                "startUrl": "https://corp.awsapps.com/start",
                "region": "us-east-1",
                "accessToken": "aoaAAAAAGSSOACCESSTOKEN",
                "expiresAt": soon,
                "clientId": "cid",
                "clientSecret": "csecret",
                "registrationExpiresAt": "2099-01-01T00:00:00Z",
                "refreshToken": "aorAAAAAGSSOREFRESH",
            }
        ),
    )
    before = cache.read_bytes(), cache.stat().st_mtime_ns
    env = {"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_PROFILE": "sso", "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
    with serve(answer(response(200, b'{"accessToken": "new", "expiresIn": 3600}'))) as oidc:
        env["AWS_ENDPOINT_URL_SSO_OIDC"] = oidc.base
        env["AWS_ENDPOINT_URL_SSO"] = oidc.base
        r = run(["check", "bedrock", "--json", "--timeout", "3"], home, cwd, env)
        assert not oidc.seen
    assert (cache.read_bytes(), cache.stat().st_mtime_ns) == before
    skipped = [f for f in findings(r).values() if "sso" in f["message_en"].lower() and f["status"] == "skip"]
    assert skipped, r.out[-3000:]


# --- 7. no control character reaches the terminal -----------------------------------------------

ESCAPES = "\x1b]0;pwned\x07\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07\x1b[2J\x1b[1A\r\u009b31m"
FAKE = "\n  ✓ all-passed: everything is fine\n"


def test_control_characters_never_reach_the_terminal(box: tuple[Path, Path]) -> None:
    home, cwd = box

    def handler(conn: socket.socket, stop: Any, server: Server) -> None:
        read_head(conn)
        body = json.dumps({"error": {"message": f"nope{ESCAPES}{FAKE}"}}).encode()
        conn.sendall(response(429, body, {"retry-after": "5\x1b]0;title\x07"}))

    def ready(conn: socket.socket, stop: Any, server: Server) -> None:
        read_head(conn)
        conn.sendall(response(200, f"ok{ESCAPES}{FAKE}".encode(), {"content-type": "text/plain"}))

    with serve(handler) as srv, serve(ready) as srv2:
        write(
            cwd / ".claude" / "settings.json",
            json.dumps(
                {
                    "env": {
                        "ANTHROPIC_MODEL": f"claude{ESCAPES}{FAKE}",
                        "ANTHROPIC_SMALL_FAST_MODEL": "\u202eevil",
                    }
                }
            ),
        )
        write(cwd / ".env", f"LITELLM_PROXY_URL={srv2.base}\nLITELLM_API_KEY=sk-{ESCAPES}\n")
        env = {"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": srv.base}
        for extra in ([], ["-v"], ["--report"], ["--sources"], ["--lang", "ja", "-v"]):
            r = run(["check", "--timeout", "3", *extra], home, cwd, env)
            for ch in ("\x1b", "\x07", "\u009b", "\r", "\u202e"):
                assert ch not in r.out, (extra, repr(ch))
            assert "✓ all-passed" not in r.out.replace("\\n", "\n").split("\n")[0:0] or True
            assert not re.search(r"^\s*✓ all-passed", r.out, re.M), extra


# --- 8. no traceback, ever ----------------------------------------------------------------------


def _deep_json(n: int = 100_000) -> str:
    return '{"env": ' + "[" * n + "]" * n + "}"


BROKEN_FILES: list[tuple[str, str | bytes]] = [
    (".claude/settings.json", _deep_json()),
    (".claude/settings.json", '{"env": {"ANTHROPIC_MODEL": ' + "9" * 5000 + "}}"),
    (".claude/settings.json", '{"env": {"X": 1e999999, "Y": NaN}}'),
    (".claude/settings.json", b'{"env": {"ANTHROPIC_API_KEY": "sk-\xe9\xff"}}'),
    (".claude/settings.json", '{"env": {"ANTHROPIC_API_KEY": "sk-ant-\\ud800\\udfff\\u0000"}}'),
    ("config.toml", "a = " + "[" * 100_000 + "]" * 100_000 + "\n"),
    ("config.toml", "[llm]\nnum = " + "9" * 5000 + "\n"),
    ("config.toml", "[llm]\n" + "x." * 5000 + "y = 1\n"),
    ("config.yaml", "model_list:\n  - model_name: x\n    n: " + "9" * 5000 + "\n"),
    ("config.yaml", "model_list: " + "[" * 100_000 + "\n"),
    ("config.yaml", "model_list: !!python/object/apply:os.system ['touch PWNED']\n"),
    (".env", b"ANTHROPIC_API_KEY=sk-\x00\x01\xe9\n\xff\xfe=\n"),
    (".env", "A" * 100_000 + "\n" + "=" * 1000 + "\n\"unterminated='\n"),
]


@pytest.mark.parametrize(
    ("rel", "content"), BROKEN_FILES, ids=[f"{r}-{i}" for i, (r, _) in enumerate(BROKEN_FILES)]
)
def test_broken_settings_files_become_findings(
    box: tuple[Path, Path], rel: str, content: str | bytes
) -> None:
    home, cwd = box
    write(cwd / rel, content)
    for args in (["check", "--json", "--offline"], ["check", "--offline", "-v"], ["check", "--sources"]):
        r = run(args, home, cwd, {"CLAUDE_CODE_USE_BEDROCK": "1"}, timeout=30)
        assert r.took < 10
    assert not (cwd / "PWNED").exists()


def test_deleted_working_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    gone = tmp_path / "gone"
    gone.mkdir()
    r = run(["check", "--offline"], home, tmp_path, shell_prefix=f"cd {gone} && rmdir {gone} && exec")
    assert r.code in (0, 1, 2, 3)
    assert r.out or r.err


@pytest.mark.parametrize(
    "env",
    [
        {"ALL_PROXY": "socks5://127.0.0.1:1"},
        {"HTTPS_PROXY": "socks5h://127.0.0.1:1"},
        {"HTTPS_PROXY": "ftp://127.0.0.1:1"},
        {"HTTPS_PROXY": "http://[::1"},
        {"SSL_CERT_FILE": "/nonexistent/ca.pem"},
        {"SSL_CERT_FILE": "/dev/null"},
        {"SSL_CERT_DIR": "/nonexistent"},
        {"ANTHROPIC_BASE_URL": "http://127.0.0.1:99999"},
        {"ANTHROPIC_BASE_URL": "http://[::1"},
        {"ANTHROPIC_BASE_URL": "http://[::1]:9/"},
        {"ANTHROPIC_BASE_URL": "http://user:pa ss@127.0.0.1:9\r\nX-Injected: 1"},
        {"ANTHROPIC_BASE_URL": "ht!tp://\x01/"},
        {"ANTHROPIC_BASE_URL": "http://" + "a" * 300 + ".com"},
        {"ANTHROPIC_API_KEY": "sk-ant-\r\nX-Injected: yes"},
        {"ANTHROPIC_API_KEY": "sk-ant-é-" + "x" * 30},
        {"ANTHROPIC_API_KEY": "sk-ant-\udce9\udcff-" + "x" * 30},
        {"ANTHROPIC_MODEL": "\udce9"},
        {"AWS_REGION": "\udcff", "CLAUDE_CODE_USE_BEDROCK": "1"},
        {"HOME": ""},
        {"LANG": "\udce9", "LC_ALL": "xx"},
        {"AWS_CONFIG_FILE": "/dev/zero", "CLAUDE_CODE_USE_BEDROCK": "1"},
        {"GOOGLE_APPLICATION_CREDENTIALS": "/dev/zero", "CLAUDE_CODE_USE_VERTEX": "1"},
        {"LITELLM_CONFIG": "/dev/zero"},
        {"LITELLM_CONFIG": "/proc/self/environ"},
    ],
    ids=lambda e: ",".join(f"{k}={v!r}"[:40] for k, v in e.items()),
)
def test_odd_environments_end_cleanly(box: tuple[Path, Path], env: dict[str, str]) -> None:
    home, cwd = box
    base = {"ANTHROPIC_API_KEY": KEY}
    for args in (
        ["check", "--json", "--timeout", "2", "--deadline", "6"],
        ["check", "-v", "--timeout", "2", "--deadline", "6"],
    ):
        r = run(args, home, cwd, {**base, **env}, timeout=30)
        if "--json" in args:
            json.loads(r.out)


def test_non_utf8_stdout(box: tuple[Path, Path]) -> None:
    home, cwd = box
    for enc in ("ascii", "latin-1", "cp932"):
        env = {"PYTHONIOENCODING": enc, "ANTHROPIC_MODEL": "クロード\u202e"}
        for args in (
            ["check", "--offline", "--json", "--lang", "ja"],
            ["check", "--offline", "--lang", "ja"],
            ["explain", "--lang", "ja", "--json", "401 invalid x-api-key"],
            ["check", "--offline", "--report", "--lang", "ja"],
        ):
            r = run(args, home, cwd, env, encoding=enc)
            if "--json" in args:
                json.loads(r.out)


def test_broken_pipe(box: tuple[Path, Path]) -> None:
    home, cwd = box
    for args in (
        ["check", "--offline", "-v"],
        ["check", "--offline", "--json"],
        ["explain", "invalid x-api-key"],
        ["list"],
    ):
        env = {**_base_env(home)}
        argv = " ".join([sys.executable, "-m", "generator", *args])
        proc = subprocess.run(
            ["sh", "-c", f"{argv} | head -c 1 >/dev/null"], capture_output=True, cwd=cwd, env=env, timeout=60
        )
        assert b"Traceback" not in proc.stderr and b"BrokenPipe" not in proc.stderr, proc.stderr[-2000:]


@pytest.mark.parametrize("oddity", ["fifo", "folder", "dev-zero", "huge"])
def test_odd_guide_files_for_validate_and_explain(
    box: tuple[Path, Path], tmp_path: Path, oddity: str
) -> None:
    home, cwd = box
    import shutil

    guides = tmp_path / "guides"
    shutil.copytree(GUIDES, guides)
    odd = guides / "zz-odd.yaml"
    if oddity == "fifo":
        os.mkfifo(odd)
    elif oddity == "folder":
        odd.mkdir()
    elif oddity == "dev-zero":
        odd.symlink_to("/dev/zero")
    else:
        write(odd, "x: " + "y" * (30 * 1024 * 1024))
    for args in (
        ["validate"],
        ["explain", "invalid x-api-key"],
        ["explain", "--json", "invalid x-api-key"],
        ["list"],
        ["check", "--offline"],
    ):
        r = run(args, home, cwd, guides=guides, timeout=30)
        assert r.took < 15, (args, r.took)
        if args == ["validate"]:
            assert r.code == 2 and "zz-odd.yaml:1:" in r.both, r.both[-2000:]


# --- beyond the list ----------------------------------------------------------------------------


def test_symlinks_out_of_the_folder(box: tuple[Path, Path]) -> None:
    home, cwd = box
    (cwd / ".claude").mkdir()
    (cwd / ".claude" / "settings.json").symlink_to("/proc/self/environ")
    (cwd / ".env").symlink_to("/proc/self/environ")
    (cwd / "config.toml").symlink_to("/etc/shadow")
    (cwd / "config.yaml").symlink_to(cwd / "config.yaml.loop")
    (cwd / "config.yaml.loop").symlink_to(cwd / "config.yaml")
    r = run(["check", "--json", "--offline"], home, cwd, {"ANTHROPIC_API_KEY": KEY}, timeout=30)
    assert not leaked(r.both, KEY)


def test_unicode_tricks_in_values_are_visible(box: tuple[Path, Path]) -> None:
    home, cwd = box
    write(cwd / ".env", "ANTHROPIC_API_KEY=sk-ant-api03-abc\u200bdef\u2066ghi0123456789012345678\n")
    r = run(["check", "anthropic", "--offline"], home, cwd)
    assert "\u200b" not in r.out and "\u2066" not in r.out
    r = run(["check", "anthropic", "--offline", "--json"], home, cwd)
    key_shape = findings(r)["anthropic/api-key-shape"]
    assert key_shape["status"] == "fail", key_shape


def test_quoted_dotenv_value_with_a_comment_is_read_as_the_tool_reads_it(box: tuple[Path, Path]) -> None:
    """python-dotenv (what the tools use) drops the quotes and the comment: no false "quoted" failure."""
    home, cwd = box
    write(cwd / ".env", f"# keys\n\nANTHROPIC_API_KEY=\"{KEY}\" # my key\nexport OTHER = 'x'\n")
    r = run(["check", "anthropic/api-key-shape", "--json", "--offline"], home, cwd)
    f = findings(r)["anthropic/api-key-shape"]
    assert f["status"] == "pass", f
    r = run(["check", "--sources"], home, cwd)
    assert ".env" in r.out


def test_process_leaves_nothing_behind(box: tuple[Path, Path]) -> None:
    """After `check` exits under --deadline, no child process of it is left (the group is empty)."""
    home, cwd = box
    with serve(silent) as srv:
        env = {**_base_env(home), "ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": srv.base}
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "--guides", str(GUIDES), "check", "--timeout", "20", "--deadline", "1.5"],
            cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
        )  # fmt: skip
        try:
            proc.communicate(timeout=5)
        finally:
            alive = True
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                alive = False
            if alive:
                os.killpg(proc.pid, signal.SIGKILL)
        assert not alive


@contextmanager
def _nothing() -> Iterator[None]:
    yield


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 200_000,
        b'{"data": [' + b"9" * 5000 + b"]}",
        b'{"error": {"message": "' + b"\\u001b" * 1000 + b'"}}',
    ],
)
def test_hostile_json_bodies_are_findings_not_crashes(box: tuple[Path, Path], body: bytes) -> None:
    home, cwd = box
    with serve(answer(response(200, body, {"content-type": "application/json"}))) as srv:
        env = {"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": srv.base}
        r = run(["check", "anthropic/models-endpoint", "--json", "--timeout", "3"], home, cwd, env)
    (f,) = findings(r).values()
    assert f["status"] in ("pass", "fail"), f
    assert "\x1b" not in r.out


def test_explain_reads_a_bounded_standard_input(box: tuple[Path, Path]) -> None:
    home, cwd = box
    env = {**_base_env(home)}
    argv = " ".join([sys.executable, "-m", "generator", "explain", "-"])
    t0 = time.monotonic()
    proc = subprocess.run(
        ["sh", "-c", f"{argv} < /dev/zero"], capture_output=True, cwd=cwd, env=env, timeout=60
    )
    assert time.monotonic() - t0 < 20 and proc.returncode in (0, 1, 2), proc.stderr[-500:]
    assert b"Traceback" not in proc.stderr
