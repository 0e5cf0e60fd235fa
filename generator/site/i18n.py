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
import re
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


# Lunr field boosts for the per-language indexes. Material gives tags 1e6, so a page tagged with a
# word of the query beat every page whose text held the reader's exact error message; here a tag
# counts like text and the title stays first.
FIELDS = {"title": {"boost": 1000.0}, "text": {"boost": 1.0}, "tags": {"boost": 1.0}}
# Characters that end a search word besides Material's own separators: brackets, quotes and the
# punctuation that wraps error messages (`(invalid`, `"message":"x"`, `key)`), and `/` of paths and
# model routes. `_`, `$` and `.`
# stay inside words so `ANTHROPIC_API_KEY`, `STATUS$ERROR_LLM_AUTHENTICATION` and
# `litellm.AuthenticationError` are found whole; the worker's exact-phrase ranking does the rest.
EXTRA_SEPARATORS = "/()\\[\\]{}<>\"'`,;:!?|=（）「」『』【】［］｛｝〈〉《》：；！？"


def split_index(site_dir: Path, settings: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Split static-i18n's merged index into one index per language; return the bytes of each.

    Each language's pages then load only their own index: the default language's at
    `search/search_index.json`, the others' at `<locale>/search/search_index.json` (with locations
    relative to that folder, which is what those pages use as their base). Per index:

    - that language's lunr settings, brackets added to the separator, tags boosted like text;
    - a page's own entry gets the text of its first section when that section repeats the page
      title (the summary): search results then show an excerpt, and the section is dropped;
    - tags stay only on the page's own entry, not on every section of it;
    - the install-and-run, sources and related sections are left out, and paragraph and list
      markup is dropped from the text.
    """
    merged = json.loads((site_dir / SEARCH_INDEX).read_text(encoding="utf-8"))
    per_lang: dict[str, list[dict[str, Any]]] = {locale: [] for locale in settings}
    for doc in merged["docs"]:
        per_lang[doc_language(str(doc["location"]), settings)].append(doc)
    sizes = {}
    for locale, docs in per_lang.items():
        s = settings[locale]
        config = {
            **merged["config"],
            "lang": s["lang"],
            "separator": _with_extra_separators(s["separator"]),
            "pipeline": s["pipeline"],
            "fields": FIELDS,
        }
        config.pop("kb_languages", None)
        out = {"config": config, "docs": _compact(docs, s["prefix"])}
        target = site_dir / s["prefix"] / SEARCH_INDEX
        target.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps(out, ensure_ascii=False, separators=(",", ":"))
        target.write_text(data, encoding="utf-8")
        sizes[locale] = len(data.encode("utf-8"))
    return sizes


def _with_extra_separators(separator: str) -> str:
    """Material's separator (`[\\s\\-]+`) with the extra characters added to its class."""
    if separator.startswith("[") and separator.endswith("]+"):
        return separator[:-2] + EXTRA_SEPARATORS + "]+"
    return f"(?:{separator}|[{EXTRA_SEPARATORS}]+)"


# Sections whose text nobody searches for: the install-and-run box, source titles and the titles
# of related entries (each is found on its own page). Dropping them keeps the index small.
_UNSEARCHED = ("checks", "sources", "related")
# The tags page lists every page title again: it matched every query and pushed entries down.
_LISTINGS = ("tags/",)
# Block markup that only wraps text; results read the same without it.
_WRAPPERS = re.compile(r"\s*</?(?:p|ul|ol|li)>\s*")


def _compact(docs: list[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    page: dict[str, Any] | None = None
    for doc in docs:
        doc = {**doc, "location": str(doc["location"]).removeprefix(prefix)}
        if doc["location"].rpartition("#")[2] in _UNSEARCHED and "#" in doc["location"]:
            continue
        if doc["location"].startswith(_LISTINGS):
            continue
        if "#" not in doc["location"]:
            page = doc
            out.append(doc)
            continue
        doc.pop("tags", None)
        if page is not None and doc["location"].split("#")[0] == page["location"]:
            if not page.get("text") and doc.get("title") == page.get("title"):
                # The summary becomes the page's excerpt; the rest (first fix, facts) stays here.
                first, _, rest = str(doc.get("text", "")).partition("<p>")[2].partition("</p>")
                page["text"] = first.strip()
                doc["text"] = rest.strip()
            page = None  # only the first section can be the page's own
        if doc.get("text") or "#" not in doc["location"] or doc.get("title"):
            out.append(doc)
    for doc in out:
        if doc.get("text"):
            doc["text"] = _WRAPPERS.sub(" ", doc["text"]).strip()
    return out


def alternate_sitemaps(site_dir: Path, config: Any) -> list[Path]:
    """Write `<locale>/sitemap.xml` for each other language, from static-i18n's root sitemap.

    Material's language switcher fetches `sitemap.xml` under each `<link rel="alternate">` of the
    page; the hook points those links at the language homes, and each needs a sitemap there
    listing its own pages (with the same hreflang alternates), or the browser logs a 404.
    """
    root = site_dir / "sitemap.xml"
    if not root.exists():
        return []
    xml = root.read_text(encoding="utf-8")
    written = []
    for lang in languages(config):
        if lang.default:
            continue

        def own_loc(block: re.Match[str], locale: str = lang.locale) -> str:
            alt = re.search(rf'hreflang="{re.escape(locale)}" href="([^"]+)"', block.group(0))
            if alt is None:
                return block.group(0)
            return re.sub(r"<loc>[^<]*</loc>", f"<loc>{alt.group(1)}</loc>", block.group(0), count=1)

        target = site_dir / lang.locale / "sitemap.xml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(re.sub(r"<url>.*?</url>", own_loc, xml, flags=re.S), encoding="utf-8")
        written.append(target)
    return written


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


# The theme's UI strings that Material leaves in English whatever the page language.
_UI_FIXES = {
    "ja": (('title="Permanent link"', 'title="このセクションへのリンク"'),),
}


def localise_page(html: str, config: Any) -> str:
    """Per-page fixes for the language being built (the hook's on_post_page).

    - Pages of a non-default language use their own folder as search base, so they load their
      language's index (`split_index`) and result links resolve against it.
    - `<link rel="alternate">` points at the language homes: Material's switcher fetches
      `sitemap.xml` under each, and static-i18n's per-page links made every page log two 404s.
      The per-page hreflang pairs stay in `sitemap.xml` and in the switcher menu itself.
    - English UI strings Material does not translate (the heading permalink title).
    """
    lang = current_language(config)
    homes = {h["lang"]: h["link"] for h in home_alternates(config)}
    default = languages(config)[0].locale
    if lang != default:
        html = re.sub(
            r'(<script id="__config" type="application/json">\{[^<]*?"base": ")([^"]*)(")',
            lambda m: m.group(1) + m.group(2).rstrip("/") + f"/{lang}/" + m.group(3),
            html,
            count=1,
        )
    html = re.sub(
        r'<link rel="alternate" href="[^"]*" hreflang="([^"]+)">',
        lambda m: f'<link rel="alternate" href="{homes.get(m.group(1), "/")}" hreflang="{m.group(1)}">',
        html,
    )
    for old, new in _UI_FIXES.get(lang, ()):
        html = html.replace(old, new)
    return html
