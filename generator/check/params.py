"""Parameters of each probe kind, as plain dataclasses.

Only validation (`catalogue`) and type hints need these classes; `check` hands probes the plan's
already validated parameters and never imports this module, because building two dozen
dataclasses costs more start-up than the rest of an offline run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# The catalogue validates these with pydantic, which honours `__pydantic_config__`.


def _at_least(items: list[str], n: int) -> None:
    # pydantic reports a ValueError raised here as a problem at the field's line.
    if len(items) < n:
        raise ValueError(f"needs at least {n} item(s)")


def _env() -> list[str]:
    return ["env"]


def _claude_env() -> list[str]:
    return ["claude-local", "claude-project", "claude-user", "env"]


@dataclass(frozen=True, kw_only=True)
class Params:
    """Base of every probe's parameters."""

    __pydantic_config__ = {"extra": "forbid", "use_attribute_docstrings": True}

    route: list[str] = field(default_factory=list)
    """Routes this check matters on, as `client:provider` (`claude-code:bedrock`, `*:vertex`); empty: the
    guide's own routes. On a machine where none of them is in use, the check is reported as not in use."""


@dataclass(frozen=True, kw_only=True)
class SettingParams(Params):
    """Parameters of probes that read one setting."""

    var: str
    """The setting's name as an environment variable (`ANTHROPIC_API_KEY`)."""
    sources: list[str] = field(default_factory=_env)
    """Where the reader's tool looks for it, highest precedence first (see `SOURCE_IDS`)."""
    secret: bool = False
    """Mask the value in every output."""


@dataclass(frozen=True, kw_only=True)
class KeyShapeParams(SettingParams):
    """Parameters of `key-shape`."""

    secret: bool = True
    """Keys are always masked."""
    prefixes: list[str] = field(default_factory=list)
    """Prefixes a valid key starts with (empty: any prefix is fine, e.g. gateway tokens)."""
    wrong_prefixes: dict[str, str] = field(default_factory=dict)
    """Prefix of a credential that does not belong here → the outcome to report for it."""


@dataclass(frozen=True, kw_only=True)
class ConflictParams(Params):
    """Parameters of `settings-conflict`."""

    vars: list[str]
    """Settings that should not be set together (at least two)."""
    sources: list[str] = field(default_factory=_env)
    """Where the reader's tool looks for them, highest precedence first."""

    def __post_init__(self) -> None:
        _at_least(self.vars, 2)


@dataclass(frozen=True, kw_only=True)
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
    default_key: dict[str, str] = field(default_factory=dict)
    """`{var, prefix}`: when the setting is unset and that key starts with `prefix`, judge the default URL
    against `wrong_hosts` too (an OpenRouter key sent to the SDK's default host)."""


@dataclass(frozen=True, kw_only=True)
class ModelParams(SettingParams):
    """Parameters of `model-id`."""

    dialect: Literal["anthropic", "bedrock", "mantle", "vertex", "foundry", "openrouter", "litellm"]
    """The model-ID dialect the tool expects (a column of `guides/models.yaml`; litellm = `route/model`)."""
    default: str | None = None
    """What the tool uses when unset; reported as such."""
    dialect_flags: dict[str, str] = field(default_factory=dict)
    """Setting → dialect used instead while that setting is 1/true (`CLAUDE_CODE_USE_BEDROCK: bedrock`)."""


@dataclass(frozen=True, kw_only=True)
class DeprecatedParams(SettingParams):
    """Parameters of `deprecated-setting`."""

    replacement: str
    """The setting that replaces it."""


@dataclass(frozen=True, kw_only=True)
class ValueParams(SettingParams):
    """Parameters of `setting-value`."""

    pattern: str
    """Regular expression the whole value must match."""
    required: bool = False
    """Report `missing` (instead of `unset`) when nothing sets it."""


