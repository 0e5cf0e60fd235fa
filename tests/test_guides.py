"""Completeness over the real knowledge base: codes, references, both languages, page anchors."""

from __future__ import annotations

import re
import string

import pytest
from conftest import GUIDES, PROVIDERS, RESEARCH

from generator.check.kinds import KINDS
from generator.kb import codes
from generator.kb.catalogue import load_catalogue, resolve


@pytest.fixture(scope="module")
def cat():
    return load_catalogue(GUIDES)


def test_guides_validate(cat) -> None:
    assert [str(p) for p in cat.problems] == []


def test_every_provider_of_the_design_has_a_guide(cat) -> None:
    providers = {g.provider for g in cat.guides}
    assert providers >= set(PROVIDERS)


@pytest.mark.skipif(not RESEARCH.exists(), reason="../shared/research is not beside the clone")
def test_code_table_equals_the_research_catalogue() -> None:
    text = RESEARCH.read_text(encoding="utf-8")
    found = set(re.findall(r"^#{3,4} ([ACBVOPLH]\d+)\.", text, re.M))
    assert found == set(codes.all_codes())


def test_every_catalogue_code_is_covered_by_an_entry(cat) -> None:
    covered = {c for _, e in cat.entries() for c in e.covers}
    missing = [c for c in codes.all_codes() if c not in covered]
    assert missing == []


def test_anthropic_covers_a1_to_a17_with_checks(cat) -> None:
    g = cat.guide("anthropic")
    covered = {c for e in g.entries for c in e.covers}
    assert {f"A{n}" for n in range(1, 18)} <= covered
    ids = {c.id for c in g.checks}
    assert {
        "api-key-present",
        "api-key-shape",
        "auth-conflict",
        "base-url-shape",
        "model-id-shape",
        "models-endpoint",
    } <= ids


def test_entries_have_messages_causes_fixes_sources_and_match(cat) -> None:
    for g, e in cat.entries():
        where = f"{g.provider}/{e.id}"
        assert e.messages and e.causes and e.fixes and e.sources, where
        assert e.match.patterns, f"{where} has no match patterns"


def test_outcome_placeholders_are_values_the_probe_provides(cat) -> None:
    for gf, _, c in cat.checks():
        allowed = set(KINDS[c.kind].values)
        for name, o in c.outcomes.items():
            for text in (o.message, o.fix):
                for lang in ("ja", "en"):
                    fields = {
                        f for _, f, _, _ in string.Formatter().parse(text.get(lang) if text else "") if f
                    }
                    assert fields <= allowed, f"{gf.guide.provider}/{c.id} {name} {lang}: {fields - allowed}"


def test_every_check_is_used_by_some_entry(cat) -> None:
    used = {
        resolve(g.provider, r)
        for g, e in cat.entries()
        for r in [*e.checks, *(x for cause in e.causes for x in cause.checks)]
    }
    unused = [
        f"{gf.guide.provider}/{c.id}"
        for gf, _, c in cat.checks()
        if f"{gf.guide.provider}/{c.id}" not in used
    ]
    assert unused == []


def test_messages_are_not_translated(cat) -> None:
    # Verbatim provider text is in the provider's language; Japanese there means a translation slipped in,
    # unless the message really is a Japanese UI string, which none of the catalogued ones is.
    for g, e in cat.entries():
        for m in e.messages:
            assert not re.search(r"[\u3040-\u30ff]", m.text), f"{g.provider}/{e.id}: {m.text[:40]}"


def test_every_kind_and_guide_field_is_documented_for_contributors() -> None:
    from generator.kb.model import Guide

    text = (GUIDES / "README.md").read_text(encoding="utf-8")
    assert [k for k in KINDS if f"`{k}`" not in text] == []
    assert [f for f in Guide.model_fields if f"`{f}" not in text and f"{f}:" not in text] == []
