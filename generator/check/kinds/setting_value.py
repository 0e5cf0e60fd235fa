"""`setting-value`: a setting whose whole value must match a pattern."""

from __future__ import annotations

import re

from generator.check.environment import Environment, Result
from generator.check.kinds.base import Kind, Status, params
from generator.check.kinds.setting import SETTING_VALUES, UNSET, SettingParams, base_values, evidence


@params
class ValueParams(SettingParams):
    """Parameters of `setting-value`."""

    pattern: str
    """Regular expression the whole value must match."""
    required: bool = False
    """Report `missing` (instead of `unset`) when nothing sets it."""


KINDS = (
    Kind(
        "setting-value",
        "local",
        ValueParams,
        {**UNSET, "missing": Status.FAIL, "ok": Status.PASS, "invalid": Status.FAIL},
        (*SETTING_VALUES, "pattern"),
        probe="setting_value",
        reads=("var",),
        secrets=("var",),
    ),
)


def setting_value(p: ValueParams, env: Environment) -> Result:
    r = env.settings.resolve(p.var, p.sources)
    values = {**base_values(r, p.secret), "pattern": p.pattern}
    if r.value is None or r.value == "":
        return Result("missing" if p.required else "unset", values, evidence(r))
    return Result("ok" if re.fullmatch(p.pattern, r.value) else "invalid", values, evidence(r))
