"""What every kind declares (`Kind`), the statuses its outcomes map to, and the base of its parameters.

A kind's parameter class is written like a frozen, keyword-only dataclass under `@params`, but it
becomes one only when validation or a test needs it (`realize`): `check` hands probes the compiled
plan's already validated parameters, and building a dataclass costs about a millisecond each, which
an offline run would pay for every kind it imports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, TypeVar, dataclass_transform


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

P = TypeVar("P", bound=type)


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(field,))
def params(cls: P) -> P:
    """Mark a parameter class; it is made a frozen, keyword-only dataclass by `realize`."""
    return cls


def realize(cls: P) -> P:
    """Make a parameter class (and its bases, first) the dataclass it is written as; idempotent."""
    for c in reversed(cls.__mro__):
        if issubclass(c, Params) and "__dataclass_fields__" not in c.__dict__:
            dataclass(frozen=True, kw_only=True)(c)
    return cls


def at_least(items: list[str], n: int) -> None:
    # pydantic reports a ValueError raised here as a problem at the field's line.
    if len(items) < n:
        raise ValueError(f"needs at least {n} item(s)")


def env_only() -> list[str]:
    return ["env"]


def claude_env() -> list[str]:
    return ["claude-local", "claude-project", "claude-user", "env"]


@params
class Params:
    """Base of every probe's parameters."""

    # The catalogue validates these with pydantic, which honours `__pydantic_config__`.
    __pydantic_config__ = {"extra": "forbid", "use_attribute_docstrings": True}

    route: list[str] = field(default_factory=list)
    """Routes this check matters on, as `client:provider` (`claude-code:bedrock`, `*:vertex`); empty: the
    guide's own routes. On a machine where none of them is in use, the check is reported as not in use."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        realize(cls)  # built directly (tests): the dataclass __init__ must exist first
        return super().__new__(cls)


@dataclass(frozen=True)
class Kind:
    """A probe kind as guides see it, declared once in its own module under `generator/check/kinds/`."""

    name: str
    """The `kind:` value."""
    cost: Cost
    """What running it costs."""
    parameters: type[Params]
    """Its parameter class (fields with one-line docs)."""
    outcomes: dict[str, Status]
    """Every outcome it can report, with its status."""
    values: tuple[str, ...]
    """Placeholder names its outcome texts may use."""
    probe: str
    """Name of the probe function in the same module: `(params, Environment) -> Result`."""
    reads: tuple[str, ...] = ()
    """Parameters that name settings it reads (each a setting name, or a list of them); a source
    written `name:VAR` adds VAR."""
    secrets: tuple[str, ...] = ()
    """Of `reads`, the parameters whose settings hold a secret, masked in every output (unless the
    parameters have a `secret` flag that is false)."""
    extra_outcomes: Callable[[Any], Iterable[str]] | None = None
    """Outcome names a check's parameters add to the fixed set (a key-shape's `wrong_prefixes`)."""
    step: int = 2
    """Which part of the request it judges: 0 the credential, 1 the model sent, 2 the rest. Problems
    are listed in that order, the fault a request meets first at the top."""
    signs: bool = False
    """It looks for the cloud credential an SDK signs requests with, which a `CLAUDE_CODE_SKIP_*_AUTH`
    switch makes moot (a gateway signs instead)."""

    @property
    def params_class(self) -> type[Params]:
        return realize(self.parameters)

    def added_outcomes(self, p: Any) -> set[str]:
        return set(self.extra_outcomes(p)) if self.extra_outcomes else set()

    def settings(self, p: Any) -> tuple[list[str], set[str]]:
        """Setting names a check of this kind reads (in order), and those that hold a secret."""
        names: list[str] = []
        secret: set[str] = set()
        flag = getattr(p, "secret", None)
        for attr in self.reads:
            value = getattr(p, attr, None)
            for name in [value] if isinstance(value, str) else value or []:
                if name not in names:
                    names.append(name)
                if attr in self.secrets and flag is not False:
                    secret.add(name)
        for src in getattr(p, "sources", []):
            _, _, alias = src.partition(":")
            if alias and alias not in names:
                names.append(alias)
                if flag:
                    secret.add(alias)
        return names, secret
