"""`aws-call` and `gcp-call`: free cloud calls through the optional SDKs (`[aws]`, `[gcp]` extras):
identity, inference profiles, ADC refresh.

The SDKs read the process environment and the home folder on their own; every value they need is
passed in explicitly instead, so the probe sees exactly the machine the `Environment` describes.
"""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from generator.check import trust
from generator.check.bounded import Overrun, within
from generator.check.environment import Environment, Result
from generator.check.files import ParsedFile, adc_default_path, config_section, read_ini, read_json
from generator.check.http import safe_url
from generator.check.kinds.aws import DEFAULT_REGION, REGION
from generator.check.kinds.base import Kind, Params, Status, claude_env, params
from generator.check.sources import Resolution
from generator.secrets import clip


@params
class CloudCallParams(Params):
    """Parameters of `aws-call` and `gcp-call` (free calls through the optional SDK extras)."""

    call: Literal["caller-identity", "inference-profiles", "adc-refresh"]
    """Which free call: STS caller identity, Bedrock inference-profile list, or an ADC token refresh."""
    sources: list[str] = field(default_factory=claude_env)
    """Where the tool reads its settings, highest precedence first."""
    model_var: str | None = None
    """Setting whose inference-profile ID must be listed in the region (`inference-profiles`)."""


_VALUES = ("account", "arn", "region", "model", "count", "error", "code")
_OUTCOMES = {
    "ok": Status.PASS,
    "not-installed": Status.SKIP,
    "offline": Status.SKIP,
    "no-credentials": Status.SKIP,
    "expired": Status.FAIL,
    "invalid-token": Status.FAIL,
    "unreachable": Status.FAIL,
    "call-failed": Status.FAIL,
}
AWS_CALL = Kind(
    "aws-call",
    "free-call",
    CloudCallParams,
    {**_OUTCOMES, "denied": Status.FAIL, "not-listed": Status.FAIL},
    _VALUES,
    probe="aws_call",
    reads=("model_var",),
    signs=True,
)
GCP_CALL = Kind(
    "gcp-call",
    "free-call",
    CloudCallParams,
    dict(_OUTCOMES),
    _VALUES,
    probe="gcp_refresh",
    reads=("model_var",),
    signs=True,
)
KINDS = (AWS_CALL, GCP_CALL)

_EXPIRED = ("ExpiredToken", "ExpiredTokenException", "RequestExpired")
_INVALID = (
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "SignatureDoesNotMatch",
    "InvalidSignatureException",
)


@dataclass(frozen=True)
class _StaticKeys:
    """AWS keys that need nothing run, refreshed or written: from settings or a plain profile."""

    key_id: str
    """The access key ID."""
    secret: str
    """The secret access key."""
    token: str | None
    """The session token, when the keys are temporary."""
    held_by: Resolution
    """Where the keys come from, for the trust rule."""


