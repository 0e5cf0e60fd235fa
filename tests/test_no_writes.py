"""Nothing is written to the reader's files by `check` or `explain`.

Every file and folder under a fake home and working folder (holding all the settings, credential
and config files `check` reads) is hashed before and after each command: content, size, mode and
modification time, plus the set of paths. Nothing may change, appear or disappear: not a settings
file, not a cache (`explain` compiles its index in memory when the prebuilt one does not fit).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import GUIDES, ROOT
from planted import Machine, RecordingTransport, Wire, planted

from generator.check.command import check_command
from generator.cli import build_parser, check_options


def snapshot(*roots: Path) -> dict[str, tuple[Any, ...]]:
    """Path → (kind, mode, size, mtime_ns, sha256) of everything under the roots, roots included."""
    state: dict[str, tuple[Any, ...]] = {}
    for root in roots:
        for path in [root, *sorted(root.rglob("*"))]:
            st = path.lstat()
            if stat.S_ISDIR(st.st_mode):
                state[str(path)] = ("dir", st.st_mode, sorted(p.name for p in path.iterdir()))
            else:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                state[str(path)] = ("file", st.st_mode, st.st_size, st.st_mtime_ns, digest)
    return state


def changes(before: dict[str, tuple[Any, ...]], after: dict[str, tuple[Any, ...]]) -> list[str]:
    out = [f"removed {p}" for p in before.keys() - after.keys()]
    out += [f"created {p}" for p in after.keys() - before.keys()]
    out += [f"changed {p}" for p in before.keys() & after.keys() if before[p] != after[p]]
    return sorted(out)


CHECKS = [
    [],
    ["--json"],
    ["--ndjson"],
    ["--report"],
    ["--sources"],
    ["-v"],
    ["--live", "--json"],
    ["--offline"],
]


def test_check_in_process_writes_nothing(tmp_path: Path, capsys: Any) -> None:
    with planted(tmp_path) as m:
        before = snapshot(m.home, m.cwd)
        for extra in CHECKS:
            args = build_parser().parse_args(["--guides", str(GUIDES), "check", "--timeout", "3", *extra])
            client = httpx.Client(transport=RecordingTransport(Wire()), follow_redirects=False)
            check_command(check_options(args), environ=dict(m.environ), home=m.home, cwd=m.cwd, client=client)
            capsys.readouterr()
            assert changes(before, snapshot(m.home, m.cwd)) == [], extra


def _proc(
    args: list[str], m: Machine, stdin: str | None = None, guides: Path = GUIDES
) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "HOME": str(m.home), "PYTHONPATH": str(ROOT), **m.environ}
    return subprocess.run(
        [sys.executable, "-m", "generator", "--guides", str(guides), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=m.cwd,
        env=env,
        timeout=120,
    )


@pytest.mark.slow
def test_check_and_explain_as_real_processes_write_nothing(tmp_path: Path) -> None:
    with planted(tmp_path) as m:
        before = snapshot(m.home, m.cwd)
        for args in (["check", "--timeout", "3"], ["check", "--report", "--timeout", "3"]):
            proc = _proc(args, m)
            assert proc.returncode in (0, 1, 3), proc.stderr[-2000:]
            assert changes(before, snapshot(m.home, m.cwd)) == [], args
        # Edited guides do not fit the prebuilt index, so explain compiles one (in memory only).
        copy = tmp_path / "guides-copy"
        shutil.copytree(GUIDES, copy)
        with (copy / "anthropic.yaml").open("a", encoding="utf-8") as f:
            f.write("# a local edit\n")
        for args, stdin, guides in (
            (["explain", "Error code: 401 - invalid x-api-key"], None, GUIDES),
            (
                ["explain", "--json", "-"],
                "429 rate_limit_error: Number of request tokens has exceeded",
                GUIDES,
            ),
            (["explain", "invalid x-api-key"], None, copy),
            (["explain", "--json", "invalid x-api-key"], None, copy),
        ):
            proc = _proc(args, m, stdin, guides)
            assert proc.returncode in (0, 1), proc.stderr[-2000:]
        found = changes(before, snapshot(m.home, m.cwd))
    assert found == []


def test_explain_in_process_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from generator.explain.command import explain_command

    with planted(tmp_path) as m:
        monkeypatch.setenv("HOME", str(m.home))
        for name in ("XDG_CACHE_HOME", "LOCALAPPDATA"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.chdir(m.cwd)
        before = snapshot(m.home, m.cwd)
        for argv in (["explain", "invalid x-api-key"], ["explain", "--json", "model not found: claude-3"]):
            a = build_parser().parse_args(["--guides", str(GUIDES), *argv])
            explain_command(a.text, as_json=a.json, lang=a.lang, limit=a.limit, guides=a.guides)
        capsys.readouterr()
        found = changes(before, snapshot(m.home, m.cwd))
    assert found == []
