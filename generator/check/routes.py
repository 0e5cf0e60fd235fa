"""The route: the request each client the reader uses would really send, resolved with the client's own
precedence from the settings `check` already read (never from `os.environ`).

A route says which provider gets the request, at which endpoint, with which kind of credential (masked),
for which model after alias and default resolution, and where every setting came from. Model facts
(alias targets per Claude Code version, default models, region → inference-profile prefixes) come from
the compiled plan (`guides/models.yaml`); this module only knows how each client reads its settings.

The records are NamedTuples rather than frozen dataclasses: they are as immutable, and building their
classes costs a seventh of the start-up time, which `check --offline` has a budget for.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlsplit

from generator.secrets import fingerprint, mask

if TYPE_CHECKING:
    from generator.check.environment import Environment
    from generator.check.sources import Settings

# Where each client reads its settings, highest precedence first (source IDs of check/sources.py).
# Claude Code applies the `env` blocks of its settings files over the shell's environment.
CLAUDE = ("claude-local", "claude-project", "claude-user", "env")
SHELL = ("env", "dotenv")
OPENHANDS = ("env", "openhands-toml")
TRUE = ("1", "true", "yes", "on")
# Claude Code's provider switches, in the order it tests them (the first one set wins).
SWITCHES = (
    ("CLAUDE_CODE_USE_BEDROCK", "bedrock"),
    ("CLAUDE_CODE_USE_FOUNDRY", "foundry"),  # outranks Vertex (observed: `vertex-and-foundry`, 2.1.328)
    ("CLAUDE_CODE_USE_VERTEX", "vertex"),
    ("CLAUDE_CODE_USE_ANTHROPIC_AWS", "anthropic-aws"),
    ("CLAUDE_CODE_USE_ANTHROPIC_GOOGLE_CLOUD", "anthropic-google-cloud"),
    ("CLAUDE_CODE_USE_MANTLE", "mantle"),
)
CLIENTS = ("claude-code", "anthropic-sdk", "openai-sdk", "litellm-sdk", "litellm-proxy", "openhands")
# A guide's checks matter on these routes (`client:provider`, `*` for any); a check's `route`
# parameter narrows it. Structure of the product, not provider facts.
GUIDE_ROUTES: dict[str, tuple[str, ...]] = {
    # OpenHands and LiteLLM routes to Anthropic are judged by their own guides' checks (one finding per
    # value, not two); the Anthropic guide follows the SDK.
    "anthropic": ("anthropic-sdk:*",),
    "claude-code": ("claude-code:*",),
    "bedrock": ("*:bedrock", "*:mantle"),
    "vertex": ("*:vertex",),
    "openrouter": ("litellm-sdk:openrouter", "openhands:openrouter", "claude-code:openrouter"),
    "openai-sdk": ("openai-sdk:*",),
    "litellm": ("litellm-sdk:*", "litellm-proxy:*"),
    "openhands": ("openhands:*",),
}
# Which client a provider named on the command line forces.
TARGET_CLIENTS: dict[str, tuple[str, ...]] = {
    "anthropic": ("anthropic-sdk",),
    "claude-code": ("claude-code",),
    "bedrock": ("claude-code",),
    "vertex": ("claude-code",),
    "openrouter": ("openai-sdk",),
    "openai-sdk": ("openai-sdk",),
    "litellm": ("litellm-sdk", "litellm-proxy"),
    "openhands": ("openhands",),
}
# LiteLLM route prefixes (OpenHands and the LiteLLM SDK) → provider, credential and base-URL settings.
LITELLM_PROVIDERS: dict[str, tuple[str, str | None, str | None]] = {
    "anthropic": ("anthropic", "ANTHROPIC_API_KEY", "ANTHROPIC_API_BASE"),
    "openrouter": ("openrouter", "OPENROUTER_API_KEY", "OPENROUTER_API_BASE"),
    "openai": ("openai", "OPENAI_API_KEY", "OPENAI_BASE_URL"),
    "bedrock": ("bedrock", None, None),
    "vertex_ai": ("vertex", None, None),
    "litellm_proxy": ("gateway", "LITELLM_PROXY_API_KEY", "LITELLM_PROXY_API_BASE"),
}
DEFAULT_HOSTS = {
    "anthropic": "https://api.anthropic.com",
    "openai": "https://api.openai.com/v1",
    "openrouter": "https://openrouter.ai/api/v1",
    "litellm-proxy": "http://127.0.0.1:4000",
}


class Origin(NamedTuple):
    """Where a value was set."""

    source: str
    """`env`, `default`, `flag` or a displayed file path."""
    line: int | None = None
    """1-based line in that file; None for the environment and defaults."""

    def as_json(self) -> dict[str, Any]:
        return {"source": self.source, "line": self.line}

    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.line else self.source


class Setting(NamedTuple):
    """One setting the route depends on, as the client sees it."""

    name: str
    """Setting name (`ANTHROPIC_MODEL`, or `model` for Claude Code's top-level setting)."""
    value: str
    """The winning value (raw; masked when shown if secret)."""
    origin: Origin
    """Where the winning value came from."""
    shadowed: tuple[Origin, ...] = ()
    """Other places the client reads that also set it, and lose."""
    secret: bool = False
    """Mask it in every output."""

    def shown(self) -> str:
        return mask(self.value) if self.secret else self.value

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.shown(),
            "source": self.origin.source,
            "line": self.origin.line,
            "shadowed": [o.as_json() for o in self.shadowed],
        }


