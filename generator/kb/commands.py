"""The contributor commands on the knowledge base: validate, schema, list."""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path
from typing import Any

from generator.check.kinds import KINDS
from generator.contract import SCHEMA_VERSION, USAGE
from generator.kb.catalogue import Catalogue, load_catalogue
from generator.kb.freshness import stale_entries


def loaded(guides: Path | None) -> Catalogue | None:
    """The catalogue, or None after printing its problems (callers then exit 2)."""
    cat = load_catalogue(guides)
    if cat.problems:
        for p in cat.problems:
            print(p, file=sys.stderr)
        print(f"{len(cat.problems)} problem(s) in the guides; nothing else was done.", file=sys.stderr)
        return None
    return cat


def validate(guides: Path | None) -> int:
    cat = load_catalogue(guides)
    for p in cat.problems:
        print(p)
    files = len(cat.files) + (1 if cat.models else 0)
    if cat.problems:
        n_files = len({p.path for p in cat.problems})
        print(f"{len(cat.problems)} problem(s) in {n_files} file(s).")
        return USAGE
    entries = sum(len(g.entries) for g in cat.guides)
    checks = sum(len(g.checks) for g in cat.guides)
    # Stale entries are warnings, not problems: on stderr, and the exit code stays 0.
    for warning in stale_entries(cat, datetime.date.today()):
        print(warning, file=sys.stderr)
    print(f"ok: {files} file(s), {entries} entries, {checks} checks.")
    return 0


def schema() -> int:
    from generator.kb.schema import guide_schema

    print(json.dumps(guide_schema(), indent=2, ensure_ascii=False))
    return 0


def list_document(cat: Catalogue) -> dict[str, Any]:
    """The `list --json` document (DESIGN.md)."""
    from generator.site.urls import entry_urls

    entries = []
    for g, e in cat.entries():
        entries.append(
            {
                "id": f"{g.provider}/{e.id}",
                "provider": g.provider,
                "title": {"en": e.title.en, "ja": e.title.ja},
                "covers": list(e.covers),
                "docs_url": entry_urls(g.provider, e.id),
                "checks": [c if "/" in c else f"{g.provider}/{c}" for c in e.checks],
                "reviewed": e.reviewed,
            }
        )
    checks = [
        {
            "id": f"{gf.guide.provider}/{c.id}",
            "provider": gf.guide.provider,
            "title": {"en": c.title.en, "ja": c.title.ja},
            "covers": list(c.covers),
            "cost": KINDS[c.kind].cost,
        }
        for gf, _, c in cat.checks()
    ]
    return {"schema_version": SCHEMA_VERSION, "entries": entries, "checks": checks}


def list_command(guides: Path | None, *, as_json: bool, kinds: bool) -> int:
    if kinds:
        from pydantic import TypeAdapter

        for kind in KINDS.values():
            print(f"{kind.name}  ({kind.cost})")
            props: dict[str, Any] = {}
            # Inherited fields carry their docstring in the base class's schema only.
            for cls in reversed(kind.params_class.__mro__[:-1]):
                for name, prop in TypeAdapter(cls).json_schema().get("properties", {}).items():
                    if prop.get("description") or name not in props:
                        props[name] = prop
            for name, prop in props.items():
                print(f"    param {name}: {prop.get('description', '')}")
            print(f"    values: {', '.join(kind.values)}")
            print("    outcomes: " + ", ".join(f"{k}={v.value}" for k, v in kind.outcomes.items()))
        return 0
    cat = loaded(guides)
    if cat is None:
        return USAGE
    doc = list_document(cat)
    if as_json:
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return 0
    for e in doc["entries"]:
        print(f"{e['id']:50} {','.join(e['covers']):12} {e['title']['en']}")
    for c in doc["checks"]:
        print(f"{c['id']:50} {c['cost']:10} {c['title']['en']}")
    return 0
