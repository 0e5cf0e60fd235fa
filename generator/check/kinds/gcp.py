"""`gcp-project` and `gcp-adc`: the project and the Application Default Credentials Claude Code uses on Vertex AI."""

from __future__ import annotations

from dataclasses import field
from pathlib import Path

from generator.check.environment import Environment, Result
from generator.check.files import adc_default_path, read_json
from generator.check.kinds.base import Kind, Params, Status, claude_env, params
from generator.check.sources import display
from generator.secrets import clean, clip, redact_urls


@params
class GcpParams(Params):
    """Parameters of `gcp-project` and `gcp-adc`."""

    sources: list[str] = field(default_factory=claude_env)
    """Where the tool reads its settings, highest precedence first."""


KINDS = (
    Kind(
        "gcp-project",
        "local",
        GcpParams,
        {"ok": Status.PASS, "overridden": Status.WARN, "missing": Status.FAIL},
        ("project", "source", "ignored", "ignored_source"),
        probe="gcp_project",
    ),
    Kind(
        "gcp-adc",
        "local",
        GcpParams,
        {
            "env-file": Status.PASS,
            "default-file": Status.PASS,
            "path-missing": Status.FAIL,
            "tilde": Status.FAIL,
            "malformed": Status.FAIL,
            "missing": Status.FAIL,
            "folder-reads": Status.WARN,
            "folder-runs": Status.WARN,
        },
        ("path", "type", "line", "error", "named_by", "reads", "token_url"),
        probe="gcp_adc",
        step=0,
        signs=True,
    ),
)


def _in_cwd(env: Environment, named: str) -> Path:
    """A path as the client opens it: relative to the working folder the client runs in (a leading
    `~` is not expanded: the clients do not, `gcp_adc` reports it)."""
    path = Path(named.strip())
    return path if path.is_absolute() else env.cwd / path


def _folder_scoped(env: Environment, source_id: str | None) -> bool:
    from generator.check import trust

    return trust.folder_scoped(env.settings, source_id)


def _where(env: Environment, source_id: str | None, label: str | None) -> str:
    """`path:line` of the setting in its file, else the source's label."""
    src = env.settings.sources.get(source_id or "")
    line = src.lines.get("GOOGLE_APPLICATION_CREDENTIALS") if src else None
    return f"{src.path}:{line}" if src and src.path and line else label or "-"


def _external_source(env: Environment, data: dict[str, object]) -> tuple[str, str] | None:
    """What an external_account file makes google-auth do before any call: read a file or a URL
    (`folder-reads`), or run a program (`folder-runs`); as (outcome, what)."""
    source = data.get("credential_source")
    if not isinstance(source, dict):
        return None
    executable = source.get("executable")
    if isinstance(executable, dict) and executable.get("command"):
        return "folder-runs", clip(str(executable["command"]), 120)
    if source.get("file"):
        shown = display(Path(str(source["file"])).expanduser(), env.home, env.cwd)
        return "folder-reads", shown
    if source.get("url"):
        return "folder-reads", redact_urls(clean(str(source["url"])))
    return None


def gcp_project(p: GcpParams, env: Environment) -> Result:
    """Claude Code on Vertex: ANTHROPIC_VERTEX_PROJECT_ID, else the credentials' project (google-auth reads
    GCLOUD_PROJECT, GOOGLE_CLOUD_PROJECT, then the credentials file); the Vertex SDK asks the credentials
    only when ANTHROPIC_VERTEX_PROJECT_ID is unset (observed: `vertex-project-from-google-cloud-project`)."""
    values = {"project": "-", "source": "-", "ignored": "-", "ignored_source": "-"}
    candidates: list[tuple[str, str]] = []
    own = env.settings.resolve("ANTHROPIC_VERTEX_PROJECT_ID", p.sources)
    if own.value:
        candidates.append((own.value.strip(), f"ANTHROPIC_VERTEX_PROJECT_ID ({own.source})"))
    for var in ("GCLOUD_PROJECT", "GOOGLE_CLOUD_PROJECT"):
        r = env.settings.resolve(var, p.sources)
        if r.value:
            candidates.append((r.value.strip(), f"{var} ({r.source})"))
    creds_path = env.settings.resolve("GOOGLE_APPLICATION_CREDENTIALS", p.sources).value
    if creds_path:
        f = read_json(_in_cwd(env, creds_path), env.home, env.cwd)
        project = (f.data or {}).get("project_id") or (f.data or {}).get("quota_project_id")
        if isinstance(project, str) and project:
            candidates.append((project, f.path))
    if not candidates:
        return Result("missing", values, {})
    (project, source), rest = candidates[0], candidates[1:]
    values.update(project=project, source=source)
    differing = [(v, s) for v, s in rest if v != project]
    if differing:
        values.update(ignored=differing[0][0], ignored_source=differing[0][1])
        return Result("overridden", values, {"used": source, "ignored": [s for _, s in differing]})
    return Result("ok", values, {"source": source})


def gcp_adc(p: GcpParams, env: Environment) -> Result:
    """Application Default Credentials: the file named by GOOGLE_APPLICATION_CREDENTIALS, else gcloud's."""
    values = {
        "path": "-",
        "type": "-",
        "line": "-",
        "error": "-",
        "named_by": "-",
        "reads": "-",
        "token_url": "-",
    }
    r = env.settings.resolve("GOOGLE_APPLICATION_CREDENTIALS", p.sources)
    named = r.value
    if named and named.strip().startswith("~"):
        # Neither google-auth (Python) nor google-auth-library (Node) expands `~`; only a shell does,
        # so a `~` left in the value (a settings file, a quoted export) names a file that is not found.
        values["path"] = clean(named.strip())
        return Result("tilde", values, {"path": values["path"], "var": "GOOGLE_APPLICATION_CREDENTIALS"})
    path = _in_cwd(env, named) if named else adc_default_path(env.home)
    f = read_json(path, env.home, env.cwd)
    values["path"] = f.path
    if not f.exists:
        return Result("path-missing" if named else "missing", values, {"path": f.path})
    if f.problem:
        values.update(line=str(f.problem.line), error=f.problem.error)
        return Result("malformed", values, {"path": f.path})
    kind = str((f.data or {}).get("type", "-"))
    values["type"] = kind
    if kind not in (
        "authorized_user",
        "service_account",
        "external_account",
        "impersonated_service_account",
        "external_account_authorized_user",
    ):
        return Result("malformed", {**values, "error": f"unknown credential type '{kind}'"}, {"path": f.path})
    if named and kind == "external_account" and _folder_scoped(env, r.source_id):
        found = _external_source(env, f.data or {})
        if found:
            outcome, reads = found
            token_url = (f.data or {}).get("token_url")
            values.update(
                named_by=_where(env, r.source_id, r.source),
                reads=reads,
                token_url=redact_urls(clean(str(token_url))) if token_url else "-",
            )
            # Nothing is read, fetched or run: the file is described, and the setting named.
            return Result(outcome, values, {"path": f.path, "named_by": values["named_by"]})
    return Result("env-file" if named else "default-file", values, {"path": f.path, "type": kind})
