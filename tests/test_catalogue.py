"""Loader messages are pinned exactly: contributors read them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, ROOT

from generator.check.kinds import KINDS
from generator.kb.catalogue import load_catalogue

BROKEN = FIXTURES / "guides" / "broken"


def rel(p: Path) -> str:
    return str(p.relative_to(ROOT))


def test_every_problem_in_every_file_is_reported_sorted(monkeypatch: object) -> None:
    import os

    os.chdir(ROOT)
    problems = [str(p) for p in load_catalogue(BROKEN).problems]
    a, b, g = (rel(BROKEN / f"{n}.yaml") for n in ("alpha", "beta", "gamma"))
    assert problems == [
        f"{a}:4: summary: missing 'ja' text (every text needs both 'ja' and 'en')",
        f"{a}:14: entries[0].status[0]: expected a whole number, got text",
        f"{b}:18: entries[0].checks[0]: check 'beta/no-such-check' does not exist",
        f"{b}:19: entries[0].covers[0]: unknown catalogue code 'Z9'",
        f"{b}:21: entries[1].id: duplicate entry ID 'same' (first at line 11)",
        f"{b}:28: entries[1].covers[0]: unknown catalogue code 'A99'",
        f"{g}:4: YAML syntax error: did not find expected ',' or '}}'",
    ]


def test_validate_command_prints_all_then_summary_and_exits_2() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "--guides", str(BROKEN), "validate"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 2
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 8
    assert lines[-1] == "7 problem(s) in 3 file(s)."
    assert all(line.split(":")[1].isdigit() for line in lines[:-1])


def test_unknown_kind_missing_outcome_and_missing_fix(tmp_path: Path) -> None:
    text = (FIXTURES / "guides" / "valid" / "demo.yaml").read_text(encoding="utf-8")
    text = text.replace("kind: key-shape", "kind: key-shapes")
    (tmp_path / "demo.yaml").write_text(text, encoding="utf-8")
    msgs = [p.message for p in load_catalogue(tmp_path).problems]
    assert msgs == [f"checks[0].kind: unknown kind 'key-shapes' (known: {', '.join(sorted(KINDS))})"]

    text = (FIXTURES / "guides" / "valid" / "demo.yaml").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if "placeholder:" not in ln]
    lines = [ln.replace(", fix: {ja: 空白を消します。, en: Remove it.}", "") for ln in lines]
    (tmp_path / "demo.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    msgs = [p.message for p in load_catalogue(tmp_path).problems]
    assert msgs == [
        "checks[0].outcomes: no text for outcome 'placeholder' of kind 'key-shape'",
        "checks[0].outcomes.whitespace: outcome 'whitespace' warns or fails, so it needs a 'fix'",
    ]


def test_bad_pattern_tab_indentation_and_invalid_utf8(tmp_path: Path) -> None:
    text = (FIXTURES / "guides" / "valid" / "demo.yaml").read_text(encoding="utf-8")
    (tmp_path / "demo.yaml").write_text(
        text.replace("patterns: ['bad key']", "patterns: ['bad (key']"), encoding="utf-8"
    )
    (tmp_path / "tabs.yaml").write_text("provider: tabs\nname:\n\tja: x\n", encoding="utf-8")
    (tmp_path / "bytes.yaml").write_bytes(b"provider: bytes\nname: \xff\n")
    got = [(Path(p.path).name, p.line, p.message) for p in load_catalogue(tmp_path).problems]
    assert got == [
        ("bytes.yaml", 2, "not valid UTF-8 (byte 22)"),
        (
            "demo.yaml",
            41,
            "entries[0].match.patterns: pattern 'bad (key' does not compile: missing ), unterminated subpattern at position 4",
        ),
        ("tabs.yaml", 3, "tab used for indentation; YAML needs spaces"),
    ]


def test_provider_must_match_file_name(tmp_path: Path) -> None:
    text = (FIXTURES / "guides" / "valid" / "demo.yaml").read_text(encoding="utf-8")
    (tmp_path / "other.yaml").write_text(text, encoding="utf-8")
    assert [p.message for p in load_catalogue(tmp_path).problems] == [
        "provider 'demo' must equal the file name 'other'"
    ]
