"""Page URLs of entries and providers, from the site URL of `mkdocs.yml`."""

from __future__ import annotations

import os

# Kept equal to the default in mkdocs.yml `site_url` by a test; SITE_URL overrides both.
DEFAULT_SITE_URL = "https://llm-access-doctor.github.io/kb/"
LANGS = ("ja", "en")


def site_url() -> str:
    url = os.environ.get("SITE_URL") or DEFAULT_SITE_URL
    return url if url.endswith("/") else url + "/"


def lang_root(lang: str) -> str:
    """Japanese lives at the root, English under `en/`."""
    return site_url() if lang == "ja" else site_url() + "en/"


def entry_url(provider: str, entry_id: str, lang: str) -> str:
    """Entry page with its anchor (the entry ID is the heading anchor in both languages)."""
    return f"{lang_root(lang)}{provider}/{entry_id}/#{entry_id}"


def entry_urls(provider: str, entry_id: str) -> dict[str, str]:
    return {lang: entry_url(provider, entry_id, lang) for lang in ("en", "ja")}


def provider_url(provider: str, lang: str) -> str:
    return f"{lang_root(lang)}{provider}/"


# Kept equal to the default in mkdocs.yml `repo_url` by a test; REPO_URL overrides both.
DEFAULT_REPO_URL = "https://github.com/llm-access-doctor/kb"


def repo_url() -> str:
    """The repository the site's install commands point at (`pipx install git+<repo>`)."""
    return (os.environ.get("REPO_URL") or DEFAULT_REPO_URL).rstrip("/")
