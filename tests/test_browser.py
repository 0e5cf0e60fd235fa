"""The built site in real headless Chromium, served on 127.0.0.1; plus static checks of the built HTML.

Browser tests are marked `browser` and skip when /usr/bin/chromium is missing. Every page context
aborts and records any request to another host; a test that caused one fails. Screenshots for
review go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import site_live
from conftest import ROOT
from site_live import LiveSite

from generator.site.urls import DEFAULT_SITE_URL

ENTRY = "anthropic/invalid-x-api-key/"
LANG_ROOT = {"ja": "", "en": "en/"}


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSite]:
    yield site_live.live_site(tmp_path_factory)
    site_live.close()


@pytest.fixture
def page(live: LiveSite) -> Iterator[Any]:
    """A page that may talk to the local server only; JavaScript errors fail the test too."""
    errors: list[str] = []
    with site_live.local_page(live) as (pg, offsite):
        pg.on("pageerror", lambda e: errors.append(str(e)))
        yield pg
    assert offsite.urls == [], f"requests left 127.0.0.1: {offsite.urls}"
    assert errors == [], errors


# --- Browser ---------------------------------------------------------------------------------


@pytest.mark.browser
def test_browsing_every_kind_of_page_stays_on_127_0_0_1(live: LiveSite) -> None:
    broken: list[str] = []
    with site_live.local_page(live) as (pg, offsite):
        pg.on("response", lambda r: broken.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        for lang, prefix in LANG_ROOT.items():
            for path in ["", "errors/", "anthropic/", ENTRY, "bedrock/inference-profiles/"]:
                pg.goto(live.url(prefix + path))
                pg.wait_for_load_state("networkidle")
            # Search loads the index, the worker and lunr's language files.
            site_live.search(pg, live, "レート制限" if lang == "ja" else "rate limit")
    assert offsite.urls == [], offsite.urls
    # Material probes <alternate link>/sitemap.xml for its language switcher; the alternate links
    # point at the language homes, and each has a sitemap, so nothing is missing.
    assert broken == []


@pytest.mark.browser
@pytest.mark.parametrize(
    ("start", "lang", "target"), [(ENTRY, "en", "en/" + ENTRY), ("en/" + ENTRY, "ja", ENTRY)]
)
def test_language_switcher_keeps_the_reader_on_the_same_entry(
    page: Any, live: LiveSite, start: str, lang: str, target: str
) -> None:
    page.goto(live.url(start))
    page.hover(".md-header__option .md-select")
    page.click(f".md-select__link[hreflang={lang}]")
    page.wait_for_url(live.url(target))
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator(f"#{ENTRY.split('/')[1]}").count() == 1


@pytest.mark.browser
def test_every_docs_url_resolves_to_a_page_with_that_anchor(live: LiveSite) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "list", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    entries = json.loads(proc.stdout)["entries"]
    assert entries
    urls = []
    for entry in entries:
        for lang, url in entry["docs_url"].items():
            assert url.startswith(DEFAULT_SITE_URL), url
            urls.append([lang, live.base + url.removeprefix(DEFAULT_SITE_URL)])
    # The browser fetches every page (8 at a time) and parses it as HTML; loading 200+ pages one by
    # one in a tab took a minute. Two of them are also opened for real.
    with site_live.local_page(live) as (pg, offsite):
        pg.goto(live.url("/"))
        problems = pg.evaluate(CHECK_ANCHORS, urls)
        for lang, url in (urls[0], urls[-1]):
            pg.goto(url)
            assert pg.locator(f"[id='{urlsplit(url).fragment}']").is_visible(), url
            assert pg.locator("html").get_attribute("lang") == lang
    assert offsite.urls == []
    assert problems == []


# Runs in the page: [[lang, url], ...] -> problems; a page must answer 200, be in that language
# and hold an element whose id is the URL's fragment.
CHECK_ANCHORS = """async (urls) => {
  const problems = []
  const queue = [...urls]
  async function worker() {
    for (let item = queue.shift(); item; item = queue.shift()) {
      const [lang, url] = item
      const response = await fetch(url)
      if (!response.ok) { problems.push(`${response.status} ${url}`); continue }
      const doc = new DOMParser().parseFromString(await response.text(), "text/html")
      const id = decodeURIComponent(new URL(url).hash.slice(1))
      if (!doc.getElementById(id)) problems.push(`no #${id}: ${url}`)
      if (doc.documentElement.lang !== lang) problems.push(`lang ${doc.documentElement.lang}: ${url}`)
    }
  }
  await Promise.all(Array.from({length: 8}, worker))
  return problems
}"""


@pytest.mark.browser
def test_content_tabs_switch_and_linked_tabs_follow(page: Any, live: LiveSite) -> None:
    page.goto(live.url(ENTRY))
    sets = page.locator(".tabbed-set")
    # A tab set with at least two tabs whose second label also appears in another set.
    first = next(i for i in range(sets.count()) if sets.nth(i).locator(".tabbed-labels > label").count() > 1)
    tabs = sets.nth(first)
    labels, blocks = tabs.locator(".tabbed-labels > label"), tabs.locator(".tabbed-content > .tabbed-block")
    assert blocks.nth(0).is_visible() and not blocks.nth(1).is_visible()
    labels.nth(1).click()
    assert blocks.nth(1).is_visible() and not blocks.nth(0).is_visible()
    # content.tabs.link: choosing a tool in one set chooses it in every set that offers it.
    name = labels.nth(1).inner_text().strip()
    for i in range(sets.count()):
        other = sets.nth(i)
        names = [n.strip() for n in other.locator(".tabbed-labels > label").all_inner_texts()]
        if i != first and name in names:
            assert other.locator(".tabbed-content > .tabbed-block").nth(names.index(name)).is_visible()


@pytest.mark.browser
def test_every_code_block_has_a_copy_button_that_copies_it(live: LiveSite) -> None:
    with site_live.local_page(live, permissions=["clipboard-read", "clipboard-write"]) as (pg, offsite):
        pg.goto(live.url(ENTRY))
        blocks = pg.locator(".md-content pre > code")
        assert blocks.count() > 0
        # Material 9.8 puts the copy button in a small toolbar inside each <pre>.
        copy = "button.md-code__button[data-md-type='copy']"
        assert pg.locator(f".md-content pre {copy}").count() == blocks.count()
        block = pg.locator(".md-content pre:visible").first
        expected = block.locator("code").inner_text()
        block.hover()
        block.locator(copy).click()
        pg.locator(".md-dialog--active").wait_for()
        assert pg.evaluate("navigator.clipboard.readText()").strip() == expected.strip()
    assert offsite.urls == []


@pytest.mark.browser
def test_search_result_opens_the_page_with_the_terms_highlighted(page: Any, live: LiveSite) -> None:
    page.goto(live.url("/"))
    result = site_live.search(page, live, "クレジット残高")
    assert result.paths
    page.locator(".md-search-result__list > li > a.md-search-result__link").first.click()
    page.wait_for_url(re.compile(re.escape(live.url(result.paths[0])) + r"\?h="))
    # search.highlight marks the query's words on the page once it has loaded.
    page.locator(".md-content mark").first.wait_for()
    marked = {m.strip() for m in page.locator(".md-content mark").all_inner_texts()}
    assert marked & {"クレジット", "残高"}, marked


@pytest.mark.browser
@pytest.mark.parametrize(
    ("missing", "lang", "title"),
    [("no-such-page/", "ja", "ページが見つかりません"), ("en/no-such-page/", "en", "Page not found")],
)
def test_a_missing_page_shows_the_404_of_its_language(
    page: Any, live: LiveSite, missing: str, lang: str, title: str
) -> None:
    # The test server answers like GitHub Pages: the root 404.html for any missing address.
    page.goto(live.url(missing))
    page.wait_for_function(f"document.documentElement.lang === '{lang}'")
    assert page.locator("h1").first.inner_text().strip() == title
    # The switcher offers the home pages, not whatever page static-i18n rendered last.
    hrefs = page.eval_on_selector_all(".md-select__link", "els => els.map(e => e.href)")
    assert sorted(hrefs) == sorted([live.url("/"), live.url("/en/")])


@pytest.mark.browser
def test_screenshots_for_review(page: Any, live: LiveSite) -> None:
    site_live.ARTIFACTS.mkdir(exist_ok=True)
    shots = {
        "landing-ja.png": "",
        "landing-en.png": "en/",
        "entry-ja.png": ENTRY,
        "entry-en.png": "en/" + ENTRY,
    }
    for name, path in shots.items():
        page.goto(live.url(path))
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(site_live.ARTIFACTS / name), full_page=True)
        assert (site_live.ARTIFACTS / name).stat().st_size > 10_000
    page.goto(live.url("/"))
    site_live.search(page, live, "トークン上限")
    page.screenshot(path=str(site_live.ARTIFACTS / "search-ja.png"))


# --- The built HTML (no browser) -----------------------------------------------------------


def _config(html: str) -> dict[str, Any]:
    found = re.search(r'<script id="__config" type="application/json">(.*?)</script>', html, re.S)
    assert found
    data: dict[str, Any] = json.loads(found.group(1))
    return data


@pytest.mark.parametrize(
    ("path", "lang", "name", "description"),
    [
        ("", "ja", "LLM 接続トラブル辞典", "Claude などの LLM に接続できないときの"),
        ("en/", "en", "LLM Access Troubleshooter", "Errors, causes and fixes when Claude"),
    ],
)
def test_each_language_has_its_own_site_name_and_description(
    live: LiveSite, path: str, lang: str, name: str, description: str
) -> None:
    for page in (path, path + ENTRY):
        html = live.html(page)
        assert f'<html lang="{lang}"' in html
        assert re.search(rf"<title>[^<]*{re.escape(name)}</title>", html), page
        header = re.search(
            r'<div class="md-header__topic">\s*<span class="md-ellipsis">\s*(.*?)\s*</span>', html
        )
        assert header and header.group(1) == name, page
    home = live.html(path)
    assert f"<title>{name}</title>" in home  # not "name - name"
    assert f'<meta name="description" content="{description}' in home


def test_no_instant_navigation(live: LiveSite) -> None:
    # navigation.instant breaks static-i18n's language switcher (static-i18n #115).
    for path in ("", "en/", ENTRY):
        assert not any(f.startswith("navigation.instant") for f in _config(live.html(path))["features"])


def test_sitemap_lists_both_languages_of_every_page(live: LiveSite) -> None:
    xml = (live.root / "sitemap.xml").read_text(encoding="utf-8")
    urls = re.findall(r"<url>(.*?)</url>", xml, re.S)
    assert len(urls) > 100
    for block in urls:
        loc = re.search(r"<loc>(.*?)</loc>", block)
        assert loc and loc.group(1).startswith(live.base)
        ja = re.search(r'hreflang="ja" href="([^"]+)"', block)
        en = re.search(r'hreflang="en" href="([^"]+)"', block)
        assert ja and en, block
        assert en.group(1) == live.base + "en/" + ja.group(1).removeprefix(live.base)


def test_404_pages_per_language(live: LiveSite) -> None:
    ja, en = (
        (live.root / "404.html").read_text(encoding="utf-8"),
        (live.root / "en" / "404.html").read_text(encoding="utf-8"),
    )
    assert '<html lang="ja"' in ja and "ページが見つかりません" in ja
    assert '<html lang="en"' in en and "Page not found" in en
    # Served at any depth, so links are absolute, under the site's base path.
    base = urlsplit(live.base).path
    assert f'href="{base}en/errors/"' in en and f'href="{base}errors/"' in ja


def test_edit_link_opens_the_guide_yaml(live: LiveSite) -> None:
    repo = "https://github.com/llm-access-doctor/kb"
    for lang_root in LANG_ROOT.values():
        entry = live.html(lang_root + ENTRY)
        assert re.search(
            rf'<a href="{re.escape(repo)}/edit/main/guides/anthropic\.yaml"[^>]*rel="edit"', entry
        )
        provider = live.html(lang_root + "bedrock/")
        assert f'href="{repo}/edit/main/guides/bedrock.yaml"' in provider
        # Pages made from every guide have no single file to edit: the link opens the folder.
        assert f'href="{repo}/tree/main/guides"' in live.html(lang_root + "errors/")
    assert ".md" not in re.findall(r'<a href="([^"]+)"[^>]*rel="edit"', live.html(ENTRY))[0]


def test_pages_workflow_builds_strictly_and_deploys_with_the_pages_actions() -> None:
    import yaml

    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    assert flow[True]["push"]["branches"] == ["main"]  # YAML 1.1 reads the key `on` as True
    steps = flow["jobs"]["build"]["steps"]
    runs = " ; ".join(s.get("run", "") for s in steps)
    uses = [s.get("uses", "").split("@")[0] for s in steps + flow["jobs"]["deploy"]["steps"]]
    assert "mkdocs build --strict" in runs and "pip install -e ." in runs
    assert next(s for s in steps if "setup-python" in s.get("uses", ""))["with"]["python-version"] == "3.11"
    assert {"actions/upload-pages-artifact", "actions/deploy-pages"} <= set(uses)
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


# --- generator/site/i18n.py on a project site under a path -------------------------------


def _fake_config(lang: str) -> dict[str, Any]:
    return {
        "extra": {
            "kb_languages": [{"locale": "ja", "name": "日本語"}, {"locale": "en", "name": "English"}],
            "kb_site_url": "https://x.github.io/kb/",
        },
        "site_url": "https://x.github.io/kb/" + ("en/" if lang == "en" else ""),
        "theme": {"language": lang},
    }


def test_language_links_under_a_base_path() -> None:
    from generator.site import i18n as site_i18n

    for lang in ("ja", "en"):
        config = _fake_config(lang)
        assert site_i18n.home_alternates(config) == [
            {"name": "日本語", "link": "/kb/", "lang": "ja"},
            {"name": "English", "link": "/kb/en/", "lang": "en"},
        ]
        assert site_i18n.page_alternates(config, "anthropic/x/") == [
            {"name": "日本語", "link": "/kb/anthropic/x/", "lang": "ja"},
            {"name": "English", "link": "/kb/en/anthropic/x/", "lang": "en"},
        ]


def test_alternate_links_in_the_head_point_at_the_language_homes() -> None:
    from generator.site.i18n import localise_page

    page = (
        '<link rel="alternate" href="/kb/anthropic/x/" hreflang="ja">'
        '<link rel="alternate" href="/kb/en/anthropic/x/" hreflang="en">'
        '<a class="headerlink" href="#a" title="Permanent link">'
    )
    out = localise_page(page, _fake_config("ja"))
    assert 'href="/kb/" hreflang="ja"' in out and 'href="/kb/en/" hreflang="en"' in out
    assert "Permanent link" not in out
    assert "Permanent link" in localise_page(page, _fake_config("en"))
