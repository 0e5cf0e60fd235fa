"""Probes that read settings and files only; they never touch the network."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from generator.check.environment import Environment, Result
from generator.check.sources import Resolution
from generator.secrets import is_secret_name, mask

if TYPE_CHECKING:
    from generator.check.params import (
        AgreeParams,
        ConflictParams,
        DeprecatedParams,
        FilesParams,
        KeyShapeParams,
        ModelParams,
        SettingParams,
        UrlParams,
        ValueParams,
    )

# Linear on any value (tests/test_adversarial_patterns.py): the word between "your" and "key" is
# bounded, and DOTALL lets the trailing `.*` reach the end at once instead of retrying each start.
_PLACEHOLDER = re.compile(
    r"^(<.*>|\$\{?\w+\}?|x{4,}|\.\.\.|.*(your|my)[-_ ]?([a-z]{1,20}[-_ ])?(api[-_ ]?)?key.*|.*\.\.\.|changeme|todo)$",
    re.I | re.S,
)


def shown(value: str, secret: bool) -> str:
    return mask(value) if secret else value


def base_values(r: Resolution, secret: bool) -> dict[str, str]:
    return {
        "var": r.var,
        "value": shown(r.value, secret) if r.value is not None else "",
        "source": r.source or "",
        "shadowed": ", ".join(r.shadowed) or "-",
        "found_in": ", ".join(r.elsewhere) or "-",
    }


def evidence(r: Resolution) -> dict[str, object]:
    return {"var": r.var, "source": r.source, "shadowed": r.shadowed, "elsewhere": r.elsewhere}


def setting_present(p: SettingParams, env: Environment) -> Result:
    r = env.settings.resolve(p.var, p.sources)
    values = {**base_values(r, p.secret), "sources": ", ".join(p.sources)}
    if r.value is not None and r.value.strip():
        return Result("present", values, evidence(r))
    if r.elsewhere:
        return Result("elsewhere", values, evidence(r))
    return Result("missing", values, evidence(r))


def _invisible(value: str) -> int | None:
    for i, ch in enumerate(value):
        if unicodedata.category(ch) in ("Cf", "Zs", "Cc") and ch not in " \t\r\n" or ch == "\u00a0":
            return i + 1
    return None


def key_shape(p: KeyShapeParams, env: Environment) -> Result:
    r = env.settings.resolve(p.var, p.sources)
    values = {**base_values(r, True), "expected": " / ".join(p.prefixes) or "-"}
    if r.value is None or r.value == "":
        return Result("unset", values, evidence(r))
    v = r.value
    ev = evidence(r)
    if v[:1] in "\"'" or v[-1:] in "\"'":
        return Result("quoted", values, ev)
    for i, ch in enumerate(v):
        if ch in " \t\r\n":
            values["position"] = str(i + 1)
            ev["position"] = i + 1
            return Result("whitespace", values, ev)
    pos = _invisible(v)
    if pos is not None:
        values["position"] = str(pos)
        ev["position"] = pos
        return Result("invisible", values, ev)
    if _PLACEHOLDER.match(v):
        return Result("placeholder", values, ev)
    for prefix, outcome in p.wrong_prefixes.items():
        if v.startswith(prefix):
            values["prefix"] = prefix
            return Result(outcome, values, ev)
    if p.prefixes and not any(v.startswith(x) for x in p.prefixes):
        return Result("unexpected-prefix", values, ev)
    return Result("ok", values, ev)


def settings_conflict(p: ConflictParams, env: Environment) -> Result:
    found = [env.settings.resolve(v, p.sources) for v in p.vars]
    present = [r for r in found if r.value]
    values = {
        "vars": ", ".join(p.vars),
        "set": ", ".join(r.var for r in present) or "-",
        "winner": present[0].var if present else "-",
    }
    ev = {"set": {r.var: r.source for r in present}}
    return Result("conflict" if len(present) > 1 else "ok", values, ev)


def url_shape(p: UrlParams, env: Environment) -> Result:
    r = env.settings.resolve(p.var, p.sources)
    values = {**base_values(r, p.secret), "default": p.default or "-", "expected": p.required_path or "-"}
    ev = evidence(r)
    if r.value is None or not r.value.strip():
        key_var, prefix = p.default_key.get("var"), p.default_key.get("prefix")
        key = env.settings.resolve(key_var, p.sources).value if key_var and prefix else None
        host = (urlsplit(p.default or "").hostname or "").lower()
        if key and prefix and key.strip().startswith(prefix) and host in p.wrong_hosts:
            values["host"] = host
            return Result(p.wrong_hosts[host], values, ev)
        return Result("default", values, ev)
    url = r.value.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return Result("not-url", values, ev)
    host = (parts.hostname or "").lower()
    values["host"] = host
    if host in ("0.0.0.0", "::", "[::]"):
        return Result("unspecified-host", values, ev)
    for wrong, outcome in p.wrong_hosts.items():
        if host == wrong or host.endswith("." + wrong):
            return Result(outcome, values, ev)
    path = parts.path
    for suffix in p.bad_suffixes:
        if path.endswith(suffix) or (path + "/").endswith(suffix):
            values["suffix"] = suffix
            return Result("bad-suffix", values, ev)
    if p.required_path and path.rstrip("/") != p.required_path.rstrip("/"):
        return Result("missing-path", values, ev)
    local = (
        host in ("localhost", "127.0.0.1", "::1") or host.endswith(".local") or host.startswith("host.docker")
    )
    if parts.scheme == "http" and not local:
        return Result("plain-http", values, ev)
    return Result("ok", values, ev)


def _litellm_parts(models: dict[str, Any], value: str) -> tuple[str | None, str]:
    """(dialect, bare ID) of a LiteLLM `route/model` string, by the route prefixes of the table."""
    from generator.check.model_facts import litellm_prefix

    for name in models.get("dialects", {}):
        prefix = litellm_prefix(models, name)
        if prefix and value.startswith(prefix):
            return name, value[len(prefix) :]
    return None, value


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
        **base_values(r, False),
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
    if known and value not in known and not value.startswith("arn:"):
        if dialect == "bedrock" and mf.row_of(env.models, value) and mf.split_profile(env.models, value)[0]:
            # A known model behind a profile prefix the table does not list: the region check judges it.
            return Result("ok", values, ev)
        return Result("unknown", values, ev)
    return Result("ok", values, ev)


def deprecated_setting(p: DeprecatedParams, env: Environment) -> Result:
    r = env.settings.resolve(p.var, p.sources)
    values = {**base_values(r, p.secret), "replacement": p.replacement}
    return Result("deprecated" if r.value else "not-set", values, evidence(r))


def setting_value(p: ValueParams, env: Environment) -> Result:
    r = env.settings.resolve(p.var, p.sources)
    values = {**base_values(r, p.secret), "pattern": p.pattern}
    if r.value is None or r.value == "":
        return Result("missing" if p.required else "unset", values, evidence(r))
    return Result("ok" if re.fullmatch(p.pattern, r.value) else "invalid", values, evidence(r))


def config_files(p: FilesParams, env: Environment) -> Result:
    present = [env.settings.sources[f] for f in p.files if f in env.settings.sources]
    existing = [s for s in present if s.exists]
    broken = [s.problem for s in existing if s.problem]
    values = {"count": str(len(existing)), "path": "-", "line": "-", "error": "-"}
    if broken:
        first = broken[0]
        assert first is not None
        values.update(path=first.path, line=str(first.line), error=first.error)
        ev = {"problems": [f"{b.path}:{b.line}: {b.error}" for b in broken if b]}
        return Result("malformed", values, ev)
    if not existing:
        return Result("absent", values, {})
    values["path"] = ", ".join(s.path or s.label for s in existing)  # the files read, never `-`
    return Result("ok", values, {"files": [s.label for s in existing]})


def settings_agree(p: AgreeParams, env: Environment) -> Result:
    """The same setting in two places (OpenHands env and config.toml): a difference means one is ignored."""
    left, right = env.settings.sources.get(p.left), env.settings.sources.get(p.right)
    values = {
        "var": "-",
        "left": "-",
        "right": "-",
        "left_source": left.label if left else p.left,
        "right_source": right.label if right else p.right,
        "count": "0",
    }
    if left is None or right is None:
        return Result("ok", values, {})
    both = [v for v in p.vars if left.values.get(v) and right.values.get(v)]
    values["count"] = str(len(both))
    for var in both:
        a, b = left.values[var].strip(), right.values[var].strip()
        if a != b:
            secret = is_secret_name(var)
            values.update(var=var, left=shown(a, secret), right=shown(b, secret))
            return Result("differ", values, {"var": var})
    return Result("ok", values, {"compared": both})
