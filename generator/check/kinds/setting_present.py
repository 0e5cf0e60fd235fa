"""`setting-present`: a setting is set where the reader's tool looks for it."""

from __future__ import annotations

from generator.check.environment import Environment, Result
from generator.check.kinds.base import Kind, Status
from generator.check.kinds.setting import SETTING_VALUES, SettingParams, base_values, evidence

KINDS = (
    Kind(
        "setting-present",
        "local",
        SettingParams,
        {"present": Status.PASS, "missing": Status.FAIL, "elsewhere": Status.WARN},
        (*SETTING_VALUES, "sources"),
        probe="setting_present",
        reads=("var",),
        secrets=("var",),
        step=0,
    ),
)


def setting_present(p: SettingParams, env: Environment) -> Result:
    r = env.settings.resolve(p.var, p.sources)
    values = {**base_values(r, p.secret), "sources": ", ".join(p.sources)}
    if r.value is not None and r.value.strip():
        return Result("present", values, evidence(r))
    if r.elsewhere:
        return Result("elsewhere", values, evidence(r))
    return Result("missing", values, evidence(r))