@dataclass(frozen=True, kw_only=True)
class FilesParams(Params):
    """Parameters of `config-files`."""

    files: list[str]
    """Source IDs whose files must parse (at least one)."""

    def __post_init__(self) -> None:
        _at_least(self.files, 1)


@dataclass(frozen=True, kw_only=True)
class HttpParams(Params):
    """Parameters of `http-json`, a free GET against the provider's API."""

    base_var: str | None = None
    """Setting that overrides the base URL."""
    base_default: str
    """Base URL when the setting is unset."""
    path: str
    """Path appended to the base URL (`/v1/models`)."""
    auth: Literal["x-api-key", "bearer", "none"] = "bearer"
    """How the client sends the key."""
    key_var: str | None = None
    """Setting that holds the key (sent as `auth` says)."""
    bearer_var: str | None = None
    """Setting sent as `Authorization: Bearer` in addition (Anthropic clients send both when both are set)."""
    sources: list[str] = field(default_factory=_env)
    """Where the tool reads its settings, highest precedence first."""
    headers: dict[str, str] = field(default_factory=dict)
    """Extra headers the real client sends (`anthropic-version`)."""
    model_var: str | None = None
    """Setting whose model ID must appear in the listed IDs."""
    list_field: str = "data"
    """Field of the JSON reply holding the list (dotted path); empty when the reply is not a list."""
    method: Literal["GET", "POST"] = "GET"
    """HTTP method; POST only for `http-paid` (a request that spends tokens)."""
    body: dict[str, Any] = field(default_factory=dict)
    """JSON body of a POST; the model setting's value goes into `model`."""
    model_default: str | None = None
    """Model sent in a POST body when the model setting is unset."""
    id_field: str = "id"
    """Field of each list item holding the ID."""
    budget_field: str | None = None
    """Field of the JSON reply holding a spending limit (dotted path, `info.max_budget`; null: no limit).
    Setting it adds the outcome `budget-exceeded`, reported when the spend reaches the limit."""
    spend_field: str | None = None
    """Field of the JSON reply holding the amount spent so far (dotted path, `info.spend`)."""


@dataclass(frozen=True, kw_only=True)
class AwsParams(Params):
    """Parameters of `aws-region` and `aws-credentials`."""

    sources: list[str] = field(default_factory=_claude_env)
    """Where the tool reads its settings, highest precedence first."""
    model_var: str | None = None
    """Setting holding the Bedrock model ID whose profile prefix must suit the region."""


@dataclass(frozen=True, kw_only=True)
class GcpParams(Params):
    """Parameters of `gcp-project` and `gcp-adc`."""

    sources: list[str] = field(default_factory=_claude_env)
    """Where the tool reads its settings, highest precedence first."""


@dataclass(frozen=True, kw_only=True)
class AgreeParams(Params):
    """Parameters of `settings-agree`."""

    vars: list[str]
    """Settings to compare (at least one)."""
    left: str = "env"
    """One source (the one that wins)."""
    right: str = "openhands-toml"
    """The other source."""

    def __post_init__(self) -> None:
        _at_least(self.vars, 1)


@dataclass(frozen=True, kw_only=True)
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


@dataclass(frozen=True, kw_only=True)
class CloudCallParams(Params):
    """Parameters of `aws-call` and `gcp-call` (free calls through the optional SDK extras)."""

    call: Literal["caller-identity", "inference-profiles", "adc-refresh"]
    """Which free call: STS caller identity, Bedrock inference-profile list, or an ADC token refresh."""
    sources: list[str] = field(default_factory=_claude_env)
    """Where the tool reads its settings, highest precedence first."""
    model_var: str | None = None
    """Setting whose inference-profile ID must be listed in the region (`inference-profiles`)."""


@dataclass(frozen=True, kw_only=True)
class RouteModelParams(Params):
    """Parameters of `route-model`: the model a route sends, judged in that route's dialect."""

    small: bool = False
    """Judge Claude Code's background (small) model instead of the main one."""
