"""Hatch build hook: compile the check plan and the explain index into the wheel (and the editable tree).

They are built from the guides, never committed: `check` and `explain` start fast from them, and fall
back to compiling in memory when the guides or the code changed since (see `generator/paths.py`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileGuides(BuildHookInterface):  # type: ignore[misc]
    """Writes `generator/check/plan.json` and `generator/explain/index.json` before packaging."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        sys.path.insert(0, str(root))
        try:
            from generator.check.plan import write_plan
            from generator.explain.index import write_cli_index
            from generator.kb.catalogue import load_catalogue
            from generator.paths import EXPLAIN_FILE, PLAN_FILE
        finally:
            sys.path.pop(0)
        guides = root / "guides"
        cat = load_catalogue(guides)
        if cat.problems:
            if version != "editable":
                raise RuntimeError("the guides do not validate:\n" + "\n".join(map(str, cat.problems[:20])))
            # A contributor mid-edit still gets an install; `check` and `explain` compile in memory
            # and `validate` names the problems.
            return
        write_plan(cat, guides)
        write_cli_index(cat, guides)
        if version != "editable":
            # Git-ignored files are left out unless named.
            for path in (PLAN_FILE, EXPLAIN_FILE):
                build_data["force_include"][str(path)] = path.relative_to(root).as_posix()
