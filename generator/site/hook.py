"""MkDocs hook: render the guides into docs/ before each build, and build the navigation.

`mkdocs build` and `mkdocs serve` then work from a clean clone with no extra step. The pages are
real files (static-i18n drops virtual ones), written only when their text changed so `serve`
does not loop.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority

from generator.explain.index import write_explain_files
from generator.kb.catalogue import load_catalogue
from generator.kb.labels import ui
from generator.site import i18n as site_i18n
from generator.site.render import nav, nav_title, render_site

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
    write_explain_files(
        cat, Path(config["docs_dir"]), root / "guides"
    )  # the paste box's index, and explain's
    from generator.check.plan import write_plan
    from generator.paths import default_guides_dir

    if (root / "guides").resolve() == default_guides_dir().resolve():
        write_plan(cat, root / "guides")
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
                **{nav_title(g.name.ja): nav_title(g.name.en) for g in cat.guides},
                nav_title(ui()["ja"]["providers"]): nav_title(ui()["en"]["providers"]),
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


def on_post_page(output: str, page: Any, config: Any, **_: Any) -> str:
    return site_i18n.localise_page(output, config)


# --- Rough edges of static-i18n (generator/site/i18n.py explains each one) -------------------


def on_template_context(context: Any, template_name: str, config: Any, **_: Any) -> Any:
    if template_name == "404.html":
        # Static templates render after the pages, so the switcher would still point at the last page.
        homes = site_i18n.home_alternates(config)
        # static-i18n sets `extra.alternate` both as an item and as an attribute, and Jinja reads
        # the attribute first: set both.
        config["extra"]["alternate"] = homes
        config["extra"].alternate = homes
        lang = site_i18n.current_language(config)
        default = homes[0]["lang"] == lang
        context["kb_404"] = {
            "ui": ui()[lang],
            "home": next(h["link"] for h in homes if h["lang"] == lang),
            "others": [h["link"] for h in homes[1:]] if default else [],
        }
    return context


def on_post_template(output: str, template_name: str, config: Any, **_: Any) -> str:
    # Every language build writes 404.html to the root; keep the default language's there and put
    # the others' at <locale>/404.html (MkDocs writes what this returns to the root).
    if template_name != "404.html":
        return output
    output = site_i18n.localise_page(output, config)
    site_dir = Path(config["site_dir"])
    target = site_i18n.not_found_target(site_dir, config)
    root = site_dir / "404.html"
    if target is None or not root.exists():
        return output
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(output, encoding="utf-8")
    return root.read_text(encoding="utf-8")


@event_priority(-110)  # after static-i18n (-100) has built every language and merged the index
def on_post_build(config: Any, **_: Any) -> None:
    if site_i18n.i18n_is_mid_build(config):
        return
    index = Path(config["site_dir"]) / site_i18n.SEARCH_INDEX
    if not index.exists():
        return
    settings = {lang.locale: site_i18n.search_settings(config, lang) for lang in site_i18n.languages(config)}
    sizes = site_i18n.split_index(Path(config["site_dir"]), settings)
    site_i18n.alternate_sitemaps(Path(config["site_dir"]), config)
    log.info("generator: search index bytes per language: %s", sizes)
