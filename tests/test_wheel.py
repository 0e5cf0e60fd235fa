"""A wheel built from the repo carries the guides, so `check` works outside the clone."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow


def test_installed_wheel_checks_outside_the_clone(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
        check=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("*.whl")
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
