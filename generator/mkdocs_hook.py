"""MkDocs hook: render the guides into docs/ before each build, and build the navigation.

`mkdocs build` and `mkdocs serve` then work from a clean clone with no extra step. The pages are
real files (static-i18n drops virtual ones), written only when their text changed so `serve`
does not loop.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from generator.catalogue import load_catalogue
from generator.render import nav, render_site

log = logging.getLogger("mkdocs.hooks.generator")


def on_config(config: Any, **_: Any) -> Any:
    # static-i18n runs one build per language, so this runs twice; the second render writes nothing.
    root = Path(config["config_file_path"]).resolve().parent
    cat = load_catalogue(root / "guides")
    if cat.problems:
        for p in cat.problems:
            log.error(str(p))
        raise SystemExit(f"{len(cat.problems)} problem(s) in the guides; run: python -m generator validate")
    result = render_site(cat, Path(config["docs_dir"]))
    if result.changed or result.removed:
        log.info("generator: %d page(s) written, %d removed", len(result.changed), len(result.removed))
    config["nav"] = nav(cat)
    _translate_sections(config, cat)
    return config


def _translate_sections(config: Any, cat: Any) -> None:
    """Section titles are the Japanese provider names; give the English build the English ones."""
    plugin = config["plugins"].get("i18n")
    if plugin is None:
        return
    for language in plugin.config["languages"]:
        if language["locale"] == "en":
            language["nav_translations"] = {
                **(language.get("nav_translations") or {}),
                **{g.name.ja: g.name.en for g in cat.guides},
            }


def on_page_markdown(markdown: str, page: Any, config: Any, **_: Any) -> str:
    # "Edit this page" must open the guide YAML, not the generated Markdown.
    marker = "<!-- Generated from "
    start = markdown.find(marker)
    repo = config.get("repo_url")
    if start != -1 and repo:
        source = markdown[start + len(marker) :].split(" ", 1)[0]
        action = "edit" if source.endswith(".yaml") and "*" not in source else "tree"
        target = source if action == "edit" else "guides"
        page.edit_url = f"{repo.rstrip('/')}/{action}/main/{target}"
    return markdown