class Credential(NamedTuple):
    """The credential the client would send (never the secret itself)."""

    setting: str
    """Setting holding it (`ANTHROPIC_API_KEY`, `apiKeyHelper`, `/login`, `AWS_PROFILE`)."""
    masked: str | None
    """Prefix, last characters and fingerprint; None when `check` cannot see the secret."""
    fingerprint: str | None
    """sha256(secret)[:8], to compare with what a server received."""
    origin: Origin
    """Where it is set."""

    def as_json(self) -> dict[str, Any]:
        return {
            "setting": self.setting,
            "masked": self.masked,
            "fingerprint": self.fingerprint,
            "source": self.origin.source,
            "line": self.origin.line,
        }


class ModelChoice(NamedTuple):
    """The model a route sends: as written and after alias and default resolution."""

    value: str
    """As written (`sonnet`), or the default the client picks."""
    resolved: str
    """The ID sent in the request."""
    setting: str | None
    """Setting it came from; None for the client's default."""
    origin: Origin
    """Where it is set (`default` for the client's own choice)."""
    known: bool = True
    """False when an alias or default could not be resolved from `guides/models.yaml`."""

    def as_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "resolved": self.resolved,
            "setting": self.setting,
            "source": self.origin.source,
            "line": self.origin.line,
        }


class Route(NamedTuple):
    """The request one client would send."""

    client: str
    """`claude-code`, `anthropic-sdk`, `openai-sdk`, `litellm-sdk`, `litellm-proxy` or `openhands`."""
    provider: str
    """Who answers: `anthropic`, `bedrock`, `vertex`, `foundry`, `anthropic-aws`, `mantle`, `gateway`,
    `openrouter`, `openai`."""
    endpoint: str | None
    """`scheme://host[:port][/path prefix]`, never userinfo or a query; None when it cannot be known."""
    auth: str
    """`x-api-key`, `bearer`, `aws-sigv4`, `google-oauth`, `none` or `unknown`."""
    credential: Credential | None
    """What it authenticates with."""
    model: ModelChoice | None
    """The main model."""
    small_model: ModelChoice | None = None
    """Claude Code's background model."""
    region: Setting | None = None
    """Cloud region, when the provider has one."""
    project: Setting | None = None
    """Google Cloud project (Vertex AI)."""
    settings: tuple[Setting, ...] = ()
    """Every setting the route depends on."""
    version: str | None = None
    """The installed client's version, when found (Claude Code from its package files)."""
    forced: bool = False
    """Built because the reader named it, not because its settings show."""

    def matches(self, selector: str) -> bool:
        """`client:provider[@auth]`, each part `*` for any (`anthropic-sdk:*@none`: that SDK with no credential)."""
        selector, _, auth = selector.partition("@")
        client, _, provider = selector.partition(":")
        return (
            client in ("*", self.client)
            and provider in ("*", "", self.provider)
            and (not auth or auth == self.auth or (auth == "none" and self.credential is None))
        )

    def setting(self, name: str) -> Setting | None:
        return next((s for s in self.settings if s.name == name), None)

    def auth_switch(self) -> str | None:
        """The `CLAUDE_CODE_SKIP_*_AUTH` switch that leaves the request unsigned, when one is on."""
        if self.auth != "none":
            return None
        return next(
            (
                s.name
                for s in self.settings
                if s.name.startswith("CLAUDE_CODE_SKIP_")
                and s.name.endswith("_AUTH")
                and s.value.strip().lower() in TRUE
            ),
            None,
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "client": self.client,
            "client_version": self.version,
            "provider": self.provider,
            "endpoint": self.endpoint,
            "auth": self.auth,
            "credential": self.credential.as_json() if self.credential else None,
            "model": self.model.as_json() if self.model else None,
            "small_model": self.small_model.as_json() if self.small_model else None,
            "region": self.region.value if self.region else None,
            "project": self.project.value if self.project else None,
            "settings": [s.as_json() for s in self.settings],
        }


