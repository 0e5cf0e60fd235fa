"""`litellm-config`: a LiteLLM proxy `config.yaml`, its model_list routes and master key, read as LiteLLM reads them."""

from __future__ import annotations

from dataclasses import field
from pathlib import Path
from typing import Any

from generator.check.environment import Environment, Result
from generator.check.files import LITELLM_CONFIG_NAMES, ParsedFile, find_litellm_config, read_yaml
from generator.check.kinds.base import Kind, Params, Status, params


@params
class LitellmConfigParams(Params):
    """Parameters of `litellm-config`."""

    path_var: str = "LITELLM_CONFIG"
    """Setting naming the config file (`litellm --config <path>`)."""
    names: list[str] = field(default_factory=lambda: list(LITELLM_CONFIG_NAMES))
    """File names looked for in the working folder when the setting is unset."""
    sources: list[str] = field(default_factory=lambda: ["env", "dotenv"])
    """Where the path setting is read."""


KINDS = (
    Kind(
        "litellm-config",
        "local",
        LitellmConfigParams,
        {
            "ok": Status.PASS,
            "absent": Status.SKIP,
            "malformed": Status.FAIL,
            "no-models": Status.FAIL,
            "missing-route": Status.FAIL,
            "env-unset": Status.FAIL,
            "retired-model": Status.FAIL,
            "bad-master-key": Status.FAIL,
        },
        (
            "path",
            "line",
            "error",
            "count",
            "model_name",
            "model",
            "routes",
            "retired",
            "replacement",
            "key",
            "var",
        ),
        probe="litellm_config",
    ),
)


def find_config(p: LitellmConfigParams, env: Environment) -> Path | None:
    return find_litellm_config(env.settings.resolve(p.path_var, p.sources).value, env.cwd, p.names)


ENV_REF = "os.environ/"
"""How a LiteLLM config names an environment variable instead of a value."""


def _at(parsed: ParsedFile, key: str, value: str | None, *loc: str | int) -> dict[str, Any]:
    """`fix_at` evidence: the line of `loc` in the config, so the finding names `config.yaml:N`."""
    return {"var": key, "value": value, "source": parsed.path, "line": parsed.line_of(*loc)}


def read_config(p: LitellmConfigParams, env: Environment) -> ParsedFile | None:
    path = find_config(p, env)
    return read_yaml(path, env.home, env.cwd) if path else None


def litellm_config(p: LitellmConfigParams, env: Environment) -> Result:
    values = {
        "path": "-",
        "line": "-",
        "error": "-",
        "count": "0",
        "model_name": "-",
        "model": "-",
        "routes": "-",
        "retired": "-",
        "replacement": "-",
        "key": "-",
        "var": "-",
    }
    parsed = read_config(p, env)
    if parsed is None:
        return Result("absent", values, {})
    values["path"] = parsed.path
    if not parsed.exists:
        values["error"] = "file not found"
        return Result("malformed", values, {"path": parsed.path})
    if parsed.problem:
        values.update(line=str(parsed.problem.line), error=parsed.problem.error)
        return Result("malformed", values, {"path": parsed.path})
    data = parsed.data
    models = data.get("model_list")
    if not isinstance(models, list) or not models:
        return Result("no-models", values, {"path": parsed.path})
    values["count"] = str(len(models))
    routes: set[str] = set()
    for i, item in enumerate(models):
        name = item.get("model_name") if isinstance(item, dict) else None
        params = item.get("litellm_params") if isinstance(item, dict) else None
        model = params.get("model") if isinstance(params, dict) else None
        values.update(model_name=str(name or "-"), model=str(model or "-"))
        if not isinstance(model, str) or "/" not in model:
            at = _at(parsed, "model", None, "model_list", i, "litellm_params", "model")
            return Result("missing-route", values, {"path": parsed.path, "model_name": name, "fix_at": at})
        routes.add(model.split("/", 1)[0])
    values["routes"] = ", ".join(sorted(routes))
    settings = data.get("general_settings") or {}
    # `os.environ/NAME` is read from the proxy's environment when it starts (LiteLLM also loads `.env`):
    # a name set nowhere sends no key, and the provider answers 401.
    refs: list[tuple[str, str, tuple[str | int, ...], object]] = [
        (str(k), v, ("model_list", i, "litellm_params", str(k)), item.get("model_name"))
        for i, item in enumerate(models)
        for k, v in item["litellm_params"].items()
        if isinstance(v, str)
    ]
    if isinstance(settings, dict):
        refs += [
            (str(k), v, ("general_settings", str(k)), None) for k, v in settings.items() if isinstance(v, str)
        ]
    # The config's own `environment_variables` block sets variables for the proxy process too.
    own = data.get("environment_variables")
    defined = {str(k) for k, v in own.items() if v not in (None, "")} if isinstance(own, dict) else set()
    for key_name, ref, loc, model_name in refs:
        var = ref.strip()[len(ENV_REF) :].strip() if ref.strip().startswith(ENV_REF) else None
        if var and var not in defined and not env.settings.resolve(var, p.sources).value:
            values.update(
                key=key_name, var=var, model_name=str(model_name or "-"), line=str(parsed.line_of(*loc))
            )
            at = _at(parsed, key_name, None, *loc)
            return Result("env-unset", values, {"path": parsed.path, "var": var, "fix_at": at})
    for i, item in enumerate(models):
        model = item["litellm_params"]["model"]
        found = _retired(env, model)
        if found:
            values.update(model_name=str(item.get("model_name") or "-"), model=model, **found)
            new = found["replacement"] if found["replacement"] != "-" else None
            at = _at(parsed, "model", new, "model_list", i, "litellm_params", "model")
            return Result("retired-model", values, {"path": parsed.path, "model": model, "fix_at": at})
    key = settings.get("master_key") if isinstance(settings, dict) else None
    # `os.environ/NAME` defers to the environment; only a literal key can be judged here.
    if isinstance(key, str) and not key.startswith(ENV_REF) and not key.startswith("sk-"):
        at = _at(parsed, "master_key", None, "general_settings", "master_key")
        return Result("bad-master-key", values, {"path": parsed.path, "fix_at": at})
    return Result("ok", values, {"path": parsed.path, "routes": sorted(routes)})


def _retired(env: Environment, model: str) -> dict[str, str] | None:
    """`retired` day and `replacement` (as a LiteLLM route) when a `model_list` route names a retired model."""
    from generator.check import model_facts as mf

    for dialect in env.models.get("dialects", {}):
        prefix = mf.litellm_prefix(env.models, dialect)
        if not prefix or not model.startswith(prefix):
            continue
        bare = model[len(prefix) :]
        found = mf.retirement(env.models, mf.row_of(env.models, bare), dialect)
        if found:
            when, replacement = found
            profile, _ = mf.split_profile(env.models, bare) if dialect == "bedrock" else (None, bare)
            if replacement and profile and dialect == "bedrock":
                replacement = f"{profile}.{replacement}"
            return {"retired": when, "replacement": prefix + replacement if replacement else "-"}
    return None
