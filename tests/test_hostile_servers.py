"""Hostile or broken servers on 127.0.0.1: each becomes a precise finding within its timeout + 0.5 s.

Every case runs twice: the probe alone, and the real `check` path (`check_command` with an
injected machine) on a small guide where a second, healthy HTTP check and a local check must
still report. The TLS-intercepting proxy also runs as a subprocess with HTTPS_PROXY, the way a
reader's shell would set it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from certs import Pem, make_cert
from conftest import ROOT
from hostile_servers import (
    BASE_VAR,
    GOOD_VAR,
    KEY_VAR,
    Server,
    answer,
    client_context,
    drip,
    gzip_bomb,
    huge,
    intercepting_proxy,
    loop,
    probe_guide,
    redirect,
    reset,
    response,
    serve,
    server_context,
    silent,
)

from generator.check.command import check_command, make_client
from generator.check.environment import Environment
from generator.check.kinds.cloud_calls import CloudCallParams, aws_call, gcp_refresh
from generator.check.kinds.http_json import http_json
from generator.cli import build_parser, check_options

KEY = "sk-probe-" + "h0st1le" * 6
GRACE = 0.5
MODELS = json.dumps({"data": [{"id": "m"}]}).encode()
FIGURES: dict[str, tuple[float, float]] = {}  # case → (slowest seconds seen, bound)


@pytest.fixture(scope="module")
def certs() -> dict[str, Pem]:
    ca = make_cert(ca=True, name="Test CA", days=(-10, 10))
    return {
        "self-signed": make_cert(),
        "ca": ca,
        "expired": make_cert(issuer=ca, days=(-10, -1)),
        "proxy": make_cert(name="api.example.invalid"),
    }


@pytest.fixture(autouse=True)
def no_proxy_from_the_host(monkeypatch: pytest.MonkeyPatch) -> None:
    # make_client trusts the environment, as the reader's tools do; these tests set their own.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@dataclass(frozen=True)
class Case:
    name: str
    outcome: str
    timeout: float
    start: Callable[[dict[str, Pem]], AbstractContextManager[Server]]
    client: Callable[[dict[str, Pem], Server, float], httpx.Client] | None = None
    says: str = ""
    """Words the finding's message must hold (what exactly went wrong)."""


def _default_client(certs: dict[str, Pem], server: Server, timeout: float) -> httpx.Client:
    return make_client(timeout)  # exactly what `check` builds


def _trusting_ca(certs: dict[str, Pem], server: Server, timeout: float) -> httpx.Client:
    # The test CA is trusted, so the expired date is the only thing wrong.
    return httpx.Client(timeout=timeout, follow_redirects=False, verify=client_context(certs["ca"]))


def _through_proxy(certs: dict[str, Pem], server: Server, timeout: float) -> httpx.Client:
    # As HTTPS_PROXY does: https through the proxy, plain http direct.
    proxied = httpx.HTTPTransport(proxy=f"http://127.0.0.1:{server.port}")
    return httpx.Client(timeout=timeout, follow_redirects=False, mounts={"https://": proxied})


@contextmanager
def _proxy(certs: dict[str, Pem]) -> Iterator[Server]:
    with serve(intercepting_proxy(server_context(certs["proxy"]))) as server:
        yield server


@contextmanager
def _other_host() -> Iterator[Server]:
    with (
        serve(answer(response(200, MODELS))) as target,
        serve(redirect(f"http://localhost:{target.port}/v1/models")) as server,
    ):
        yield server
    assert target.seen == [], "the redirect was followed"


CASES = [
    Case("never-answers", "timeout", 1.0, lambda c: serve(silent), says="no complete answer within 1 s"),
    Case("one-byte-a-second", "timeout", 1.5, lambda c: serve(drip(1.0)), says="within 1.5 s"),
    Case(
        "50-mb-body", "bad-json", 3.0, lambda c: serve(huge(50 * 1024 * 1024)), says="body larger than 5 MB"
    ),
    Case("gzip-bomb", "bad-json", 3.0, lambda c: serve(answer(gzip_bomb())), says="body larger than 5 MB"),
    Case(
        "html-for-json",
        "html",
        1.0,
        lambda c: serve(
            answer(response(200, b"<!DOCTYPE html><title>Sign in</title>", {"content-type": "text/html"}))
        ),
    ),
    Case(
        "html-labelled-json",
        "html",
        1.0,
        lambda c: serve(answer(response(200, b"<html><head><title>Portal</title></head></html>"))),
    ),
    Case("invalid-json", "bad-json", 1.0, lambda c: serve(answer(response(200, b'{"data": [1, 2')))),
    Case("wrong-shape", "wrong-shape", 1.0, lambda c: serve(answer(response(200, b'{"models": []}')))),
    Case("list-at-top", "wrong-shape", 1.0, lambda c: serve(answer(response(200, b"[1, 2, 3]")))),
    Case("redirect-other-host", "redirect", 1.0, lambda c: _other_host(), says="location=http://localhost:"),
    Case("redirect-loop", "redirect", 1.0, lambda c: serve(loop), says="location=http://127.0.0.1:"),
    Case("connection-reset", "unreachable", 1.0, lambda c: serve(reset), says="reset"),
    Case(
        "self-signed-tls",
        "tls",
        1.0,
        lambda c: serve(answer(response(200, MODELS)), tls=server_context(c["self-signed"])),
        says="self-signed certificate",
    ),
    Case(
        "expired-tls",
        "tls",
        1.0,
        lambda c: serve(answer(response(200, MODELS)), tls=server_context(c["expired"])),
        _trusting_ca,
        says="certificate has expired",
    ),
    Case("tls-intercepting-proxy", "tls", 1.0, _proxy, _through_proxy, says="self-signed certificate"),
]
IDS = [c.name for c in CASES]


