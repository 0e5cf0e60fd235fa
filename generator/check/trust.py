"""The trust model of `check`, in one place: which settings are only data, and where a credential may go.

People run `check` inside the project they are fighting with, often a repository they just cloned.
Whatever that folder holds is written by someone else, so:

- **Folder-scoped sources** are `.env`, `.claude/settings.json`, `.claude/settings.local.json` and
  OpenHands' `config.toml` in the working folder (and a LiteLLM `config.yaml` found there). Their
  values are read and judged as data, never obeyed: `check` runs no program they name
  (`credential_process`, `apiKeyHelper`, an external account's executable), reads no file they name in
  order to send it, and writes nothing (no SSO token refresh).
- **User sources** are the process environment, `~/.claude/settings.json`, the command line and the
  files under the home folder (`~/.aws`, gcloud's ADC): the reader's own configuration.
- **The client's built-in endpoint** (`https://api.anthropic.com`, the AWS and Google defaults) is
  trusted most.

**The rule:** a credential is sent only to an endpoint named by a source at least as trusted as the
source of the credential. A key from the environment never goes to a base URL that only the folder
names; `check` reports that redirection instead (`folder-endpoint`, a warning naming the file and
line). A key the folder itself holds may go where the folder points: it is the folder's own secret.
When the working folder *is* the home folder, its files are the user's own; a folder file that is a
symlink out of the folder holds the user's secrets, not the folder's.

Cloud SDK calls obey the same rule and one more: they run only with credentials that need no
process, no file named by the folder and no refresh that writes; otherwise the call is skipped
(`would-run`) with a reason saying what it would have run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from generator.check.kinds import Status
from generator.check.sources import FOLDER_FILES

if TYPE_CHECKING:
    from generator.check.environment import Environment, Result
    from generator.check.sources import Resolution, Settings

FOLDER_SOURCES = frozenset(FOLDER_FILES)
"""Source IDs whose files live in the working folder."""

SHARED_OUTCOMES: dict[str, Status] = {
    "folder-endpoint": Status.WARN,
    "would-run": Status.SKIP,
    "not-sendable": Status.FAIL,
}
"""Outcomes any sending kind may report, with texts from the UI labels (`cli_trust_*`), not guides."""

# Trust ranks: higher may receive what lower holds, never the other way round.
FOLDER, USER, BUILT_IN = 0, 1, 2


def folder_scoped(settings: Settings, source_id: str | None) -> bool:
    """Whether `source_id` is a file of the working folder (and that folder is not the home folder)."""
    return source_id in FOLDER_SOURCES and not settings.folder_is_home


def rank(settings: Settings, source_id: str | None) -> int:
    """How much a source is trusted to name an endpoint; None is the client's built-in default."""
    if source_id is None:
        return BUILT_IN
    return FOLDER if folder_scoped(settings, source_id) else USER


def credential_rank(settings: Settings, source_id: str | None) -> int:
    """Whose a credential is: the folder's own only when its file really lives in the folder. A
    folder file that is a symlink out of it (or a hard link) holds someone else's secret, the user's."""
    src = settings.sources.get(source_id or "")
    if src is not None and src.elsewhere:
        return USER
    return rank(settings, source_id)


def may_send(settings: Settings, credential_source: str | None, endpoint_source: str | None) -> bool:
    """The rule: a credential may go to an endpoint named by a source at least as trusted as its own."""
    return rank(settings, endpoint_source) >= credential_rank(settings, credential_source)


def endpoint_source(
    settings: Settings, var: str | None, sources: list[str], default: str | None = None
) -> str | None:
    """The most trusted source that names the winning value of `var` (None: the built-in default).

    A folder that repeats the URL the user already set, or the client's own default, names
    nothing new.
    """
    if not var:
        return None
    r = settings.resolve(var, sources)
    if not r.value or not r.value.strip():
        return None
    if default and _same_endpoint(r.value, default):
        return None
    same = [
        sid
        for spec in sources
        for sid, _, alias in [spec.partition(":")]
        if sid in settings.sources
        and (settings.sources[sid].values.get(alias or var) or "").strip() == r.value.strip()
    ]
    return max(same, key=lambda sid: rank(settings, sid), default=r.source_id)


