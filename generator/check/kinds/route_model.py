"""`route-model`: the model a resolved route sends, judged in that route's dialect.

One check per route says everything about its model (dialect, inference-profile prefix against the
region, retirement, whether the table knows it), so no other finding can accept what this one rejects.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from generator.check.environment import Environment, Result
from generator.check.kinds.base import Kind, Params, Status, params

if TYPE_CHECKING:
    from generator.check.routes import ModelChoice, Route

# The dialect of model IDs each provider accepts.
PROVIDER_DIALECT = {
    "anthropic": "anthropic",
    "anthropic-aws": "anthropic",
    "foundry": "anthropic",
    "bedrock": "bedrock",
    "mantle": "mantle",
    "vertex": "vertex",
    "openrouter": "openrouter",
}
COLUMNS = ("anthropic", "bedrock", "vertex", "openrouter")
# Dialects a client's endpoint takes besides the provider's own: OpenRouter's Anthropic-compatible
# endpoint, which Claude Code uses, serves Claude Code's own IDs (OpenRouter's Claude Code guide sets
# no model: the defaults go out as Claude API IDs).
ALSO_ACCEPTED = {("claude-code", "openrouter"): ("anthropic",)}


@params
class RouteModelParams(Params):
    """Parameters of `route-model`: the model a route sends, judged in that route's dialect."""

    small: bool = False
    """Judge Claude Code's background (small) model instead of the main one."""


KINDS = (
    Kind(
        "route-model",
        "local",
        RouteModelParams,
        {
            "unset": Status.SKIP,
            "ok": Status.PASS,
            "gateway": Status.PASS,
            "other-dialect": Status.FAIL,
            "not-accepted": Status.FAIL,
            "needs-profile": Status.FAIL,
            "wrong-profile": Status.FAIL,
            "retired": Status.FAIL,
            "unknown": Status.WARN,
            "unresolved": Status.WARN,
        },
        (
            "client",
            "provider",
            "var",
            "value",
            "resolved",
            "source",
            "dialect",
            "found_dialect",
            "suggestion",
            "region",
            "expected",
            "replacement",
            "retired",
            "set",
        ),
        probe="route_model",
        step=1,
    ),
)


def _matches(models: dict[str, Any], dialect: str, value: str) -> bool:
    from generator.check.model_facts import matches

    return matches(models, dialect, value)


def _profile(models: dict[str, Any], value: str) -> str | None:
    """The inference-profile prefix of a Bedrock ID (`us.anthropic.claude-…` → `us`), by the table's prefixes."""
    from generator.check.model_facts import split_profile

    return split_profile(models, value)[0]


def _row_of(
    models: dict[str, Any], rows: list[dict[str, Any]], value: str
) -> tuple[dict[str, Any] | None, str | None]:
    """The model-table row an ID belongs to in any dialect, and that dialect."""
    from generator.check.model_facts import split_profile

    base = split_profile(models, value)[1]
    for row in rows:
        if value == row.get("id") and row.get("anthropic") is None:
            return row, "anthropic"
        if value == row.get("anthropic") or value in row.get("aliases", []):
            return row, "anthropic"
        if base == row.get("bedrock"):
            return row, "bedrock"
        for column in ("vertex", "openrouter", "mantle", "foundry"):
            if value == row.get(column):
                return row, column
    return None, None


def region_profiles(facts: dict[str, Any], region: str) -> list[str]:
    """Inference-profile prefixes a region's own profiles use (first matching rule of models.yaml), the
    one Claude Code picks for its own defaults first, so a fix names what the defaults already send."""
    for rule in facts.get("bedrock_regions") or []:
        start = str(rule.get("region", ""))
        if start and region.startswith(start):
            profiles = [str(p) for p in rule.get("profiles", [])]
            own = rule.get("claude_code")
            return sorted(profiles, key=lambda p: p != own)
    return []


def _retired(row: dict[str, Any], dialect: str) -> str | None:
    when = (row.get("retired_on") or {}).get(dialect) or row.get("retired")
    if not when:
        return None
    try:
        return str(when) if date.fromisoformat(str(when)) <= date.today() else None
    except ValueError:
        return None


def _in_dialect(row: dict[str, Any] | None, dialect: str, region_prefix: str | None = None) -> str | None:
    if row is None:
        return None
    if dialect == "mantle" and not row.get("mantle"):
        return None
    value = row.get(dialect)
    if dialect == "bedrock" and value and region_prefix:
        return f"{region_prefix}.{value}"
    return value


def _pick_profile(row: dict[str, Any] | None, wanted: list[str]) -> str | None:
    offered = list((row or {}).get("bedrock_prefixes", []))
    for prefix in wanted:
        if not offered or prefix in offered:
            return prefix
    return "global" if "global" in offered else None


