"""`deprecated-setting`: a setting that another one replaced."""

from __future__ import annotations

from generator.check.environment import Environment, Result
from generator.check.kinds.base import Kind, Status, params
from generator.check.kinds.setting import SETTING_VALUES, SettingParams, base_values, evidence


@params
class DeprecatedParams(SettingParams):
    """Parameters of `deprecated-setting`."""

    replacement: str
    """The setting that replaces it."""


KINDS = (
    Kind(
        "deprecated-setting",
        "local",
        DeprecatedParams,
        {"not-set": Status.PASS, "deprecated": Status.WARN},
        (*SETTING_VALUES, "replacement"),
        probe="deprecated_setting",
        reads=("var",),
        secrets=("var",),
    ),
)


def deprecated_setting(p: DeprecatedParams, env: Environment) -> Result:
    r = env.settings.resolve(p.var, p.sources)
    values = {**base_values(r, p.secret), "replacement": p.replacement}
    return Result("deprecated" if r.value else "not-set", values, evidence(r))
