"""`python -m generator check` end to end, as a subprocess on a fake machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, ROOT

VALID = FIXTURES / "guides" / "valid"
GOOD = "demo-" + "x" * 30 + "wXyZ"


def run(
    args: list[str], home: Path, cwd: Path, env: dict[str, str] | None = None, encoding: str = "utf-8"
) -> subprocess.CompletedProcess[str]:
    environ = {"PATH": os.environ["PATH"], "HOME": str(home), "PYTHONIOENCODING": encoding, **(env or {})}
    if "PYTHONPATH" not in environ:
        environ["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "generator", "--guides", str(VALID), "check", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        cwd=cwd,
        env=environ,
        timeout=60,
    )


def test_exit_codes_follow_design(machine) -> None:
    home, cwd = machine()
    assert run([], home, cwd, {"DEMO_KEY": GOOD}).returncode == 0
    assert run([], home, cwd, {"DEMO_KEY": "demo- x"}).returncode == 1  # whitespace fails
    assert run([], home, cwd, {"DEMO_KEY": "other-prefix-123456"}).returncode == 0  # a warning only
    assert run(["--strict"], home, cwd, {"DEMO_KEY": "other-prefix-123456"}).returncode == 1
    bad = run(["nope"], home, cwd)
    assert bad.returncode == 2 and "No such check or provider: nope" in bad.stderr
    assert "Did you mean" not in bad.stderr
    close = run(["demo/key-shap"], home, cwd)
    assert close.returncode == 2 and "Did you mean: demo/key-shape" in close.stderr


def test_json_document_shape(machine) -> None:
    home, cwd = machine()
    proc = run(["--json", "--offline"], home, cwd, {"DEMO_KEY": "demo-with space-123456"})
    doc = json.loads(proc.stdout)
    assert doc["schema_version"] == 1 and doc["lang"] == "en"
    (f,) = doc["findings"]
    assert set(f) == {
        "id",
        "provider",
        "status",
        "title",
        "message",
        "message_en",
        "evidence",
        "source",
        "fix",
        "docs_url",
        "covers",
        "duration_ms",
    }
    assert (f["id"], f["status"], f["covers"]) == ("demo/key-shape", "fail", ["A1"])
    assert f["source"] == "env"  # the judged value's place (DEMO_KEY from the environment), not the guide
    assert f["docs_url"].endswith("/en/demo/bad-key/#bad-key")
    assert doc["summary"] == {"pass": 0, "warn": 0, "fail": 1, "skip": 0, "error": 0}


def test_language_from_flag_then_locale_then_english(machine) -> None:
    home, cwd = machine()
    env = {"DEMO_KEY": GOOD}
    # Passing checks show in full with -v (without it, one line per provider).
    assert "looks right" in run(["-v"], home, cwd, env).stdout
    assert "正しい形式" in run(["-v"], home, cwd, {**env, "LANG": "ja_JP.UTF-8"}).stdout
    assert "looks right" in run(["-v", "--lang", "en"], home, cwd, {**env, "LC_ALL": "ja_JP.UTF-8"}).stdout
    doc = json.loads(run(["--json", "--lang", "ja"], home, cwd, env).stdout)
    assert (
        doc["lang"] == "ja"
        and "正しい" in doc["findings"][0]["message"]
        and "looks right" in doc["findings"][0]["message_en"]
    )


def test_ascii_fallback_when_terminal_is_not_utf8(machine) -> None:
    home, cwd = machine()
    utf = run(["-v"], home, cwd, {"DEMO_KEY": GOOD}).stdout
    ascii_out = run(["-v"], home, cwd, {"DEMO_KEY": GOOD}, encoding="ascii").stdout
    assert "✓ key-shape" in utf
    assert "[ok] key-shape" in ascii_out and "✓" not in ascii_out


def test_secret_never_printed_in_any_format(machine) -> None:
    home, cwd = machine()
    secret = "demo-" + "S3cr3tV4lu3" * 4
    for fmt in ([], ["--json"], ["--ndjson"], ["--report"], ["--sources"], ["-v"]):
        proc = run(fmt, home, cwd, {"DEMO_KEY": secret})
        assert secret not in proc.stdout + proc.stderr, fmt
        assert "S3cr3tV4lu3S3cr3t" not in proc.stdout + proc.stderr, fmt


def test_ndjson_streams_findings_then_summary(machine) -> None:
    home, cwd = machine()
    lines = run(["--ndjson"], home, cwd, {"DEMO_KEY": GOOD}).stdout.splitlines()
    assert [json.loads(x).get("id") for x in lines] == ["demo/key-shape", None]
    assert json.loads(lines[-1])["summary"]["pass"] == 1


def test_report_has_no_home_path_or_user_name(machine) -> None:
    home, cwd = machine(home_files={".claude/settings.json": {"env": {"DEMO_KEY": GOOD}}})
    out = run(["--report"], home, cwd, {"DEMO_KEY": GOOD}).stdout
    assert out.startswith("# LLM access diagnostic report")
    assert str(home) not in out and "someuser" not in out
    assert "| pass | `demo/key-shape` |" in out


def test_sources_table_names_winner_and_shadowed(machine) -> None:
    home, cwd = machine(
        home_files={".claude/settings.json": {"env": {"DEMO_KEY": GOOD}}},
        cwd_files={".env": f"DEMO_KEY={GOOD}\n"},
    )
    out = run(["--sources"], home, cwd, {"DEMO_KEY": GOOD}).stdout
    assert (
        "DEMO_KEY" in out and "environment" in out and ".env" in out and "~/.claude/settings.json env" in out
    )
    assert GOOD not in out
