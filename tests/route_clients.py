"""Run the real clients (Claude Code from npm, the anthropic/openai/litellm packages) against the recorder.

Each case in tests/fixtures/routes/*_cases.yaml is a fake machine (shell variables, files under a
home and a working folder, flags). `observe(case)` builds it in a temporary folder, runs the client
once inside a private network namespace whose only reachable host is the recorder (which also answers
DNS and TLS for every name, so requests to the real hosts are seen too), and sums up what the client
sent. `python tests/route_clients.py observe` runs every case and rewrites the *_observed.yaml
fixtures; `python tests/route_clients.py compare [CASE ...]` runs the cases with the client and with
`check --offline --json` and prints where the predicted route differs from what the client sent.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
CLIENTS = TESTS / "clients"
ROUTES = TESTS / "fixtures" / "routes"
RECORDER = TESTS / "recorder.py"
PYCLIENT = CLIENTS / "pyclient.py"
PORT = 8765  # each run has its own network namespace, so every run can use the same port
BASE = f"http://127.0.0.1:{PORT}"
# Runs at once: a Claude Code run mostly waits on its child processes, so 4 keep 2 cores busy.
WORKERS = 4
CLAUDE_TIMEOUT = 30.0
PYTHON_TIMEOUT = 90.0  # importing litellm alone takes 5-30 s on a busy machine
# A prompt hook makes Claude Code call its background (small, fast) model once per turn, so that
# model shows in the recording; it adds no env, model or credential setting.
HOOK = {
    "hooks": {
        "UserPromptSubmit": [
            {"hooks": [{"type": "prompt", "prompt": "ROUTE-RECORDER-HOOK: say ok. $ARGUMENTS"}]}
        ]
    }
}
QUIET = {
    "CLAUDE_CODE_MAX_RETRIES": "0",
    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
    "DISABLE_AUTOUPDATER": "1",
    "DISABLE_TELEMETRY": "1",
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
}
# The part of a request path that belongs to the API call, not to the endpoint a route names.
TAILS = (
    re.compile(r"/v1/messages(/count_tokens)?$"),
    re.compile(r"/model/[^/]+/[a-z-]+$"),
    re.compile(r"/v1/projects/[^/]+/locations/[^/]+/publishers/anthropic/models/[^/]+$"),
    re.compile(r"/projects/[^/]+/locations/[^/]+/publishers/anthropic/models/[^/]+$"),
    re.compile(r"/chat/completions$"),
    re.compile(r"/messages$"),
)


@dataclass(frozen=True)
class Case:
    """One fake machine a client is run on."""

    id: str
    """Unique name, used in test IDs and the observed fixture."""
    client: str
    """claude-code, anthropic-sdk, openai-sdk or litellm-sdk (the route's `client`)."""
    env: dict[str, str | None] = field(default_factory=dict)
    """The shell's variables ("{base}" is the recorder's URL; null unsets one of the defaults)."""
    home: dict[str, Any] = field(default_factory=dict)
    """Files under the fake home folder: relative path → text or JSON value."""
    cwd: dict[str, Any] = field(default_factory=dict)
    """Files under the fake working folder."""
    args: list[str] = field(default_factory=list)
    """Extra command-line flags for Claude Code."""
    code: dict[str, Any] = field(default_factory=dict)
    """For the Python clients: what the calling code passes (model, base_url, api_key)."""
    note: str = ""
    """Why the case is there."""
    predictable: bool = True
    """False when the code overrides the environment, which `check` can't see."""
    pending: str = ""
    """A known gap in `check`'s prediction: the route test expects it to fail (strictly) until fixed."""


def load_cases(name: str) -> list[Case]:
    """The cases in tests/fixtures/routes/NAME_cases.yaml."""
    data = yaml.safe_load((ROUTES / f"{name}_cases.yaml").read_text(encoding="utf-8"))
    default = "claude-code" if name == "claude_code" else ""
    return [
        Case(
            id=c["id"],
            client=c.get("client", default),
            env={k: None if v is None else str(v) for k, v in (c.get("env") or {}).items()},
            home=c.get("home") or {},
            cwd=c.get("cwd") or {},
            args=[str(a) for a in c.get("args") or []],
            code=c.get("code") or {},
            note=c.get("note", ""),
            predictable=c.get("predictable", True),
            pending=c.get("pending", ""),
        )
        for c in data["cases"]
    ]


def _fill(value: Any, home: Path | None = None) -> Any:
    """The value with {base}, {home} and {service_account} put in."""
    if isinstance(value, str):
        if value == "{service_account}":
            return json.dumps(service_account())
        value = value.replace("{base}", BASE)
        return value.replace("{home}", str(home)) if home else value
    if isinstance(value, dict):
        return {k: _fill(v, home) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, home) for v in value]
    return value


