"""Questions about model IDs, answered from the compiled model table (`plan["models"]`).

Every fact (dialect shapes, LiteLLM route prefixes, inference-profile prefixes per region, retirement
days, Claude Code's aliases) comes from `guides/models.yaml` through `generator.check.plan.compile_models`;
this module only iterates that data, so a new model or region is a YAML edit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import Any

Models = Mapping[str, Any]
"""The `models` block of the compiled plan (shape: guides/README.md)."""


@lru_cache(maxsize=64)
def _compiled(shape: str) -> re.Pattern[str]:
    return re.compile(f"^(?:{shape})$")


def shape(models: Models, dialect: str) -> re.Pattern[str] | None:
    """The full-match pattern of IDs in `dialect`, or None for a dialect the table does not know."""
    found = models.get("dialects", {}).get(dialect)
    return _compiled(found["shape"]) if found else None


def matches(models: Models, dialect: str, value: str) -> bool:
    pattern = shape(models, dialect)
    return bool(pattern and pattern.match(value))


def dialect_of(models: Models, value: str) -> str | None:
    """The first detectable dialect whose shape fits `value` (to name where a misplaced ID belongs)."""
    for name in models.get("detect", []):
        if matches(models, name, value):
            return str(name)
    return None


def known_ids(models: Models, dialect: str) -> list[str]:
    """Every ID the table lists in `dialect` (Bedrock: with each listed profile prefix)."""
    return list(models.get("dialects", {}).get(dialect, {}).get("ids", []))


def litellm_prefix(models: Models, dialect: str) -> str | None:
    found = models.get("dialects", {}).get(dialect, {}).get("litellm")
    return str(found) if found else None


def split_profile(models: Models, value: str) -> tuple[str | None, str]:
    """(`us`, `anthropic.claude-…`) for a Bedrock inference-profile ID; (None, value) otherwise."""
    head, dot, rest = value.partition(".")
    if dot and head in models.get("profile_prefixes", []) and rest.startswith("anthropic."):
        return head, rest
    return None, value


def row_of(models: Models, value: str) -> str | None:
    """The row id of an ID written in any dialect (Bedrock with or without a profile prefix), or None."""
    value = value.strip()
    lookup: Mapping[str, str] = models.get("lookup", {})
    hit = lookup.get(value)
    if hit is None:
        _, bare = split_profile(models, value)
        hit = lookup.get(bare)
    return str(hit) if hit else None


def in_dialect(models: Models, row_id: str | None, dialect: str, prefix: str | None = None) -> str | None:
    """The row's ID in `dialect` (Bedrock with `prefix.` in front when given), or None."""
    if row_id is None:
        return None
    ids = models.get("rows", {}).get(row_id, {}).get("ids", {})
    if dialect == "litellm":
        return None
    value = ids.get(dialect)
    if value and dialect == "bedrock" and prefix:
        return f"{prefix}.{value}"
    return str(value) if value else None


def region_profiles(models: Models, region: str) -> list[str]:
    """Geography profile prefixes callable from a Bedrock region (first matching rule; `global` not included)."""
    for rule in models.get("bedrock_regions", []):
        if region.startswith(rule["region"]):
            return list(rule["profiles"])
    return []


def claude_code_prefix(models: Models, region: str) -> str | None:
    """The profile prefix Claude Code puts on its default Bedrock IDs in `region`."""
    for rule in models.get("bedrock_regions", []):
        if region.startswith(rule["region"]):
            return str(rule["claude_code"])
    return None


def retirement(
    models: Models, row_id: str | None, dialect: str, today: date | None = None
) -> tuple[str, str | None] | None:
    """(retirement day, replacement ID in the same dialect) when the row is retired on this route by `today`."""
    if row_id is None:
        return None
    row = models.get("rows", {}).get(row_id, {})
    route = "bedrock" if dialect == "bedrock" else dialect
    when = row.get("retired_on", {}).get(route)
    if when is None and route not in ("bedrock", "vertex", "openrouter"):
        when = row.get("retired")
    if when is None and route == "openrouter":
        # OpenRouter serves what Anthropic serves; it has no schedule of its own.
        when = row.get("retired")
    if not when or date.fromisoformat(when) > (today or date.today()):
        return None
    return when, replacement_in(models, row_id, dialect)


def replacement_in(models: Models, row_id: str, dialect: str) -> str | None:
    """The ID to move to on this route: the row's `replacement`, or when that model is not offered here,
    the newest model of the same family that is (and is not retired)."""
    rows = models.get("rows", {})
    row = rows.get(row_id, {})
    named = in_dialect(models, row.get("replacement"), dialect)
    if named:
        return named
    for key in models.get("order", []):
        other = rows[key]
        if other.get("family") == row.get("family") and other.get("status") in ("current", "legacy"):
            found = in_dialect(models, key, dialect)
            if found:
                return found
    return None


def client_alias(models: Models, value: str) -> bool:
    """Whether `value` is one of Claude Code's aliases (`opus`, `sonnet[1m]`), which resolve inside it."""
    cc = models.get("claude_code") or {}
    name = value.strip()
    for suffix in cc.get("suffixes", []):
        name = name.removesuffix(suffix)
    return name in cc.get("aliases", [])