def _aws_keys(env: Environment, p: CloudCallParams) -> _StaticKeys | str | None:
    """The keys a call may sign with; or what using the configured credentials would take
    (a process, a folder-named file, an SSO refresh), said as a reason; or None when none are set.

    botocore's own chain is never run: it would start `credential_process`, read any file a
    setting names and rewrite the SSO token cache on its own.
    """
    settings = env.settings

    def get(var: str) -> Resolution:
        return settings.resolve(var, p.sources)

    key_id, secret, token = get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY"), get("AWS_SESSION_TOKEN")
    if key_id.value and secret.value:
        return _StaticKeys(key_id.value, secret.value, token.value, key_id)
    files: dict[str, ParsedFile] = {}
    for var, default in (
        ("AWS_SHARED_CREDENTIALS_FILE", env.home / ".aws" / "credentials"),
        ("AWS_CONFIG_FILE", env.home / ".aws" / "config"),
    ):
        r = get(var)
        if r.value and trust.folder_scoped(settings, r.source_id):
            return f"read {r.value} (named by {r.source}) to sign requests with what it holds"
        path = Path(r.value).expanduser() if r.value else default
        files[var] = read_ini(path if path.is_absolute() else env.cwd / path, env.home, env.cwd)
    profile = get("AWS_PROFILE").value or "default"
    creds, config = files["AWS_SHARED_CREDENTIALS_FILE"], files["AWS_CONFIG_FILE"]
    held = Resolution("aws_access_key_id", None, creds.path, [], [], source_id="aws-files")
    section = (creds.data or {}).get(profile) or {}
    if section.get("aws_access_key_id") and section.get("aws_secret_access_key"):
        return _StaticKeys(
            section["aws_access_key_id"],
            section["aws_secret_access_key"],
            section.get("aws_session_token"),
            held,
        )
    conf = (config.data or {}).get(config_section(profile)) or {}
    where = f"{config.path} [{config_section(profile)}]"
    if conf.get("credential_process"):
        return f"run credential_process `{clip(conf['credential_process'], 120)}` from {where}"
    if any(k.startswith("sso_") for k in conf):
        return f"use and refresh the AWS SSO token of {where} (botocore rewrites ~/.aws/sso/cache)"
    if conf.get("role_arn"):
        return f"assume the role {clip(conf['role_arn'], 120)} of {where} through its source credentials"
    if conf.get("web_identity_token_file"):
        return f"read the web identity token file of {where} and send it"
    if conf.get("aws_access_key_id") and conf.get("aws_secret_access_key"):
        held = Resolution("aws_access_key_id", None, config.path, [], [], source_id="aws-files")
        return _StaticKeys(
            conf["aws_access_key_id"], conf["aws_secret_access_key"], conf.get("aws_session_token"), held
        )
    return None


def _aws_session(keys: _StaticKeys) -> Any:
    import os

    import botocore.session

    # No config or credentials file and no AWS_* variable of the process: every value is passed in,
    # so nothing the SDK would read on its own (a profile's credential_process, endpoint_url, SSO
    # settings) can take part. (name in the config file, variable, default, conversion)
    session = botocore.session.Session(
        session_vars={
            "profile": (None, None, None, None),
            "config_file": (None, None, os.devnull, None),
            "credentials_file": (None, None, os.devnull, None),
            "ignore_configured_endpoint_urls": (None, None, True, None),
        }
    )
    session.set_credentials(keys.key_id, keys.secret, keys.token)
    return session


def _left(env: Environment, started: float) -> float:
    """What remains of the probe's timeout: importing the SDK and reading its files count too."""
    return max(0.1, env.timeout - (time.monotonic() - started))


def _region(env: Environment, p: CloudCallParams) -> str:
    for var in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        value = env.settings.resolve(var, p.sources).value
        if value and REGION.match(value.strip()):
            return value.strip()
    return DEFAULT_REGION


def _endpoint(env: Environment, p: CloudCallParams, service: str) -> str | None:
    # The SDKs' own override variables (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL): VPC endpoints, tests.
    for var in (f"AWS_ENDPOINT_URL_{service.upper()}", "AWS_ENDPOINT_URL"):
        value = env.settings.resolve(var, p.sources).value
        if value:
            return value
    return None


def _unavailable(env: Environment, values: dict[str, str], *modules: str) -> Result | None:
    """`offline` or `not-installed` when the call cannot happen, else None (the SDK is imported)."""
    # Offline first: importing an SDK alone costs more than the whole offline run.
    if env.client is None:
        return Result("offline", values)
    try:
        for name in modules:
            importlib.import_module(name)
    except ImportError:
        return Result("not-installed", values)
    return None