def endpoint_of(url: str) -> str | None:
    """`scheme://host[:port][/path]` of a URL: userinfo, query and fragment dropped."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # an unclosed IPv6 bracket: no endpoint any client could reach
        return None
    if not parts.scheme or not parts.hostname:
        return None
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{host}{port}{parts.path.rstrip('/')}"


def host_of(url: str | None) -> str:
    try:
        return (urlsplit(url).hostname or "").lower() if url else ""
    except ValueError:
        return ""


class _Reader:
    """Looks settings up in the order one client reads them, remembering each for the route."""

    def __init__(
        self, settings: Settings, order: tuple[str, ...], ignored: Mapping[str, tuple[str, ...]] = {}
    ) -> None:
        self.settings = settings
        self.order = order
        self.ignored = ignored  # source ID → names the client does not take from that source
        self.used: dict[str, Setting] = {}

    def get(self, name: str, *, secret: bool = False, key: str | None = None) -> Setting | None:
        hits: list[tuple[str, Origin]] = []
        for sid in self.order:
            src = self.settings.sources.get(sid)
            if src is None or (key or name) in self.ignored.get(sid, ()):
                continue
            value = src.values.get(key or name)
            if value is None or (isinstance(value, str) and not value.strip() and sid == "env"):
                continue
            origin = Origin(src.path or "env", src.lines.get(key or name)) if src.path else Origin("env")
            hits.append((value, origin))
        if not hits:
            return None
        value, origin = hits[0]
        s = Setting(name, value, origin, tuple(o for _, o in hits[1:]), secret or _secret_name(name))
        self.used[name] = s
        return s

    def on(self, name: str) -> Setting | None:
        s = self.get(name)
        return s if s and s.value.strip().lower() in TRUE else None

    def filled(self, name: str) -> Setting | None:
        """A credential setting that sends something: a settings file's `""` blanks the shell's value
        (the documented way to keep a shell key from a gateway) and sends nothing itself."""
        s = self.get(name)
        return s if s and s.value.strip() else None


def _secret_name(name: str) -> bool:
    from generator.secrets import is_secret_name

    return is_secret_name(name) and name not in ("apiKeyHelper",)


def _as_sent(model: Setting | None) -> ModelChoice | None:
    """A model setting of a client that sends it unchanged (no aliases, no defaults)."""
    if model is None:
        return None
    return ModelChoice(model.value.strip(), model.value.strip(), model.name, model.origin)


def _credential(s: Setting) -> Credential:
    value = s.value.strip()
    return Credential(s.name, mask(value), fingerprint(value), s.origin)


# ---- model facts from the plan ---------------------------------------------------------------


class Facts(NamedTuple):
    """The model facts routes need, from the compiled plan (`guides/models.yaml`)."""

    claude_code: Mapping[str, Any]
    """Claude Code's aliases, provider → dialect, and its alias/default history per version."""
    rows: Mapping[str, Mapping[str, Any]]
    """Model row ID → the row (IDs in every dialect, retirement)."""
    regions: list[Mapping[str, Any]]
    """Region → inference-profile prefixes (and the one Claude Code picks), first match wins."""

    @classmethod
    def of(cls, plan: Mapping[str, Any]) -> Facts:
        data = plan_facts(plan)
        rows = {str(r["id"]): r for r in data["model_rows"]}
        return cls(data["claude_code"], rows, data["bedrock_regions"])

    def targets(self, version: str | None, provider: str) -> dict[str, str]:
        """Alias / `default` / `small` → model row ID for a Claude Code version on a provider: for each
        key, the newest history row at or below the version that names it (unknown version: the newest)."""
        key = provider if provider in (self.claude_code.get("providers") or {}) else "anthropic"
        found: dict[str, str] = {}
        versions = self.claude_code.get("versions")
        if versions:  # plan["models"]: one complete table per version, newest first
            ordered = sorted(versions, key=lambda v: _version_key(str(v.get("since", "0"))), reverse=True)
            for row in ordered:
                if version and _version_key(str(row.get("since", "0"))) > _version_key(version):
                    continue
                table = row.get(key)
                if isinstance(table, dict):
                    return {str(a): str(t) for a, t in table.items()}
            return {}
        for row in self.claude_code.get("history") or []:
            since = str(row.get("since", "0"))
            if version and _version_key(since) > _version_key(version):
                continue
            if key not in (row.get("providers") or []):
                continue
            for alias, target in (row.get("targets") or {}).items():
                found.setdefault(str(alias), str(target))
        return found

    def model_id(self, row_id: str, provider: str, region: str | None) -> str | None:
        """A model row's ID in the dialect Claude Code sends on a provider (Bedrock: with the region's prefix)."""
        row = self.rows.get(row_id) or self.row_of(row_id)
        dialect = (self.claude_code.get("providers") or {}).get(provider, "anthropic")
        if row is None:
            return row_id  # an ID the table does not hold: sent as written
        value = row.get(dialect)
        if dialect == "bedrock" and value:
            prefix = self.claude_prefix(region or "us-east-1")
            if prefix:  # Claude Code picks the region's prefix itself, whatever the row lists
                return f"{prefix}.{value}"
            if "global" in (row.get("bedrock_prefixes") or []):
                return f"global.{value}"
        return str(value) if value else None

    def row_of(self, model: str) -> Mapping[str, Any] | None:
        """The row holding an ID in any dialect (the compiled tables may name IDs instead of rows)."""
        for row in self.rows.values():
            if model in (
                row.get(c) for c in ("anthropic", "bedrock", "vertex", "mantle", "foundry", "openrouter")
            ):
                return row
        return None

    def claude_prefix(self, region: str) -> str | None:
        for rule in self.regions:
            if region.startswith(str(rule.get("region", ""))):
                return rule.get("claude_code")
        return None


def plan_facts(plan: Mapping[str, Any]) -> dict[str, Any]:
    """Model rows (every dialect's ID flattened onto the row), the Claude Code table and the region rule,
    from `plan["models"]` (empty when the guides have no model table)."""
    models = plan.get("models")
    if isinstance(models, dict) and isinstance(models.get("rows"), dict):
        rows = []
        for row_id, row in models["rows"].items():
            flat = {k: v for k, v in row.items() if k != "ids"}
            flat.update(row.get("ids") or {})
            flat["id"] = row_id
            rows.append(flat)
        cc = models.get("claude_code")
        return {
            "model_rows": rows,
            "claude_code": cc if isinstance(cc, dict) else {},
            "bedrock_regions": list(models.get("bedrock_regions") or []),
        }
    return {"shapes": {}, "model_rows": [], "claude_code": {}, "bedrock_regions": []}


