"""The probe kinds a guide may use: their parameters, cost and the outcomes each can report.

This module only declares; the probes themselves live beside it and are imported lazily,
so `validate` and `list` never pay for httpx.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal


class Status(StrEnum):
    """How a finding ends, worst last."""

    PASS = "pass"
    SKIP = "skip"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"


Cost = Literal["local", "free-call", "paid-call"]

# Source IDs, in the order `check --sources` lists them. `name:VAR` in a `sources` list reads VAR
# from that source instead of the check's own variable (OpenHands' config.toml has no
# ANTHROPIC_API_KEY, but its `[llm] api_key` plays that part).
SOURCE_IDS = (
    "env",
    "dotenv",
    "claude-user",
    "claude-project",
    "claude-local",
    "openhands-toml",
)


# Plain dataclasses, so `check` can build them without importing pydantic; the catalogue validates
# them with pydantic (which honours `__pydantic_config__`) when guides are loaded.


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


@dataclass(frozen=True, kw_only=True)
class ModelParams(SettingParams):
    """Parameters of `model-id`."""

    dialect: Literal["anthropic", "bedrock", "vertex", "openrouter", "litellm"]
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


@dataclass(frozen=True)
class Kind:
    """A probe kind as guides see it."""

    name: str
    """The `kind:` value."""
    cost: Cost
    """What running it costs."""
    params: type[Params]
    """Its parameter model."""
    outcomes: dict[str, Status]
    """Every outcome it can report, with its status."""
    values: tuple[str, ...] = ()
    """Placeholder names its outcome texts may use."""
    open_outcomes: bool = False
    """Whether params may name further outcomes (`wrong_prefixes`, `wrong_hosts`)."""


_SETTING = {"unset": Status.SKIP}
_SETTING_VALUES = ("var", "value", "source", "shadowed", "found_in")
_HTTP_FAILURES = {
    "offline": Status.SKIP,
    "no-key": Status.SKIP,
    "unauthorized": Status.FAIL,
    "forbidden": Status.FAIL,
    "not-found": Status.FAIL,
    "payment-required": Status.FAIL,
    "rate-limited": Status.WARN,
    "overloaded": Status.WARN,
    "server-error": Status.WARN,
    "unexpected-status": Status.FAIL,
    "html": Status.FAIL,
    "bad-json": Status.FAIL,
    "wrong-shape": Status.FAIL,
    "redirect": Status.FAIL,
    "timeout": Status.FAIL,
    "tls": Status.FAIL,
    "unreachable": Status.FAIL,
}

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "setting-present",
            "local",
            SettingParams,
            {"present": Status.PASS, "missing": Status.FAIL, "elsewhere": Status.WARN},
            (*_SETTING_VALUES, "sources"),
        ),
        Kind(
            "key-shape",
            "local",
            KeyShapeParams,
            {
                **_SETTING,
                "ok": Status.PASS,
                "whitespace": Status.FAIL,
                "quoted": Status.FAIL,
                "invisible": Status.FAIL,
                "placeholder": Status.FAIL,
                "unexpected-prefix": Status.WARN,
            },
            (*_SETTING_VALUES, "expected", "position", "prefix"),
            open_outcomes=True,
        ),
        Kind(
            "settings-conflict",
            "local",
            ConflictParams,
            {"ok": Status.PASS, "conflict": Status.WARN},
            ("vars", "set", "winner"),
        ),
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
            (*_SETTING_VALUES, "default", "expected", "host", "suffix"),
            open_outcomes=True,
        ),
        Kind(
            "model-id",
            "local",
            ModelParams,
            {**_SETTING, "ok": Status.PASS, "other-dialect": Status.FAIL, "unknown": Status.WARN},
            (*_SETTING_VALUES, "dialect", "found_dialect", "suggestion", "default"),
        ),
        Kind(
            "deprecated-setting",
            "local",
            DeprecatedParams,
            {"not-set": Status.PASS, "deprecated": Status.WARN},
            (*_SETTING_VALUES, "replacement"),
        ),
        Kind(
            "setting-value",
            "local",
            ValueParams,
            {**_SETTING, "missing": Status.FAIL, "ok": Status.PASS, "invalid": Status.FAIL},
            (*_SETTING_VALUES, "pattern"),
        ),
        Kind(
            "config-files",
            "local",
            FilesParams,
            {"ok": Status.PASS, "absent": Status.SKIP, "malformed": Status.FAIL},
            ("path", "line", "error", "count"),
        ),
        Kind(
            "http-json",
            "free-call",
            HttpParams,
            {"ok": Status.PASS, "model-missing": Status.FAIL, **_HTTP_FAILURES},
            (
                "url",
                "status",
                "model",
                "detail",
                "count",
                "retry_after",
                "host",
                "location",
                "error",
                "spend",
                "budget",
            ),
        ),
    )
}


KINDS.update(
    {
        k.name: k
        for k in (
            Kind(
                "aws-region",
                "local",
                AwsParams,
                {
                    "ok": Status.PASS,
                    "default-region": Status.WARN,
                    "invalid-region": Status.FAIL,
                    "prefix-mismatch": Status.FAIL,
                },
                ("region", "source", "model", "expected", "found", "profile"),
            ),
            Kind(
                "aws-credentials",
                "local",
                AwsParams,
                {
                    "env-keys": Status.PASS,
                    "bearer-token": Status.PASS,
                    "profile": Status.PASS,
                    "sso-profile": Status.PASS,
                    "partial-keys": Status.FAIL,
                    "profile-missing": Status.FAIL,
                    "malformed": Status.FAIL,
                    "none": Status.FAIL,
                },
                ("profile", "source", "path", "line", "error", "access_key"),
            ),
            Kind(
                "gcp-project",
                "local",
                GcpParams,
                {"ok": Status.PASS, "overridden": Status.WARN, "missing": Status.FAIL},
                ("project", "source", "ignored", "ignored_source"),
            ),
            Kind(
                "gcp-adc",
                "local",
                GcpParams,
                {
                    "env-file": Status.PASS,
                    "default-file": Status.PASS,
                    "path-missing": Status.FAIL,
                    "malformed": Status.FAIL,
                    "missing": Status.FAIL,
                },
                ("path", "type", "line", "error"),
            ),
            Kind(
                "settings-agree",
                "local",
                AgreeParams,
                {"ok": Status.PASS, "differ": Status.WARN},
                ("var", "left", "right", "left_source", "right_source", "count"),
            ),
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
                    "bad-master-key": Status.FAIL,
                },
                ("path", "line", "error", "count", "model_name", "model", "routes"),
            ),
        )
    }
)


_CALL_VALUES = ("account", "arn", "region", "model", "count", "error", "code")
_CALL_OUTCOMES = {
    "ok": Status.PASS,
    "not-installed": Status.SKIP,
    "offline": Status.SKIP,
    "no-credentials": Status.SKIP,
    "expired": Status.FAIL,
    "invalid-token": Status.FAIL,
    "unreachable": Status.FAIL,
    "call-failed": Status.FAIL,
}
KINDS["aws-call"] = Kind(
    "aws-call",
    "free-call",
    CloudCallParams,
    {**_CALL_OUTCOMES, "denied": Status.FAIL, "not-listed": Status.FAIL},
    _CALL_VALUES,
)
KINDS["gcp-call"] = Kind("gcp-call", "free-call", CloudCallParams, dict(_CALL_OUTCOMES), _CALL_VALUES)

# A real request that spends tokens (a one-token message): run only with --live.
KINDS["http-paid"] = Kind(
    "http-paid",
    "paid-call",
    HttpParams,
    {**KINDS["http-json"].outcomes, "bad-request": Status.FAIL},
    KINDS["http-json"].values,
)


def extra_outcomes(kind: Kind, params: Params) -> set[str]:
    """Outcome names a check's params add to its kind's fixed set."""
    if isinstance(params, KeyShapeParams):
        return set(params.wrong_prefixes.values())
    if isinstance(params, UrlParams):
        return set(params.wrong_hosts.values())
    if isinstance(params, HttpParams) and params.budget_field:
        return {"budget-exceeded"}
    return set()