def _base(case: Case, server: Server) -> str:
    # Through the proxy the target is a name only the proxy would resolve: nothing leaves 127.0.0.1.
    return "https://api.example.invalid" if case.name == "tls-intercepting-proxy" else server.base


def _record(name: str, took: float, bound: float) -> None:
    FIGURES[name] = (max(took, FIGURES.get(name, (0.0, bound))[0]), bound)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_probe_alone(case: Case, certs: dict[str, Pem], tmp_path: Path) -> None:
    from generator.kb.catalogue import load_catalogue, params_of

    guide = probe_guide(tmp_path / "guides")
    cat = load_catalogue(guide.parent)
    assert not cat.problems, cat.problems
    spec = next(c for _, _, c in cat.checks() if c.id == "target")
    with case.start(certs) as server:
        client = (case.client or _default_client)(certs, server, case.timeout)
        env = Environment(
            vars={BASE_VAR: _base(case, server), KEY_VAR: KEY},
            home=tmp_path,
            cwd=tmp_path,
            client=client,
            timeout=case.timeout,
        )
        t0 = time.monotonic()
        result = http_json(params_of(spec), env)
        took = time.monotonic() - t0
        client.close()
    _record(f"probe:{case.name}", took, case.timeout + GRACE)
    assert result.outcome == case.outcome, result
    assert case.says in " ".join(f"{k}={v}" for k, v in result.values.items()), result.values
    assert took <= case.timeout + GRACE, f"{took:.2f} s"
    assert KEY not in json.dumps([result.values, result.evidence])


def _check(
    args: list[str], environ: dict[str, str], home: Path, cwd: Path, client: Any, capsys: Any
) -> tuple[int, dict[str, Any], str]:
    code = check_command(
        check_options(build_parser().parse_args(args)), environ=environ, home=home, cwd=cwd, client=client
    )
    out, err = capsys.readouterr()
    return code, json.loads(out), err


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_check_command_goes_on(case: Case, certs: dict[str, Pem], tmp_path: Path, capsys: Any) -> None:
    guides = probe_guide(tmp_path / "guides").parent
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    home.mkdir()
    cwd.mkdir()
    with ExitStack() as stack:
        server = stack.enter_context(case.start(certs))
        good = stack.enter_context(serve(answer(response(200, MODELS))))
        client = (case.client or _default_client)(certs, server, case.timeout)
        environ = {BASE_VAR: _base(case, server), KEY_VAR: KEY, GOOD_VAR: good.base}
        t0 = time.monotonic()
        code, doc, err = _check(
            ["--guides", str(guides), "check", "--json", "--timeout", str(case.timeout)],
            environ,
            home,
            cwd,
            client,
            capsys,
        )
        took = time.monotonic() - t0
    by_id = {f["id"]: f for f in doc["findings"]}
    target = by_id["probe/target"]
    _record(f"check:{case.name}", target["duration_ms"] / 1000, case.timeout + GRACE)
    assert target["status"] == "fail" and target["message_en"].split()[0] == f"outcome={case.outcome}", target
    assert target["duration_ms"] <= (case.timeout + GRACE) * 1000
    assert case.says in target["message_en"], target["message_en"]
    # The run went on: the healthy server and the local check still report.
    assert by_id["probe/healthy"]["message_en"].split()[0] == "outcome=ok"
    assert by_id["probe/key-shape"]["status"] == "pass"
    assert doc["summary"]["error"] == 0 and code == 1
    _record(f"check-run:{case.name}", took, case.timeout + GRACE + 1.0)
    assert took <= case.timeout + GRACE + 1.0, f"whole run {took:.2f} s"  # + loading the guide
    assert KEY not in json.dumps(doc) + err