def route_model(p: RouteModelParams, env: Environment) -> Result:
    chosen: Route | None = None
    for route in env.routes:
        if any(route.matches(sel) for sel in p.route) and (route.small_model if p.small else route.model):
            chosen = route
            break
    values = {
        "client": "-",
        "provider": "-",
        "var": "-",
        "value": "-",
        "resolved": "-",
        "source": "-",
        "dialect": "-",
        "found_dialect": "-",
        "suggestion": "-",
        "region": "-",
        "expected": "-",
        "replacement": "-",
        "retired": "-",
        "set": "-",
    }
    if chosen is None:
        return Result("unset", values, {})
    model: ModelChoice | None = chosen.small_model if p.small else chosen.model
    assert model is not None
    if p.small and (model.value == "main" or model.setting is None):
        # The main model's check judges it; the client's own default is not the reader's choice.
        return Result("unset", values, {})
    dialect = PROVIDER_DIALECT.get(chosen.provider, "gateway")
    region = chosen.region.value.strip() if chosen.region else ""
    values.update(
        client=chosen.client,
        provider=chosen.provider,
        var=model.setting or "-",
        value=model.value,
        resolved=model.resolved or "-",
        source=model.origin.where(),
        dialect=dialect,
        region=region or "-",
    )
    evidence: dict[str, Any] = {
        "client": chosen.client,
        "provider": chosen.provider,
        "var": model.setting,
        "value": model.resolved,
        "where": model.origin.where(),
    }
    if not model.resolved:
        # The client's own default with no table row to name it is not the reader's fault.
        return Result("unresolved" if model.setting else "unset", values, evidence)
    value = model.resolved.strip()
    for other in ALSO_ACCEPTED.get((chosen.client, chosen.provider), ()):
        if _matches(env.models, other, value):
            dialect = other
    rows: list[dict[str, Any]] = env.facts.get("model_rows", [])
    row, found = _row_of(env.models, rows, value)
    if row is None and "/" not in value:
        # OpenRouter's dotted spelling without its vendor part (`claude-sonnet-4.5`).
        row, dotted = _row_of(env.models, rows, f"anthropic/{value}")
        found = dotted if row is not None else None
    if dialect == "gateway":
        return Result("gateway", values, evidence)

    def fail(outcome: str, suggestion: str | None) -> Result:
        if suggestion:
            values["suggestion"] = suggestion
            if model.setting:
                evidence["fix_at"] = {
                    "var": model.setting,
                    "value": suggestion,
                    "source": model.origin.source,
                    "line": model.origin.line,
                }
        return Result(outcome, values, evidence)

    when = _retired(row, dialect) if row is not None else None
    if row is not None and when:
        # Retirement first: converting a retired ID to the route's dialect or profile only leads to
        # the next error. The successor goes in the route's own form (Bedrock: a profile of its region).
        values["retired"] = when
        replacement = row.get("replacement")
        new_row = next((r for r in rows if r.get("id") == replacement), None)
        prefix = None
        if dialect == "bedrock":
            wanted = region_profiles(env.facts, region)
            found_prefix = _profile(env.models, value)
            prefix = found_prefix if found_prefix in (*wanted, "global") else None
            prefix = prefix or _pick_profile(new_row, wanted)
        again = _in_dialect(new_row, dialect, prefix)
        values["replacement"] = again or str(replacement or "-")
        return fail("retired", again)
    foreign = found is not None and found != dialect and _in_dialect(row, dialect) != value
    if dialect == "mantle" and found == "bedrock":
        foreign = _in_dialect(row, "mantle") != value
    if not _matches(env.models, dialect, value) or foreign:
        values["found_dialect"] = found or _shape_of(env.models, value) or "-"
        wanted = region_profiles(env.facts, region) if dialect == "bedrock" else []
        suggestion = _in_dialect(row, dialect, _pick_profile(row, wanted) if dialect == "bedrock" else None)
        # Without a row the table cannot say what the ID is called here: never a fix with no ID in it.
        return fail("other-dialect" if suggestion and found else "not-accepted", suggestion)
    if dialect == "bedrock" and not value.startswith("arn:"):
        prefix = _profile(env.models, value)
        wanted = region_profiles(env.facts, region)
        values["expected"] = " / ".join(f"{x}." for x in (*wanted, "global")) if wanted else "-"
        offered = (row or {}).get("bedrock_prefixes", [])
        if prefix is None and offered:
            pick = _pick_profile(row, wanted)
            return fail("needs-profile", f"{pick}.{row['bedrock']}" if pick and row else None)
        if prefix and prefix != "global" and wanted and prefix not in wanted:
            pick = _pick_profile(row, wanted)
            return fail("wrong-profile", f"{pick}.{row['bedrock']}" if pick and row else None)
    if row is not None:
        return Result("ok", values, evidence)
    if value.startswith("arn:"):
        return Result("ok", values, evidence)
    return Result("unknown", values, evidence)


def _shape_of(models: dict[str, Any], value: str) -> str | None:
    from generator.check.model_facts import dialect_of

    return dialect_of(models, value)
