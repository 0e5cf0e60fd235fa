"""`aws-region` and `aws-credentials`: the region and the credential chain Claude Code and the AWS SDKs use on Bedrock."""

from __future__ import annotations

import re
from dataclasses import field
from pathlib import Path

from generator.check.environment import Environment, Result
from generator.check.files import ParsedFile, aws_files, config_section
from generator.check.kinds.base import Kind, Params, Status, claude_env, params
from generator.check.sources import Resolution
from generator.secrets import mask

REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d+$")
# A Bedrock resource ARN names the region it lives in; Bedrock answers only for its own region's ARNs.
ARN_REGION = re.compile(r"^arn:aws[a-z-]*:bedrock:([a-z]{2}(?:-gov)?-[a-z]+-\d+):")


DEFAULT_REGION = "us-east-1"


@params
class AwsParams(Params):
    """Parameters of `aws-region` and `aws-credentials`."""

    sources: list[str] = field(default_factory=claude_env)
    """Where the tool reads its settings, highest precedence first."""
    model_var: str | None = None
    """Setting holding the Bedrock model ID whose profile prefix must suit the region."""


KINDS = (
    Kind(
        "aws-region",
        "local",
        AwsParams,
        {
            "ok": Status.PASS,
            "default-region": Status.WARN,
            "invalid-region": Status.FAIL,
            "prefix-mismatch": Status.FAIL,
            "arn-region": Status.FAIL,
        },
        ("region", "source", "model", "expected", "found", "profile"),
        probe="aws_region",
        reads=("model_var",),
    ),
    Kind(
        "aws-credentials",
        "local",
        AwsParams,
        {
            "env-keys": Status.PASS,
            "bearer-token": Status.PASS,
            "profile": Status.PASS,
            "sso-profile": Status.PASS,
            "folder-process": Status.WARN,
            "sso-expired": Status.WARN,
            "partial-keys": Status.FAIL,
            "no-session-token": Status.FAIL,
            "profile-missing": Status.FAIL,
            "malformed": Status.FAIL,
            "none": Status.FAIL,
        },
        (
            "profile",
            "source",
            "path",
            "line",
            "error",
            "access_key",
            "process",
            "named_by",
            "session",
            "expired",
        ),
        probe="aws_credentials",
        reads=("model_var",),
        step=0,
        signs=True,
    ),
)


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
        section = config_section(profile)
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
    for route in env.routes:
        if route.provider != "bedrock":
            continue
        route_region = route.region.value.strip() if route.region else region
        for choice in (route.model, route.small_model):
            arn = ARN_REGION.match((choice.resolved or "").strip()) if choice else None
            if choice and arn and arn.group(1) != route_region:
                values.update(region=route_region, model=choice.resolved.strip(), found=arn.group(1))
                return Result(
                    "arn-region", values, {**ev, "arn_region": arn.group(1), "setting": choice.setting}
                )
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


def _aws_files(env: Environment, p: AwsParams) -> tuple[tuple[ParsedFile, ParsedFile], dict[str, Resolution]]:
    """The AWS credentials and config files where the tool looks for them: `AWS_SHARED_CREDENTIALS_FILE`
    and `AWS_CONFIG_FILE` from any of its sources (a folder's settings may name them: read as data),
    else ~/.aws; and which of the two the working folder named."""
    from generator.check import trust
    from generator.check.files import read_ini

    found: list[ParsedFile] = []
    folder: dict[str, Resolution] = {}
    for var, default in (
        ("AWS_SHARED_CREDENTIALS_FILE", env.home / ".aws" / "credentials"),
        ("AWS_CONFIG_FILE", env.home / ".aws" / "config"),
    ):
        r = env.settings.resolve(var, p.sources)
        if r.value and trust.folder_scoped(env.settings, r.source_id):
            folder[var] = r
        path = Path(r.value.strip()).expanduser() if r.value and r.value.strip() else default
        found.append(read_ini(path if path.is_absolute() else env.cwd / path, env.home, env.cwd))
    return (found[0], found[1]), folder


