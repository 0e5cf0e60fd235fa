"""Reading one setting: the parameters every single-setting kind shares, and its values and evidence."""

from __future__ import annotations

from dataclasses import field

from generator.check.kinds.base import Params, Status, env_only, params
from generator.check.sources import Resolution
from generator.secrets import mask

UNSET = {"unset": Status.SKIP}
"""The outcome of a single-setting kind when nothing sets it."""
SETTING_VALUES = ("var", "value", "source", "shadowed", "found_in", "set")
"""Placeholders every single-setting kind offers."""


@params
class SettingParams(Params):
    """Parameters of probes that read one setting."""

    var: str
    """The setting's name as an environment variable (`ANTHROPIC_API_KEY`)."""
    sources: list[str] = field(default_factory=env_only)
    """Where the reader's tool looks for it, highest precedence first (see `kinds.base.SOURCE_IDS`)."""
    secret: bool = False
    """Mask the value in every output."""


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
