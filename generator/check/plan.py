"""The compiled check plan: what `check` needs from the guides, as JSON, so it starts without pydantic or YAML.

`render`, the mkdocs hook and the install (`hatch_build.py`) write `generator/check/plan.json`
(git-ignored); `check` uses it while its stamp matches the guides and the code, and otherwise
compiles the guides in memory as `validate` loads them, so an edited guide is seen at once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import __version__
from generator.paths import PLAN_FILE, content_hash

if TYPE_CHECKING:
    from generator.kb.catalogue import Catalogue
    from generator.kb.model import ModelTable, Text

PLAN_VERSION = 1
UI_PREFIXES = ("cli_", "report_", "source_")


def guides_hash(guides_dir: Path) -> str:
    """The plan's stamp: its format, the version and the shared content hash."""
    return f"{PLAN_VERSION}:{__version__}:{content_hash(guides_dir)}"


def _text(t: Text | None) -> dict[str, str] | None:
    return {"ja": t.ja, "en": t.en} if t is not None else None


def known_ids(table: ModelTable | None) -> dict[str, list[str]]:
    """Every model ID of the table, per dialect (LiteLLM routes spelled out)."""
    ids: dict[str, list[str]] = {
        "anthropic": [],
        "bedrock": [],
        "vertex": [],
        "openrouter": [],
        "litellm": [],
    }
    for row in table.models if table else []:
        ids["anthropic"] += [row.anthropic, *row.aliases]
        ids["litellm"].append(f"anthropic/{row.anthropic}")
        if row.bedrock:
            ids["bedrock"] += [row.bedrock, *(f"{p}.{row.bedrock}" for p in row.bedrock_prefixes)]
            ids["litellm"] += [
                f"bedrock/{row.bedrock}",
                *(f"bedrock/{p}.{row.bedrock}" for p in row.bedrock_prefixes),
            ]
        if row.vertex:
            ids["vertex"].append(row.vertex)
            ids["litellm"].append(f"vertex_ai/{row.vertex}")
        if row.openrouter:
            ids["openrouter"].append(row.openrouter)
            ids["litellm"].append(f"openrouter/{row.openrouter}")
    return ids


def compile_plan(cat: Catalogue, guides_dir: Path) -> dict[str, Any]:
    from dataclasses import asdict

    from generator.kb.catalogue import params_of, resolve
    from generator.kb.labels import ui

    checks = []
    for gf, index, spec in cat.checks():
        provider = gf.guide.provider
        listing = cat.entries_listing(provider, spec.id)
        outcomes = {
            name: {
                "message": _text(o.message),
                "fix": _text(o.fix),
                "covers": list(o.covers),
                "entry": resolve(provider, o.entry) if o.entry else None,
            }
            for name, o in spec.outcomes.items()
        }
        checks.append(
            {
                "id": f"{provider}/{spec.id}",
                "provider": provider,
                "kind": spec.kind,
                "params": asdict(params_of(spec)),
                "title": _text(spec.title),
                "covers": list(spec.covers),
                "source": gf.source(("checks", index)),
                "docs_entry": f"{listing[0][0].provider}/{listing[0][1].id}" if listing else None,
                "outcomes": outcomes,
            }
        )
    labels = {
        lang: {k: v for k, v in ui()[lang].items() if k.startswith(UI_PREFIXES)} for lang in ("ja", "en")
    }
    return {
        "version": PLAN_VERSION,
        "hash": guides_hash(guides_dir),
        "providers": [
            {
                "id": g.provider,
                "name": _text(g.name),
                "applies": None
                if g.applies is None
                else {
                    "any_of": list(g.applies.any_of),
                    "sources": list(g.applies.sources),
                    "files": list(g.applies.files),
                    "reason": _text(g.applies.reason),
                },
            }
            for g in cat.guides
        ],
        "checks": checks,
        "known_ids": known_ids(cat.models),
        "aliases": {
            a: row.anthropic for row in (cat.models.models if cat.models else []) for a in row.aliases
        },
        **route_facts(cat.models),
        "ui": labels,
    }


def _plain(value: Any) -> Any:
    """A model-table value as JSON data (pydantic models and dates included)."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def route_facts(table: ModelTable | None) -> dict[str, Any]:
    """What routes and the route checks read from `guides/models.yaml`: every row in every dialect, the
    Claude Code alias table per version and provider, and the region → inference-profile rule.

    Fields the table does not carry yet are simply absent (see /work/notes/models-contract.md).
    """
    rows = []
    for row in table.models if table else []:
        data = _plain(row)
        rows.append({k: v for k, v in data.items() if k not in ("name", "sources", "notes")})
    return {
        "model_rows": rows,
        "claude_code": _plain(getattr(table, "claude_code", None) or []),
        "bedrock_regions": _plain(getattr(table, "bedrock_regions", None) or []),
    }


def plan_text(cat: Catalogue, guides_dir: Path) -> str:
    """The plan file's exact content (stable, so an unchanged plan is not rewritten)."""
    return json.dumps(compile_plan(cat, guides_dir), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def is_fresh(cat: Catalogue, guides_dir: Path, target: Path = PLAN_FILE) -> bool:
    return target.exists() and target.read_text(encoding="utf-8") == plan_text(cat, guides_dir)


def write_plan(cat: Catalogue, guides_dir: Path, target: Path = PLAN_FILE) -> bool:
    """Write the plan when it changed; True when written."""
    if is_fresh(cat, guides_dir, target):
        return False
    text = plan_text(cat, guides_dir)
    target.write_text(text, encoding="utf-8")
    return True


def load_plan(guides_dir: Path | None) -> tuple[dict[str, Any] | None, list[str]]:
    """The plan for `guides_dir`: the compiled file when fresh, else compiled now; or the guides' problems."""
    from generator.paths import default_guides_dir

    root = guides_dir or default_guides_dir()
    try:
        plan: dict[str, Any] = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
        if plan.get("hash") == guides_hash(root):
            return plan, []
    except (OSError, ValueError):
        pass  # absent or damaged: compile from the guides below
    from generator.kb.catalogue import load_catalogue

    cat = load_catalogue(root)
    if cat.problems:
        return None, [str(p) for p in cat.problems]
    return compile_plan(cat, root), []