def test_proxy_from_the_environment_in_a_real_process(certs: dict[str, Pem], tmp_path: Path) -> None:
    """`HTTPS_PROXY` set in the shell, a proxy that presents its own certificate: `tls`, key unseen."""
    guides = probe_guide(tmp_path / "guides").parent
    home = tmp_path / "home"
    home.mkdir()
    with _proxy(certs) as proxy, serve(answer(response(200, MODELS))) as good:
        env = {
            "PATH": os.environ["PATH"],
            "HOME": str(home),
            "PYTHONPATH": str(ROOT),
            "HTTPS_PROXY": f"http://127.0.0.1:{proxy.port}",
            BASE_VAR: "https://api.example.invalid",
            KEY_VAR: KEY,
            GOOD_VAR: good.base,
        }
        proc = subprocess.run(
            [sys.executable, "-m", "generator", "--guides", str(guides), "check", "--json", "--timeout", "1"],
            capture_output=True,
            text=True,
            cwd=home,
            env=env,
            timeout=60,
        )
        seen = list(proxy.seen)
    doc = json.loads(proc.stdout)
    by_id = {f["id"]: f for f in doc["findings"]}
    assert by_id["probe/target"]["message_en"].split()[0] == "outcome=tls", by_id["probe/target"]
    assert by_id["probe/target"]["duration_ms"] <= 1500
    assert by_id["probe/healthy"]["message_en"].split()[0] == "outcome=ok"
    assert seen and seen[0].startswith(b"CONNECT api.example.invalid:443 ")
    assert not any(KEY.encode() in s for s in seen), "the key crossed the intercepting proxy"
    assert KEY not in proc.stdout + proc.stderr


CLOUD = [
    ("never-answers", silent, "unreachable", "no complete answer within 2 s"),
    ("one-byte-a-second", drip(1.0), "unreachable", "no complete answer within 2 s"),
    (
        "html-for-reply",
        answer(response(200, b"<html><title>Portal</title></html>", {"content-type": "text/html"})),
        "call-failed",
        "not a",
    ),
    ("invalid-json", answer(response(200, b'{"data": [1, 2')), "call-failed", "not a"),
    ("connection-reset", reset, "", ""),
]


@pytest.mark.parametrize(("name", "handler", "outcome", "says"), CLOUD, ids=[c[0] for c in CLOUD])
@pytest.mark.parametrize("call", ["caller-identity", "inference-profiles", "adc-refresh"])
def test_cloud_calls_against_hostile_endpoints(
    call: str, name: str, handler: Any, outcome: str, says: str, tmp_path: Path
) -> None:
    """The SDK-driven free calls (AWS STS and Bedrock, the Google token endpoint) hold the same line."""
    pytest.importorskip("botocore" if call != "adc-refresh" else "google.auth")
    from hostile_servers import service_account_adc

    from generator.check.kinds import KINDS, Status

    timeout = 2.0  # the SDKs load their service models first; a loaded machine must not flip outcomes
    with serve(handler) as server:
        if call == "adc-refresh":
            adc = tmp_path / "adc.json"
            adc.write_text(json.dumps(service_account_adc(f"{server.base}/token")), encoding="utf-8")
            environ = {"GOOGLE_APPLICATION_CREDENTIALS": str(adc)}
            probe, kind = gcp_refresh, "gcp-call"
        else:
            environ = {
                "AWS_ENDPOINT_URL": server.base,
                "AWS_ACCESS_KEY_ID": "AKIA" + "Q" * 16,
                "AWS_SECRET_ACCESS_KEY": KEY,
            }
            probe, kind = aws_call, "aws-call"
        with httpx.Client() as client:
            env = Environment(vars=environ, home=tmp_path, cwd=tmp_path, client=client, timeout=timeout)
            t0 = time.monotonic()
            result = probe(CloudCallParams(call=call), env)
            took = time.monotonic() - t0
    _record(f"cloud:{call}:{name}", took, timeout + GRACE)
    assert result.outcome in KINDS[kind].outcomes and KINDS[kind].outcomes[result.outcome] == Status.FAIL, (
        result
    )
    if outcome:
        assert result.outcome == outcome, result
    assert says in result.values["error"], result.values
    assert took <= timeout + GRACE, f"{took:.2f} s"
    assert KEY not in json.dumps(result.values)


def test_figures() -> None:
    """Prints the slowest time of each case next to its bound (run with -s to see them)."""
    if not FIGURES:
        pytest.skip("run with the cases above")
    for name, (took, bound) in sorted(FIGURES.items()):
        print(f"{name:40} {took:6.2f} s  (bound {bound:.1f} s)")
        assert took <= bound
