"""Fixed UI labels (`templates/ui.yaml`), shared by the site templates and the CLI."""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path

UI_FILE = Path(__file__).resolve().parent.parent / "site" / "templates" / "ui.yaml"


@cache
def ui() -> dict[str, dict[str, str]]:
    import yaml  # only the site and the slow path need it; `check` reads labels from the plan

    data: dict[str, dict[str, str]] = yaml.load(UI_FILE.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return data


def pick_lang(flag: str | None, environ: Mapping[str, str]) -> str:
    """`--lang`, then LC_ALL / LC_MESSAGES / LANG (the first one set), then English."""
    if flag:
        return flag
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


def current_lang(flag: str | None) -> str:
    return pick_lang(flag, os.environ)