def endpoint_named_only_by_folder(
    settings: Settings, var: str | None, sources: list[str], default: str | None = None
) -> bool:
    """Whether the endpoint in `var` comes from the working folder alone (for the route resolver);
    `default` is the client's built-in endpoint, which a folder may name without harm."""
    return rank(settings, endpoint_source(settings, var, sources, default)) == FOLDER


def _same_endpoint(a: str, b: str) -> bool:
    from generator.check.http import safe_url

    return safe_url(a.strip()).rstrip("/").lower() == safe_url(b.strip()).rstrip("/").lower()


@dataclass(frozen=True)
class Refusal:
    """A credential `check` will not send, because only the folder names where it would go."""

    credential_var: str
    """The setting that holds the credential (`ANTHROPIC_API_KEY`)."""
    credential_source: str
    """Where the credential comes from, for people (`environment`, `~/.claude/settings.json env`)."""
    endpoint_var: str
    """The setting that names the endpoint (`ANTHROPIC_BASE_URL`)."""
    path: str
    """The folder's file that names it (`.claude/settings.json`)."""
    line: int
    """1-based line in that file."""
    endpoint: str
    """Where it would go: scheme, host, port and path, never user-info or a query."""

    def values(self) -> dict[str, str]:
        """Placeholder values for the `cli_trust_folder_endpoint` texts."""
        return {
            "credential_var": self.credential_var,
            "credential_source": self.credential_source,
            "endpoint_var": self.endpoint_var,
            "path": self.path,
            "line": str(self.line),
            "endpoint": self.endpoint,
        }


def refusal(
    settings: Settings,
    credentials: list[Resolution],
    endpoint_var: str | None,
    sources: list[str],
    endpoint: str,
    default: str | None = None,
) -> Refusal | None:
    """The first credential in `credentials` that may not go to the endpoint `endpoint_var` names
    (`default`: the client's built-in endpoint, always allowed)."""
    where = endpoint_source(settings, endpoint_var, sources, default)
    for cred in credentials:
        if not cred.value or may_send(settings, cred.source_id, where):
            continue
        assert endpoint_var is not None  # a refusal needs an endpoint named by some setting
        r = settings.resolve(endpoint_var, sources)
        src = settings.sources.get(r.source_id or "")
        return Refusal(
            credential_var=cred.var,
            credential_source=cred.source or "-",
            endpoint_var=endpoint_var,
            path=(src.path if src and src.path else r.source) or "-",
            line=r.line or 1,
            endpoint=endpoint,
        )
    return None


def refused(env: Environment, found: Refusal, values: dict[str, str]) -> Result:
    """The `folder-endpoint` result for a refusal: a warning, with the file and line, and no call."""
    from generator.check.environment import Result

    values = {**values, **found.values()}
    return Result(
        "folder-endpoint",
        values,
        {"refused": True, "source": f"{found.path}:{found.line}", "endpoint": found.endpoint},
        message=env.label_texts("cli_trust_folder_endpoint"),
        fix=env.label_texts("cli_trust_folder_endpoint_fix"),
    )


def would_run(env: Environment, what: str, values: dict[str, str]) -> Result:
    """The `would-run` skip of a cloud SDK call: what the SDK would have run, read or written."""
    from generator.check.environment import Result

    return Result(
        "would-run",
        {**values, "would_run": what},
        {"would_run": what},
        message=env.label_texts("cli_trust_would_run"),
    )


def not_sendable(env: Environment, cred: Resolution, position: int, values: dict[str, str]) -> Result:
    """The `not-sendable` result: the credential holds a character no HTTP header can carry (a line
    break, a control or a non-ASCII character), so sending it would only echo it back in an error."""
    from generator.check.environment import Result

    values = {
        **values,
        "credential_var": cred.var,
        "credential_source": cred.source or "-",
        "position": str(position),
    }
    return Result(
        "not-sendable",
        values,
        {"var": cred.var, "position": position},
        message=env.label_texts("cli_trust_not_sendable"),
        fix=env.label_texts("cli_trust_not_sendable_fix"),
    )
