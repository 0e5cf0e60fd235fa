"""`settings-conflict`: settings that should not be set together."""

from __future__ import annotations

from dataclasses import field

from generator.check.environment import Environment, Result
from generator.check.kinds.base import Kind, Params, Status, at_least, env_only, params


@params
class ConflictParams(Params):
    """Parameters of `settings-conflict`."""

    vars: list[str]
    """Settings that should not be set together (at least two)."""
    sources: list[str] = field(default_factory=env_only)
    """Where the reader's tool looks for them, highest precedence first."""

    def __post_init__(self) -> None:
        at_least(self.vars, 2)


KINDS = (
    Kind(
        "settings-conflict",
        "local",
        ConflictParams,
        {"ok": Status.PASS, "conflict": Status.WARN},
        ("vars", "set", "winner"),
        probe="settings_conflict",
        reads=("vars",),
    ),
)


def settings_conflict(p: ConflictParams, env: Environment) -> Result:
    found = [env.settings.resolve(v, p.sources) for v in p.vars]
    present = [r for r in found if r.value]
    values = {
        "vars": ", ".join(p.vars),
        "set": ", ".join(r.var for r in present) or "-",
        "winner": present[0].var if present else "-",
    }
    ev = {"set": {r.var: r.source for r in present}}
    return Result("conflict" if len(present) > 1 else "ok", values, ev)
