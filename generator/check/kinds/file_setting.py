"""`file-setting`: a setting that names a file the client reads (`NODE_EXTRA_CA_CERTS`, `SSL_CERT_FILE`).

The path is shown as set (a path is not a secret); the file is looked at, never printed: only whether
it is a regular file and, for certificate bundles, whether it holds a PEM certificate.
"""

from __future__ import annotations

from pathlib import Path

from generator.check.bounded import Refused, read_regular
from generator.check.environment import Environment, Result
from generator.check.kinds.base import Kind, Status, params
from generator.check.kinds.setting import SETTING_VALUES, SettingParams, base_values, evidence
from generator.check.sources import display

PEM_CERTIFICATE = b"-----BEGIN CERTIFICATE-----"


@params
class FileSettingParams(SettingParams):
    """Parameters of `file-setting`."""

    pem: bool = False
    """The file must hold at least one PEM certificate (`-----BEGIN CERTIFICATE-----`)."""
    expands_tilde: bool = False
    """Whether the client expands a leading `~` itself (Node.js does not: only a shell does)."""


KINDS = (
    Kind(
        "file-setting",
        "local",
        FileSettingParams,
        {
            "unset": Status.SKIP,
            "ok": Status.PASS,
            "tilde": Status.WARN,
            "missing": Status.WARN,
            "not-file": Status.WARN,
            "not-pem": Status.WARN,
        },
        (*SETTING_VALUES, "path"),
        probe="file_setting",
        reads=("var",),
    ),
)


def file_setting(p: FileSettingParams, env: Environment) -> Result:
    r = env.settings.resolve(p.var, p.sources)
    values = {**base_values(r, False), "path": "-"}
    named = (r.value or "").strip()
    if not named:
        return Result("unset", values, evidence(r))
    if named.startswith("~") and not p.expands_tilde:
        values["path"] = named
        return Result("tilde", values, evidence(r))
    path = Path(named).expanduser()
    path = path if path.is_absolute() else env.cwd / path
    values["path"] = display(path, env.home, env.cwd)
    try:
        raw = read_regular(path)
    except Refused:
        return Result("not-file", values, evidence(r))
    if raw is None:
        return Result("missing", values, evidence(r))
    if p.pem and PEM_CERTIFICATE not in raw:
        return Result("not-pem", values, evidence(r))
    return Result("ok", values, evidence(r))