def service_account() -> dict[str, str]:
    """A Google service-account key file with a fresh (useless) RSA key, as gcloud writes it."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return {
        "type": "service_account",
        "project_id": "route-test-project",
        "private_key_id": "0123456789abcdef",
        "private_key": pem,
        "client_email": "route-test@route-test-project.iam.gserviceaccount.com",
        "client_id": "100000000000000000001",
        "token_uri": "https://oauth2.googleapis.com/token",
    }


@dataclass(frozen=True)
class Machine:
    """A case laid out on disk."""

    home: Path
    """The fake home folder."""
    cwd: Path
    """The fake working folder."""
    env: dict[str, str]
    """The whole environment the client (and `check`) runs with."""


def build(case: Case, top: Path) -> Machine:
    """Write the case's files under top and return its folders and environment."""
    home, cwd = top / "home" / "user", top / "work" / "project"
    for base, files in ((home, case.home), (cwd, case.cwd)):
        base.mkdir(parents=True, exist_ok=True)
        for rel, content in files.items():
            path = base / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            filled = _fill(content, home)
            path.write_text(
                filled if isinstance(filled, str) else json.dumps(filled, indent=2), encoding="utf-8"
            )
    # Claude Code's npm install on PATH, as `npm install -g` would put it: `check` finds the version
    # from the package files beside it.
    search = f"{CLIENTS / 'node_modules' / '.bin'}:/usr/local/bin:/usr/bin:/bin"
    env: dict[str, str] = {"PATH": search, "HOME": str(home), "LANG": "C.UTF-8", **QUIET}
    for name, value in _fill(case.env, home).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return Machine(home, cwd, env)


