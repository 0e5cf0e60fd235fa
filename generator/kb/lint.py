"""Checks of the prose itself: the glossary's preferred terms, and stray spaces left in Japanese text.

`guides/glossary.yaml` names one term per concept in each language and the variants to avoid; every
`ja:` / `en:` text of every guide is held to it. Japanese text must not carry a half-width space
between Japanese characters (or next to full-width punctuation): YAML folding turns each line break of a
`>` block into a space, which reads as a typo in Japanese. Verbatim provider messages, code snippets and
inline code are left alone: they are quoted, not written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pydantic import Field, ValidationError

from generator.kb.model import ModelTable, NonEmpty, Strict, Text
from generator.kb.problems import Problem, dotted, from_pydantic
from generator.kb.yamlmarks import Loc, Marked

GLOSSARY_FILE = "glossary.yaml"

_JA = "\u3040-\u30ff\u3400-\u9fff\uff01-\uff60\u3000-\u303f"
_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff60\u30fb"
# A space between two Japanese characters, or after/before full-width punctuation; a Markdown table's
# `|` and line breaks are exempt (the space there is the table's, not the sentence's).
STRAY_SPACE = re.compile(
    rf"(?<=[{_JA}]) +(?=[{_JA}])|(?<=[{_PUNCT}]) +(?=[^\s|])|(?<=[^\s|]) +(?=[{_PUNCT}])"
)
_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
# Keys whose strings are quoted or code, never prose held to the glossary.
_VERBATIM = {"text", "code", "patterns", "hints", "exclude", "url", "title_verbatim"}


class Term(Strict):
    """One concept and the words the guides use for it."""

    concept: NonEmpty
    """What the term names, in English (`credentials`)."""
    ja: NonEmpty
    """The Japanese term, as the vendors' Japanese documentation writes it."""
    en: NonEmpty
    """The English term."""
    avoid_ja: list[NonEmpty] = []
    """Japanese variants that must not appear."""
    avoid_en: list[NonEmpty] = []
    """English variants that must not appear (matched as whole words, any case)."""
    note: Text | None = None
    """Why this term, when it is not obvious."""


class Glossary(Strict):
    """`guides/glossary.yaml`: one preferred term per concept, both languages."""

    terms: list[Term] = Field(min_length=1)
    """Every concept with its terms."""


def load_glossary(marked: Marked, path: str) -> tuple[Glossary | None, list[Problem]]:
    try:
        return Glossary.model_validate(marked.data), []
    except ValidationError as exc:
        return None, from_pydantic(exc.errors(), marked, path)


def _texts(data: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str, str]]:
    """(location, language, text) of every `ja:` / `en:` string outside verbatim fields."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in _VERBATIM and not isinstance(value, dict):
                continue  # `text:` of a message is verbatim; `text:` of a cause or fix is prose
            if key in ("ja", "en") and isinstance(value, str):
                yield (*loc, key), key, value
            else:
                yield from _texts(value, (*loc, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _texts(value, (*loc, i))


def _prose(text: str) -> str:
    """The text with inline code masked as `x`s (same length, so offsets still point into the original;
    not spaces, which would read as stray spaces themselves)."""
    return _CODE.sub(lambda m: "x" * len(m.group(0)), text)


def _line(raw: list[str], start: int, needle: str) -> int:
    """The first line from `start` (1-based) whose text holds `needle`; `start` when none does."""
    for i in range(start - 1, min(len(raw), start + 80)):
        if needle and needle in raw[i]:
            return i + 1
    return start


def lint(marked: Marked, raw_text: str, path: str, glossary: Glossary | None) -> list[Problem]:
    """Problems of one file's prose: glossary variants and stray half-width spaces in Japanese."""
    raw = raw_text.splitlines()
    spaced_terms = [t.ja for t in (glossary.terms if glossary else []) if " " in t.ja]
    avoid: list[tuple[re.Pattern[str], str, Term]] = []
    for term in glossary.terms if glossary else []:
        for variant in term.avoid_ja:
            # `プロバイダ` must not match inside `プロバイダー`: a long-vowel mark continues the word.
            avoid.append((re.compile(re.escape(variant) + "(?!ー)"), "ja", term))
        for variant in term.avoid_en:
            avoid.append((re.compile(rf"\b{re.escape(variant)}\b", re.I), "en", term))
    problems = []
    for loc, lang, text in _texts(marked.data):
        prose = _prose(text)
        start = marked.line_of(loc)
        for pattern, where, term in avoid:
            if where != lang:
                continue
            for m in pattern.finditer(prose):
                preferred = term.ja if lang == "ja" else term.en
                problems.append(
                    Problem(
                        path,
                        _line(raw, start, m.group(0)),
                        f"{dotted(loc)}: '{m.group(0)}' → write '{preferred}' (glossary: {term.concept})",
                    )
                )
        if lang != "ja":
            continue
        for spaced in spaced_terms:  # a vendor's own spacing (`サービス アカウント`) is not a typo
            prose = prose.replace(spaced, spaced.replace(" ", "_"))
        for m in STRAY_SPACE.finditer(prose):
            before = text[max(0, m.start() - 3) : m.start()].strip()
            after = text[m.end() : m.end() + 3].strip()
            problems.append(
                Problem(
                    path,
                    _line(raw, start, before) if before else start,
                    f"{dotted(loc)}: stray half-width space in Japanese text: '{before} {after}'"
                    " (a line break inside a folded YAML block becomes a space; join the lines)",
                )
            )
    return problems


def retired_in_examples(marked: Marked, path: str, models: ModelTable) -> list[Problem]:
    """A command or config snippet that names a retired model: examples must keep working.

    Entries about retired models (those covering the retired-model catalogue code, A22) quote
    retired IDs on purpose and are left alone.
    """
    retired: dict[str, tuple[str, str]] = {}
    for row in models.models:
        if row.status != "retired":
            continue
        new = models.row(row.replacement) if row.replacement else None
        for value in (row.anthropic, *row.aliases, row.bedrock, row.vertex, row.openrouter):
            if value:
                retired[value] = (row.name, new.anthropic if new else "-")
    if not retired:
        return []
    names = "|".join(re.escape(v) for v in sorted(retired, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w.@:-])({names})(?![\w.@:-])")
    problems = []
    for loc, code in _snippet_code(marked.data):
        for m in pattern.finditer(code):
            name, replacement = retired[m.group(1)]
            line = marked.line_of(loc) + code[: m.start()].count("\n") + 1
            problems.append(
                Problem(
                    path,
                    line,
                    f"{dotted(loc)}: example names {m.group(1)} ({name}), which is retired; "
                    f"use a live model such as {replacement} (guides/models.yaml)",
                )
            )
    return problems


def _snippet_code(data: Any) -> Iterator[tuple[Loc, str]]:
    """(location, text) of every snippet `code:` outside entries about retired models."""
    if not isinstance(data, dict):
        return
    for section in ("setup", "entries", "pages"):
        yield from _codes(data.get(section), (section,))


def _codes(data: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(data, dict):
        if "A22" in (data.get("covers") or []):
            return
        for key, value in data.items():
            if key == "code" and isinstance(value, str):
                yield (*loc, key), value
            else:
                yield from _codes(value, (*loc, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _codes(value, (*loc, i))
