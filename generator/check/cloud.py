"""Probes for Bedrock and Vertex settings: region and profile prefix, AWS credential chain, GCP project and ADC."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from generator.check.environment import Environment, Result
from generator.check.files import adc_default_path, aws_files, read_json
from generator.secrets import mask

if TYPE_CHECKING:
    from generator.check.params import AwsParams, GcpParams

REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d+$")
DEFAULT_REGION = "us-east-1"


def _profile_name(env: Environment, p: AwsParams) -> tuple[str, str]:
    r = env.settings.resolve("AWS_PROFILE", p.sources)
    return (r.value, r.source or "") if r.value else ("default", "")


def aws_region(p: AwsParams, env: Environment) -> Result:
    """Region as Claude Code and the AWS SDKs resolve it, then the model's profile prefix against it."""
    values = {"region": "-", "source": "-", "model": "-", "expected": "-", "found": "-", "profile": "-"}
    region = source = None
    for var in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        r = env.settings.resolve(var, p.sources)
        if r.value:
            region, source = r.value.strip(), f"{var} ({r.source})"
            break
    if region is None:
        profile, _ = _profile_name(env, p)
        _, config = aws_files(env.vars, env.home, env.cwd)
        section = "default" if profile == "default" else f"profile {profile}"
        from_profile = (config.data or {}).get(section, {}).get("region")
        if from_profile:
            region, source = from_profile, f"{config.path} [{section}]"
    values["profile"] = _profile_name(env, p)[0]
    if region is None:
        values.update(region=DEFAULT_REGION, source="-")
        return Result("default-region", values, {"region": DEFAULT_REGION})
    values.update(region=region, source=source or "-")
    ev = {"region": region, "source": source}
    if not REGION.match(region):
        return Result("invalid-region", values, ev)
    model = env.settings.resolve(p.model_var, p.sources).value if p.model_var else None
    if model:
        values["model"] = model
        from generator.check.model_facts import region_profiles, split_profile

        found, _ = split_profile(env.models, model.strip())
        expected = region_profiles(env.models, region)
        values["expected"] = " / ".join(f"{x}." for x in (*expected, "global"))
        if found:
            values["found"] = found + "."
            if found != "global" and expected and found not in expected:
                return Result("prefix-mismatch", values, ev)
    return Result("ok", values, ev)


def aws_credentials(p: AwsParams, env: Environment) -> Result:
    """Which link of the credential chain would be used, and whether it is complete."""
    values = {"profile": "-", "source": "-", "path": "-", "line": "-", "error": "-", "access_key": "-"}
    key_id, secret, bearer = (
        env.settings.resolve(var, p.sources)
        for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_BEARER_TOKEN_BEDROCK")
    )
    if bearer.value:
        values.update(source=bearer.source or "-", access_key=mask(bearer.value))
        return Result("bearer-token", values, {"source": bearer.source})
    if key_id.value or secret.value:
        values.update(source=key_id.source or secret.source or "-")
        if key_id.value:
            values["access_key"] = mask(key_id.value)
        if not (key_id.value and secret.value):
            return Result("partial-keys", values, {"id": bool(key_id.value), "secret": bool(secret.value)})
        return Result("env-keys", values, {"source": key_id.source})
    creds, config = aws_files(env.vars, env.home, env.cwd)
    for f in (creds, config):
        if f.problem:
            values.update(path=f.problem.path, line=str(f.problem.line), error=f.problem.error)
            return Result("malformed", values, {"path": f.problem.path})
    profile, source = _profile_name(env, p)
    values.update(profile=profile, source=source or "-")
    cred_section = (creds.data or {}).get(profile)
    conf_section = (config.data or {}).get("default" if profile == "default" else f"profile {profile}")
    if cred_section and cred_section.get("aws_access_key_id"):
        values.update(path=creds.path, access_key=mask(cred_section["aws_access_key_id"]))
        if not cred_section.get("aws_secret_access_key"):
            return Result("partial-keys", values, {"profile": profile})
        return Result("profile", values, {"profile": profile, "path": creds.path})
    if conf_section:
        values["path"] = config.path
        if any(k.startswith("sso_") for k in conf_section):
            return Result("sso-profile", values, {"profile": profile})
        if (
            conf_section.get("role_arn")
            or conf_section.get("credential_process")
            or conf_section.get("aws_access_key_id")
        ):
            return Result("profile", values, {"profile": profile, "path": config.path})
    if profile != "default":
        return Result("profile-missing", values, {"profile": profile})
    return Result("none", values, {})


def gcp_project(p: GcpParams, env: Environment) -> Result:
    """Claude Code on Vertex: GCLOUD_PROJECT, GOOGLE_CLOUD_PROJECT and the credentials file win over ANTHROPIC_VERTEX_PROJECT_ID."""
    values = {"project": "-", "source": "-", "ignored": "-", "ignored_source": "-"}
    candidates: list[tuple[str, str]] = []
    for var in ("GCLOUD_PROJECT", "GOOGLE_CLOUD_PROJECT"):
        r = env.settings.resolve(var, p.sources)
        if r.value:
            candidates.append((r.value.strip(), f"{var} ({r.source})"))
    creds_path = env.settings.resolve("GOOGLE_APPLICATION_CREDENTIALS", p.sources).value
    if creds_path:
        f = read_json(Path(creds_path).expanduser(), env.home, env.cwd)
        project = (f.data or {}).get("project_id") or (f.data or {}).get("quota_project_id")
        if isinstance(project, str) and project:
            candidates.append((project, f.path))
    own = env.settings.resolve("ANTHROPIC_VERTEX_PROJECT_ID", p.sources)
    if own.value:
        candidates.append((own.value.strip(), f"ANTHROPIC_VERTEX_PROJECT_ID ({own.source})"))
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
    values = {"path": "-", "type": "-", "line": "-", "error": "-"}
    named = env.settings.resolve("GOOGLE_APPLICATION_CREDENTIALS", p.sources).value
    path = Path(named).expanduser() if named else adc_default_path(env.home)
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
    return Result("env-file" if named else "default-file", values, {"path": f.path, "type": kind})
