"""`url-shape`: a base URL the client can use (no doubled `/v1`, the right host, https)."""

from __future__ import annotations

from dataclasses import field
from urllib.parse import urlsplit

from generator.check.environment import Environment, Result
from generator.check.kinds.base import Kind, Status, params
from generator.check.kinds.setting import SETTING_VALUES, SettingParams, base_values, evidence


@params
class UrlParams(SettingParams):
    """Parameters of `url-shape`."""

    default: str | None = None
    """The URL the tool uses when the setting is unset."""
    bad_suffixes: list[str] = field(default_factory=list)
    """Path endings the client appends itself (a doubled `/v1`)."""
    required_path: str | None = None
    """Path the URL must end with (`/api/v1` for OpenRouter's OpenAI-compatible API)."""
    wrong_hosts: dict[str, str] = field(default_factory=dict)
    """Host → outcome to report when the URL points there (a key sent to the wrong provider)."""
    ignored: list[str] = field(default_factory=list)
    """Look-alike settings the client does not read (`OPENAI_API_BASE` for openai ≥ 1): one set to another
    host while the setting is unset is reported as the `ignored` outcome (the URL has no effect)."""
    userinfo: str | None = None
    """Outcome to report when the URL carries `user:password@` and the client refuses such a URL (the
    fetch of Node, which Claude Code uses: "Request cannot be constructed from a URL that includes
    credentials"); the password itself is never shown."""
    model_var: str | None = None
    """The model setting `model_suffixes` looks at (read from the same sources)."""
    model_suffixes: dict[str, dict[str, str]] = field(default_factory=dict)
    """Model prefix → {path ending → outcome}: endings doubled only for that provider's models (LiteLLM
    appends `/v1/messages` to an `anthropic/` model's base URL, so a base ending in `/v1` doubles it)."""
    default_key: dict[str, str] = field(default_factory=dict)
    """`{var, prefix}`: the key `wrong_hosts` is about. When the setting is unset and that key starts with
    `prefix`, the default URL is judged against `wrong_hosts` too (an OpenRouter key sent to the SDK's
    default host); when the key is set and does not, a wrong host is that key's own provider, so fine."""


KINDS = (
    Kind(
        "url-shape",
        "local",
        UrlParams,
        {
            "default": Status.PASS,
            "ok": Status.PASS,
            "bad-suffix": Status.FAIL,
            "missing-path": Status.FAIL,
            "unspecified-host": Status.FAIL,
            "not-url": Status.FAIL,
            "plain-http": Status.WARN,
        },
        (*SETTING_VALUES, "default", "expected", "host", "suffix", "ignored", "ignored_value"),
        probe="url_shape",
        reads=("var", "model_var"),
        secrets=("var",),
        extra_outcomes=lambda p: [
            *(["ignored"] if p.ignored else []),
            *([p.userinfo] if p.userinfo else []),
            *p.wrong_hosts.values(),
            *(o for m in p.model_suffixes.values() for o in m.values()),
        ],
    ),
)


def url_shape(p: UrlParams, env: Environment) -> Result:
    r = env.settings.resolve(p.var, p.sources)
    values = {**base_values(r, p.secret), "default": p.default or "-", "expected": p.required_path or "-"}
    values.update(ignored="-", ignored_value="-")
    ev = evidence(r)
    if r.value is None or not r.value.strip():
        default_host = (urlsplit(p.default or "").hostname or "").lower()
        for name in p.ignored:
            other = env.settings.resolve(name, p.sources).value
            if other and other.strip() and (urlsplit(other.strip()).hostname or "").lower() != default_host:
                values.update(ignored=name, ignored_value=other.strip())
                return Result("ignored", values, {**ev, "ignored": name})
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
    if p.userinfo and "@" in parts.netloc:
        return Result(p.userinfo, values, ev)
    if host in ("0.0.0.0", "::", "[::]"):
        return Result("unspecified-host", values, ev)
    for wrong, outcome in p.wrong_hosts.items():
        if host == wrong or host.endswith("." + wrong):
            key_var, prefix = p.default_key.get("var"), p.default_key.get("prefix")
            key = env.settings.resolve(key_var, p.sources).value if key_var and prefix else None
            if key and prefix and key.strip() and not key.strip().startswith(prefix):
                return Result("ok", values, ev)  # e.g. an OpenAI key at OpenAI's own host
            return Result(outcome, values, ev)
    path = parts.path
    for suffix in p.bad_suffixes:
        if path.endswith(suffix) or (path + "/").endswith(suffix):
            values["suffix"] = suffix
            return Result("bad-suffix", values, ev)
    model = env.settings.resolve(p.model_var, p.sources).value if p.model_var else None
    for prefix, endings in p.model_suffixes.items():
        if model and model.strip().startswith(prefix):
            for suffix, outcome in endings.items():
                if path.rstrip("/").endswith(suffix):
                    values["suffix"] = suffix
                    return Result(outcome, values, ev)
    if p.required_path and path.rstrip("/") != p.required_path.rstrip("/"):
        return Result("missing-path", values, ev)
    local = (
        host in ("localhost", "127.0.0.1", "::1") or host.endswith(".local") or host.startswith("host.docker")
    )
    if parts.scheme == "http" and not local:
        return Result("plain-http", values, ev)
    return Result("ok", values, ev)
