"""Free cloud calls through the optional SDKs (`[aws]`, `[gcp]` extras): identity, inference profiles, ADC refresh.

The SDKs read the process environment and the home folder on their own; every value they need is
passed in explicitly instead, so the probe sees exactly the machine the `Environment` describes.
"""

from __future__ import annotations

import importlib
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.check.bounded import Overrun, within
from generator.check.cloud import DEFAULT_REGION, REGION
from generator.check.environment import Environment, Result
from generator.check.files import adc_default_path
from generator.check.kinds import KINDS

if TYPE_CHECKING:
    from generator.check.params import CloudCallParams

_EXPIRED = ("ExpiredToken", "ExpiredTokenException", "RequestExpired")
_INVALID = (
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "SignatureDoesNotMatch",
    "InvalidSignatureException",
)


def _aws_session(env: Environment, p: CloudCallParams) -> Any:
    import botocore.session

    session = botocore.session.Session()
    # Files and profile from the Environment, never from the process' own HOME or variables.
    aws = env.home / ".aws"

    def get(var: str) -> str | None:
        return env.settings.resolve(var, p.sources).value

    session.set_config_variable(
        "credentials_file", get("AWS_SHARED_CREDENTIALS_FILE") or str(aws / "credentials")
    )
    session.set_config_variable("config_file", get("AWS_CONFIG_FILE") or str(aws / "config"))
    profile = get("AWS_PROFILE")
    if profile:
        session.set_config_variable("profile", profile)
    key_id, secret, token = get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY"), get("AWS_SESSION_TOKEN")
    if key_id and secret:
        session.set_credentials(key_id, secret, token)
    return session


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
    values = dict.fromkeys(KINDS["aws-call"].values, "-")
    skipped = _unavailable(env, values, "botocore.config", "botocore.exceptions", "botocore.parsers")
    if skipped:
        return skipped
    import botocore.config
    import botocore.exceptions
    import botocore.parsers

    region = _region(env, p)
    values["region"] = region
    session = _aws_session(env, p)
    config = botocore.config.Config(
        connect_timeout=env.timeout,
        read_timeout=env.timeout,
        retries={"max_attempts": 1, "mode": "standard"},  # one attempt in all
        region_name=region,
    )
    try:
        if p.call == "caller-identity":
            ident = within(
                env.timeout,
                lambda: session.create_client(
                    "sts", config=config, endpoint_url=_endpoint(env, p, "sts")
                ).get_caller_identity(),
                "cloud-probe",
            )
            values.update(account=str(ident.get("Account", "-")), arn=str(ident.get("Arn", "-")))
            return Result("ok", values, {"account": values["account"]})
        listed = within(
            env.timeout,
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
    except Overrun as exc:
        values["error"] = str(exc)
        return Result("unreachable", values)
    except botocore.exceptions.NoCredentialsError:
        return Result("no-credentials", values)
    except botocore.exceptions.ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        values.update(
            code=code or "-", error=str(exc.response.get("Error", {}).get("Message", ""))[:200] or "-"
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
        values["error"] = str(exc)[:200]
        return Result("unreachable", values)
    except botocore.exceptions.BotoCoreError as exc:
        values["error"] = str(exc)[:200]
        return Result("call-failed", values)
    except (botocore.parsers.ResponseParserError, KeyError, ValueError) as exc:
        # An HTML page or garbage where AWS XML was expected: botocore's parser fails in these ways.
        values["error"] = f"not an AWS reply ({type(exc).__name__}: {exc})"[:200]
        return Result("call-failed", values)


def gcp_refresh(p: CloudCallParams, env: Environment) -> Result:
    """Refresh the Application Default Credentials once, as the Vertex clients will."""
    values = dict.fromkeys(KINDS["gcp-call"].values, "-")
    skipped = _unavailable(
        env, values, "google.auth", "google.auth.exceptions", "google.auth.transport.requests"
    )
    if skipped:
        return skipped
    import google.auth
    import google.auth.exceptions
    import google.auth.transport.requests

    named = env.settings.resolve("GOOGLE_APPLICATION_CREDENTIALS", p.sources).value
    path = Path(named).expanduser() if named else adc_default_path(env.home)
    if not path.is_file():
        return Result("no-credentials", values)
    try:
        with warnings.catch_warnings():
            # google-auth warns that files from outside may be unsafe; this is the reader's own ADC file.
            warnings.simplefilter("ignore", DeprecationWarning)
            credentials, _ = google.auth.load_credentials_from_file(
                str(path), scopes=["https://www.googleapis.com/auth/cloud-platform"]
            )
        transport = google.auth.transport.requests.Request()

        def request(*args: Any, **kwargs: Any) -> Any:
            return transport(*args, **{**kwargs, "timeout": env.timeout})  # its default is 120 s

        within(env.timeout, lambda: credentials.refresh(request), "cloud-probe")
    except Overrun as exc:
        values["error"] = str(exc)
        return Result("unreachable", values)
    except google.auth.exceptions.RefreshError as exc:
        values["error"] = str(exc)[:200]
        text = str(exc).lower()
        return Result("expired" if "invalid_grant" in text or "expired" in text else "invalid-token", values)
    except google.auth.exceptions.TransportError as exc:
        values["error"] = str(exc)[:200]
        return Result("unreachable", values)
    except google.auth.exceptions.GoogleAuthError as exc:
        values["error"] = str(exc)[:200]
        return Result("call-failed", values)
    except (KeyError, ValueError, TypeError) as exc:
        # An HTML page or other JSON where a token reply was expected: google-auth fails in these ways.
        values["error"] = f"not a token endpoint reply ({type(exc).__name__}: {exc})"[:200]
        return Result("call-failed", values)
    values["account"] = str(
        getattr(credentials, "service_account_email", None) or getattr(credentials, "account", None) or "-"
    )
    return Result("ok", values, {})
