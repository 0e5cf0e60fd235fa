"""A wheel built from a clean clone carries the guides and the compiled plan and explain index, so
`check` and `explain` work, and start fast, outside the clone."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow


def test_installed_wheel_checks_outside_the_clone(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    clone = tmp_path / "clone"
    # The tracked files only (what a clean clone has: no compiled plan or index), with this tree's
    # uncommitted edits, so the test sees the code under test.
    tracked = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.split(b"\0")
    for name in filter(None, tracked):
        src = ROOT / name.decode()
        if src.is_file() and not name.startswith((b"tests/", b"docs/", b".venv")):
            dst = clone / name.decode()
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_bytes(src.read_bytes())
    assert not (clone / "generator" / "check" / "plan.json").exists()
    # No build isolation: the hook's dependencies come from this environment (tests reach no index).
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(wheels),
            str(clone),
        ],
        check=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    assert {
        "generator/check/plan.json",
        "generator/explain/index.json",
        "generator/guides/anthropic.yaml",
    } <= names
    env_dir = tmp_path / "venv"
    # Dependencies come from this environment; only the project itself is installed from the wheel.
    venv.create(env_dir, system_site_packages=True, with_pip=False)
    py = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(py), "-c", "import site; print(site.getsitepackages()[0])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", site, str(wheel)],
        check=True,
        timeout=300,
    )
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    code = "import generator, sys; print(generator.__file__)"
    where = subprocess.run(
        [str(py), "-c", code], capture_output=True, text=True, cwd=outside, check=True
    ).stdout
    assert where.startswith(site), where  # the installed copy, not the clone
    proc = subprocess.run(
        [str(py), "-m", "generator", "check", "--offline", "--json", "anthropic"],
        capture_output=True,
        text=True,
        cwd=outside,
        env={"PATH": "/usr/bin:/bin", "HOME": str(outside)},
        timeout=120,
    )
    doc = json.loads(proc.stdout)
    assert {f["id"] for f in doc["findings"]} >= {"anthropic/api-key-present", "anthropic/models-endpoint"}
    assert proc.returncode == 1  # no key on this fake machine: api-key-present fails
    listed = subprocess.run(
        [str(py), "-m", "generator", "validate"], capture_output=True, text=True, cwd=outside, timeout=120
    )
    assert listed.returncode == 0 and listed.stdout.startswith("ok:")
    # The compiled documents are fresh in the installed copy: neither command loads YAML or pydantic.
    probe = (
        "import sys; from generator.cli import main; main(sys.argv[1:]); "
        "print(sorted(m for m in ('pydantic', 'yaml') if m in sys.modules), file=sys.stderr)"
    )
    for argv in (["check", "--offline", "--json"], ["explain", "--json", "invalid x-api-key"]):
        run = subprocess.run(
            [str(py), "-c", probe, *argv],
            capture_output=True,
            text=True,
            cwd=outside,
            env={"PATH": "/usr/bin:/bin", "HOME": str(outside)},
            timeout=120,
        )
        assert json.loads(run.stdout)["schema_version"] == 1, run.stderr
        assert run.stderr.strip().splitlines()[-1] == "[]", (argv, run.stderr)
    explained = json.loads(run.stdout)
    assert explained["matches"] and explained["matches"][0]["entry"] == "anthropic/invalid-x-api-key"
