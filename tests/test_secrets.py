from __future__ import annotations

import contextlib
import io
import json
import string
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from planted import runs

from generator.secrets import Scrubber, clip, fingerprint, mask, mask_shapes, redact_urls

KEY = "sk-ant-api03-" + "A1b2C3d4" * 11 + "wXyZ"


def test_mask_shows_prefix_last_four_and_fingerprint_only() -> None:
    shown = mask(KEY)
    assert shown == f"sk-ant-api03-…wXyZ (sha256:{fingerprint(KEY)})"
    assert KEY[13:30] not in shown


def test_short_values_show_almost_nothing() -> None:
    assert mask("abcdefgh").startswith("ab…")
    assert "abcdefgh" not in mask("abcdefgh")
    assert mask("") == "(empty)"


def test_scrubber_replaces_secret_and_its_stripped_form() -> None:
    scrub = Scrubber([f'"{KEY}"\n'])
    out = scrub(f"got {KEY} and again {KEY}")
    assert KEY not in out
    assert out.count("wXyZ (sha256:") == 2


# --- every rendering, and the property over the whole command ------------------------------------


def test_every_rendering_of_a_known_secret_is_masked() -> None:
    secret = 'Zq8"Wx3\\Vc7|Bn4/Ty6=Ui9%Op2'
    scrub = Scrubber([secret])
    for rendering in (
        secret,
        repr(secret)[1:-1],
        repr(secret.encode())[2:-1],
        json.dumps(secret)[1:-1],
        json.dumps(json.dumps(secret))[1:-1],
        quote(secret, safe=""),
        secret.replace("|", "\\|"),
    ):
        out = scrub(f"said: {rendering} !")
        assert not any(r in out for r in runs(secret)), (rendering, out)


def test_a_secret_split_at_a_line_break_is_masked_line_by_line() -> None:
    secret = "Zq8Wx3Vc7Bn4Ty6\nUi9Op2As5Df8Gh1"
    out = Scrubber([secret])(
        "first Zq8Wx3Vc7Bn4Ty6 then Ui9Op2As5Df8Gh1 and b'Zq8Wx3Vc7Bn4Ty6\\nUi9Op2As5Df8Gh1'"
    )
    assert not any(r in out for part in secret.split("\n") for r in runs(part, 8)), out


def test_masking_happens_before_the_cut() -> None:
    scrub = Scrubber(["Zq8Wx3Vc7Bn4Ty6Ui9Op2As5Df8Gh1"])
    from generator.secrets import scrub_logs

    scrub_logs(scrub)
    text = "x" * 190 + "Zq8Wx3Vc7Bn4Ty6Ui9Op2As5Df8Gh1"
    assert "Zq8Wx3Vc7B" not in clip(text, 200)


def test_key_shapes_and_queries_are_masked_unconfigured() -> None:
    text = (
        "sk-ant-api03-Zq8Wx3Vc7Bn4Ty6Ui9Op2 AKIAZRT4Q9WM2XP7LK5J "
        "ya29.a0AfB_Zq8Wx3Vc7Bn4Ty6Ui9Op2 eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.Zq8Wx3Vc7Bn4Ty6"
    )
    out = redact_urls(mask_shapes(text))
    for token in text.split():
        assert not any(r in out for r in runs(token) if not r.startswith(("sk-ant-api03", "ya29.a0AfB_"))), (
            token
        )
    assert "QSTR" not in redact_urls("GET /v1?api_key=QSTRsecret&x=1 https://h/?token=QSTR2")


# The property: random secrets in random places and formats; no 12-character run of any is printed.

_ALPHABET = string.ascii_letters + string.digits + "-_./+=:@%!*~,"
SECRETS = st.text(alphabet=_ALPHABET, min_size=16, max_size=60).filter(lambda s: len(set(s)) >= 10)
PLACES = [
    "env:ANTHROPIC_API_KEY",
    "env:OPENAI_API_KEY",
    "env:LITELLM_API_KEY",
    "env:OPENROUTER_API_KEY",
    "env:ANTHROPIC_AUTH_TOKEN",
    "env:url-password",
    "env:url-query",
    "dotenv:plain",
    "dotenv:double",
    "dotenv:single",
    "dotenv:export",
    "claude-project",
    "claude-local",
    "claude-user",
    "toml",
    "aws-credentials",
]
FORMATS = [[], ["--json"], ["--ndjson"], ["--report"], ["--sources"], ["-v"], ["-v", "--lang", "ja"]]


