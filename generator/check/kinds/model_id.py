"""`model-id`: a model setting written in the dialect its tool expects, and not retired."""

from __future__ import annotations

from dataclasses import field
from typing import Any, Literal

from generator.check.environment import Environment, Result
from generator.check.kinds.base import Kind, Status, params
from generator.check.kinds.setting import SETTING_VALUES, UNSET, SettingParams, base_values, evidence


@params
class ModelParams(SettingParams):
    """Parameters of `model-id`."""

    dialect: Literal["anthropic", "bedrock", "mantle", "vertex", "foundry", "openrouter", "litellm"]
    """The model-ID dialect the tool expects (a column of `guides/models.yaml`; litellm = `route/model`)."""
    default: str | None = None
    """What the tool uses when unset; reported as such."""
    bare_claude: bool = False
    """The client sends a bare Claude API ID (no `anthropic/`) to Anthropic, so a listed one is fine
    (the LiteLLM SDK; OpenHands documents the prefix as required)."""
    dialect_flags: dict[str, str] = field(default_factory=dict)
    """Setting → dialect used instead while that setting is 1/true (`CLAUDE_CODE_USE_BEDROCK: bedrock`)."""


KINDS = (
    Kind(
        "model-id",
        "local",
        ModelParams,
        {
            **UNSET,
            "ok": Status.PASS,
            "other-dialect": Status.FAIL,
            "retired": Status.FAIL,
            "unknown": Status.WARN,
        },
        (
            *SETTING_VALUES,
            "dialect",
            "found_dialect",
            "suggestion",
            "default",
            "retired",
            "replacement",
            "model",
        ),
        probe="model_id",
        reads=("var",),
        secrets=("var",),
    ),
)


def _litellm_parts(models: dict[str, Any], value: str) -> tuple[str | None, str]:
    """(dialect, bare ID) of a LiteLLM `route/model` string, by the route prefixes of the table."""
    from generator.check.model_facts import litellm_prefix

    for name in models.get("dialects", {}):
        prefix = litellm_prefix(models, name)
        if prefix and value.startswith(prefix):
            return name, value[len(prefix) :]
    return None, value


def _server_named(value: str) -> bool:
    """A LiteLLM name behind a prefix whose server names its own models (`litellm_proxy/<model_name>`,
    `openai/<name>` at an OpenAI-compatible server): no table holds them, and the ID goes out as written."""
    from generator.check.routes import LITELLM_PROVIDERS

    prefix, _, rest = value.partition("/")
    return bool(rest) and LITELLM_PROVIDERS.get(prefix, ("",))[0] in ("gateway", "openai")


def _retired(env: Environment, dialect: str, value: str, values: dict[str, str]) -> bool:
    """Fill `retired`, `replacement` and `model` when the ID names a model retired on this route."""
    from generator.check import model_facts as mf

    prefix = route = None
    bare = value
    if dialect == "litellm":
        route, bare = _litellm_parts(env.models, value)
        if route is None:
            return False
    row = mf.row_of(env.models, bare)
    where = route or dialect
    found = mf.retirement(env.models, row, where)
    if found is None:
        return False
    when, replacement = found
    if where == "bedrock":
        prefix, _ = mf.split_profile(env.models, bare)
        new_row = mf.row_of(env.models, replacement or "")
        offered = env.models.get("rows", {}).get(new_row, {}).get("bedrock_prefixes", [])
        if replacement and prefix and prefix in offered:
            replacement = f"{prefix}.{replacement}"
    if replacement and route:
        replacement = (mf.litellm_prefix(env.models, route) or "") + replacement
    values.update(
        retired=when,
        replacement=replacement or "-",
        model=env.models.get("rows", {}).get(row, {}).get("name", "-"),
    )
    values["suggestion"] = replacement or values["suggestion"]
    return True


def model_id(p: ModelParams, env: Environment) -> Result:
    from generator.check import model_facts as mf

    dialect: str = p.dialect
    for flag, flagged in p.dialect_flags.items():
        value = env.settings.resolve(flag, p.sources).value
        if value and value.strip().lower() in ("1", "true"):
            dialect = flagged if mf.shape(env.models, flagged) else p.dialect
            break
    r = env.settings.resolve(p.var, p.sources)
    values = {
        **base_values(r, p.secret),
        "dialect": dialect,
        "default": p.default or "-",
        "suggestion": "-",
        "found_dialect": "-",
        "retired": "-",
        "replacement": "-",
        "model": "-",
    }
    ev = evidence(r)
    if r.value is None or not r.value.strip():
        return Result("unset", values, ev)
    value = r.value.strip()
    if not env.models:
        return Result("ok", values, ev)  # no model table: nothing to judge against
    known = mf.known_ids(env.models, dialect)
    import difflib  # only when a model ID is judged: it costs start-up

    close = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
    if close:
        values["suggestion"] = close[0]
    if dialect == "anthropic" and mf.client_alias(env.models, value):
        return Result("ok", values, ev)  # Claude Code's own aliases resolve inside the client
    if dialect == "anthropic" and value.startswith("arn:"):
        values["found_dialect"] = "bedrock"
        return Result("other-dialect", values, ev)
    if p.bare_claude and dialect == "litellm" and value in mf.known_ids(env.models, "anthropic"):
        # The LiteLLM SDK sends a bare Claude API ID to Anthropic (FACTS: litellm-bare-claude-model).
        value = (mf.litellm_prefix(env.models, "anthropic") or "anthropic/") + value
    if not mf.matches(env.models, dialect, value):
        values["found_dialect"] = mf.dialect_of(env.models, value) or "-"
        if dialect == "litellm" and "/" not in value:
            anthropic = mf.litellm_prefix(env.models, "anthropic") or ""
            values["suggestion"] = close[0] if close else f"{anthropic}{value}"
        return Result("other-dialect", values, ev)
    if dialect == "anthropic" and "." in value.split("claude-", 1)[-1] and value not in known:
        # Dotted versions (claude-sonnet-4.5) are OpenRouter's spelling.
        values["found_dialect"] = "openrouter"
        return Result("other-dialect", values, ev)
    if _retired(env, dialect, value, values):
        ev["retired"] = values["retired"]
        return Result("retired", values, ev)
    if dialect == "litellm" and _server_named(value):
        return Result("ok", values, ev)
    if known and value not in known and not value.startswith("arn:"):
        if dialect == "bedrock" and mf.row_of(env.models, value) and mf.split_profile(env.models, value)[0]:
            # A known model behind a profile prefix the table does not list: the region check judges it.
            return Result("ok", values, ev)
        return Result("unknown", values, ev)
    return Result("ok", values, ev)