def claude_binary() -> Path | None:
    """The native Claude Code binary that tests/clients/install.sh put in node_modules."""
    scope = CLIENTS / "node_modules" / "@anthropic-ai"
    for candidate in sorted(scope.glob("claude-code-linux-*/claude")):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def claude_version() -> str | None:
    """The installed Claude Code version, from its package.json (the binary is not run for it)."""
    path = CLIENTS / "node_modules" / "@anthropic-ai" / "claude-code" / "package.json"
    try:
        return str(json.loads(path.read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return None


def package_version(name: str) -> str | None:
    """The version of an installed Python package."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


def isolation() -> str | None:
    """Why runs can't be isolated in a private network namespace, or None when they can."""
    if os.geteuid() != 0:
        return "not root: `unshare -n` and the DNS/TLS stand-in on port 53/443 need root"
    if not shutil.which("unshare") or not shutil.which("ip"):
        return "unshare or ip (util-linux, iproute2) not installed"
    return None


_CA: tuple[str, str] | None = None


def _ca() -> tuple[str, str]:
    global _CA
    if _CA is None:
        sys.path.insert(0, str(TESTS))
        from recorder import make_ca

        _CA = make_ca(tempfile.mkdtemp(prefix="route-ca-"))
    return _CA


def client_argv(case: Case) -> list[str]:
    """The command that runs the case's client."""
    if case.client == "claude-code":
        binary = claude_binary()
        if binary is None:
            raise RuntimeError("Claude Code is not installed: run tests/clients/install.sh")
        return [str(binary), "-p", "hi", "--settings", json.dumps(HOOK), *case.args]
    return [sys.executable, str(PYCLIENT), case.client, json.dumps(_fill(case.code))]


def run(case: Case, top: Path) -> dict[str, Any]:
    """Run the case's client once against the recorder; the recorder's raw result."""
    machine = build(case, top)
    ca_cert, ca_key = _ca()
    env = dict(machine.env)
    env["NODE_EXTRA_CA_CERTS"] = ca_cert  # Claude Code (Bun) trusts the recorder's TLS door
    env["SSL_CERT_FILE"] = ca_cert  # so do Python's ssl and httpx
    env["REQUESTS_CA_BUNDLE"] = ca_cert
    spec = {
        "port": PORT,
        "argv": client_argv(case),
        "cwd": str(machine.cwd),
        "env": env,
        "timeout": CLAUDE_TIMEOUT if case.client == "claude-code" else PYTHON_TIMEOUT,
        "dns": True,
        "ca": [ca_cert, ca_key],
    }
    spec_path = top / "spec.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    resolv = top / "resolv.conf"
    resolv.write_text("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n", encoding="utf-8")
    script = (
        f"mount --bind {resolv} /etc/resolv.conf && ip link set lo up && "
        f"exec {sys.executable} {RECORDER} run {spec_path}"
    )
    proc = subprocess.run(
        ["unshare", "-n", "-m", "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=max(CLAUDE_TIMEOUT, PYTHON_TIMEOUT) + 20,
    )
    if proc.returncode != 0 or not proc.stdout.strip():
        raise RuntimeError(f"recorder run failed ({proc.returncode}): {proc.stderr[-1500:]}")
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def endpoint(request: dict[str, Any]) -> str:
    """scheme://host[/prefix] of a request: its URL less the API call's own path."""
    path = request["path"]
    for tail in TAILS:
        match = tail.search(path)
        if match:
            path = path[: match.start()]
            break
    url = f"{request['scheme']}://{request['host']}{path}"
    return url.replace(BASE, "{base}")


def _facts(request: dict[str, Any]) -> dict[str, Any]:
    return {
        "endpoint": endpoint(request),
        "path": request["path"],
        "auth": request["auth"],
        "fingerprint": request["fingerprint"],
        "model": request["model"],
        "region": request["region"],
        "project": request["project"],
        "credential_headers": {
            k: v for k, v in request["headers"].items() if k in ("x-api-key", "authorization")
        },
        "header_names": [h for h in request["header_names"] if not h.startswith("x-stainless")],
    }


def _is_model_call(request: dict[str, Any]) -> bool:
    return request["method"] == "POST" and request["model"] is not None


def summarise(case: Case, raw: dict[str, Any]) -> dict[str, Any]:
    """What the client sent, as the facts a route predicts.

    main: the first model call that offered tools (Claude Code's turn) or, for the SDKs, the first
    model call; background: the first model call with no tools (the prompt hook's, which uses the
    small fast model); other: every other request, one line each.
    """
    calls = [r for r in raw["requests"] if _is_model_call(r)]
    if case.client == "claude-code":
        main = next((r for r in calls if r["tools"]), None)
        background = next((r for r in calls if r["marked"]), None)
    else:
        main, background = (calls[0] if calls else None), None
    chosen = [r for r in (main, background) if r is not None]
    other = sorted(  # in order of the text, not of arrival: probes and fetches race each other
        {
            f"{r['method']} {r['scheme']}://{r['host']}{r['path']} {r['auth']}".replace(BASE, "{base}")
            for r in raw["requests"]
            if not any(r is c for c in chosen)
        }
    )
    return {
        "main": _facts(main) if main else None,
        "background": _facts(background) if background else None,
        "other_requests": other,
        "dns": sorted(raw.get("dns") or []),
        "exit": raw["returncode"],
        "output": (raw["stdout"].strip() or raw["stderr"].strip())[:300],
    }


def observe(case: Case) -> dict[str, Any]:
    """Build, run and sum up one case in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix=f"route-{case.id}-") as top:
        return summarise(case, run(case, Path(top)))


def observe_all(cases: list[Case], workers: int = WORKERS) -> dict[str, dict[str, Any]]:
    """Observe every case, WORKERS at a time."""
    with ThreadPoolExecutor(workers) as pool:
        return dict(zip([c.id for c in cases], pool.map(observe, cases), strict=True))


# The target named on `check`'s command line for each client (naming a target forces its route).
TARGET = {
    "claude-code": "claude-code",
    "anthropic-sdk": "anthropic",
    "openai-sdk": "openai-sdk",
    "litellm-sdk": "litellm",
}


@dataclass(frozen=True)
class Outcome:
    """One case after both runs."""

    case: Case
    """The configuration."""
    observed: dict[str, Any]
    """What the real client sent (route_clients.summarise)."""
    check: dict[str, Any] | None
    """`check --json`'s document, or None when it printed no JSON."""
    check_error: str
    """`check`'s exit code and stderr tail when it printed no JSON."""


def _model_flag(case: Case) -> list[str]:
    """Claude Code's `--model X`, handed to `check --model X` (the flag outranks every setting)."""
    if "--model" in case.args:
        return ["--model", case.args[case.args.index("--model") + 1]]
    return []


def run_check(case: Case, machine: Machine) -> tuple[dict[str, Any] | None, str]:
    """`check --offline --json TARGET` on the case's machine: its document, or why there is none."""
    env = {**machine.env, "PYTHONPATH": str(ROOT)}
    try:
        proc = subprocess.run(
            [
                *(sys.executable, "-m", "generator", "check", "--offline", "--json"),
                *("--deadline", "60"),  # a busy machine is not what these tests measure
                *_model_flag(case),
                TARGET[case.client],
            ],
            capture_output=True,
            text=True,
            cwd=machine.cwd,
            env=env,
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        return None, "check --offline did not finish within 60 s"
    try:
        return json.loads(proc.stdout), ""
    except ValueError:
        return None, f"exit {proc.returncode}: {proc.stderr[-800:]}"


def both(case: Case) -> Outcome:
    """Run the case with its client and with `check`, on one machine."""
    with tempfile.TemporaryDirectory(prefix=f"route-{case.id}-") as top:
        try:
            observed = summarise(case, run(case, Path(top)))
        except (RuntimeError, subprocess.TimeoutExpired) as exc:  # this case fails, not the module
            observed = {"main": None, "background": None, "error": str(exc)[-1500:]}
        doc, error = run_check(case, build(case, Path(top)))
        return Outcome(case, observed, doc, error)


def _route(doc: dict[str, Any], client: str) -> dict[str, Any]:
    routes = doc.get("routes")
    assert isinstance(routes, list), "check --json has no `routes` list (issue 14's route resolver)"
    mine = [r for r in routes if r.get("client") == client]
    assert mine, f"no route for {client} among {[r.get('client') for r in routes]}"
    route: dict[str, Any] = mine[0]
    return route


def _resolved(part: Any) -> Any:
    return part.get("resolved") if isinstance(part, dict) else None


def assert_route(outcome: Outcome) -> None:
    """The predicted route equals the request the client sent, field by field."""
    case, seen = outcome.case, outcome.observed
    assert "error" not in seen, f"{case.id}: the client run failed: {seen.get('error')}"
    assert outcome.check is not None, f"{case.id}: check printed no JSON ({outcome.check_error})"
    try:
        route = _route(outcome.check, case.client)
    except AssertionError as exc:
        raise AssertionError(f"{case.id}: {exc}") from None
    main = seen["main"]
    problems: list[str] = []

    def differ(field: str, predicted: Any, sent: Any) -> None:
        if predicted != sent:
            problems.append(f"{field}: predicted {predicted!r}, the client sent {sent!r}")

    if main is None:  # the client sent nothing: the route must say it has no credential
        differ("credential", route.get("credential"), None)
    else:
        sent_endpoint = main["endpoint"].replace("{base}", BASE).rstrip("/")
        differ("endpoint", str(route.get("endpoint") or "").rstrip("/"), sent_endpoint)
        differ("auth", route.get("auth"), main["auth"])
        if main["auth"] != "google-oauth":  # that token is minted at run time
            credential = route.get("credential")
            fingerprint = credential.get("fingerprint") if isinstance(credential, dict) else None
            differ("credential.fingerprint", fingerprint, main["fingerprint"])
        if case.client == "claude-code" or route.get("model") is not None:
            differ("model.resolved", _resolved(route.get("model")), main["model"])
        if main["region"] is not None:
            differ("region", route.get("region"), main["region"])
        if main["project"] is not None:
            differ("project", route.get("project"), main["project"])
    if case.client == "claude-code":  # found from the package files on PATH, not by running it
        differ("client_version", route.get("client_version"), claude_version())
    if case.client == "claude-code" and seen["background"] is not None:
        differ(
            "small_model.resolved",
            _resolved(route.get("small_model")),
            seen["background"]["model"],
        )
    assert not problems, f"{case.id} ({json.dumps(case.env)}):\n  " + "\n  ".join(problems)


def route_mismatches(outcomes: dict[str, Outcome], cases: list[Case]) -> dict[str, str]:
    """Case → what the predicted route got wrong, for every case `check` can predict.

    The per-case test that asserts this is added with the route resolver (issue 14): until `check
    --json` carries routes, it would fail on every case and block the suite.
    """
    found: dict[str, str] = {}
    for case in cases:
        if not case.predictable or case.id not in outcomes:
            continue
        try:
            assert_route(outcomes[case.id])
        except AssertionError as exc:
            found[case.id] = str(exc).split("\nassert")[0]
    return found


def write_observed(name: str, versions: dict[str, str | None], only: list[str] | None = None) -> Path:
    """Run the cases in NAME_cases.yaml (all, or those in only) and write NAME_observed.yaml."""
    cases = load_cases(name)
    path = ROUTES / f"{name}_observed.yaml"
    observed: dict[str, Any] = {}
    if only:
        observed = yaml.safe_load(path.read_text(encoding="utf-8"))["observed"]
        observed.update(observe_all([c for c in cases if c.id in only]))
        observed = {c.id: observed[c.id] for c in cases if c.id in observed}
    else:
        observed = observe_all(cases)
    header = (
        "# Generated by `python tests/route_clients.py observe`: what the real client sent for each\n"
        f"# case in {name}_cases.yaml. Credentials appear only as sha256(secret)[:8].\n"
    )
    body = yaml.safe_dump(
        {"versions": versions, "observed": observed}, sort_keys=False, allow_unicode=True, width=110
    )
    path.write_text(header + body, encoding="utf-8")
    return path


def compare(ids: list[str]) -> int:
    """Run the cases (all, or those named) with the client and with `check`; print each mismatch."""
    cases = [c for c in load_cases("claude_code") + load_cases("python_clients") if c.predictable]
    if ids:
        cases = [c for c in cases if c.id in ids]
    with ThreadPoolExecutor(WORKERS) as pool:
        outcomes = {o.case.id: o for o in pool.map(both, cases)}
    found = route_mismatches(outcomes, cases)
    for text in found.values():
        print(text)
    print(f"{len(cases) - len(found)} passed, {len(found)} failed")
    return 1 if found else 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["compare"]:
        return compare(argv[1:])
    if argv[:1] != ["observe"]:
        print(
            "usage: route_clients.py observe [claude_code|python_clients] [CASE ...] | compare [CASE ...]",
            file=sys.stderr,
        )
        return 2
    names = [a for a in argv[1:] if a in ("claude_code", "python_clients")]
    only = [a for a in argv[1:] if a not in names]  # case IDs: re-observe just those
    for name in names or ["claude_code", "python_clients"]:
        if name == "claude_code":
            versions = {"@anthropic-ai/claude-code": claude_version()}
        else:
            versions = {p: package_version(p) for p in ("anthropic", "openai", "litellm", "httpx")}
        print(write_observed(name, versions, only))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
