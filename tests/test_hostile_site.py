"""The real site build (`mkdocs build` with the project's mkdocs.yml, theme and hook) of guides
whose every text field holds HTML, script, attribute lists and Jinja: no page of the built site
carries a live script, an event-handler attribute or a `javascript:` link that came from them.

The fuzz test checks the Markdown the generator writes; this one also covers what the theme does
with front matter (titles, descriptions, tags) and the navigation.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from hostile_guides import PAYLOADS, cycle, hostile_guide, hostile_models

pytestmark = pytest.mark.slow

MARK = 'alert("XSS")'
PAYLOAD = f"<script>{MARK}</script><img src=x onerror={MARK}><svg/onload={MARK}>" + "{: onclick=alert(1) }"


class _Live(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._script = tag == "script"
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src") and value and "".join(value.split()).lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag in ("iframe", "object", "embed"):  # (the theme inlines its own <svg> icons)
            self.found.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = False

    def handle_data(self, data: str) -> None:
        if self._script and "alert(" in data:
            self.found.append(f"<script>{data[:60]}")


def _site(tmp: Path, guide: dict[str, object], models: dict[str, object]) -> Path:
    root = tmp / "site-src"
    (root / "guides").mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    for name in ("generator", "overrides"):
        (root / name).symlink_to(ROOT / name)
    shutil.copytree(ROOT / "docs" / "assets", root / "docs" / "assets")
    (root / "guides" / "demo.yaml").write_text(yaml.safe_dump(guide, allow_unicode=True), encoding="utf-8")
    (root / "guides" / "models.yaml").write_text(yaml.safe_dump(models, allow_unicode=True), encoding="utf-8")
    out = tmp / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out)],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


@pytest.mark.parametrize("supplier", ["every-field", "payload-cycle"])
def test_built_site_has_no_script_from_the_guides(tmp_path: Path, supplier: str) -> None:
    text = (lambda name: f"{PAYLOAD} {name}") if supplier == "every-field" else cycle(PAYLOADS)
    out = _site(tmp_path, hostile_guide(text), hostile_models(text))
    pages = sorted(out.rglob("*.html"))
    assert len(pages) >= 16  # both languages were built
    found: dict[str, list[str]] = {}
    for page in pages:
        parser = _Live()
        parser.feed(page.read_text(encoding="utf-8"))
        if parser.found:
            found[str(page.relative_to(out))] = parser.found[:3]
    assert found == {}
    if supplier == "every-field":  # the text is there, shown as text
        entry = (out / "demo" / "bad-key" / "index.html").read_text(encoding="utf-8")
        assert "&lt;script&gt;" in entry and MARK.replace('"', "&quot;") in entry or MARK in entry
