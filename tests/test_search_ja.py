"""Site search in real Chromium: Japanese compounds, verbatim errors and variable names find their pages.

Material's lunr search splits Japanese documents with TinySegmenter but looks up a query such as
トークン上限 as one word, so it finds nothing (../shared/research/mkdocs-i18n.md §0). Our worker
wrapper (docs/assets/javascripts/workers/kb-search.js) splits the query the same way and keeps each
language's results to that language. The expected pages below exist in guides/; when an entry is
renamed, update its row.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import site_live
from site_live import LiveSite

# (query, a page it must list among the first results). Typed on the Japanese home page.
JA_QUERIES = [
    # katakana + kanji compounds typed without spaces: Material alone finds nothing for these
    ("トークン上限", "anthropic/prompt-too-long/"),
    ("コンテキスト長", "anthropic/prompt-too-long/"),
    ("クレジット残高", "anthropic/credit-balance-too-low/"),
    ("レート制限", "anthropic/rate-limit-exceeded/"),
    ("推論プロファイル", "bedrock/inference-profiles/"),
    ("出力トークン", "bedrock/max-tokens-exceed-model-limit/"),
    ("アクセス拒否", "bedrock/no-model-access/"),
    ("モデルID", "anthropic/model-not-found/"),
    # kanji compounds and katakana words
    ("利用上限", "anthropic/api-usage-limit-reached/"),
    ("残高不足", "anthropic/credit-balance-too-low/"),
    ("地域制限", "bedrock/unsupported-country/"),
    ("過負荷", "anthropic/overloaded/"),
    ("サービスアカウント", "vertex/default-credentials-not-found/"),
    ("クォータ", "vertex/quota-exceeded/"),
    # a phrase as a reader would type it
    ("モデルが見つからない", "anthropic/model-not-found/"),
    # environment variables
    ("ANTHROPIC_API_KEY", "anthropic/"),
    ("CLOUD_ML_REGION", "vertex/"),
    ("ANTHROPIC_VERTEX_PROJECT_ID", "vertex/regions-and-projects/"),
    ("CLAUDE_CODE_USE_BEDROCK", "bedrock/"),
    ("LLM_API_KEY", "openhands/llm-authentication-error/"),
    ("OPENROUTER_API_KEY", "openrouter/no-auth-credentials-found/"),
    # verbatim error strings (quoted untranslated on the Japanese pages)
    ("credit balance is too low", "anthropic/credit-balance-too-low/"),
    ("prompt is too long", "anthropic/prompt-too-long/"),
    ("overloaded_error", "anthropic/overloaded/"),
    ("AccessDeniedException", "bedrock/no-model-access/"),
    ("on-demand throughput", "bedrock/on-demand-throughput-not-supported/"),
    ("model identifier is invalid", "bedrock/invalid-model-identifier/"),
    ("No endpoints found", "openrouter/no-endpoints-found/"),
    ("Could not resolve authentication method", "claude-code/could-not-resolve-authentication-method/"),
]

# Typed on the English home page: English search keeps working, on English pages only.
EN_QUERIES = [
    ("rate limit", "en/anthropic/rate-limit-exceeded/"),
    ("inference profile", "en/bedrock/inference-profiles/"),
    ("credit balance is too low", "en/anthropic/credit-balance-too-low/"),
    ("overloaded", "en/anthropic/overloaded/"),
    ("service account", "en/vertex/default-credentials-not-found/"),
    ("AccessDeniedException", "en/bedrock/no-model-access/"),
    ("ANTHROPIC_API_KEY", "en/anthropic/"),
]

# Material renders the first 10 results and the rest on scroll.
TOP = 10


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSite]:
    yield site_live.live_site(tmp_path_factory)
    site_live.close()


@pytest.fixture(scope="module")
def pages(live: LiveSite) -> Iterator[dict[str, Any]]:
    """One page per language, opened once: each query reuses the loaded search index."""
    with site_live.local_page(live) as (ja, ja_offsite), site_live.local_page(live) as (en, en_offsite):
        ja.goto(live.url("/"))
        en.goto(live.url("/en/"))
        yield {"ja": ja, "en": en}
        assert ja_offsite.urls == [] and en_offsite.urls == []


def _check(page: Any, live: LiveSite, query: str, expected: str, lang: str) -> None:
    assert (live.root / expected / "index.html").exists(), (
        f"{expected} is not a page any more; update the table"
    )
    result = site_live.search(page, live, query)
    _record(lang, query, result)
    assert result.paths, f"{query!r}: {result.meta}"
    assert expected in result.paths[:TOP], f"{query!r}: {result.meta}: {result.paths}"
    # Each language's search lists only its own pages.
    assert all(p.startswith("en/") == (lang == "en") for p in result.paths), result.paths


@pytest.mark.browser
@pytest.mark.parametrize(("query", "expected"), JA_QUERIES, ids=[q for q, _ in JA_QUERIES])
def test_japanese_query_finds_its_page(
    pages: dict[str, Any], live: LiveSite, query: str, expected: str
) -> None:
    _check(pages["ja"], live, query, expected, "ja")


@pytest.mark.browser
@pytest.mark.parametrize(("query", "expected"), EN_QUERIES, ids=[q for q, _ in EN_QUERIES])
def test_english_query_finds_its_page(
    pages: dict[str, Any], live: LiveSite, query: str, expected: str
) -> None:
    _check(pages["en"], live, query, expected, "en")


@pytest.mark.browser
def test_a_compound_with_an_unknown_part_falls_back_to_any_of_its_parts(
    pages: dict[str, Any], live: LiveSite
) -> None:
    # Every part of a split compound is required first; "ぴよぴよ" is on no page, so the worker asks
    # again with the parts optional instead of answering "nothing found".
    result = site_live.search(pages["ja"], live, "コンテキスト長ぴよぴよ")
    assert "anthropic/prompt-too-long/" in result.paths[:TOP], result


@pytest.mark.browser
def test_a_japanese_query_on_english_pages_lists_no_japanese_page(
    pages: dict[str, Any], live: LiveSite
) -> None:
    result = site_live.search(pages["en"], live, "トークン上限")
    assert not any(not p.startswith("en/") for p in result.paths), result.paths


def _index(live: LiveSite, lang: str) -> dict[str, Any]:
    folder = live.root if lang == "ja" else live.root / "en"
    data: dict[str, Any] = json.loads((folder / "search" / "search_index.json").read_text(encoding="utf-8"))
    return data


def test_each_language_index_carries_its_own_search_settings(live: LiveSite) -> None:
    ja, en = _index(live, "ja")["config"], _index(live, "en")["config"]
    # Material's settings for a one-language site: no English stemmer on Japanese pages (it made
    # "AccessDeniedException" unfindable), no Japanese separator on English ones. Brackets and
    # quotes end words in both.
    assert ja["lang"] == ["ja"] and ja["pipeline"] == ["stemmer"]
    assert en["lang"] == ["en"] and en["pipeline"] == ["stopWordFilter"]
    assert ja["separator"].startswith("[\\s\\-　、。，．") and "（）" in ja["separator"]
    assert en["separator"].startswith("[\\s\\-") and "（" in en["separator"]
    assert "kb_languages" not in ja and "kb_languages" not in en


def test_index_has_every_page_not_only_its_sections(live: LiveSite) -> None:
    # static-i18n's search de-duplication dropped English page entries whose title and text equal the
    # Japanese ones (provider pages): their sections then showed up as links to "undefined".
    for lang in ("ja", "en"):
        docs = _index(live, lang)["docs"]
        articles = {d["location"] for d in docs if "#" not in d["location"]}
        orphans = {d["location"].split("#")[0] for d in docs if d["location"].split("#")[0] not in articles}
        assert not orphans, lang
        assert {"anthropic/", "anthropic/invalid-x-api-key/"} <= articles
        # The page's own entry carries its summary, so results show an excerpt.
        page = next(d for d in docs if d["location"] == "anthropic/invalid-x-api-key/")
        assert len(page["text"]) > 40 and "<pre" not in page["text"]


def test_pages_search_through_the_wrapper_worker(live: LiveSite) -> None:
    for path, lang in (("", "ja"), ("en/", "en"), ("anthropic/", "ja"), ("en/anthropic/", "en")):
        html = live.html(path)
        assert f"workers/kb-search.js?lang={lang}&worker=search." in html, path
    worker = live.root / "assets" / "javascripts" / "workers" / "kb-search.js"
    material = list(worker.parent.glob("search.*.min.js"))
    # The wrapper loads Material's worker and lunr's files relative to its own folder.
    assert worker.exists() and len(material) == 1
    assert (live.root / "assets" / "javascripts" / "lunr" / "tinyseg.js").exists()


_RESULTS: list[str] = []


def _record(lang: str, query: str, result: site_live.SearchResult) -> None:
    """Keep what each query listed in tests/artifacts/search.tsv, for review."""
    _RESULTS.append("\t".join([lang, query, result.meta, " ".join(result.paths[:5])]))
    site_live.ARTIFACTS.mkdir(exist_ok=True)
    (site_live.ARTIFACTS / "search.tsv").write_text("\n".join(_RESULTS) + "\n", encoding="utf-8")