def aws_call(p: CloudCallParams, env: Environment) -> Result:
    started = time.monotonic()
    values = dict.fromkeys(AWS_CALL.values, "-")
    skipped = _unavailable(env, values, "botocore.config", "botocore.exceptions", "botocore.parsers")
    if skipped:
        return skipped
    import botocore.config
    import botocore.exceptions
    import botocore.parsers

    region = _region(env, p)
    values["region"] = region
    keys = _aws_keys(env, p)
    if keys is None:
        return Result("no-credentials", values)
    if isinstance(keys, str):
        return trust.would_run(env, keys, values)
    service = "sts" if p.call == "caller-identity" else "bedrock"
    endpoint = _endpoint(env, p, service)
    if endpoint:
        endpoint_var = next(
            var
            for var in (f"AWS_ENDPOINT_URL_{service.upper()}", "AWS_ENDPOINT_URL")
            if env.settings.resolve(var, p.sources).value
        )
        found = trust.refusal(env.settings, [keys.held_by], endpoint_var, p.sources, safe_url(endpoint))
        if found:
            return trust.refused(env, found, values)
    session = _aws_session(keys)
    config = botocore.config.Config(
        connect_timeout=env.timeout,
        read_timeout=env.timeout,
        retries={"max_attempts": 1, "mode": "standard"},  # one attempt in all
        region_name=region,
    )
    try:
        if p.call == "caller-identity":
            ident = within(
                _left(env, started),
                lambda: session.create_client(
                    "sts", config=config, endpoint_url=_endpoint(env, p, "sts")
                ).get_caller_identity(),
                "cloud-probe",
            )
            values.update(account=str(ident.get("Account", "-")), arn=str(ident.get("Arn", "-")))
            return Result("ok", values, {"account": values["account"]})
        listed = within(
            _left(env, started),
            lambda: session.create_client(
                "bedrock", config=config, endpoint_url=_endpoint(env, p, "bedrock")
            ).list_inference_profiles(maxResults=1000),
            "cloud-probe",
        )
        if not isinstance(listed.get("inferenceProfileSummaries"), list):
            # botocore reads an HTML page or foreign JSON as an empty reply; Bedrock always sends the list.
            values["error"] = "not a Bedrock reply (no inferenceProfileSummaries)"
            return Result("call-failed", values)
        ids = [x.get("inferenceProfileId") for x in listed["inferenceProfileSummaries"]]
        values["count"] = str(len(ids))
        model = env.settings.resolve(p.model_var, p.sources).value if p.model_var else None
        if model:
            values["model"] = model
            profile = model.strip().rsplit("/", 1)[-1]  # an ARN ends with the profile ID
            if "." in profile.split("anthropic.")[0] and profile not in ids:
                return Result("not-listed", values, {"region": region, "count": len(ids)})
        return Result("ok", values, {"region": region, "count": len(ids)})
    except Overrun:
        values["error"] = f"no complete answer within {env.timeout:g} s"
        return Result("unreachable", values)
    except botocore.exceptions.NoCredentialsError:
        return Result("no-credentials", values)
    except botocore.exceptions.ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        values.update(
            code=clip(code, 60) or "-",
            error=clip(str(exc.response.get("Error", {}).get("Message", ""))) or "-",
        )
        if code in _EXPIRED:
            return Result("expired", values, {"code": code})
        if code in _INVALID:
            return Result("invalid-token", values, {"code": code})
        if "AccessDenied" in code:
            return Result("denied", values, {"code": code})
        return Result("call-failed", values, {"code": code})
    except (
        botocore.exceptions.EndpointConnectionError,
        botocore.exceptions.ConnectTimeoutError,
        botocore.exceptions.ReadTimeoutError,
    ) as exc:
        values["error"] = clip(str(exc))
        return Result("unreachable", values)
    except botocore.exceptions.BotoCoreError as exc:
        values["error"] = clip(str(exc))
        return Result("call-failed", values)
    except (botocore.parsers.ResponseParserError, KeyError, ValueError) as exc:
        # An HTML page or garbage where AWS XML was expected: botocore's parser fails in these ways.
        values["error"] = clip(f"not an AWS reply ({type(exc).__name__}: {exc})")
        return Result("call-failed", values)
    except Exception as exc:  # a proxy scheme urllib3 cannot use, a CA bundle that is not there
        values["error"] = clip(f"{type(exc).__name__}: {exc}")
        return Result("call-failed", values)


