"""Where the bundled guides are, without importing anything heavy."""

from __future__ import annotations

from pathlib import Path


def default_guides_dir() -> Path:
    """The guides shipped in the wheel, else the ones beside the package in a clone."""
    here = Path(__file__).resolve().parent
    packaged = here / "guides"
    return packaged if packaged.is_dir() else here.parent / "guides"
