"""`settings-agree`: the same setting in two places (OpenHands' environment and config.toml) has one value."""

from __future__ import annotations

from generator.check.environment import Environment, Result
from generator.check.kinds.base import Kind, Params, Status, at_least, params
from generator.check.kinds.setting import shown
from generator.secrets import is_secret_name


@params
class AgreeParams(Params):
    """Parameters of `settings-agree`."""

    vars: list[str]
    """Settings to compare (at least one)."""
    left: str = "env"
    """One source (the one that wins)."""
    right: str = "openhands-toml"
    """The other source."""

    def __post_init__(self) -> None:
        at_least(self.vars, 1)


KINDS = (
    Kind(
        "settings-agree",
        "local",
        AgreeParams,
        {"ok": Status.PASS, "differ": Status.WARN},
        ("var", "left", "right", "left_source", "right_source", "count"),
        probe="settings_agree",
        reads=("vars",),
    ),
)


def settings_agree(p: AgreeParams, env: Environment) -> Result:
    """The same setting in two places (OpenHands env and config.toml): a difference means one is ignored."""
    left, right = env.settings.sources.get(p.left), env.settings.sources.get(p.right)
    values = {
        "var": "-",
        "left": "-",
        "right": "-",
        "left_source": left.label if left else p.left,
        "right_source": right.label if right else p.right,
        "count": "0",
    }
    if left is None or right is None:
        return Result("ok", values, {})
    both = [v for v in p.vars if left.values.get(v) and right.values.get(v)]
    values["count"] = str(len(both))
    for var in both:
        a, b = left.values[var].strip(), right.values[var].strip()
        if a != b:
            secret = is_secret_name(var)
            values.update(var=var, left=shown(a, secret), right=shown(b, secret))
            return Result("differ", values, {"var": var})
    return Result("ok", values, {"compared": both})
