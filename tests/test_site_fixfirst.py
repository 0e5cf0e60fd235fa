"""Issue 17: the site is correct on every page and puts the answer first (real Chromium + built HTML).

The site is built once and served on 127.0.0.1 by `site_live` (shared with test_browser.py and
test_search_ja.py). Checks that must cover every page read the built HTML; checks of layout
(what is on the first screen, what wraps) run in the browser, on every kind of page and on the
entries whose first screen is fullest.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import site_live
from conftest import ROOT
from site_live import LiveSite

LANG_ROOT = {"ja": "", "en": "en/"}
VIEWPORTS = {"desktop": (1280, 800), "phone": (390, 844)}
# The pages issue 17 found broken (literal fences, shell comments as headings), in both languages.
BROKEN_BEFORE = [
    "claude-code/model-configuration/",
    "bedrock/inference-profiles/",
    "vertex/regions-and-projects/",
]
ENTRY = "openhands/llm-authentication-error/"
# The exact error strings a reader pastes, and the entry that must come first for each.
EXACT = [
    ("invalid x-api-key", "anthropic/invalid-x-api-key/"),
    ("STATUS$ERROR_LLM_AUTHENTICATION", "openhands/llm-authentication-error/"),
    ("No endpoints found", "openrouter/no-endpoints-found/"),
    ("x-api-key header is required", "anthropic/x-api-key-header-required/"),
    ("on-demand throughput", "bedrock/on-demand-throughput-not-supported/"),
]
# Both languages' search index together before issue 17 (1.67 MB; each page downloaded all of it).
COMBINED_INDEX_BEFORE = 1_670_000
# Material's UI strings in English; none may appear on a Japanese page.
ENGLISH_UI = [
    "Made with",
    "Material for MkDocs",
    "Permanent link",
    "Copy to clipboard",
    "Back to top",
    "Skip to content",
    "Table of contents",
    "Edit this page",
    "Type to start searching",
    "matching document",
    "Initializing search",
    "Last update",
]


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSite]:
    yield site_live.live_site(tmp_path_factory)
    site_live.close()


@pytest.fixture(scope="session")
def entries() -> list[dict[str, Any]]:
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "list", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found: list[dict[str, Any]] = json.loads(proc.stdout)["entries"]
    assert found
    return found


def _pages(live: LiveSite) -> list[Path]:
    pages = sorted(p for p in live.root.rglob("index.html") if "assets" not in p.parts)
    assert len(pages) > 200
    return pages


def _lang_of(live: LiveSite, page: Path) -> str:
    return "en" if page.relative_to(live.root).parts[0] == "en" else "ja"


class _Article(HTMLParser):
    """The text of a page's article outside code, its headings, and every element id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside <article>
        self.code = 0  # inside <pre> or <code>
        self.text: list[str] = []
        self.h1 = 0
        self.headings: list[tuple[str, str]] = []
        self._heading: str | None = None
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
        if tag == "article":
            self.depth += 1
        if not self.depth:
            return
        if tag in ("pre", "code", "script", "style", "textarea"):
            self.code += 1
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.h1 += tag == "h1"
            self._heading = tag
            self.headings.append((tag, ""))
        if tag in ("p", "li", "br", "div", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6"):
            self.text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.depth -= 1
        if self.depth and tag in ("pre", "code", "script", "style", "textarea"):
            self.code -= 1
        if tag == self._heading:
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self.depth and not self.code:
            self.text.append(data)
            if self._heading and self.headings:
                tag, text = self.headings[-1]
                self.headings[-1] = (tag, text + data)


def _article(html: str) -> _Article:
    parser = _Article()
    parser.feed(html)
    parser.close()
    return parser


# Markdown that should have been rendered: fences, headings, emphasis, links, admonitions, tabs,
# attribute lists. Looked for in the article's text outside code, line by line.
RAW_MARKDOWN = [
    ("code fence", re.compile(r"```|~~~")),
    ("heading mark", re.compile(r"^\s*#{1,6} \S", re.M)),
    ("emphasis", re.compile(r"\*\*[^*\s][^*]*\*\*")),
    ("link", re.compile(r"\]\((?:[^)\s]+)\)")),
    ("admonition", re.compile(r"^\s*(?:!!!|\?\?\?) ", re.M)),
    ("content tab", re.compile(r'^\s*=== "', re.M)),
    ("attribute list", re.compile(r"\{\s*[:#.][^}]*\}")),
    ("entity", re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+);", re.I)),
]


def test_no_page_shows_unrendered_markdown(live: LiveSite) -> None:
    problems = []
    for page in _pages(live):
        rel = str(page.relative_to(live.root).parent)
        article = _article(page.read_text(encoding="utf-8"))
        text = "".join(article.text)
        for name, pattern in RAW_MARKDOWN:
            found = pattern.search(text)
            if found:
                problems.append(f"{rel}: {name}: {found.group(0)!r}")
        # One title per page: a second h1 is a shell comment or a stray "# " line set as heading.
        if article.h1 > 1:
            problems.append(f"{rel}: {article.h1} h1 headings")
    assert problems == []


@pytest.mark.parametrize("lang", list(LANG_ROOT))
@pytest.mark.parametrize("path", BROKEN_BEFORE)
def test_pages_with_code_in_their_text_render_it_as_code_blocks(live: LiveSite, path: str, lang: str) -> None:
    html = live.html(LANG_ROOT[lang] + path)
    article = _article(html)
    assert "<pre" in html
    # Shell comments stay inside the code: every heading is one the guide meant (no "# ..." text).
    assert not [h for h in article.headings if h[1].strip().startswith(("#", "export ", "aws ", "gcloud "))]
    assert article.h1 == 1


def test_every_entry_page_opens_with_the_first_fix_then_the_facts(
    live: LiveSite, entries: list[dict[str, Any]]
) -> None:
    for entry in entries:
        for lang, prefix in LANG_ROOT.items():
            html = live.html(prefix + entry["id"] + "/")
            body = html[html.index("<article") :]
            h1, first_fix, messages = (
                body.index("<h1"),
                body.index('id="first-fix"'),
                body.index('id="messages"'),
            )
            # The summary paragraph sits between the title and the box; the messages come after.
            assert h1 < body.index("<p>", h1) < first_fix < messages, entry["id"]
            # Tags are at the bottom, not above the title (Material's chips there are hidden).
            assert all("hidden" in nav for nav in re.findall(r'<nav class="md-tags"[^>]*>', body[:h1]))
            assert "kb-tags" in body[messages:], entry["id"]
            # Where it stands: catalogue codes link into the index of codes, the reviewed date.
            meta = re.search(r'<p class="kb-meta">(.*?)</p>', body, re.S)
            assert meta, entry["id"]
            for code in entry["covers"]:
                assert f'errors/#code-{code.lower()}"' in meta.group(1), (entry["id"], code)
            if entry.get("reviewed"):
                assert f'<time class="kb-reviewed" datetime="{entry["reviewed"]}">' in meta.group(1)
                assert ("最終確認日" if lang == "ja" else "Last reviewed") in meta.group(1)


def test_run_the_check_box_says_how_to_install_before_the_command(
    live: LiveSite, entries: list[dict[str, Any]]
) -> None:
    with_checks = [e for e in entries if e["checks"]]
    assert with_checks
    for entry in with_checks:
        for prefix in LANG_ROOT.values():
            html = live.html(prefix + entry["id"] + "/")
            box = re.search(r'<div class="kb-run">(.*?)</div>\s*<ul>', html, re.S)
            assert box, entry["id"]
            text = re.sub(r"<[^>]+>", "", box.group(1))
            install, pip, run = (
                text.index("pipx install git+"),
                text.index("pip install git+"),
                text.index("llm-doctor check"),
            )
            assert install < run and pip < run, entry["id"]
            assert all(c in text for c in entry["checks"]), entry["id"]


def test_every_catalogue_code_link_lands_on_a_row_that_links_back(
    live: LiveSite, entries: list[dict[str, Any]]
) -> None:
    for lang, prefix in LANG_ROOT.items():
        errors = live.html(prefix + "errors/")
        ids = _article(errors).ids
        for entry in entries:
            for code in entry["covers"]:
                assert f"code-{code.lower()}" in ids, (lang, code)
                row = re.search(rf'<p[^>]*id="code-{code.lower()}"[^>]*>(.*?)</p>', errors, re.S)
                assert row and f'href="../{entry["id"]}/"' in row.group(1), (lang, code, entry["id"])


def test_japanese_pages_have_no_english_ui_text(live: LiveSite) -> None:
    problems = []
    for page in _pages(live) + [live.root / "404.html"]:
        if _lang_of(live, page) != "ja":
            continue
        html = page.read_text(encoding="utf-8")
        # The page's own text may quote English (error messages); the theme's UI may not.
        ui = re.sub(r"<article.*?</article>", "", html, flags=re.S)
        ui = re.sub(r'<script id="__config".*?</script>', "", ui, flags=re.S)
        for words in ENGLISH_UI:
            if words in ui:
                problems.append(f"{page.relative_to(live.root)}: {words}")
        if 'title="Permanent link"' in html:
            problems.append(f"{page.relative_to(live.root)}: Permanent link")
    assert problems == []


def test_each_language_has_its_own_small_search_index(live: LiveSite) -> None:
    ja = live.root / "search" / "search_index.json"
    en = live.root / "en" / "search" / "search_index.json"
    sizes = {"ja": ja.stat().st_size, "en": en.stat().st_size}
    for size in sizes.values():
        assert size <= 0.6 * COMBINED_INDEX_BEFORE, sizes
        assert size <= 0.6 * sum(sizes.values()), sizes
    for lang, path in (("ja", ja), ("en", en)):
        index = json.loads(path.read_text(encoding="utf-8"))
        assert index["config"]["lang"] == [lang]
        # Locations are relative to the language's own folder, where its pages search from.
        assert not any(d["location"].startswith("en/") for d in index["docs"])
        # Tags count like text, not a million times more.
        assert index["config"]["fields"]["tags"]["boost"] <= index["config"]["fields"]["text"]["boost"]
        # Brackets end words: `(invalid` and `key)` are not tokens.
        separator = re.compile(index["config"]["separator"])
        assert separator.split("(invalid x-api-key)") == ["", "invalid", "x", "api", "key", ""]
        assert separator.split("STATUS$ERROR_LLM_AUTHENTICATION") == ["STATUS$ERROR_LLM_AUTHENTICATION"]
    titles = {
        lang: {d["title"] for d in json.loads(p.read_text(encoding="utf-8"))["docs"]}
        for lang, p in (("ja", ja), ("en", en))
    }
    assert "API キーが拒否される（invalid x-api-key）" in titles["ja"] and not any(
        "API キー" in t for t in titles["en"]
    )


# --- Browser ---------------------------------------------------------------------------------


@pytest.fixture
def browse(live: LiveSite) -> Iterator[Any]:
    """Open pages at a viewport; console errors, page errors, failed requests and requests to any
    other host fail the test."""
    opened: list[Any] = []
    problems: list[str] = []
    offsites: list[site_live.Offsite] = []

    def open_page(width: int, height: int) -> Any:
        cm = site_live.local_page(live, viewport={"width": width, "height": height})
        pg, offsite = cm.__enter__()
        opened.append(cm)
        offsites.append(offsite)
        pg.on(
            "console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
        )
        pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        pg.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        return pg

    yield open_page
    for cm in opened:
        cm.__exit__(None, None, None)
    assert [u for o in offsites for u in o.urls] == []
    assert problems == []


def _fullest_first_screens(live: LiveSite, entries: list[dict[str, Any]], lang: str, n: int) -> list[str]:
    """The entries whose first fix sits lowest: longest title + summary, longest first snippet."""

    def weight(entry: dict[str, Any]) -> int:
        html = live.html(LANG_ROOT[lang] + entry["id"] + "/")
        body = html[html.index("<article") :]
        head = re.sub(r"<[^>]+>", "", body[: body.index('id="first-fix"')])
        box = body[body.index('id="first-fix"') : body.index("</div>", body.index('id="first-fix"'))]
        code = re.sub(r"<[^>]+>", "", box)
        return len(head) + 3 * len(code)

    return sorted(
        (e["id"] + "/" for e in entries),
        key=lambda i: -weight(next(x for x in entries if x["id"] + "/" == i)),
    )[:n]


@pytest.mark.browser
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("lang", list(LANG_ROOT))
def test_first_fix_is_on_the_first_screen(
    browse: Any, live: LiveSite, entries: list[dict[str, Any]], lang: str, viewport: str
) -> None:
    width, height = VIEWPORTS[viewport]
    pg = browse(width, height)
    paths = [ENTRY, "anthropic/invalid-x-api-key/", *_fullest_first_screens(live, entries, lang, 6)]
    for path in dict.fromkeys(paths):
        pg.goto(live.url(LANG_ROOT[lang] + path))
        box = pg.locator("#first-fix").bounding_box()
        assert box, path
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, (path, box)
        # It holds something to do: a command or setting, or the fix itself when it has none.
        assert pg.locator("#first-fix pre code, #first-fix p").count() >= 2, path


@pytest.mark.browser
@pytest.mark.parametrize("lang", list(LANG_ROOT))
def test_fix_headings_are_short_and_in_the_table_of_contents(browse: Any, live: LiveSite, lang: str) -> None:
    pg = browse(1280, 800)
    pg.goto(live.url(LANG_ROOT[lang] + ENTRY))
    headings = pg.locator("h3[id^='fix-']").all_inner_texts()
    toc = pg.locator(".md-sidebar--secondary .md-nav__link[href*='#fix-']").all_inner_texts()
    assert len(headings) >= 3 and len(toc) == len(headings)
    limit = 60 if lang == "ja" else 100
    for heading, entry in zip(headings, toc, strict=True):
        assert len(heading.strip()) <= limit, heading
        # The table of contents says what each fix does, not "Fix 1".
        assert not re.fullmatch(r"(対処|Fix) \d+", entry.strip()), entry
        assert entry.strip().split(" ", 1)[1][:10] in heading, (entry, heading)


@pytest.mark.browser
@pytest.mark.parametrize("lang", list(LANG_ROOT))
def test_messages_wrap_and_stay_clear_of_the_copy_button(browse: Any, live: LiveSite, lang: str) -> None:
    pg = browse(390, 844)
    for path in (ENTRY, "anthropic/invalid-x-api-key/", "litellm/anthropic-invalid-x-api-key/"):
        pg.goto(live.url(LANG_ROOT[lang] + path))
        pg.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        problems = pg.evaluate(
            """() => [...document.querySelectorAll('.kb-msg pre')].flatMap(pre => {
              const code = pre.querySelector('code'), out = []
              if (pre.scrollWidth > pre.clientWidth + 1) out.push('scrolls: ' + code.textContent.slice(0, 60))
              const range = document.createRange(); range.selectNodeContents(code)
              const right = Math.max(...[...range.getClientRects()].map(r => r.right))
              const button = pre.querySelector('.md-code__button')
              const limit = button ? button.getBoundingClientRect().left : pre.getBoundingClientRect().right
              if (right > limit + 1) out.push('under the copy button: ' + code.textContent.slice(0, 60))
              if (pre.getBoundingClientRect().right > window.innerWidth) out.push('off screen')
              return out
            })"""
        )
        assert problems == [], path
        assert pg.locator(".kb-msg").count() >= 2
        # The identifying part is visible: the whole message text is laid out inside the block.
        assert "invalid x-api-key" in pg.locator(".kb-msg").first.inner_text() or path == ENTRY


@pytest.mark.browser
def test_tables_keep_names_whole_on_a_phone(browse: Any, live: LiveSite) -> None:
    pg = browse(390, 844)
    for path in (
        "models/",
        "vertex/regions-and-projects/",
        "bedrock/inference-profiles/",
        "anthropic/",
        "en/errors/",
    ):
        pg.goto(live.url(path))
        broken = pg.evaluate(
            """() => [...document.querySelectorAll('.md-typeset table code')]
                 .filter(c => c.getClientRects().length > 1).map(c => c.textContent)"""
        )
        assert broken == [], path


@pytest.mark.browser
@pytest.mark.parametrize("lang", list(LANG_ROOT))
def test_landing_page_leads_with_the_paste_box_and_ten_common_errors(
    browse: Any, live: LiveSite, lang: str
) -> None:
    for width, height in VIEWPORTS.values():
        pg = browse(width, height)
        pg.goto(live.url(LANG_ROOT[lang]))
        box = pg.locator(".kb-explain textarea").bounding_box()
        assert box and box["y"] + box["height"] <= height
        # Nothing but the title comes before the box.
        first = pg.evaluate("document.querySelector('article h1').nextElementSibling.className")
        assert "kb-explain" in first
        common = pg.locator("#common + ol > li > a")
        assert common.count() == 10
        top = common.first.bounding_box()
        assert top and top["y"] <= height * 1.25  # the list starts on or right below the first screen
        hrefs = common.evaluate_all("els => els.map(e => e.getAttribute('href'))")
        assert all(h.count("/") == 2 and not h.startswith("http") for h in hrefs), hrefs


@pytest.mark.browser
@pytest.mark.parametrize("lang", list(LANG_ROOT))
@pytest.mark.parametrize(("query", "expected"), EXACT, ids=[q for q, _ in EXACT])
def test_an_exact_error_string_lists_its_own_entry_first(
    browse: Any, live: LiveSite, lang: str, query: str, expected: str
) -> None:
    pg = browse(1280, 800)
    loaded: list[str] = []
    pg.on("request", lambda r: loaded.append(r.url) if "search_index" in r.url else None)
    pg.goto(live.url(LANG_ROOT[lang]))
    result = site_live.search(pg, live, query)
    assert result.paths and result.paths[0] == LANG_ROOT[lang] + expected, result
    # Only this language's index was downloaded.
    assert loaded == [live.url(LANG_ROOT[lang] + "search/search_index.json")]
    # The first result shows an excerpt and at most three tags.
    first = pg.locator(".md-search-result__list > li").first
    article = first.locator("article").first
    assert len(article.inner_text().strip()) > len(query) + 20
    assert first.locator("article").first.locator(".md-tag").count() <= 3


@pytest.mark.browser
def test_no_console_errors_or_missing_files_on_any_kind_of_page(browse: Any, live: LiveSite) -> None:
    pg = browse(1280, 800)
    kinds = ["", "errors/", "checks/", "models/", "tags/", "reference/", "anthropic/", ENTRY]
    kinds += BROKEN_BEFORE + ["openrouter/terms-of-service-403/"]
    for prefix in LANG_ROOT.values():
        for path in kinds:
            pg.goto(live.url(prefix + path))
            pg.wait_for_load_state("networkidle")
        # The switcher's sitemap lookups and search run too.
        site_live.search(pg, live, "rate limit")
    # The fixture asserts no console error, failed request or outside request happened.


@pytest.mark.browser
@pytest.mark.parametrize("lang", list(LANG_ROOT))
def test_reference_page_documents_json_and_exit_codes(browse: Any, live: LiveSite, lang: str) -> None:
    from generator import contract

    pg = browse(1280, 800)
    pg.goto(live.url(LANG_ROOT[lang] + "reference/"))
    text = pg.locator("article").inner_text()
    for anchor in ("exit-codes", "check-json", "explain-json", "list-json"):
        assert pg.locator(f"[id='{anchor}']").count() == 1
    for field in ('"schema_version"', '"routes"', '"findings"', '"matches"', '"reviewed"', '"fingerprint"'):
        assert field in text, field
    rows = pg.locator("#exit-codes + table tbody tr, #exit-codes ~ .md-typeset__scrollwrap tbody tr").first
    assert rows.count() == 1
    for code in (contract.OK, contract.FAILED, contract.USAGE, contract.CRASHED):
        assert pg.locator(f"table td:text-is('{code}')").count() >= 1, code
    # The landing page links to it.
    pg.goto(live.url(LANG_ROOT[lang]))
    assert pg.locator("article a[href$='reference/']").count() >= 1


def test_readme_points_to_the_reference_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "/en/reference/" in readme


@pytest.mark.browser
def test_catalogue_code_link_opens_the_row_of_that_code(browse: Any, live: LiveSite) -> None:
    pg = browse(390, 844)
    pg.goto(live.url(ENTRY))
    pg.locator(".kb-meta a[href*='#code-h1']").click()
    pg.wait_for_url(live.url("errors/") + "#code-h1")
    row = pg.locator("[id='code-h1']")
    assert row.is_visible()
    assert row.locator(f"a[href$='{ENTRY}']").count() == 1


@pytest.mark.browser
def test_screenshots_of_the_key_pages(browse: Any, live: LiveSite) -> None:
    site_live.ARTIFACTS.mkdir(exist_ok=True)
    pages = {
        "landing": "",
        "entry": ENTRY,
        "errors": "errors/",
        "reference": "reference/",
        "page": BROKEN_BEFORE[0],
    }
    for viewport, (width, height) in VIEWPORTS.items():
        pg = browse(width, height)
        for lang, prefix in LANG_ROOT.items():
            for name, path in pages.items():
                pg.goto(live.url(prefix + path))
                pg.wait_for_load_state("networkidle")
                target = site_live.ARTIFACTS / f"{name}-{lang}-{viewport}.png"
                pg.screenshot(path=str(target))
                assert target.stat().st_size > 10_000
            pg.goto(live.url(prefix))
            site_live.search(pg, live, "invalid x-api-key")
            pg.screenshot(path=str(site_live.ARTIFACTS / f"search-{lang}-{viewport}.png"))
