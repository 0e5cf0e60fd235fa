"""The glossary and the stray-space rule: `validate` holds every guide's prose to them, with path:line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.kb.catalogue import load_catalogue
from generator.kb.lint import STRAY_SPACE, Glossary, lint
from generator.kb.yamlmarks import load
from generator.paths import default_guides_dir

FIXTURE = Path(__file__).parent / "fixtures" / "guides" / "valid" / "demo.yaml"
GLOSSARY = """\
terms:
  - concept: credentials
    ja: 認証情報
    en: credentials
    avoid_ja: [資格情報]
  - concept: provider
    ja: プロバイダー
    en: provider
    avoid_ja: [プロバイダ]
  - concept: background model
    ja: バックグラウンドモデル
    en: background model
    avoid_en: [helper model]
  - concept: service account
    ja: サービス アカウント
    en: service account
"""


def guides_with(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "guides"
    folder.mkdir()
    text = FIXTURE.read_text(encoding="utf-8")
    assert old in text
    (folder / "demo.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    (folder / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")
    return folder


def validate(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "--guides", str(folder), "validate"],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_guides_follow_the_glossary_and_have_no_stray_spaces() -> None:
    cat = load_catalogue(default_guides_dir())
    lint_problems = [p for p in cat.problems if "glossary" in p.message or "stray" in p.message]
    assert lint_problems == []
    assert (default_guides_dir() / "glossary.yaml").exists()


def test_the_real_glossary_names_one_term_per_concept() -> None:
    marked = load((default_guides_dir() / "glossary.yaml").read_text(encoding="utf-8"))
    glossary = Glossary.model_validate(marked.data)
    assert len({t.concept for t in glossary.terms}) == len(glossary.terms)
    preferred = {t.ja for t in glossary.terms}
    for term in glossary.terms:
        # A variant to avoid is never another concept's preferred term.
        assert not preferred & set(term.avoid_ja), term.concept
    assert {"認証情報", "エイリアス", "プレフィックス", "バックグラウンドモデル"} <= preferred


def test_a_variant_is_a_problem_at_its_line(tmp_path: Path) -> None:
    folder = guides_with(
        tmp_path, "summary: {ja: テスト用の小さなガイドです。", "summary: {ja: 資格情報を使うガイドです。"
    )
    run = validate(folder)
    assert run.returncode == 2, run.stdout + run.stderr
    line = next(
        i for i, ln in enumerate((folder / "demo.yaml").read_text().splitlines(), 1) if "資格情報" in ln
    )
    assert f"demo.yaml:{line}: summary.ja: '資格情報' → write '認証情報'" in run.stdout


def test_english_variants_and_long_vowel_words(tmp_path: Path) -> None:
    # `プロバイダー` contains the variant `プロバイダ` but is the preferred word: no problem.
    folder = guides_with(
        tmp_path,
        "summary: {ja: テスト用の小さなガイドです。, en: A small guide for tests.}",
        "summary: {ja: プロバイダーのガイドです。, en: The Helper Model of a guide.}",
    )
    run = validate(folder)
    assert run.returncode == 2
    assert "'Helper Model' → write 'background model'" in run.stdout
    assert "プロバイダ'" not in run.stdout


def test_a_folded_line_break_in_japanese_is_a_stray_space(tmp_path: Path) -> None:
    folded = "summary:\n  ja: >-\n    テスト用の小さな\n    ガイドです。\n  en: A small guide for tests.\n"
    folder = guides_with(
        tmp_path, "summary: {ja: テスト用の小さなガイドです。, en: A small guide for tests.}\n", folded
    )
    run = validate(folder)
    assert run.returncode == 2
    lines = (folder / "demo.yaml").read_text().splitlines()
    line = next(i for i, ln in enumerate(lines, 1) if "テスト用の小さな" in ln)
    assert (
        f"demo.yaml:{line}: summary.ja: stray half-width space in Japanese text: '小さな ガイド'"
        in run.stdout
    )


def test_verbatim_messages_code_and_vendor_spacing_are_exempt(tmp_path: Path) -> None:
    folder = guides_with(
        tmp_path,
        'body: {ja: "`DEMO_KEY` を設定します。"',
        'body: {ja: "`資格情報 です` とサービス アカウントの `DEMO_KEY` を設定します。"',
    )
    cat = load_catalogue(folder)
    assert [p for p in cat.problems if "glossary" in p.message or "stray" in p.message] == []


@pytest.mark.parametrize(
    ("text", "stray"),
    [
        ("設定 します", True),
        ("設定します。 次に", True),
        ("SDK （例）", True),
        ("Claude Code で設定します", False),
        ("| 値（既定） | 説明 |", False),
        ("API キーを使います", False),
    ],
)
def test_stray_space_rule(text: str, stray: bool) -> None:
    assert bool(STRAY_SPACE.search(text)) is stray


def test_lint_without_a_glossary_still_finds_stray_spaces() -> None:
    marked = load("summary: {ja: 設定 します, en: ok}\n")
    problems = lint(marked, "summary: {ja: 設定 します, en: ok}\n", "x.yaml", None)
    assert [p.line for p in problems] == [1]


def test_a_broken_glossary_is_a_problem(tmp_path: Path) -> None:
    folder = guides_with(tmp_path, "order: 1", "order: 1")
    (folder / "glossary.yaml").write_text("terms:\n  - concept: x\n    ja: y\n", encoding="utf-8")
    run = validate(folder)
    assert run.returncode == 2
    assert "glossary.yaml:2: terms[0]: missing 'en'" in run.stdout


def test_a_copy_of_the_real_guides_validates(tmp_path: Path) -> None:
    shutil.copytree(default_guides_dir(), tmp_path / "g")
    assert validate(tmp_path / "g").returncode == 0
