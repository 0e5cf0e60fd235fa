"""`litellm-config`: a LiteLLM proxy `config.yaml`, its model_list routes and master key, read as LiteLLM reads them."""

from __future__ import annotations

from dataclasses import field
from pathlib import Path

from generator.check.bounded import Refused, read_regular
from generator.check.environment import Environment, Result
from generator.check.files import ParsedFile, read_yaml
from generator.check.kinds.base import Kind, Params, Status, params


@params
class LitellmConfigParams(Params):
    """Parameters of `litellm-config`."""

    path_var: str = "LITELLM_CONFIG"
    """Setting naming the config file (`litellm --config <path>`)."""
    names: list[str] = field(
        default_factory=lambda: ["litellm_config.yaml", "proxy_config.yaml", "config.yaml"]
    )
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
            "retired-model": Status.FAIL,
            "bad-master-key": Status.FAIL,
        },
        ("path", "line", "error", "count", "model_name", "model", "routes", "retired", "replacement"),
        probe="litellm_config",
    ),
)


def find_config(p: LitellmConfigParams, env: Environment) -> Path | None:
    named = env.settings.resolve(p.path_var, p.sources).value
    if named:
        path = Path(named).expanduser()
        return path if path.is_absolute() else env.cwd / path
    for name in p.names:
        candidate = env.cwd / name
        try:
            raw = read_regular(candidate)
        except Refused:
            return candidate  # a FIFO, a device, a huge file: read_yaml reports why it is not read
        if raw is not None and b"model_list" in raw:
            return candidate
    return None


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
    for item in models:
        name = item.get("model_name") if isinstance(item, dict) else None
        params = item.get("litellm_params") if isinstance(item, dict) else None
        model = params.get("model") if isinstance(params, dict) else None
        values.update(model_name=str(name or "-"), model=str(model or "-"))
        if not isinstance(model, str) or "/" not in model:
            return Result("missing-route", values, {"path": parsed.path, "model_name": name})
        routes.add(model.split("/", 1)[0])
    values["routes"] = ", ".join(sorted(routes))
    for item in models:
        model = item["litellm_params"]["model"]
        found = _retired(env, model)
        if found:
            values.update(model_name=str(item.get("model_name") or "-"), model=model, **found)
            return Result("retired-model", values, {"path": parsed.path, "model": model})
    settings = data.get("general_settings") or {}
    key = settings.get("master_key") if isinstance(settings, dict) else None
    # `os.environ/NAME` defers to the environment; only a literal key can be judged here.
    if isinstance(key, str) and not key.startswith("os.environ/") and not key.startswith("sk-"):
        return Result("bad-master-key", values, {"path": parsed.path})
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