def _version_key(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", v)[:4]) or (0,)


# ---- Claude Code -------------------------------------------------------------------------------


def claude_version(environ: Mapping[str, str], home: Path) -> tuple[str | None, str | None]:
    """The installed Claude Code version from its package files on PATH (never by running it).

    npm installs link `claude` to `<pkg>/bin/claude.exe` or `<pkg>/cli.js` beside a package.json;
    the native installer links it to `~/.local/share/claude/versions/<version>`.
    """
    import json
    import os

    for folder in (environ.get("PATH") or "").split(os.pathsep):
        if not folder:
            continue
        candidate = Path(folder) / "claude"
        try:
            if not candidate.exists():
                continue
            real = candidate.resolve()
        except OSError:
            continue
        if real.parent.name == "versions" and re.fullmatch(r"\d+\.\d+\.\d+\S*", real.name):
            return real.name, str(real)
        for parent in list(real.parents)[:4]:
            pkg = parent / "package.json"
            try:
                if not pkg.is_file() or pkg.stat().st_size > 200_000:
                    continue
                data = json.loads(pkg.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(data, dict) and str(data.get("name", "")).startswith("@anthropic-ai/claude-code"):
                version = data.get("version")
                return (str(version) if version else None), str(candidate)
        return None, str(candidate)
    return None, None


def _claude_used(env: Environment, binary: str | None) -> bool:
    if binary:
        return True
    from generator.check.sources import claude_folders

    settings = env.settings
    # Claude Code leaves its state (~/.claude.json) and a /login's credentials behind even when no
    # settings file exists; either means the reader uses it. Only their presence is read, in the home
    # folder and in $CLAUDE_CONFIG_DIR, the folder Claude Code uses instead when it is set.
    folder, state = claude_folders(env.vars, env.home)
    markers = [env.home / ".claude.json", env.home / ".claude" / ".credentials.json"]
    markers += [p for p in (state, folder / ".credentials.json") if p not in markers]
    for marker in markers:
        try:
            if marker.is_file():
                return True
        except OSError:
            continue
    for sid in ("claude-user", "claude-project", "claude-local"):
        src = settings.sources.get(sid)
        if src is not None and src.exists:
            return True
    shell = settings.sources["env"].values
    return any(k.startswith("CLAUDE_CODE_") for k in shell) or any(
        shell.get(k)
        for k in ("ANTHROPIC_MODEL", "ANTHROPIC_DEFAULT_SONNET_MODEL", "ANTHROPIC_SMALL_FAST_MODEL")
    )


def _model(
    r: _Reader,
    facts: Facts,
    version: str | None,
    provider: str,
    region: str | None,
    gateway_small: bool = False,
    flag_model: str | None = None,
    remap: bool = False,
) -> tuple[ModelChoice | None, ModelChoice | None]:
    targets = facts.targets(version, provider)

    def resolve(key: str) -> str | None:
        row_id = targets.get(key)
        return facts.model_id(row_id, provider, region) if row_id and row_id != "main" else None

    main = (
        Setting("--model", flag_model, Origin("flag"))
        if flag_model
        else r.get("ANTHROPIC_MODEL") or r.get("model", key="model")
    )
    if main is not None:
        value = main.value.strip()
        resolved, known, override = _alias(r, value, facts.claude_code, resolve)
        row = facts.row_of(resolved)
        if row is not None and resolved == row.get("anthropic"):
            if provider in ("bedrock", "vertex", "mantle", "foundry"):
                # A Claude API ID is translated to the provider's own ID (observed on Bedrock, 2.1.328).
                resolved = facts.model_id(str(row.get("id")), provider, region) or resolved
            elif remap and row.get("status") == "retired" and row.get("family") == "opus":
                # Observed for Opus 4.1 only; retired Sonnet IDs went out unchanged (2.1.328).
                # Legacy remap: a retired ID is sent as the current model of its family.
                resolved = resolve(str(row["family"])) or resolved
        # An ANTHROPIC_DEFAULT_*_MODEL behind the alias is where the ID sent is set (and fixed).
        at = override or main
        model = ModelChoice(value, resolved, at.name, at.origin, known)
    else:
        # ANTHROPIC_DEFAULT_OPUS_MODEL alone also replaces the default model (observed in 2.1.328).
        opus = r.get("ANTHROPIC_DEFAULT_OPUS_MODEL")
        if opus is not None:
            model = ModelChoice("default", opus.value.strip(), opus.name, opus.origin)
        else:
            default = resolve("default")
            model = ModelChoice("default", default or "", None, Origin("default"), bool(default))
    # The deprecated ANTHROPIC_SMALL_FAST_MODEL wins over ANTHROPIC_DEFAULT_HAIKU_MODEL.
    small = r.get("ANTHROPIC_SMALL_FAST_MODEL") or r.get("ANTHROPIC_DEFAULT_HAIKU_MODEL")
    same_as_main = (
        gateway_small
        or targets.get("small") == "main"
        or (main is not None and provider in ("bedrock", "vertex", "mantle", "foundry"))
    )
    if small is not None:
        small_model = ModelChoice(small.value.strip(), small.value.strip(), small.name, small.origin)
    elif same_as_main:
        small_model = ModelChoice("main", model.resolved, model.setting, model.origin, model.known)
    else:
        target = resolve("small")
        small_model = ModelChoice("small", target or "", None, Origin("default"), bool(target))
    return model, small_model


def _alias(r: _Reader, value: str, cc: Mapping[str, Any], resolve: Any) -> tuple[str, bool, Setting | None]:
    """An alias (`sonnet`, `opus[1m]`) → the ID sent: the ANTHROPIC_DEFAULT_*_MODEL override (returned too),
    else the table."""
    # The `[1m]` suffix selects the long context window; the ID sent goes without it.
    # Observed for `sonnet[1m]`; the docs put the suffix on full IDs too, and the ID goes without it.
    base = value[:-4] if value.lower().endswith("[1m]") else value
    name = base.lower()
    if name not in (cc.get("aliases") or ()):
        return base, True, None
    family = (cc.get("families") or {}).get(name)
    override = r.get(f"ANTHROPIC_DEFAULT_{family.upper()}_MODEL") if family else None
    if override is not None:
        return override.value.strip(), True, override
    target = resolve(name) or (resolve(family) if family else None)
    return (target, True, None) if target else (value, False, None)


def claude_route(
    env: Environment, facts: Facts, forced: bool, flag_model: str | None = None, assume: str | None = None
) -> Route | None:
    """Claude Code's request, with the precedence observed in the real client (tests/fixtures/routes/FACTS.md)."""
    settings = env.settings
    version, binary = claude_version(env.vars, env.home)
    if not forced and not _claude_used(env, binary):
        return None
    r = _Reader(settings, CLAUDE)
    provider = "anthropic"
    for var, name in SWITCHES:
        if r.on(var):
            provider = name
            break
    else:
        # `check bedrock` with no switch set: show the route as it would be once the switch is on.
        provider = assume or provider
    region = project = None
    credential: Credential | None = None
    auth = "unknown"
    endpoint: str | None = None
    gateway_small = False
    anthropic_key = False  # an `sk-ant-api` key (and no token) authenticates the first-party request
    if provider in ("bedrock", "mantle", "anthropic-aws"):
        # AWS_REGION, then AWS_DEFAULT_REGION, then the AWS profile's `region` (observed:
        # `bedrock-profile-region`), then us-east-1.
        region = r.get("AWS_REGION") or r.get("AWS_DEFAULT_REGION") or _profile_region(env, r)
        name = region.value.strip() if region else "us-east-1"
        if region is None:
            region = Setting("AWS_REGION", name, Origin("default"))
        base_var, skip_var, default_url = {
            "bedrock": (
                "ANTHROPIC_BEDROCK_BASE_URL",
                "CLAUDE_CODE_SKIP_BEDROCK_AUTH",
                f"https://bedrock-runtime.{name}.amazonaws.com",
            ),
            "mantle": (
                "ANTHROPIC_BEDROCK_MANTLE_BASE_URL",
                "CLAUDE_CODE_SKIP_MANTLE_AUTH",
                f"https://bedrock-mantle.{name}.api.aws/anthropic",
            ),
            "anthropic-aws": ("ANTHROPIC_AWS_BASE_URL", "CLAUDE_CODE_SKIP_ANTHROPIC_AWS_AUTH", None),
        }[provider]
        base = r.get(base_var)
        endpoint = endpoint_of(base.value) if base else default_url
        bearer = r.filled("AWS_BEARER_TOKEN_BEDROCK") if provider != "anthropic-aws" else None
        aws_key = r.filled("ANTHROPIC_AWS_API_KEY") if provider == "anthropic-aws" else None
        if r.on(skip_var):
            auth = "none"
        elif aws_key:
            auth, credential = "x-api-key", _credential(aws_key)
        elif bearer:
            auth, credential = "bearer", _credential(bearer)
        else:
            auth = "aws-sigv4"
            credential = _aws_credential(env, r)
    elif provider in ("vertex", "anthropic-google-cloud"):
        if provider == "vertex":
            region = r.get("CLOUD_ML_REGION") or Setting("CLOUD_ML_REGION", "us-east5", Origin("default"))
            # Only ANTHROPIC_VERTEX_PROJECT_ID, unless the credentials are asked (below).
            project = r.get("ANTHROPIC_VERTEX_PROJECT_ID")
            name = region.value.strip()
            # The request path starts /v1/projects/… on Google's host, /projects/… under a base URL.
            host = _vertex_host(name)
            base = r.get("ANTHROPIC_VERTEX_BASE_URL")
            skip_var = "CLAUDE_CODE_SKIP_VERTEX_AUTH"
            endpoint = endpoint_of(base.value) if base else host
        else:
            base = r.get("ANTHROPIC_GOOGLE_CLOUD_BASE_URL")
            skip_var = "CLAUDE_CODE_SKIP_ANTHROPIC_GOOGLE_CLOUD_AUTH"
            endpoint = endpoint_of(base.value) if base else None
        if r.on(skip_var):
            auth = "none"
        else:
            auth = "google-oauth"
            if provider == "vertex" and project is None:
                # The Vertex SDK asks google-auth for the project only when ANTHROPIC_VERTEX_PROJECT_ID is
                # unset (under SKIP auth it never does: `vertex-project-from-google-cloud-project`).
                project = (
                    r.get("GCLOUD_PROJECT") or r.get("GOOGLE_CLOUD_PROJECT") or _credentials_project(env, r)
                )
            credential = _google_credential(env, r)
    elif provider == "foundry":
        base = r.get("ANTHROPIC_FOUNDRY_BASE_URL")
        resource = r.get("ANTHROPIC_FOUNDRY_RESOURCE")
        if base:
            endpoint = endpoint_of(base.value)
        elif resource:
            endpoint = f"https://{resource.value.strip()}.services.ai.azure.com/anthropic"
        key = r.filled("ANTHROPIC_FOUNDRY_API_KEY")
        if r.on("CLAUDE_CODE_SKIP_FOUNDRY_AUTH"):
            auth = "none"
        elif key:
            auth, credential = "x-api-key", _credential(key)
        else:
            auth = "bearer"  # Microsoft Entra ID through the Azure credential chain
    else:
        base = r.get("ANTHROPIC_BASE_URL")
        endpoint = endpoint_of(base.value) if base else DEFAULT_HOSTS["anthropic"]
        host = host_of(endpoint)
        if host == "openrouter.ai" or host.endswith(".openrouter.ai"):
            provider = "openrouter"
        elif base and host != "api.anthropic.com":
            provider = "gateway"
        token = r.filled("ANTHROPIC_AUTH_TOKEN")
        key = r.filled("ANTHROPIC_API_KEY")
        helper = r.filled("apiKeyHelper")
        oauth = r.filled("CLAUDE_CODE_OAUTH_TOKEN")
        # With both set, both headers go out; the route names the x-api-key one.
        if key:
            auth, credential = "x-api-key", _credential(key)
        elif token:
            auth, credential = "bearer", _credential(token)
        elif helper:
            auth, credential = "x-api-key", Credential("apiKeyHelper", None, None, helper.origin)
        elif oauth:
            auth, credential = "bearer", _credential(oauth)
        else:
            auth, credential = claude_login(env)
        # Through a gateway the background model is the main one, unless an Anthropic-shaped key (and
        # no token) is what authenticates.
        anthropic_key = bool(key and key.value.strip().startswith("sk-ant-api") and not token)
        gateway_small = bool(base and host != "api.anthropic.com" and not anthropic_key)
    # The legacy remap goes by the ID, not by the credential: observed with a key and through a gateway
    # token alike (`legacy-remap-opus-4-1`, `legacy-opus-4-1-token`).
    remap = provider in ("anthropic", "gateway", "openrouter") and not r.on(
        "CLAUDE_CODE_DISABLE_LEGACY_MODEL_REMAP"
    )
    model, small = _model(
        r,
        facts,
        version,
        provider,
        region.value.strip() if region else None,
        gateway_small,
        flag_model,
        remap,
    )
    if provider == "vertex" and model is not None:
        # VERTEX_REGION_CLAUDE_<version>_<family> moves that model's calls to another region.
        override = _vertex_region(r, facts, model.resolved)
        if override is not None:
            region = override
            if r.used.get("ANTHROPIC_VERTEX_BASE_URL") is None:
                # Without a base URL the host is the region's own, so it moves with the region.
                endpoint = _vertex_host(override.value.strip())
    return Route(
        "claude-code",
        provider,
        endpoint,
        auth,
        credential,
        model,
        small,
        region,
        project,
        tuple(r.used.values()),
        version,
        forced,
    )


def _vertex_host(region: str) -> str:
    """Vertex AI's host for a region: the global endpoint has no region in its name."""
    return (
        "https://aiplatform.googleapis.com"
        if region == "global"
        else f"https://{region}-aiplatform.googleapis.com"
    )


def claude_login(env: Environment) -> tuple[str, Credential | None]:
    """What a `/login` left behind: a Claude subscription's OAuth token in `.credentials.json` (sent as a
    bearer token), else a Console login's API key, kept as `primaryApiKey` in the state file (x-api-key)."""
    from generator.check.sources import claude_folders, display

    folder, state = claude_folders(env.vars, env.home)
    login = folder / ".credentials.json"
    try:
        if login.is_file():
            shown = display(login, env.home, env.cwd)
            return "bearer", Credential("/login", None, None, Origin(shown))
    except OSError:
        pass
    from generator.check.files import read_json

    f = read_json(state, env.home, env.cwd)
    key = f.data.get("primaryApiKey") if isinstance(f.data, dict) else None
    if isinstance(key, str) and key.strip():
        return "x-api-key", Credential(
            "primaryApiKey", mask(key.strip()), fingerprint(key.strip()), Origin(f.path)
        )
    return "none", None


def _credentials_project(env: Environment, r: _Reader) -> Setting | None:
    """The `project_id` of the credentials file GOOGLE_APPLICATION_CREDENTIALS names (read as data)."""
    from generator.check.files import read_json

    named = r.get("GOOGLE_APPLICATION_CREDENTIALS")
    if named is None or not named.value.strip():
        return None
    f = read_json(Path(named.value.strip()).expanduser(), env.home, env.cwd)
    project = (f.data or {}).get("project_id") if isinstance(f.data, dict) else None
    if not isinstance(project, str) or not project.strip():
        return None
    found = Setting("project_id", project.strip(), Origin(f.path))
    r.used["project_id"] = found
    return found


def _vertex_region(r: _Reader, facts: Facts, model: str) -> Setting | None:
    row = facts.row_of(model)
    name = str(row.get("id")) if row else model.split("@")[0]
    m = re.match(
        r"^claude-(?:(opus|sonnet|haiku|fable)-)?(\d+(?:-\d+)?)(?:-(opus|sonnet|haiku|fable))?", name
    )
    if not m:
        return None
    family = m.group(1) or m.group(3)
    if not family:
        return None
    return r.get(f"VERTEX_REGION_CLAUDE_{m.group(2).replace('-', '_')}_{family.upper()}")


def _profile_region(env: Environment, r: _Reader) -> Setting | None:
    """The `region` of the AWS profile in use (AWS_PROFILE, else `default`) in the AWS config file."""
    from generator.check.files import aws_files, config_section

    profile = r.get("AWS_PROFILE")
    name = profile.value.strip() if profile else "default"
    _, config = aws_files(env.vars, env.home, env.cwd)
    section = config_section(name)
    value = ((config.data or {}).get(section) or {}).get("region")
    if not value:
        return None
    found = Setting("region", str(value).strip(), Origin(config.path))
    r.used["region"] = found
    return found


def _aws_credential(env: Environment, r: _Reader) -> Credential | None:
    key_id = r.get("AWS_ACCESS_KEY_ID", secret=True)
    if key_id:
        return _credential(key_id)
    profile = r.get("AWS_PROFILE")
    name = profile.value.strip() if profile else "default"
    from generator.check.files import aws_files, config_section

    creds, config = aws_files(env.vars, env.home, env.cwd)
    section = (creds.data or {}).get(name) or {}
    if section.get("aws_access_key_id"):
        value = section["aws_access_key_id"]
        return Credential(f"[{name}] aws_access_key_id", mask(value), fingerprint(value), Origin(creds.path))
    heading = config_section(name)
    conf = (config.data or {}).get(heading)
    if conf and conf.get("aws_access_key_id"):  # the SDKs read static keys from the config file too
        value = conf["aws_access_key_id"]
        return Credential(
            f"[{heading}] aws_access_key_id", mask(value), fingerprint(value), Origin(config.path)
        )
    if conf:
        return Credential(f"profile {name}", None, None, Origin(config.path))
    return None


# ---- the SDKs, LiteLLM and OpenHands ----------------------------------------------------------------


def _shell_used(settings: Settings, names: tuple[str, ...]) -> bool:
    return any(settings.sources[s].values.get(n) for s in SHELL if s in settings.sources for n in names)


def anthropic_sdk_route(env: Environment, forced: bool) -> Route | None:
    names = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL")
    if not forced and not _shell_used(env.settings, names):
        return None
    r = _Reader(env.settings, SHELL)
    base = r.get("ANTHROPIC_BASE_URL")
    endpoint = endpoint_of(base.value) if base else DEFAULT_HOSTS["anthropic"]
    provider = _provider_of_host(endpoint, "anthropic", "api.anthropic.com")
    key, token = r.get("ANTHROPIC_API_KEY"), r.get("ANTHROPIC_AUTH_TOKEN")
    # The Python SDK sends the API key as `Authorization: Bearer` (anthropic 2.16.0, observed); with both
    # set, the one header carries the key.
    chosen = key or token
    auth, credential = ("bearer", _credential(chosen)) if chosen else ("none", None)
    return Route(
        "anthropic-sdk",
        provider,
        endpoint,
        auth,
        credential,
        None,
        settings=tuple(r.used.values()),
        forced=forced,
    )


def openai_sdk_route(env: Environment, forced: bool, assume: str | None = None) -> Route | None:
    if not forced and not _shell_used(env.settings, ("OPENAI_API_KEY", "OPENAI_BASE_URL")):
        return None
    r = _Reader(env.settings, SHELL)
    base = r.get("OPENAI_BASE_URL")
    default = DEFAULT_HOSTS["openai"]
    if assume and not _shell_used(env.settings, ("OPENAI_API_KEY", "OPENAI_BASE_URL")):
        # `check openrouter` with nothing set: the route as it is once the SDK points at OpenRouter.
        default = DEFAULT_HOSTS[assume]
    endpoint = endpoint_of(base.value) if base else default
    provider = _provider_of_host(endpoint, "openai", "api.openai.com")
    key = r.get("OPENAI_API_KEY")
    model = r.get("OPENAI_MODEL")
    choice = _as_sent(model)
    return Route(
        "openai-sdk",
        provider,
        endpoint,
        "bearer" if key else "none",
        _credential(key) if key else None,
        choice,
        settings=tuple(r.used.values()),
        forced=forced,
    )


def _provider_of_host(endpoint: str | None, own: str, own_host: str) -> str:
    host = host_of(endpoint)
    if host == "openrouter.ai" or host.endswith(".openrouter.ai"):
        return "openrouter"
    if host == "api.openai.com":
        return "openai"
    if host == "api.anthropic.com":
        return "anthropic"
    return own if host == own_host else "gateway"


def _litellm_style(
    env: Environment,
    client: str,
    r: _Reader,
    model_var: str,
    key_var: str | None,
    base_var: str | None,
    forced: bool,
) -> Route | None:
    model = r.get(model_var)
    value = model.value.strip() if model else ""
    prefix, _, rest = value.partition("/")
    if not rest and value.startswith("claude-"):
        prefix, rest = "anthropic", value  # LiteLLM sends bare Claude IDs to Anthropic
    if not value and client == "litellm-sdk":
        # The model is in code: the provider whose key is set is the one the call can reach.
        for name in ("openrouter", "anthropic", "openai"):
            own = LITELLM_PROVIDERS[name][1]
            if own and r.get(own) is not None:
                prefix, rest = name, name
                break
    provider, own_key, own_base = (
        LITELLM_PROVIDERS.get(prefix, ("unknown", None, None)) if rest else ("unknown", None, None)
    )
    key = (r.get(key_var) if key_var else None) or (r.get(own_key) if own_key else None)
    base = (r.get(base_var) if base_var else None) or (r.get(own_base) if own_base else None)
    alt_base = {"anthropic": "ANTHROPIC_BASE_URL", "openai": "OPENAI_API_BASE"}.get(prefix)
    if base is None and alt_base:
        base = r.get(alt_base)
    default = {
        "anthropic": DEFAULT_HOSTS["anthropic"],
        "openrouter": DEFAULT_HOSTS["openrouter"],
        "openai": DEFAULT_HOSTS["openai"],
    }.get(provider)
    endpoint = endpoint_of(base.value) if base else default
    auth = {"anthropic": "x-api-key", "bedrock": "aws-sigv4", "vertex": "google-oauth"}.get(
        provider, "bearer"
    )
    if base and provider in ("anthropic", "openai", "openrouter"):
        provider = _provider_of_host(endpoint, provider, host_of(default))
    if key is None and auth in ("x-api-key", "bearer"):
        auth = "none"
    choice = ModelChoice(value, rest or value, model.name, model.origin) if model else None
    credential = _credential(key) if key else None
    region = project = None
    if provider == "bedrock":
        endpoint, auth, credential, region = _litellm_bedrock(env, r, model, (rest or "").strip())
    elif provider == "vertex":
        endpoint, auth, credential, region, project = _litellm_vertex(env, r)
    return Route(
        client,
        provider,
        endpoint,
        auth,
        credential,
        choice,
        region=region,
        project=project,
        settings=tuple(r.used.values()),
        forced=forced,
    )


def _litellm_bedrock(
    env: Environment, r: _Reader, setting: Setting | None, model: str
) -> tuple[str | None, str, Credential | None, Setting]:
    """LiteLLM's Bedrock request (litellm 1.108.7, llms/bedrock/base_aws_llm.py): the region of a model
    ARN, else AWS_REGION_NAME, AWS_REGION, then boto3's own (AWS_DEFAULT_REGION, the profile), else
    us-west-2; AWS_BEDROCK_RUNTIME_ENDPOINT or the region's runtime host; AWS_BEARER_TOKEN_BEDROCK as a
    bearer token, else SigV4 with boto3's credential chain."""
    arn = re.match(r"arn:aws[\w-]*:bedrock:([a-z0-9-]+):", model)
    region = (
        (Setting(setting.name, arn.group(1), setting.origin) if arn and setting else None)
        or r.get("AWS_REGION_NAME")
        or r.get("AWS_REGION")
        or r.get("AWS_DEFAULT_REGION")
        or _profile_region(env, r)
        or Setting("AWS_REGION_NAME", "us-west-2", Origin("default"))
    )
    base = r.get("AWS_BEDROCK_RUNTIME_ENDPOINT")
    name = region.value.strip()
    endpoint = endpoint_of(base.value) if base else f"https://bedrock-runtime.{name}.amazonaws.com"
    bearer = r.filled("AWS_BEARER_TOKEN_BEDROCK")
    if bearer:
        return endpoint, "bearer", _credential(bearer), region
    return endpoint, "aws-sigv4", _aws_credential(env, r), region


def _litellm_vertex(
    env: Environment, r: _Reader
) -> tuple[str | None, str, Credential | None, Setting, Setting | None]:
    """LiteLLM's Vertex AI request (litellm 1.108.7, main.py `_complete_vertex_ai`): VERTEXAI_PROJECT, else
    the credentials' project; VERTEXAI_LOCATION, else us-central1; Application Default Credentials."""
    project = r.get("VERTEXAI_PROJECT") or _credentials_project(env, r)
    region = r.get("VERTEXAI_LOCATION") or Setting("VERTEXAI_LOCATION", "us-central1", Origin("default"))
    endpoint = _vertex_host(region.value.strip())
    credential = _google_credential(env, r)
    return endpoint, "google-oauth", credential, region, project


def _google_credential(env: Environment, r: _Reader) -> Credential | None:
    """The Application Default Credentials google-auth finds: the file GOOGLE_APPLICATION_CREDENTIALS
    names, else gcloud's ADC file (the secret itself is never read)."""
    adc = r.get("GOOGLE_APPLICATION_CREDENTIALS")
    if adc:
        return Credential(adc.name, None, None, adc.origin)
    if (env.home / ".config" / "gcloud" / "application_default_credentials.json").is_file():
        return Credential("ADC", None, None, Origin("~/.config/gcloud/application_default_credentials.json"))
    return None


def openhands_route(env: Environment, forced: bool) -> Route | None:
    toml = env.settings.sources.get("openhands-toml")
    agent = env.settings.sources.get("openhands-agent")
    names = ("LLM_MODEL", "LLM_API_KEY", "LLM_BASE_URL")
    v1 = bool(agent and agent.exists and (agent.values or agent.problem))
    used = _shell_used(env.settings, names) or bool(toml and toml.exists) or v1
    if not forced and not used:
        return None
    if v1:
        # The V1 CLI takes its LLM from ~/.openhands/agent_settings.json and ignores the LLM_* variables
        # unless run with --override-with-envs (guides/openhands.yaml env-ignored-by-cli); the LiteLLM
        # inside it still reads the providers' own variables (AWS_*, VERTEXAI_*) from the environment.
        reader = _Reader(env.settings, ("openhands-agent", "env"), {"env": names})
    else:
        reader = _Reader(env.settings, OPENHANDS)
    return _litellm_style(env, "openhands", reader, "LLM_MODEL", "LLM_API_KEY", "LLM_BASE_URL", forced)


def litellm_sdk_route(env: Environment, forced: bool) -> Route | None:
    # OPENROUTER_* are read by LiteLLM (`openrouter/` models), not by the OpenAI SDK.
    names = ("LITELLM_MODEL", "OPENROUTER_API_KEY", "OPENROUTER_API_BASE", "OPENROUTER_MODEL")
    if not forced and not _shell_used(env.settings, names):
        return None
    return _litellm_style(
        env, "litellm-sdk", _Reader(env.settings, SHELL), "LITELLM_MODEL", None, None, forced
    )


def litellm_proxy_route(env: Environment, forced: bool) -> Route | None:
    names = (
        "LITELLM_PROXY_URL",
        "LITELLM_API_KEY",
        "LITELLM_CONFIG",
        "LITELLM_MASTER_KEY",
        "LITELLM_PROXY_MODEL",
    )
    if not forced and not _shell_used(env.settings, names):
        from generator.check.files import find_litellm_config

        # A proxy config (`model_list`) in the working folder is where the proxy runs from (QA D26).
        if find_litellm_config(None, env.cwd) is None:
            return None
    r = _Reader(env.settings, SHELL)
    base = r.get("LITELLM_PROXY_URL")
    key = r.get("LITELLM_API_KEY")
    model = r.get("LITELLM_PROXY_MODEL")
    choice = _as_sent(model)
    return Route(
        "litellm-proxy",
        "gateway",
        endpoint_of(base.value) if base else DEFAULT_HOSTS["litellm-proxy"],
        "bearer" if key else "none",
        _credential(key) if key else None,
        choice,
        settings=tuple(r.used.values()),
        forced=forced,
    )


def resolve_routes(
    env: Environment,
    plan: Mapping[str, Any],
    targets: list[str] | tuple[str, ...] = (),
    model: str | None = None,
) -> list[Route]:
    """Every route the reader uses (and those a named target forces), Claude Code first."""
    named = {t.split("/", 1)[0] for t in targets}
    forced = {c for t in named for c in TARGET_CLIENTS.get(t, ())}
    facts = Facts.of(plan)
    routes = [
        claude_route(
            env,
            facts,
            "claude-code" in forced,
            model,
            next((t for t in ("bedrock", "vertex") if t in named), None),
        ),
        anthropic_sdk_route(env, "anthropic-sdk" in forced),
        openai_sdk_route(env, "openai-sdk" in forced, "openrouter" if "openrouter" in named else None),
        litellm_sdk_route(env, "litellm-sdk" in forced),
        litellm_proxy_route(env, "litellm-proxy" in forced),
        openhands_route(env, "openhands" in forced),
    ]
    return [r for r in routes if r is not None]


def guide_in_use(provider: str, routes: list[Route], selectors: list[str] | None = None) -> bool:
    """Whether a guide's check matters on one of the routes (its own `route` selectors, else the guide's)."""
    chosen = selectors or GUIDE_ROUTES.get(provider)
    if chosen is None:
        return True  # a guide the product does not know yet: never hide its checks
    return any(route.matches(sel) for route in routes for sel in chosen)
