"""Golden pages for the small fixture guide; set UPDATE_GOLDEN=1 to rewrite them on purpose."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import FIXTURES

from generator.kb.catalogue import load_catalogue
from generator.site.render import fence, md_text, render_site

GOLDEN = FIXTURES / "golden"
VALID = FIXTURES / "guides" / "valid"


def test_fixture_renders_to_golden_pages(tmp_path: Path) -> None:
    cat = load_catalogue(VALID)
    assert not cat.problems
    result = render_site(cat, tmp_path)
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.md"))
    assert result.total == len(written) == 14
    if os.environ.get("UPDATE_GOLDEN"):
        for rel in written:
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_text((tmp_path / rel).read_text(encoding="utf-8"), encoding="utf-8")
    expected = sorted(str(p.relative_to(GOLDEN)) for p in GOLDEN.rglob("*.md"))
    assert written == expected
    for rel in written:
        assert (tmp_path / rel).read_text(encoding="utf-8") == (GOLDEN / rel).read_text(encoding="utf-8"), rel


def test_second_render_writes_nothing_and_prunes_stale(tmp_path: Path) -> None:
    cat = load_catalogue(VALID)
    render_site(cat, tmp_path)
    stale = tmp_path / "ja" / "demo" / "gone.md"
    stale.write_text("old", encoding="utf-8")
    keep = tmp_path / "assets" / "note.md"
    keep.parent.mkdir()
    keep.write_text("hand-written", encoding="utf-8")
    again = render_site(cat, tmp_path)
    assert again.changed == []
    assert again.removed == [stale]
    assert not stale.exists() and keep.exists()


def test_check_mode_reports_without_writing(tmp_path: Path) -> None:
    cat = load_catalogue(VALID)
    result = render_site(cat, tmp_path, write=False)
    assert len(result.changed) == 14
    assert list(tmp_path.iterdir()) == []


def test_html_in_text_is_neutralised_but_code_spans_stay() -> None:
    assert md_text("a <script>x</script> `<b>` b") == "a &lt;script&gt;x&lt;/script&gt; `<b>` b"
    assert md_text("{% raw %}") == "&#123;% raw %}"  # no Jinja, no attribute list


def test_fence_outgrows_backticks_in_code() -> None:
    assert fence("a ``` b", "text") == "````text\na ``` b\n````"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_entry_anchor_is_the_english_id_in_both_languages(tmp_path: Path, lang: str) -> None:
    render_site(load_catalogue(VALID), tmp_path)
    page = (tmp_path / lang / "demo" / "bad-key.md").read_text(encoding="utf-8")
    assert "{ #bad-key }" in page
    assert "<script>" not in page.split("```")[0]
