"""The real site builds with --strict, and every docs_url of `list --json` lands on its anchor."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
    html = (site / "anthropic" / "invalid-x-api-key" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../en/anthropic/invalid-x-api-key/" hreflang="en"' in html


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