def gcp_refresh(p: CloudCallParams, env: Environment) -> Result:
    started = time.monotonic()
    """Refresh the Application Default Credentials once, as the Vertex clients will."""
    values = dict.fromkeys(GCP_CALL.values, "-")
    skipped = _unavailable(
        env, values, "google.auth", "google.auth.exceptions", "google.auth.transport.requests"
    )
    if skipped:
        return skipped
    import google.auth
    import google.auth.exceptions
    import google.auth.transport.requests

    found = _adc(env, p)
    if found is None:
        return Result("no-credentials", values)
    if isinstance(found, str):
        return trust.would_run(env, found, values)
    try:
        credentials = _adc_credentials(found)
        transport = google.auth.transport.requests.Request()

        def request(*args: Any, **kwargs: Any) -> Any:
            return transport(*args, **{**kwargs, "timeout": env.timeout})  # its default is 120 s

        within(_left(env, started), lambda: credentials.refresh(request), "cloud-probe")
    except Overrun:
        values["error"] = f"no complete answer within {env.timeout:g} s"
        return Result("unreachable", values)
    except google.auth.exceptions.RefreshError as exc:
        values["error"] = clip(str(exc))
        text = str(exc).lower()
        return Result("expired" if "invalid_grant" in text or "expired" in text else "invalid-token", values)
    except google.auth.exceptions.TransportError as exc:
        values["error"] = clip(str(exc))
        return Result("unreachable", values)
    except google.auth.exceptions.GoogleAuthError as exc:
        values["error"] = clip(str(exc))
        return Result("call-failed", values)
    except (KeyError, ValueError, TypeError) as exc:
        # An HTML page or other JSON where a token reply was expected: google-auth fails in these ways.
        values["error"] = clip(f"not a token endpoint reply ({type(exc).__name__}: {exc})")
        return Result("call-failed", values)
    except Exception as exc:  # a proxy or CA setting the transport cannot use
        values["error"] = clip(f"{type(exc).__name__}: {exc}")
        return Result("call-failed", values)
    values["account"] = str(
        getattr(credentials, "service_account_email", None) or getattr(credentials, "account", None) or "-"
    )
    return Result("ok", values, {})


# ADC types whose refresh is one HTTPS call with what the file holds: nothing run, fetched or written.
_PLAIN_ADC = ("service_account", "authorized_user")


def _adc(env: Environment, p: CloudCallParams) -> dict[str, Any] | str | None:
    """The ADC file's content when refreshing it needs nothing but one token request; else what
    it would take, as a reason; None when there is no file."""
    r = env.settings.resolve("GOOGLE_APPLICATION_CREDENTIALS", p.sources)
    if r.value and trust.folder_scoped(env.settings, r.source_id):
        return f"read {r.value} (named by {r.source}) and send what it holds"
    path = Path(r.value).expanduser() if r.value else adc_default_path(env.home)
    parsed = read_json(path if path.is_absolute() else env.cwd / path, env.home, env.cwd)
    if not parsed.exists or parsed.problem or not isinstance(parsed.data, dict):
        return None  # gcp-adc reports the file's problem
    data: dict[str, Any] = parsed.data
    kind = data.get("type")
    if kind in _PLAIN_ADC:
        return data
    source = data.get("credential_source")
    if kind == "external_account" and isinstance(source, dict):
        token_url = safe_url(str(data.get("token_url", "-")))
        if isinstance(source.get("executable"), dict):
            command = clip(str(source["executable"].get("command", "-")), 120)
            return f"run `{command}` (credential_source.executable of {parsed.path})"
        if source.get("file"):
            return f"read {clip(str(source['file']), 120)} and send it to {token_url} ({parsed.path})"
        if source.get("url"):
            return f"fetch {safe_url(str(source['url']))} and send it to {token_url} ({parsed.path})"
        return f"exchange an external credential at {token_url} ({parsed.path})"
    return (
        f"use a '{clip(str(kind), 60)}' credential of {parsed.path}, which needs more than one token request"
    )


def _adc_credentials(data: dict[str, Any]) -> Any:
    """Credentials built from the content already read (google-auth never opens the file again)."""
    scopes = ["https://www.googleapis.com/auth/cloud-platform"]
    if data.get("type") == "service_account":
        from google.oauth2 import service_account

        return service_account.Credentials.from_service_account_info(data, scopes=scopes)
    from google.oauth2 import credentials

    return credentials.Credentials.from_authorized_user_info(data, scopes=scopes)
