"""What Material + mkdocs-static-i18n leave undone for a ja/en site; the mkdocs hook calls these.

- **Search per language.** static-i18n merges both languages into one `search/search_index.json`
  with one set of lunr settings. We add each language's own settings (the ones Material uses for a
  one-language site) under `config.kb_languages`; the search worker wrapper
  (`docs/assets/javascripts/workers/kb-search.js`) keeps only the page's language and applies them.
  Japanese compounds are handled there too, in the browser, with the segmenter that splits the
  documents.
- **404 per language.** Each language build renders `404.html` to the same place, so the last one
  (English) wins. The English one is moved to `en/404.html` and the Japanese one stays at the root.
- **Language links of pages without a counterpart** (the 404s) point at each language's home page
  instead of at whatever page static-i18n rendered last.

Background: ../shared/research/mkdocs-i18n.md §0, §4 and §8.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# The index file Material's search plugin writes (static-i18n rewrites it with both languages).
SEARCH_INDEX = Path("search") / "search_index.json"


@dataclass(frozen=True)
class Language:
    """One language of the site, as configured for static-i18n."""

    locale: str
    """`ja` or `en`: the lunr language, the theme language and the URL folder."""
    name: str
    """Name shown in the language switcher."""
    default: bool
    """The default language is built at the site root; the others under `<locale>/`."""


def languages(config: Any) -> list[Language]:
    """The languages of the i18n plugin, default first; just the theme language without it."""
    plugin = config["plugins"].get("i18n")
    if plugin is None:
        lang = config["theme"]["language"]
        return [Language(lang, lang, True)]
    out = [Language(str(x["locale"]), str(x["name"]), bool(x["default"])) for x in plugin.config["languages"]]
    return sorted(out, key=lambda x: not x.default)


def current_language(config: Any) -> str:
    """The language being built: static-i18n (reconfigure_material) sets the theme language per build."""
    return str(config["theme"]["language"])


def i18n_is_mid_build(config: Any) -> bool:
    """True inside static-i18n's nested builds of the other languages.

    Its `on_post_build` (priority -100) builds the other languages and then writes the merged search
    index; a hook that post-processes the finished site must wait until that outer call is over.
    """
    plugin = config["plugins"].get("i18n")
    return bool(getattr(plugin, "building", False))


def home_alternates(config: Any) -> list[dict[str, str]]:
    """Language switcher entries pointing at each language's home page (absolute paths)."""
    base = urlsplit(config["site_url"] or "/").path or "/"
    base = base if base.endswith("/") else base + "/"
    return [
        {"name": lang.name, "link": base if lang.default else f"{base}{lang.locale}/", "lang": lang.locale}
        for lang in languages(config)
    ]


def search_settings(config: Any, lang: Language) -> dict[str, Any]:
    """The lunr settings Material's search plugin would use for a site in `lang` alone.

    `prefix` is where that language's pages live in the index (`""` for the default language).
    """
    env = config["theme"].get_env()
    translations = env.get_template(f"partials/languages/{lang.locale}.html").module
    fallback = env.get_template("partials/languages/en.html").module

    def t(key: str) -> str:
        return str(translations.t(key) or fallback.t(key))

    return {
        "lang": [t("search.config.lang")],
        "separator": t("search.config.separator"),
        "pipeline": [p.strip() for p in t("search.config.pipeline").split(",") if p.strip()],
        "prefix": "" if lang.default else f"{lang.locale}/",
    }


def add_language_settings(index_file: Path, settings: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Write each language's lunr settings into the merged index; return the documents per language.

    The top-level settings stay as they are, so Material's own worker still works on this file.
    """
    data = json.loads(index_file.read_text(encoding="utf-8"))
    data["config"]["kb_languages"] = settings
    index_file.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    counts = dict.fromkeys(settings, 0)
    for doc in data["docs"]:
        counts[doc_language(str(doc["location"]), settings)] += 1
    return counts


def doc_language(location: str, settings: dict[str, dict[str, Any]]) -> str:
    """The language of an index location (`en/anthropic/#x` → en); the worker applies the same rule."""
    default = ""
    for locale, s in settings.items():
        if not s["prefix"]:
            default = locale
        elif location.startswith(s["prefix"]):
            return locale
    return default


def not_found_target(site_dir: Path, config: Any) -> Path | None:
    """Where the 404 page of the language being built belongs, or None for the default language."""
    lang = current_language(config)
    default = languages(config)[0].locale
    return None if lang == default else site_dir / lang / "404.html"
