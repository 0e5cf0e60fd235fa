"""The real site builds with --strict, and every docs_url of `list --json` lands on its anchor."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import ROOT
from site_live import build_site

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from generator.site.urls import site_url

    out = tmp_path_factory.mktemp("site")
    build_site(out, site_url())
    return out


def test_both_languages_are_built(site: Path) -> None:
    ja = (site / "index.html").read_text(encoding="utf-8")
    en = (site / "en" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ja"' in ja and '<html lang="en"' in en


def test_every_docs_url_resolves_to_a_page_with_that_anchor(site: Path) -> None:
    doc = json.loads(
        subprocess.run(
            [sys.executable, "-m", "generator", "list", "--json"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
    )
    from generator.site.urls import site_url

    base = site_url()
    assert doc["entries"]
    for entry in doc["entries"]:
        for url in entry["docs_url"].values():
            assert url.startswith(base)
            path, _, anchor = url[len(base) :].partition("#")
            html = site / path / "index.html"
            assert html.exists(), url
            assert f'id="{anchor}"' in html.read_text(encoding="utf-8"), url


def test_no_page_loads_anything_from_another_host(site: Path) -> None:
    for page in [site / "index.html", site / "en" / "errors" / "index.html"]:
        html = page.read_text(encoding="utf-8")
        assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html


def test_language_switcher_points_at_the_same_entry(site: Path) -> None:
    from generator.site.urls import site_url

    html = (site / "anthropic" / "invalid-x-api-key" / "index.html").read_text(encoding="utf-8")
    base = urlsplit(site_url()).path
    assert f'href="{base}en/anthropic/invalid-x-api-key/" hreflang="en"' in html


def test_generated_pages_are_up_to_date_and_ignored_by_git(site: Path) -> None:
    # After a build (the fixture), the hook has rendered docs/; render --check must then agree.
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "render", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    tracked = subprocess.run(
        ["git", "ls-files", "docs"], cwd=ROOT, capture_output=True, text=True, timeout=30
    ).stdout.split()
    assert all(p.startswith("docs/assets/") for p in tracked), tracked
    # Each language has its own folder of pages (one MkDocs build each).
    assert (ROOT / "docs" / "ja" / "anthropic" / "invalid-x-api-key.md").exists()
    assert (ROOT / "docs" / "en" / "anthropic" / "invalid-x-api-key.md").exists()


def test_english_builds_alone(tmp_path: Path) -> None:
    # One language can be built on its own from the rendered folder (preview, other site tools).
    import os

    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "KB_SITE_LANG": "en"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "en")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    home = (tmp_path / "en" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in home and "LLM Access Troubleshooter" in home
    assert not (tmp_path / "en" / "en").exists()  # no other language was started


def _zensical() -> str | None:
    import os
    import shutil

    # The test extras install it (pyproject.toml) next to this interpreter, on PATH or not.
    beside = Path(sys.executable).parent / "zensical"
    return os.environ.get("ZENSICAL") or (str(beside) if beside.exists() else shutil.which("zensical"))


@pytest.mark.skipif(
    _zensical() is None, reason="zensical is not installed (pip install zensical; or set ZENSICAL)"
)
def test_one_language_builds_with_zensical(site: Path, tmp_path: Path) -> None:
    # Material's successor reads mkdocs.yml but runs no hooks: the pages the generator rendered
    # (docs/en/, by the `site` fixture's build) must be enough to build English on their own.
    import json
    import shutil

    import yaml

    shutil.copytree(ROOT / "docs" / "en", tmp_path / "docs")
    shutil.copytree(ROOT / "docs" / "assets", tmp_path / "docs" / "assets")
    # The 404 page and the sitemap template read values only the hook sets.
    shutil.copytree(
        ROOT / "overrides", tmp_path / "overrides", ignore=shutil.ignore_patterns("404.html", "sitemap.xml")
    )
    lines, skip = [], False
    for line in (ROOT / "mkdocs.yml").read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("hooks:"):
            skip = True
            continue
        if skip and line.startswith("  - "):
            continue
        skip = False
        lines.append("  language: en\n" if line.startswith("  language:") else line)
    nav = json.loads((ROOT / "docs" / ".nav.en.json").read_text(encoding="utf-8"))
    lines.append("\n" + yaml.safe_dump({"nav": nav}, allow_unicode=True, sort_keys=False))
    (tmp_path / "mkdocs.yml").write_text("".join(lines), encoding="utf-8")
    zensical = _zensical()
    assert zensical
    proc = subprocess.run(
        [zensical, "build", "--clean"], cwd=tmp_path, capture_output=True, text=True, timeout=900
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    entry = (tmp_path / "site" / "anthropic" / "invalid-x-api-key" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in entry and 'id="first-fix"' in entry and "invalid x-api-key" in entry
    built = {
        p.parent.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("index.html")
    }
    doc = json.loads(
        subprocess.run(
            [sys.executable, "-m", "generator", "list", "--json"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert {e["id"] for e in doc["entries"]} <= built


def _sections(parser_data: list[Any]) -> list[tuple[Any, ...]]:
    return [(s.el.tag, s.el.attrs, s.depth, s.id, list(s.title), list(s.text)) for s in parser_data]


def _material_sections(html: str) -> list[tuple[Any, ...]]:
    from material.plugins.search.plugin import Parser

    parser = Parser()
    parser.feed(html)
    parser.close()
    return _sections(parser.data)


def test_search_sections_are_material_s_on_every_page(site: Path) -> None:
    # generator/site/search.py cuts pages into search sections with its own tokenizer: it must
    # agree with Material's parser on every page (whole pages too: nav, forms, inline SVG).
    import re

    from generator.site.search import SectionParser

    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 200
    for page in pages:
        html = re.sub(
            r"<script\b.*?</script>|<!doctype html>", "", page.read_text(encoding="utf-8"), flags=re.S | re.I
        )
        article = re.search(r'<article class="md-content__inner md-typeset">(.*)</article>', html, re.S)
        for part in (html, article.group(1) if article else ""):
            assert _sections(SectionParser().parse(part)) == _material_sections(part), page


@pytest.mark.parametrize(
    "html",
    [
        '<p>a &amp; b &lt;c&gt; &quot;q&quot;</p><h2 id="x">T<a class="headerlink" href="#x">¶</a></h2><p>t</p>',
        '<h3 id="a">A</h3><div data-search-exclude><p>hidden</p><div><p>still</p></div><p>back</p></div>',
        '<div class="tabbed"><h2 id="in">Nested</h2><p>x</p></div><p>after</p>',
        "<pre><code>line 1\n  <span>line</span> 2\n\n</code></pre><p>  </p><ul><li></li></ul>",
        "<p>a < b</p><script>var x = '<p>';</script><p>c</p>",
        '<p>x<br/>y<img src="a.png" alt="z"><input disabled></p><!-- note --><P CLASS=up>Up</P>',
        "<h1 id=top>Top</h1><table class=linenodiv><tr><td>1</td></tr></table><p>text</p></div></p>",
    ],
)
def test_search_sections_match_material_on_unusual_html(html: str) -> None:
    from generator.site.search import sections

    assert _sections(sections(html)) == _material_sections(html)
