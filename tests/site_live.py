"""The built site served on 127.0.0.1, and a headless Chromium to browse it (for the browser tests).

One build, one server and one browser per test session, shared by `test_browser.py` and
`test_search_ja.py` through `live_site()` / `browser()`; `close()` stops them. The site is built with
SITE_URL set to the server's own address: static-i18n's links and Material's language switcher and
sitemap logic compare against `site_url`, port included (../shared/research/mkdocs-i18n.md §5).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
# Headless Chromium without the background traffic it would otherwise start (updates, sync, ...).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
# Every browser wait is bounded; a broken page fails in seconds instead of hanging the run.
TIMEOUT_MS = 15_000
# Served under a path, like the published project site (https://<owner>.github.io/kb/), so links
# that ignore the base path break here too.
BASE_PATH = "/kb/"


@dataclass(frozen=True)
class LiveSite:
    """A built site and the local server that serves it."""

    root: Path
    """The build output folder."""
    base: str
    """`http://127.0.0.1:<port>/kb/`, also the SITE_URL the site was built with."""

    def url(self, path: str = "") -> str:
        return self.base + path.lstrip("/")

    def html(self, path: str) -> str:
        """The built HTML of a page path such as `en/anthropic/` (directory URLs)."""
        target = self.root / path
        return (target / "index.html" if target.is_dir() else target).read_text(encoding="utf-8")


@dataclass
class _State:
    """What the session started, so `close()` can stop it."""

    site: LiveSite | None = None
    server: http.server.ThreadingHTTPServer | None = None
    playwright: Any = None
    browser: Any = None
    stops: list[Callable[[], None]] = field(default_factory=list)


_STATE = _State()


class _PagesHandler(http.server.SimpleHTTPRequestHandler):
    """Static files as GitHub Pages serves a project site: under BASE_PATH, and a missing address
    gets the site's root 404.html."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def translate_path(self, path: str) -> str:
        rest = path.removeprefix(BASE_PATH.rstrip("/"))
        if rest == path or (rest and not rest.startswith(("/", "?", "#"))):
            return str(Path(self.directory) / "__outside_the_site__")  # answered with the 404 page
        return super().translate_path(rest or "/")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.exists():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build_site(out: Path, site_url: str) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": site_url}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def live_site(tmp_path_factory: pytest.TempPathFactory) -> LiveSite:
    """Build the site once and serve it on a free port of 127.0.0.1 (threaded, so pages and assets
    load in parallel as in a real server)."""
    if _STATE.site is None:
        # The port must be known before building: it is part of SITE_URL. Binding it right after
        # leaves a tiny window in which another process could take it; the bind would then fail.
        port = _free_port()
        base = f"http://127.0.0.1:{port}{BASE_PATH}"
        out = tmp_path_factory.mktemp("live-site")
        build_site(out, base)
        handler = functools.partial(_PagesHandler, directory=str(out))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
        thread.start()
        _STATE.server = server
        _STATE.stops.append(server.shutdown)
        _STATE.stops.append(server.server_close)
        _STATE.site = LiveSite(out, base)
    return _STATE.site


def browser() -> Any:
    """Debian's Chromium driven by Playwright; skips the test when either is missing."""
    if _STATE.browser is None:
        if not CHROMIUM.exists():
            pytest.skip(f"{CHROMIUM} not found: install Debian's chromium package (apt-get install chromium)")
        sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]' (playwright)")
        # Never `playwright install`: the browser is the system one.
        _STATE.playwright = sync_api.sync_playwright().start()
        _STATE.stops.append(_STATE.playwright.stop)
        _STATE.browser = _STATE.playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=TIMEOUT_MS * 2
        )
        _STATE.stops.append(_STATE.browser.close)
    return _STATE.browser


def close() -> None:
    """Stop the browser, Playwright and the server (newest first); safe to call twice."""
    while _STATE.stops:
        # One failed stop must not leave the others running.
        with contextlib.suppress(Exception):
            _STATE.stops.pop()()
    _STATE.site = _STATE.server = _STATE.playwright = _STATE.browser = None


@dataclass
class Offsite:
    """Requests the browser tried to send to any host other than the local server (all aborted)."""

    urls: list[str] = field(default_factory=list)
    """The blocked request URLs."""


@contextlib.contextmanager
def local_page(site: LiveSite, **context_args: Any) -> Iterator[tuple[Any, Offsite]]:
    """A fresh browser context and page whose requests may reach only the local server.

    Any other request is aborted and recorded; the caller asserts the record is empty.
    """
    ctx = browser().new_context(**{"viewport": {"width": 1280, "height": 900}, **context_args})
    ctx.set_default_timeout(TIMEOUT_MS)
    offsite = Offsite()
    origin = urlsplit(site.base).netloc

    def route(r: Any) -> None:
        parts = urlsplit(r.request.url)
        if parts.scheme in ("data", "blob") or parts.netloc == origin:
            r.continue_()
        else:
            offsite.urls.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    try:
        yield ctx.new_page(), offsite
    finally:
        ctx.close()


@dataclass(frozen=True)
class SearchResult:
    """What Material's search box shows for one query."""

    meta: str
    """The result count line ("3件見つかりました", "No matching documents")."""
    paths: list[str]
    """Site paths of the result pages as listed, best first (the first rendered batch: 10)."""


def search(page: Any, site: LiveSite, query: str) -> SearchResult:
    """Type `query` into the search box of the open page and wait for its results."""
    box = page.locator("input.md-search__input")
    # Below Material's 60em breakpoint the box sits behind the header's search button.
    narrow = not box.is_visible() or page.evaluate("matchMedia('(max-width: 59.984375em)').matches")
    if narrow and not page.locator("#__search").is_checked():
        page.locator("label.md-header__button[for='__search']").click()
    box.click()
    # Empty the box first and wait for the placeholder line, so the results read below cannot be
    # those of the previous query (Material answers asynchronously, from a worker).
    box.fill("")
    box.press("End")
    page.wait_for_function(
        "() => !document.querySelector('.md-search-result__list > li')"
        " && !document.querySelector('.md-search-result__meta').textContent.match(/初期化|Initializ/)"
    )
    placeholder = page.locator(".md-search-result__meta").inner_text().strip()
    # fill() and then a key press: Material listens for keyup, and typing Japanese character by
    # character fires none (mkdocs-i18n.md §4).
    box.fill(query)
    box.press("End")
    page.wait_for_function(
        "placeholder => { const m = document.querySelector('.md-search-result__meta');"
        " return m.innerText.trim() !== placeholder && !/初期化|Initializ/.test(m.textContent) }",
        arg=placeholder,
    )
    meta = page.locator(".md-search-result__meta").inner_text().strip()
    hrefs = page.eval_on_selector_all(
        ".md-search-result__list > li > a.md-search-result__link:first-child",
        "els => els.map(e => e.href)",
    )
    paths = [urlsplit(h).path.removeprefix(urlsplit(site.base).path) for h in hrefs]
    return SearchResult(meta, paths)
