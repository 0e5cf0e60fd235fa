"""The probe kinds a guide may use: their parameters, cost and the outcomes each can report.

This module only declares; the probes themselves live beside it and are imported lazily,
so `validate` and `list` never pay for httpx.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from generator.check.params import Params


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
    "openhands-agent",
)


@dataclass(frozen=True)
class Kind:
    """A probe kind as guides see it."""

    name: str
    """The `kind:` value."""
    cost: Cost
    """What running it costs."""
    params: str
    """Name of its parameter class in `generator.check.params`."""
    outcomes: dict[str, Status]
    """Every outcome it can report, with its status."""
    values: tuple[str, ...] = ()
    """Placeholder names its outcome texts may use."""

    @property
    def params_class(self) -> type[Params]:
        from generator.check import params

        cls: type[Params] = getattr(params, self.params)
        return cls


_SETTING = {"unset": Status.SKIP}
_SETTING_VALUES = ("var", "value", "source", "shadowed", "found_in", "set")
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
            "SettingParams",
            {"present": Status.PASS, "missing": Status.FAIL, "elsewhere": Status.WARN},
            (*_SETTING_VALUES, "sources"),
        ),
        Kind(
            "key-shape",
            "local",
            "KeyShapeParams",
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
        ),
        Kind(
            "settings-conflict",
            "local",
            "ConflictParams",
            {"ok": Status.PASS, "conflict": Status.WARN},
            ("vars", "set", "winner"),
        ),
        Kind(
            "url-shape",
            "local",
            "UrlParams",
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
        ),
        Kind(
            "model-id",
            "local",
            "ModelParams",
            {
                **_SETTING,
                "ok": Status.PASS,
                "other-dialect": Status.FAIL,
                "retired": Status.FAIL,
                "unknown": Status.WARN,
            },
            (
                *_SETTING_VALUES,
                "dialect",
                "found_dialect",
                "suggestion",
                "default",
                "retired",
                "replacement",
                "model",
            ),
        ),
        Kind(
            "deprecated-setting",
            "local",
            "DeprecatedParams",
            {"not-set": Status.PASS, "deprecated": Status.WARN},
            (*_SETTING_VALUES, "replacement"),
        ),
        Kind(
            "setting-value",
            "local",
            "ValueParams",
            {**_SETTING, "missing": Status.FAIL, "ok": Status.PASS, "invalid": Status.FAIL},
            (*_SETTING_VALUES, "pattern"),
        ),
        Kind(
            "config-files",
            "local",
            "FilesParams",
            {"ok": Status.PASS, "absent": Status.SKIP, "malformed": Status.FAIL},
            ("path", "line", "error", "count"),
        ),
        Kind(
            "http-json",
            "free-call",
            "HttpParams",
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
                "AwsParams",
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
                "AwsParams",
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
                "GcpParams",
                {"ok": Status.PASS, "overridden": Status.WARN, "missing": Status.FAIL},
                ("project", "source", "ignored", "ignored_source"),
            ),
            Kind(
                "gcp-adc",
                "local",
                "GcpParams",
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
                "AgreeParams",
                {"ok": Status.PASS, "differ": Status.WARN},
                ("var", "left", "right", "left_source", "right_source", "count"),
            ),
            Kind(
                "litellm-config",
                "local",
                "LitellmConfigParams",
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
    "CloudCallParams",
    {**_CALL_OUTCOMES, "denied": Status.FAIL, "not-listed": Status.FAIL},
    _CALL_VALUES,
)
KINDS["gcp-call"] = Kind("gcp-call", "free-call", "CloudCallParams", dict(_CALL_OUTCOMES), _CALL_VALUES)

# The model a resolved route sends, judged in the route's own dialect (generator/check/route_model.py).
KINDS["route-model"] = Kind(
    "route-model",
    "local",
    "RouteModelParams",
    {
        "unset": Status.SKIP,
        "ok": Status.PASS,
        "gateway": Status.PASS,
        "other-dialect": Status.FAIL,
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
)

# A real request that spends tokens (a one-token message): run only with --live.
KINDS["http-paid"] = Kind(
    "http-paid",
    "paid-call",
    "HttpParams",
    {**KINDS["http-json"].outcomes, "bad-request": Status.FAIL},
    KINDS["http-json"].values,
)


def extra_outcomes(kind: Kind, params: Params) -> set[str]:
    """Outcome names a check's params add to its kind's fixed set."""
    from generator.check.params import HttpParams, KeyShapeParams, UrlParams

    if isinstance(params, KeyShapeParams):
        return set(params.wrong_prefixes.values())
    if isinstance(params, UrlParams):
        return set(params.wrong_hosts.values())
    if isinstance(params, HttpParams) and params.budget_field:
        return {"budget-exceeded"}
    return set()