def _echo(request: httpx.Request) -> httpx.Response:
    """A gateway that repeats what it was sent, raw, JSON-escaped and as Python would print it."""
    said = f"{request.method} {request.url} {dict(request.headers)!r} {request.headers.raw!r}"
    return httpx.Response(401, json={"error": {"message": f"bad key: {said}"}, "echo": said})


def _plant(tmp: Path, place: str, secret: str) -> tuple[Path, Path, dict[str, str]]:
    home, cwd = tmp / "home", tmp / "cwd"
    for d in (home / ".claude", home / ".aws", cwd / ".claude"):
        d.mkdir(parents=True, exist_ok=True)
    env: dict[str, str] = {"ANTHROPIC_BASE_URL": "http://127.0.0.1:1"}
    kind, _, detail = place.partition(":")
    if kind == "env" and detail == "url-password":
        env["ANTHROPIC_BASE_URL"] = f"http://gw:{quote(secret, safe='')}@127.0.0.1:1"
        env["ANTHROPIC_API_KEY"] = "sk-ant-api03-placeholder-key-0000"
    elif kind == "env" and detail == "url-query":
        env["ANTHROPIC_BASE_URL"] = f"http://127.0.0.1:1/?api_key={quote(secret, safe='')}"
        env["ANTHROPIC_API_KEY"] = "sk-ant-api03-placeholder-key-0000"
    elif kind == "env":
        env[detail] = secret
    elif kind == "dotenv":
        line = {
            "plain": f"ANTHROPIC_API_KEY={secret}",
            "double": f'ANTHROPIC_API_KEY="{secret}" # a comment',
            "single": f"OPENROUTER_API_KEY='{secret}'",
            "export": f"export LITELLM_API_KEY={secret}",
        }[detail]
        (cwd / ".env").write_text(f"# keys\n{line}\n", encoding="utf-8")
    elif kind.startswith("claude"):
        folder = home if kind == "claude-user" else cwd
        name = "settings.local.json" if kind == "claude-local" else "settings.json"
        (folder / ".claude" / name).write_text(json.dumps({"env": {"ANTHROPIC_API_KEY": secret}}), "utf-8")
    elif kind == "toml":
        (cwd / "config.toml").write_text(f"[llm]\napi_key = {json.dumps(secret)}\n", encoding="utf-8")
    else:
        (home / ".aws" / "credentials").write_text(
            f"[default]\naws_access_key_id = AKIAPLACEHOLDER00001\naws_secret_access_key = {secret}\n",
            encoding="utf-8",
        )
        env["CLAUDE_CODE_USE_BEDROCK"] = "1"
    return home, cwd, env


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(secret=SECRETS, place=st.sampled_from(PLACES), fmt=st.sampled_from(FORMATS))
def test_no_run_of_a_random_secret_is_ever_printed(
    tmp_path_factory: Any, secret: str, place: str, fmt: list[str]
) -> None:
    from conftest import GUIDES
    from planted import Captured

    from generator.check.command import check_command
    from generator.cli import build_parser, check_options

    # A random secret may spell part of a word the tool prints anyway (a setting name such as
    # LITELLM_PROXY_URL): such a run says nothing about masking.
    vocabulary = "\n".join(p.read_text(encoding="utf-8") for p in sorted(GUIDES.glob("*.yaml")))
    assume(not any(r in vocabulary for r in runs(secret)))
    home, cwd, env = _plant(tmp_path_factory.mktemp("p"), place, secret)
    args = build_parser().parse_args(
        ["--guides", str(GUIDES), "check", "--timeout", "2", "--deadline", "20", *fmt]
    )
    client = httpx.Client(transport=httpx.MockTransport(_echo))
    out, err, cap = io.StringIO(), io.StringIO(), Captured()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), cap.around():
        code = check_command(check_options(args), environ=env, home=home, cwd=cwd, client=client)
    printed = out.getvalue() + err.getvalue() + cap.text()
    assert code in (0, 1, 3)
    found = [r for r in runs(secret) if r in printed]
    assert not found, (place, fmt, found[:3])


