"""The compiled check plan: what `check` needs from the guides, as JSON, so it starts without pydantic or YAML.

`render`, the mkdocs hook and the install (`hatch_build.py`) write `generator/check/plan.json`
(git-ignored); `check` uses it while its stamp matches the guides and the code, and otherwise
compiles the guides in memory as `validate` loads them, so an edited guide is seen at once.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import __version__
from generator.paths import PLAN_FILE, content_hash

if TYPE_CHECKING:
    from generator.kb.catalogue import Catalogue
    from generator.kb.model import ClaudeCodeModels, ModelTable, Text

PLAN_VERSION = 1
UI_PREFIXES = ("cli_", "report_", "source_")


def guides_hash(guides_dir: Path) -> str:
    """The plan's stamp: its format, the version and the shared content hash."""
    return f"{PLAN_VERSION}:{__version__}:{content_hash(guides_dir)}"


def _text(t: Text | None) -> dict[str, str] | None:
    return {"ja": t.ja, "en": t.en} if t is not None else None


def compile_models(table: ModelTable | None) -> dict[str, Any]:
    """`plan["models"]`: the model table as the checks and routes read it (shape: guides/README.md)."""
    if table is None:
        return {}
    prefixes = table.profile_prefixes()
    alternation = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
    columns = ("anthropic", "bedrock", "mantle", "vertex", "foundry", "openrouter")
    dialects: dict[str, dict[str, Any]] = {
        d.id: {
            "label": _text(d.label),
            "shape": d.shape.replace("{profiles}", alternation),
            "litellm": d.litellm,
            "ids": [],
        }
        for d in table.dialects
    }
    rows: dict[str, Any] = {}
    lookup: dict[str, str] = {}
    for row in table.models:
        ids = {c: row.route_id(c) for c in columns if row.route_id(c)}
        rows[row.id] = {
            "name": row.name,
            "family": row.family,
            "status": row.status,
            "retired": row.retired,
            "retired_on": dict(row.retired_on),
            "replacement": row.replacement,
            "aliases": list(row.aliases),
            "bedrock_prefixes": list(row.bedrock_prefixes),
            "ids": ids,
        }
        spelled: dict[str, list[str]] = {c: [v] for c, v in ids.items() if v}
        spelled.setdefault("anthropic", []).extend(row.aliases)
        if row.bedrock:
            spelled["bedrock"] += [f"{p}.{row.bedrock}" for p in row.bedrock_prefixes]
        for column, values in spelled.items():
            if column in dialects:
                dialects[column]["ids"] += values
            route = dialects.get(column, {}).get("litellm")
            if "litellm" in dialects and route:
                dialects["litellm"]["ids"] += [route + v for v in values]
            for v in values:
                lookup.setdefault(v, row.id)
    cc = table.claude_code
    return {
        "as_of": table.as_of,
        "detect": [d.id for d in table.dialects if d.detect],
        "dialects": dialects,
        "rows": rows,
        "order": [row.id for row in table.models],
        "lookup": lookup,
        "api_aliases": {a: row.anthropic for row in table.models for a in row.aliases},
        "bedrock_regions": [r.model_dump() for r in table.bedrock_regions],
        "profile_prefixes": prefixes,
        "claude_code": None if cc is None else _claude_code(table, cc),
    }


def _claude_code(table: ModelTable, cc: ClaudeCodeModels) -> dict[str, Any]:
    """Claude Code's alias history as complete snapshots, newest first: for each version where
    something changed, every provider's alias → the ID it sends (in that provider's dialect)."""

    def key(v: str) -> tuple[int, ...]:
        return tuple(int(x) for x in v.split("."))

    def spelled(provider: str, target: str) -> str | None:
        row = table.row(target)
        if row is None:  # `main`: the background model follows the main model
            return target
        return row.route_id(cc.providers[provider])

    versions = []
    state: dict[str, dict[str, str]] = {}
    keys: dict[str, dict[str, str]] = {}
    confirmed: dict[str, bool] = {}
    for since in sorted({c.since for c in cc.history}, key=key):
        for change in [c for c in reversed(cc.history) if c.since == since]:
            for provider in change.providers:
                keys.setdefault(provider, {}).update(change.targets)
                spelled_targets = {a: spelled(provider, t) for a, t in change.targets.items()}
                # A model the table does not list on this route leaves the alias unresolved there.
                state.setdefault(provider, {}).update({a: v for a, v in spelled_targets.items() if v})
        confirmed = {
            p: any(c.confirmed and p in c.providers for c in cc.history if c.since == since) for p in state
        }
        versions.append(
            {
                "since": since,
                "confirmed": [p for p, ok in confirmed.items() if ok],
                **{p: dict(v) for p, v in state.items()},
                "keys": {p: dict(v) for p, v in keys.items()},
            }
        )
    return {
        "aliases": list(cc.aliases),
        "suffixes": list(cc.suffixes),
        "families": dict(cc.families),
        "providers": dict(cc.providers),
        "versions": list(reversed(versions)),
    }


def compile_plan(cat: Catalogue, guides_dir: Path) -> dict[str, Any]:
    from dataclasses import asdict

    from generator.check.kinds import KINDS
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
        kind = KINDS[spec.kind]
        params = params_of(spec)
        reads, secrets = kind.settings(params)
        checks.append(
            {
                "id": f"{provider}/{spec.id}",
                "provider": provider,
                "kind": spec.kind,
                "cost": kind.cost,
                "step": kind.step,
                "signs": kind.signs,
                "statuses": {name: status.value for name, status in kind.outcomes.items()},
                "reads": reads,
                "secrets": sorted(secrets),
                "params": asdict(params),
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
        "inputs": input_stats(guides_dir),
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
        "models": compile_models(cat.models),
        "ui": labels,
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


def input_stats(guides_dir: Path) -> list[list[Any]]:
    """Path, size and modification time of every input of the plan.

    When none of these changed, the plan is fresh without reading and hashing every input again, which
    costs `check --offline` more start-up than the rest of an offline run. (Folder times cannot tell a
    new file: writing the plan and the bytecode caches changes them. A new module changes what the
    plan holds only through an edit to one of these files.)
    """
    from generator.paths import _code_inputs

    out: list[list[Any]] = []
    for path in sorted(guides_dir.glob("*.yaml")) + _code_inputs():
        st = path.stat()
        out.append([str(path), st.st_size, st.st_mtime_ns])
    return out


def _unchanged(stats: Any) -> bool:
    import os

    if not isinstance(stats, list) or not stats:
        return False
    try:
        for path, size, mtime in stats:
            st = os.stat(path)
            if st.st_size != size or st.st_mtime_ns != mtime:
                return False
    except (OSError, TypeError, ValueError):
        return False
    return True


def load_plan(guides_dir: Path | None) -> tuple[dict[str, Any] | None, list[str]]:
    """The plan for `guides_dir`: the compiled file when fresh, else compiled now; or the guides' problems."""
    from generator.paths import default_guides_dir

    root = guides_dir or default_guides_dir()
    try:
        plan: dict[str, Any] = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
        stats: list[Any] = plan.get("inputs") or []
        same_root = bool(stats) and str(stats[0][0]).startswith(str(root))
        if (same_root and _unchanged(stats)) or plan.get("hash") == guides_hash(root):
            return plan, []
    except (OSError, ValueError):
        pass  # absent or damaged: compile from the guides below
    from generator.kb.catalogue import load_catalogue

    cat = load_catalogue(root)
    if cat.problems:
        return None, [str(p) for p in cat.problems]
    return compile_plan(cat, root), []