def _sso_expired(env: Environment, section: dict[str, str]) -> tuple[str, str] | None:
    """(session, day) when the SSO token cache says the profile's token has expired and cannot be
    refreshed (no refresh token, or its client registration expired too). The cache is only read:
    refreshing it (which the SDKs do) would write the file."""
    import hashlib
    from datetime import UTC, datetime

    from generator.check.files import read_json

    session = (section.get("sso_session") or "").strip()
    key = session or (section.get("sso_start_url") or "").strip()
    if not key:
        return None
    name = hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()
    data = read_json(env.home / ".aws" / "sso" / "cache" / f"{name}.json", env.home, env.cwd).data or {}
    now = datetime.now(UTC)

    def when(field: str) -> datetime | None:
        raw = data.get(field)
        if not isinstance(raw, str):
            return None
        try:
            found = datetime.fromisoformat(raw.strip().replace("UTC", "+00:00").replace("Z", "+00:00"))
        except ValueError:
            return None
        return found if found.tzinfo else found.replace(tzinfo=UTC)

    expires = when("expiresAt")
    if expires is None or expires > now:
        return None
    registration = when("registrationExpiresAt")
    if data.get("refreshToken") and (registration is None or registration > now):
        return None  # the SDK refreshes it on its own
    return session or section.get("sso_start_url", "-"), expires.date().isoformat()


def _temporary(key_id: str) -> bool:
    """An access key ID of temporary credentials (STS, SSO portal): useless without its session token."""
    return key_id.strip().startswith("ASIA")


def aws_credentials(p: AwsParams, env: Environment) -> Result:
    """Which link of the credential chain would be used, and whether it is complete."""
    values = {
        "profile": "-",
        "source": "-",
        "path": "-",
        "line": "-",
        "error": "-",
        "access_key": "-",
        "process": "-",
        "named_by": "-",
        "session": "-",
        "expired": "-",
    }
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
        if _temporary(key_id.value) and not env.settings.resolve("AWS_SESSION_TOKEN", p.sources).value:
            return Result("no-session-token", values, {"source": key_id.source})
        return Result("env-keys", values, {"source": key_id.source})
    (creds, config), folder_named = _aws_files(env, p)
    for f in (creds, config):
        if f.problem:
            values.update(path=f.problem.path, line=str(f.problem.line), error=f.problem.error)
            return Result("malformed", values, {"path": f.problem.path})
    profile, source = _profile_name(env, p)
    values.update(profile=profile, source=source or "-")
    cred_section = (creds.data or {}).get(profile)
    conf_section = (config.data or {}).get(config_section(profile))
    if cred_section and cred_section.get("aws_access_key_id"):
        values.update(path=creds.path, access_key=mask(cred_section["aws_access_key_id"]))
        if not cred_section.get("aws_secret_access_key"):
            return Result("partial-keys", values, {"profile": profile})
        if _temporary(cred_section["aws_access_key_id"]) and not cred_section.get("aws_session_token"):
            values["source"] = f"{creds.path} [{profile}]"
            return Result("no-session-token", values, {"profile": profile, "path": creds.path})
        return Result("profile", values, {"profile": profile, "path": creds.path})
    if conf_section:
        values["path"] = config.path
        named_by = folder_named.get("AWS_CONFIG_FILE")
        if named_by and conf_section.get("credential_process"):
            # The folder chose the file and the program in it: read as data, never run (DESIGN.md).
            from generator.secrets import clip

            src = env.settings.sources.get(named_by.source_id or "")
            line = src.lines.get("AWS_CONFIG_FILE") if src else None
            where = f"{src.path}:{line}" if src and src.path and line else named_by.source or "-"
            values.update(process=clip(conf_section["credential_process"], 120), named_by=where)
            # No `var` in the evidence: the fix is to remove the folder's setting, not to set it there.
            ev = {"profile": profile, "path": config.path, "named_by": where}
            return Result("folder-process", values, ev)
        if any(k.startswith("sso_") for k in conf_section):
            expired = _sso_expired(env, conf_section)
            if expired:
                values.update(session=expired[0], expired=expired[1])
                return Result("sso-expired", values, {"profile": profile, "session": expired[0]})
            return Result("sso-profile", values, {"profile": profile})
        config_key = conf_section.get("aws_access_key_id")
        if config_key:  # static keys kept in the config file: the SDKs read them there too
            values["access_key"] = mask(config_key)
            if not conf_section.get("aws_secret_access_key"):
                return Result("partial-keys", values, {"profile": profile})
            if _temporary(config_key) and not conf_section.get("aws_session_token"):
                values["source"] = f"{config.path} [{profile}]"
                return Result("no-session-token", values, {"profile": profile, "path": config.path})
        if (
            conf_section.get("role_arn")
            or conf_section.get("credential_process")
            or conf_section.get("aws_access_key_id")
        ):
            return Result("profile", values, {"profile": profile, "path": config.path})
    if profile != "default":
        return Result("profile-missing", values, {"profile": profile})
    return Result("none", values, {})