def test_credential_headers_are_masked_however_short_but_placeholders_stay() -> None:
    scrub = Scrubber()
    echoed = "{'authorization': 'Bearer abc123xy', 'x-api-key': 'shortk'} Proxy-Authorization: Basic Z2F0ZTpw"
    out = scrub(echoed)
    for value in ("abc123xy", "shortk", "Z2F0ZTpw"):
        assert value not in out, out
    guide = 'curl -H "x-api-key: $ANTHROPIC_API_KEY" ... sends it as `Authorization: Bearer` or <key>'
    assert scrub(guide) == guide


def test_logging_imported_after_the_guard_is_scrubbed_too() -> None:
    """`check` guards logging lazily (its import is a tenth of the start-up): a library that imports
    logging later, and logs a secret with a traceback, still prints it masked."""
    secret = "Zq8Wx3Vc7Bn4Ty6Ui9Op2As5Df8Gh1"
    code = (
        "import sys\n"
        "from generator.secrets import Scrubber, scrub_logs\n"
        f"scrub_logs(Scrubber([{secret!r}]))\n"
        "assert 'logging' not in sys.modules\n"
        "import logging\n"
        "logging.basicConfig()\n"
        "try:\n"
        f"    raise ValueError({secret!r})\n"
        "except ValueError:\n"
        f"    logging.getLogger('lib').exception('key %s', {secret!r})\n"
        "print('done')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "done" in proc.stdout, proc.stderr
    assert "key " in proc.stderr and "ValueError" in proc.stderr, proc.stderr
    assert not any(r in proc.stderr for r in runs(secret, 12)), proc.stderr


def test_a_credentials_file_path_is_shown_but_its_contents_are_secret(tmp_path: Path) -> None:
    """QA2 D9: GOOGLE_APPLICATION_CREDENTIALS names a file; the path is what the reader must see."""
    from generator.check.files import file_secrets
    from generator.secrets import is_secret_name, looks_like_path

    assert not is_secret_name("GOOGLE_APPLICATION_CREDENTIALS")
    assert not is_secret_name("CLAUDE_CODE_CLIENT_KEY")  # Claude Code's mTLS key *file*
    assert is_secret_name("CLAUDE_CODE_CLIENT_KEY_PASSPHRASE")
    assert is_secret_name("GOOGLE_API_KEY")
    for path in ("/home/taro/key.json", "~/Downloads/acme.json", "C:\\Users\\taro\\k.json", "./k.json"):
        assert looks_like_path(path)
    key = tmp_path / "sa.json"
    key.write_text(
        json.dumps({"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----abcdefgh"})
    )
    found = file_secrets({"GOOGLE_APPLICATION_CREDENTIALS": str(key)}, tmp_path, tmp_path)
    assert "-----BEGIN PRIVATE KEY-----abcdefgh" in found and str(key) not in found
    pasted = '{"type": "service_account", "private_key": "xyz"}'
    assert not looks_like_path(pasted)
    assert pasted in file_secrets({"GOOGLE_APPLICATION_CREDENTIALS": pasted}, tmp_path, tmp_path)


def test_a_library_warning_is_logged_masked_and_logging_waits_for_it() -> None:
    """As a process, `check` turns library warnings into log records (masked like any output); it
    imports logging only when the first warning comes."""
    secret = "Zq8Wx3Vc7Bn4Ty6Ui9Op2As5Df8Gh1"
    code = (
        "import sys, warnings\n"
        "from generator.check.bounded import guard_process, run_main\n"
        "from generator.secrets import Scrubber, scrub_logs\n"
        "def main():\n"
        f"    scrub_logs(Scrubber([{secret!r}]))\n"
        "    guard_process()\n"
        "    print('logging before:', 'logging' in sys.modules)\n"
        f"    warnings.warn('token ' + {secret!r})\n"
        "    print('logging after:', 'logging' in sys.modules)\n"
        "    import logging\n"
        "    logging.getLogger('py.warnings').addHandler(logging.StreamHandler())\n"
        f"    warnings.warn('again ' + {secret!r})\n"
        "    return 0\n"
        "run_main(main)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "logging before: False" in proc.stdout and "logging after: True" in proc.stdout, proc.stdout
    assert "UserWarning" in proc.stderr and "again " in proc.stderr, proc.stderr
    assert not any(r in proc.stderr for r in runs(secret, 12)), proc.stderr
