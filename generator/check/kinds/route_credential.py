"""`route-credential`: the credential a client's route really sends: none at all (and, if so, whether the
reader put one where the client does not look), or one that silently wins over the one the reader set up.

It reads the resolved route (`Environment.routes`), so it judges what the route line shows: a route that
sends nothing because a `CLAUDE_CODE_SKIP_*_AUTH` switch is on is fine (a gateway signs instead).
"""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING, Any

from generator.check.environment import Environment, Result
from generator.check.kinds.base import Kind, Params, Status, claude_env, params

if TYPE_CHECKING:
    from generator.check.routes import Route


@params
class RouteCredentialParams(Params):
    """Parameters of `route-credential`."""

    vars: list[str] = field(default_factory=list)
    """Credential settings the client reads; when the route sends nothing, a value of one of them found
    only where the client does not look (`.env`) is named."""
    sources: list[str] = field(default_factory=claude_env)
    """Where the client reads them, highest precedence first."""
    shadows: list[str] = field(default_factory=list)
    """Settings the route's credential silently wins over (`apiKeyHelper`): set together, that one is
    never used."""


KINDS: tuple[Kind, ...] = (
    Kind(
        "route-credential",
        "local",
        RouteCredentialParams,
        {
            "unset": Status.SKIP,
            "sent": Status.PASS,
            "unsigned": Status.PASS,
            "missing": Status.FAIL,
            "elsewhere": Status.FAIL,
            "unreadable": Status.WARN,
            "shadowed": Status.WARN,
        },
        ("client", "setting", "where", "var", "found_in", "switch", "shadowed", "shadowed_where", "path"),
        probe="route_credential",
        reads=("vars", "shadows"),
        step=0,
    ),
)


def route_credential(p: RouteCredentialParams, env: Environment) -> Result:
    values = {
        "client": "-",
        "setting": "-",
        "where": "-",
        "var": "-",
        "found_in": "-",
        "switch": "-",
        "shadowed": "-",
        "shadowed_where": "-",
        "path": "-",
    }
    chosen: Route | None = next(
        (r for r in env.routes if any(r.matches(sel) for sel in p.route or ["*:*"])), None
    )
    if chosen is None:
        return Result("unset", values, {})
    values["client"] = chosen.client
    evidence: dict[str, Any] = {"client": chosen.client, "provider": chosen.provider, "auth": chosen.auth}
    cred = chosen.credential
    if cred is not None:
        values.update(setting=cred.setting, where=cred.origin.where())
        evidence["setting"] = cred.setting
        for name in p.shadows:
            other = env.settings.resolve(name, p.sources)
            if name != cred.setting and other.value and other.value.strip():
                values.update(shadowed=name, shadowed_where=other.source or "-")
                return Result("shadowed", values, {**evidence, "shadowed": name})
        return Result("sent", values, evidence)
    switch = chosen.auth_switch()
    if switch:
        values["switch"] = switch
        return Result("unsigned", values, {**evidence, "switch": switch})
    if chosen.auth != "none":
        # A cloud signature whose credential `check` cannot see: the cloud's own checks judge it.
        return Result("unset", values, evidence)
    broken = [
        src.path or src.label
        for sid in p.sources
        if (src := env.settings.sources.get(sid.partition(":")[0])) is not None and src.problem is not None
    ]
    if broken:
        # The credential may be in the file the client cannot read; that file's own check is the fix.
        values["path"] = ", ".join(broken)
        return Result("unreadable", values, {**evidence, "unreadable": broken})
    for name in p.vars:
        found = env.settings.resolve(name, p.sources)
        if found.elsewhere:
            values.update(var=name, found_in=", ".join(found.elsewhere))
            return Result("elsewhere", values, {**evidence, "var": name, "elsewhere": found.elsewhere})
    return Result("missing", values, evidence)


@params
class ConflictParams(Params):
    """Parameters of `credential-conflict`."""

    vars: list[str] = field(default_factory=list)
    """Credential settings the client reads, highest precedence first; two set at once conflict."""
    sources: list[str] = field(default_factory=claude_env)
    """Where the client reads them, highest precedence first."""


KINDS = (
    *KINDS,
    Kind(
        "credential-conflict",
        "local",
        ConflictParams,
        {"ok": Status.PASS, "conflict": Status.WARN, "over-login": Status.WARN},
        ("vars", "set", "winner", "login"),
        probe="credential_conflict",
        reads=("vars",),
        step=0,
    ),
)


def credential_conflict(p: ConflictParams, env: Environment) -> Result:
    """Two credential settings at once, or one that silently wins over the reader's saved `/login` (the
    subscription), as Claude Code warns at start-up ("Auth conflict")."""
    present = [r for r in (env.settings.resolve(v, p.sources) for v in p.vars) if r.value and r.value.strip()]
    values = {
        "vars": ", ".join(p.vars),
        "set": ", ".join(r.var for r in present) or "-",
        "winner": present[0].var if present else "-",
        "login": "-",
    }
    ev: dict[str, Any] = {"set": {r.var: r.source for r in present}}
    if len(present) > 1:
        return Result("conflict", values, ev)
    if present:
        from generator.check.routes import claude_login

        _, login = claude_login(env)
        if login is not None:
            values["login"] = login.origin.where()
            return Result("over-login", values, {**ev, "login": login.origin.where()})
    return Result("ok", values, ev)
