"""Free cloud calls through the real SDKs, against local servers that answer like STS, Bedrock and Google's token endpoint."""

from __future__ import annotations

import json

import httpx
import pytest
from fakeserver import Reply, serve

from generator.check.environment import Environment
from generator.check.kinds.cloud_calls import CloudCallParams, aws_call, gcp_refresh

pytest.importorskip("botocore")

STS_OK = """<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/dev</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult>
<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>"""


def sts_error(code: str) -> str:
    return f"""<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>{code}</Code>
<Message>The security token included in the request is invalid.</Message></Error><RequestId>r-2</RequestId></ErrorResponse>"""


KEYS = {
    "AWS_ACCESS_KEY_ID": "AKIAEXAMPLEEXAMPLE12",
    "AWS_SECRET_ACCESS_KEY": "s" * 40,
    "AWS_REGION": "us-east-1",
}


def env_with(machine, environ: dict[str, str], **files: object) -> Environment:
    home, cwd = machine(**files)
    return Environment(vars=environ, home=home, cwd=cwd, client=httpx.Client(), timeout=3.0)


def post_reply(body: str, status: int = 200, ctype: str = "text/xml") -> Reply:
    return Reply(status, body, {"content-type": ctype})


@pytest.mark.parametrize(
    ("reply", "outcome"),
    [
        (post_reply(STS_OK), "ok"),
        (post_reply(sts_error("InvalidClientTokenId"), 403), "invalid-token"),
        (post_reply(sts_error("ExpiredToken"), 403), "expired"),
        (post_reply(sts_error("AccessDenied"), 403), "denied"),
    ],
)
def test_caller_identity(machine, reply: Reply, outcome: str) -> None:
    with serve(lambda path: reply) as (base, seen):
        r = aws_call(
            CloudCallParams(call="caller-identity"), env_with(machine, {**KEYS, "AWS_ENDPOINT_URL_STS": base})
        )
    assert r.outcome == outcome
    assert seen and seen[0].method == "POST" and "AKIAEXAMPLEEXAMPLE12" in seen[0].headers["authorization"]
    if outcome == "ok":
        assert r.values["account"] == "123456789012"


def test_credentials_come_from_the_fake_home_not_the_process(machine) -> None:
    creds = "[work]\naws_access_key_id = AKIAFROMFILEEXAMPLE1\naws_secret_access_key = " + "f" * 40 + "\n"
    with serve(lambda path: post_reply(STS_OK)) as (base, seen):
        r = aws_call(
            CloudCallParams(call="caller-identity"),
            env_with(
                machine,
                {"AWS_PROFILE": "work", "AWS_ENDPOINT_URL_STS": base},
                home_files={".aws/credentials": creds},
            ),
        )
    assert r.outcome == "ok" and "AKIAFROMFILEEXAMPLE1" in seen[0].headers["authorization"]


def test_no_credentials_anywhere_is_a_skip(machine) -> None:
    with serve(lambda path: pytest.fail("no request without credentials")) as (base, _):
        r = aws_call(
            CloudCallParams(call="caller-identity"),
            env_with(machine, {"AWS_ENDPOINT_URL_STS": base, "AWS_EC2_METADATA_DISABLED": "true"}),
        )
    assert r.outcome in ("no-credentials", "unreachable")


def test_inference_profile_listed_or_not(machine) -> None:
    listing = json.dumps(
        {
            "inferenceProfileSummaries": [
                {
                    "inferenceProfileId": "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                    "inferenceProfileName": "x",
                    "inferenceProfileArn": "arn:aws:bedrock:us-east-1::inference-profile/x",
                    "models": [],
                    "status": "ACTIVE",
                    "type": "SYSTEM_DEFINED",
                }
            ]
        }
    )
    p = CloudCallParams(call="inference-profiles", model_var="ANTHROPIC_MODEL")
    with serve(lambda path: Reply(200, listing)) as (base, seen):
        ok = aws_call(
            p,
            env_with(
                machine,
                {
                    **KEYS,
                    "AWS_ENDPOINT_URL_BEDROCK": base,
                    "ANTHROPIC_MODEL": "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                },
            ),
        )
        missing = aws_call(
            p,
            env_with(
                machine,
                {
                    **KEYS,
                    "AWS_ENDPOINT_URL_BEDROCK": base,
                    "ANTHROPIC_MODEL": "eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
                },
            ),
        )
    assert (ok.outcome, ok.values["count"]) == ("ok", "1")
    assert missing.outcome == "not-listed"
    assert seen[0].path.startswith("/inference-profiles")


def test_offline_and_unreachable(machine) -> None:
    home, cwd = machine()
    assert (
        aws_call(
            CloudCallParams(call="caller-identity"), Environment(vars=KEYS, home=home, cwd=cwd, client=None)
        ).outcome
        == "offline"
    )
    r = aws_call(
        CloudCallParams(call="caller-identity"),
        env_with(machine, {**KEYS, "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9"}),
    )
    assert r.outcome == "unreachable"


def test_adc_refresh_against_a_local_token_endpoint(machine) -> None:
    pytest.importorskip("google.auth.transport.requests")
    crypto = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.rsa")
    from cryptography.hazmat.primitives import serialization

    # A service-account key honours its token_uri (authorized_user files are pinned to Google's endpoint).
    key = crypto.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    token = json.dumps({"access_token": "ya29.local", "expires_in": 3600, "token_type": "Bearer"})
    bad = json.dumps({"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
    for reply, outcome in ((Reply(200, token), "ok"), (Reply(400, bad), "expired")):
        with serve(lambda path, reply=reply: reply) as (base, seen):
            sa = {
                "type": "service_account",
                "project_id": "p",
                "private_key_id": "k1",
                "private_key": pem,
                "client_email": "sa@p.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": f"{base}/token",
            }
            home, cwd = machine(home_files={"sa.json": sa})
            e = Environment(
                vars={"GOOGLE_APPLICATION_CREDENTIALS": str(home / "sa.json")},
                home=home,
                cwd=cwd,
                client=httpx.Client(),
                timeout=3.0,
            )
            r = gcp_refresh(CloudCallParams(call="adc-refresh"), e)
            assert r.outcome == outcome
            assert [s.path for s in seen] == ["/token"]
    assert pem not in json.dumps(r.values)
