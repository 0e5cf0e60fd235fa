"""The two languages of the site, each built by its own MkDocs process; the mkdocs hook calls these.

- **One build per language.** `mkdocs.yml` describes the default language; the hook switches a build
  to another language (`KB_SITE_LANG`): its docs folder, theme language, names and site URL. The
  default build starts the others in parallel processes and moves their output under `<locale>/`.
- **Language switcher per page.** Material's `extra.alternate` is set for each page to the same page
  in every language (the paths are the same in every language); `<link rel="alternate">` points at
  the language homes, where each build writes its own `sitemap.xml` (Material's switcher reads it).
- **Search per language.** Each build writes its own index (`search.TunedIndex`); `tune_docs`
  adds brackets to the separators, counts tags like text and gives each page an excerpt. Japanese compounds are handled
  by the worker wrapper (`docs/assets/javascripts/workers/kb-search.js`).
- **404 per language.** Each build writes its own `404.html`; its language links point at the homes.

Background: ../shared/research/mkdocs-i18n.md §0, §4, §5 and §8.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Language:
    """One language of the site (`extra.kb_languages` in mkdocs.yml)."""

    locale: str
    """`ja` or `en`: the lunr language, the theme language and the URL folder."""
    name: str
    """Name shown in the language switcher."""
    default: bool
    """The default language is built at the site root; the others under `<locale>/`."""


def languages(config: Any) -> list[Language]:
    """The site's languages from `extra.kb_languages`, default (the first) first."""
    listed = (config["extra"] or {}).get("kb_languages") or [
        {"locale": config["theme"]["language"], "name": config["theme"]["language"]}
    ]
    return [Language(str(x["locale"]), str(x["name"]), i == 0) for i, x in enumerate(listed)]


def current_language(config: Any) -> str:
    """The language being built (the hook sets the theme language per build)."""
    return str(config["theme"]["language"])


def base_url(config: Any) -> str:
    """The site's root URL path (`/kb/`), whichever language is being built."""
    path = urlsplit(config["extra"].get("kb_site_url") or config["site_url"] or "/").path or "/"
    return path if path.endswith("/") else path + "/"


def page_alternates(config: Any, url: str) -> list[dict[str, str]]:
    """Language switcher entries for the page at `url` (relative, `anthropic/x/`): the same page
    in every language, as absolute paths."""
    base = base_url(config)
    return [
        {
            "name": lang.name,
            "link": base + ("" if lang.default else f"{lang.locale}/") + url,
            "lang": lang.locale,
        }
        for lang in languages(config)
    ]


def home_alternates(config: Any) -> list[dict[str, str]]:
    """Language switcher entries pointing at each language's home page (absolute paths)."""
    return page_alternates(config, "")


def search_settings(config: Any, lang: Language) -> dict[str, Any]:
    """The lunr settings Material's search plugin would use for a site in `lang` alone."""
    env = config["theme"].get_env()
    translations = env.get_template(f"partials/languages/{lang.locale}.html").module
    fallback = env.get_template("partials/languages/en.html").module

    def t(key: str) -> str:
        return str(translations.t(key) or fallback.t(key))

    return {
        "lang": [t("search.config.lang")],
        "separator": t("search.config.separator"),
        "pipeline": [p.strip() for p in t("search.config.pipeline").split(",") if p.strip()],
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
# Sections whose text nobody searches for: the install-and-run box, source titles and the titles
# of related entries (each is found on its own page). Dropping them keeps the index small.
_UNSEARCHED = ("checks", "sources", "related")
# The tags page lists every page title again: it matched every query and pushed entries down.
_LISTINGS = ("tags/",)
# Block markup that only wraps text; results read the same without it.
_WRAPPERS = re.compile(r"\s*</?(?:p|ul|ol|li)>\s*")


def tune_docs(data: dict[str, Any], config: Any) -> dict[str, Any]:
    """The search index Material's plugin would write for this build's language, tuned (the index
    `search.TunedIndex` writes):

    - this language's lunr settings only, brackets and quotes added to the separator, tags boosted
      like text (Material: 1e6, so a tag beat a page quoting the reader's exact message);
    - a page's own entry gets the first paragraph of its first section (the summary) when that
      section repeats the page title: search results then show an excerpt;
    - tags stay only on the page's own entry, not on every section of it;
    - the install-and-run, sources and related sections and the tags page are left out, and
      paragraph and list markup is dropped from the text.
    """
    lang = next(x for x in languages(config) if x.locale == current_language(config))
    s = search_settings(config, lang)
    data["config"].update(
        lang=s["lang"],
        separator=_with_extra_separators(s["separator"]),
        pipeline=s["pipeline"],
        fields=FIELDS,
    )
    data["docs"] = _compact(data["docs"], "")
    return data


def _with_extra_separators(separator: str) -> str:
    """Material's separator (`[\\s\\-]+`) with the extra characters added to its class."""
    if separator.startswith("[") and separator.endswith("]+"):
        return separator[:-2] + EXTRA_SEPARATORS + "]+"
    return f"(?:{separator}|[{EXTRA_SEPARATORS}]+)"


def _compact(docs: list[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    """The index documents of `tune_index`, locations without `prefix`."""
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


# The theme's UI strings that Material leaves in English whatever the page language.
_UI_FIXES = {
    "ja": (('title="Permanent link"', 'title="このセクションへのリンク"'),),
}


def localise_page(html: str, config: Any) -> str:
    """Per-page fixes for the language being built (the hook's on_post_page).

    - `<link rel="alternate">` points at the language homes: Material's switcher fetches
      `sitemap.xml` under each (per-page links made every page log two 404s). The per-page
      hreflang pairs stay in each `sitemap.xml` and in the switcher menu itself.
    - English UI strings Material does not translate (the heading permalink title).
    """
    lang = current_language(config)
    homes = {h["lang"]: h["link"] for h in home_alternates(config)}
    html = re.sub(
        r'<link rel="alternate" href="[^"]*" hreflang="([^"]+)">',
        lambda m: f'<link rel="alternate" href="{homes.get(m.group(1), "/")}" hreflang="{m.group(1)}">',
        html,
    )
    for old, new in _UI_FIXES.get(lang, ()):
        html = html.replace(old, new)
    return html


# Whitespace HTML renders as one space, or not at all between blocks: a run of it that holds a line
# break becomes one line break. Material's templates indent every line of the navigation, so this
# is a quarter of an entry page. Left alone: <pre> and <textarea> (whitespace shown as it is) and
# <script> (line breaks and strings). Nothing outside <pre> on the site sets `white-space: pre`.
_VERBATIM = re.compile(r"(<pre\b.*?</pre>|<textarea\b.*?</textarea>|<script\b.*?</script>)", re.S | re.I)
_BLANK_RUN = re.compile(r"[ \t\r\f]*\n\s*")


def compact_html(html: str) -> str:
    """`html` with each whitespace run that holds a line break made one line break (outside
    <pre>, <textarea> and <script>)."""
    parts = _VERBATIM.split(html)
    parts[::2] = [_BLANK_RUN.sub("\n", p) for p in parts[::2]]
    return "".join(parts)
