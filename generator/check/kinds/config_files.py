"""`config-files`: the settings files a tool reads parse."""

from __future__ import annotations

from generator.check.environment import Environment, Result
from generator.check.kinds.base import Kind, Params, Status, at_least, params


@params
class FilesParams(Params):
    """Parameters of `config-files`."""

    files: list[str]
    """Source IDs whose files must parse (at least one)."""

    def __post_init__(self) -> None:
        at_least(self.files, 1)


KINDS = (
    Kind(
        "config-files",
        "local",
        FilesParams,
        {"ok": Status.PASS, "absent": Status.SKIP, "malformed": Status.FAIL},
        ("path", "line", "error", "count"),
        probe="config_files",
    ),
)


def config_files(p: FilesParams, env: Environment) -> Result:
    present = [env.settings.sources[f] for f in p.files if f in env.settings.sources]
    existing = [s for s in present if s.exists]
    broken = [s.problem for s in existing if s.problem]
    values = {"count": str(len(existing)), "path": "-", "line": "-", "error": "-"}
    if broken:
        first = broken[0]
        assert first is not None
        values.update(path=first.path, line=str(first.line), error=first.error)
        # `at`: where the finding points (the JSON `source`), with no value to set there.
        ev = {
            "problems": [f"{b.path}:{b.line}: {b.error}" for b in broken if b],
            "at": {"source": first.path, "line": first.line},
        }
        return Result("malformed", values, ev)
    if not existing:
        return Result("absent", values, {})
    values["path"] = ", ".join(s.path or s.label for s in existing)  # the files read, never `-`
    return Result("ok", values, {"files": [s.label for s in existing]})
