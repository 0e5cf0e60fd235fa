"""`check litellm` against a real LiteLLM proxy (`litellm[proxy]`) on 127.0.0.1.

The proxy's only upstream is a local fake Anthropic API, so nothing leaves the machine. The test
starts and stops everything itself, within deadlines, and kills the proxy's whole process group.

Without a database the proxy knows only its master key. Virtual keys (`/key/generate`: allowed
models, budgets) need PostgreSQL *and* Prisma's engine binaries; the second half of this module
starts a throwaway PostgreSQL cluster and runs those tests only when the engines are installed.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from glob import glob
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import ROOT
from fakeserver import running

pytestmark = pytest.mark.slow
# find_spec, not import: importing litellm in the test process would fetch its price table at once.
if not all(importlib.util.find_spec(m) for m in ("litellm", "fastapi", "uvicorn")):
    pytest.skip("litellm[proxy] is not installed: pip install -e '.[proxy]'", allow_module_level=True)

MASTER = "sk-master-" + "Qx7" * 8 + "p4Zz"
UPSTREAM_KEY = "sk-ant-api03-" + "Up" * 40 + "s7AA"
WRONG = "sk-wrong-" + "Wr" * 12 + "9kQQ"
MODEL = "claude-sonnet"  # the proxy's model_name
OTHER_MODEL = "claude-haiku"  # a second model_name, for keys limited to one of them
START_DEADLINE = 120.0  # seconds; measured 7-25 s without a database on a busy 2-core machine
REQUEST_TIMEOUT = 3.0


# --- a fake Anthropic API on 127.0.0.1 ---------------------------------------------------------


@dataclass
class Upstream:
    url: str
    seen: list[tuple[str, str]]  # (method, path)

    def posts(self) -> list[str]:
        return [path for method, path in self.seen if method == "POST"]


@contextlib.contextmanager
def fake_anthropic() -> Iterator[Upstream]:
    """Answers GET /v1/models and POST /v1/messages like Anthropic, and records every request."""
    seen: list[tuple[str, str]] = []
    models = {
        "data": [{"type": "model", "id": "claude-sonnet-4-5-20250929", "display_name": "Claude Sonnet 4.5"}],
        "has_more": False,
    }
    message = {
        "id": "msg_01",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": [{"type": "text", "text": "ok"}],
        "stop_reason": "end_turn",
        "usage": {"input_tokens": 1, "output_tokens": 1},
    }

    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            if self.headers.get("x-api-key") == UPSTREAM_KEY:
                return True
            self._send(
                401,
                {"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}},
            )
            return False

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            seen.append(("GET", self.path))
            if self.path.split("?")[0] == "/v1/models" and self._authorised():
                self._send(200, models)
            elif self.path.split("?")[0] != "/v1/models":
                self._send(
                    404, {"type": "error", "error": {"type": "not_found_error", "message": "no route"}}
                )

        def do_POST(self) -> None:  # noqa: N802
            seen.append(("POST", self.path))
            self.rfile.read(int(self.headers.get("content-length") or 0))
            if self.path.split("?")[0] == "/v1/messages" and self._authorised():
                self._send(200, message)
            elif self.path.split("?")[0] != "/v1/messages":
                self._send(
                    404, {"type": "error", "error": {"type": "not_found_error", "message": "no route"}}
                )

        def log_message(self, *args: object) -> None:
            pass

    with running(Handler) as base:
        yield Upstream(base, seen)


# --- the real proxy ----------------------------------------------------------------------------


@dataclass
class Proxy:
    url: str
    config: Path
    upstream: Upstream
    startup_s: float
    log: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_config(folder: Path, upstream: str) -> Path:
    entries = "".join(
        f"""
  - model_name: {name}
    litellm_params:
      model: anthropic/{model}
      api_base: {upstream}
      api_key: os.environ/ANTHROPIC_API_KEY
"""
        for name, model in ((MODEL, "claude-sonnet-4-5-20250929"), (OTHER_MODEL, "claude-haiku-4-5-20251001"))
    )
    path = folder / "config.yaml"
    path.write_text(
        f"model_list:{entries}\ngeneral_settings:\n  master_key: os.environ/LITELLM_MASTER_KEY\n"
        "litellm_settings:\n  telemetry: false\n",
        encoding="utf-8",
    )
    return path


def proxy_env(home: Path, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "LITELLM_MASTER_KEY": MASTER,
        "ANTHROPIC_API_KEY": UPSTREAM_KEY,
        "LITELLM_LOG": "ERROR",
        "LITELLM_TELEMETRY": "False",
        # The bundled price table instead of a download at start-up (this machine has no internet).
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "NO_PROXY": "127.0.0.1,localhost",
        **extra,
    }


def log_tail(path: Path, lines: int = 25) -> str:
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


@contextlib.contextmanager
def run_proxy(
    folder: Path, upstream: Upstream, deadline: float = START_DEADLINE, **env: str
) -> Iterator[Proxy]:
    port = free_port()
    config = write_config(folder, upstream.url)
    log = folder / "proxy.log"
    cmd = [
        sys.executable, "-c", "from litellm.proxy.proxy_cli import run_server; run_server()",
        "--config", str(config), "--host", "127.0.0.1", "--port", str(port), "--telemetry", "False",
    ]  # fmt: skip
    (folder / "home").mkdir(exist_ok=True)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=folder, env=proxy_env(folder / "home", **env), stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    try:
        with httpx.Client(timeout=1.0) as client:
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"litellm exited with {proc.returncode} before answering:\n{log_tail(log)}")
                if time.monotonic() - started > deadline:
                    pytest.fail(
                        f"litellm did not answer /health/liveliness within {deadline:g} s:\n{log_tail(log)}"
                    )
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(url + "/health/liveliness").status_code == 200:
                        break
                time.sleep(0.2)
        yield Proxy(url, config, upstream, time.monotonic() - started, log)
    finally:
        stop_group(proc)


def stop_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the proxy's process group, then SIGKILL whatever is left after 10 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # workers the leader left behind, too
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


def check(proxy: Proxy, tmp: Path, *, key: str, model: str | None = MODEL) -> dict[str, Any]:
    """`python -m generator check litellm --json` as a reader would run it against this proxy."""
    home, cwd = tmp / "home", tmp / "project"
    home.mkdir(parents=True, exist_ok=True)
    cwd.mkdir(parents=True, exist_ok=True)
    # The shell that started the proxy: the variables its config.yaml names are set here too.
    env = {
        "PATH": os.environ["PATH"], "HOME": str(home), "PYTHONPATH": str(ROOT), "NO_PROXY": "127.0.0.1,localhost",
        "LITELLM_PROXY_URL": proxy.url, "LITELLM_API_KEY": key, "LITELLM_CONFIG": str(proxy.config),
        "LITELLM_MASTER_KEY": MASTER, "ANTHROPIC_API_KEY": UPSTREAM_KEY,
    }  # fmt: skip
    if model:
        env["LITELLM_PROXY_MODEL"] = model
    posts_before = len(proxy.upstream.posts())
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "check", "litellm", "--json", "--timeout", str(REQUEST_TIMEOUT), "--lang", "en"],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=60,
    )  # fmt: skip
    # Free calls only: nothing the check did reached the upstream's paid endpoint.
    assert proxy.upstream.posts()[posts_before:] == []
    for secret in (key, MASTER, UPSTREAM_KEY):
        assert secret not in proc.stdout + proc.stderr
    doc: dict[str, Any] = json.loads(proc.stdout)
    doc["exit"] = proc.returncode
    doc["by_id"] = {f["id"].split("/", 1)[1]: f for f in doc["findings"]}
    return doc


# --- without a database ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    with fake_anthropic() as upstream, run_proxy(tmp_path_factory.mktemp("proxy"), upstream) as p:
        print(f"litellm proxy answered after {p.startup_s:.1f} s")
        yield p
        # No probe (and no start-up step) ever made the proxy call the model.
        assert upstream.posts() == []


def test_master_key_finds_the_proxy_healthy(proxy: Proxy, tmp_path: Path) -> None:
    doc = check(proxy, tmp_path, key=MASTER)
    f = doc["by_id"]
    assert f["proxy-liveliness"]["status"] == "pass"
    assert f["proxy-readiness"]["status"] == "pass"
    assert f["proxy-models"]["status"] == "pass" and "listed 2 models" in f["proxy-models"]["message"]
    assert f["proxy-config"]["status"] == "pass"
    assert f["proxy-key-shape"]["status"] == "pass"
    # The master key is valid, but a proxy without a database keeps no key records and answers 500
    # (a JSON "Database not connected" with `prisma` installed, a bare "Internal Server Error" without).
    assert f["key-info"]["status"] == "warn" and "server error 500" in f["key-info"]["message"]
    assert doc["exit"] == 0, doc["summary"]


def test_wrong_key_is_detected(proxy: Proxy, tmp_path: Path) -> None:
    doc = check(proxy, tmp_path, key=WRONG)
    f = doc["by_id"]
    assert f["proxy-liveliness"]["status"] == "pass" and f["proxy-readiness"]["status"] == "pass"
    # Without a database LiteLLM cannot look a non-master key up, and says so with a 400.
    for check_id in ("proxy-models", "key-info"):
        assert f[check_id]["status"] == "fail", f[check_id]
        assert "No connected db." in f[check_id]["message"]
        assert "L12" in f[check_id]["covers"]
        assert "DATABASE_URL" in f[check_id]["fix"]
        assert "/litellm/master-key-and-database/" in f[check_id]["docs_url"]
    assert doc["exit"] == 1


def test_provider_key_sent_to_the_proxy_is_detected(proxy: Proxy, tmp_path: Path) -> None:
    doc = check(proxy, tmp_path, key=UPSTREAM_KEY)
    f = doc["by_id"]
    assert f["proxy-key-shape"]["status"] == "fail" and "L7" in f["proxy-key-shape"]["covers"]
    assert f["proxy-models"]["status"] == "fail"
    assert doc["exit"] == 1


def test_model_missing_from_the_model_list_is_detected(proxy: Proxy, tmp_path: Path) -> None:
    doc = check(proxy, tmp_path, key=MASTER, model="claude-opus-4-6")
    f = doc["by_id"]["proxy-models"]
    assert f["status"] == "fail"
    assert "claude-opus-4-6" in f["message"] and "2 models" in f["message"]
    assert {"L8", "L10"} <= set(f["covers"])
    assert doc["exit"] == 1


def test_stopped_proxy_is_unreachable_within_the_timeout(tmp_path: Path) -> None:
    port = free_port()  # nothing listens here
    doc = check(
        Proxy(f"http://127.0.0.1:{port}", tmp_path / "none.yaml", Upstream("", []), 0, tmp_path),
        tmp_path,
        key=MASTER,
    )
    f = doc["by_id"]["proxy-liveliness"]
    assert f["status"] == "fail" and "Could not connect" in f["message"]
    assert f["duration_ms"] < REQUEST_TIMEOUT * 1000 + 1000


# --- with a database: virtual keys -------------------------------------------------------------

DB_START_DEADLINE = 300.0  # prisma generate + ~100 migrations on a fresh database


def pg_bindir() -> Path | None:
    """PostgreSQL's server programs: Debian keeps them in /usr/lib/postgresql/<version>/bin."""
    found = sorted(
        glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).resolve().parent if pg_ctl else None


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    """A throwaway cluster on 127.0.0.1 (random port, trust auth); yields its DATABASE_URL."""
    bindir = pg_bindir()
    if bindir is None or not (bindir / "initdb").exists():
        pytest.skip("PostgreSQL is not installed (apt-get install -y postgresql)")
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        if shutil.which("runuser") is None:
            pytest.skip("running as root and `runuser` is missing, so initdb cannot run as the postgres user")
        as_user = ["runuser", "-u", "postgres", "--"]
    folder = Path(tempfile.mkdtemp(prefix="litellm-pg-"))  # not under pytest's root-only folder
    if as_user:
        shutil.chown(folder, "postgres")
    data, port = folder / "data", free_port()

    def run(*cmd: str, timeout: float = 60) -> None:
        proc = subprocess.run(
            [*as_user, *cmd], capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
        assert proc.returncode == 0, f"{' '.join(cmd)}: {proc.stdout}{proc.stderr}"

    try:
        run(
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "litellm",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        run(
            str(bindir / "pg_ctl"), "-D", str(data), "-l", str(folder / "postgres.log"), "-w", "-t", "30",
            "-o", f"-h 127.0.0.1 -p {port} -k {folder} -F", "start",
        )  # fmt: skip
        try:
            run(
                str(bindir / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "litellm",
                "litellm",
                timeout=30,
            )
            yield f"postgresql://litellm@127.0.0.1:{port}/litellm"
        finally:
            run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "-t", "30", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def prisma_blocker() -> str | None:
    """Why LiteLLM cannot set its database up on this machine, or None when it can.

    LiteLLM reaches PostgreSQL through Prisma Client Python, which runs Prisma's query engine and
    applies migrations with Prisma's schema engine. Both are native programs that Prisma downloads
    from binaries.prisma.sh on first use; they come with no PyPI, npm or Debian package.
    """
    kinds = set()
    if os.environ.get("PRISMA_QUERY_ENGINE_BINARY") and os.environ.get("PRISMA_SCHEMA_ENGINE_BINARY"):
        kinds = {"query-engine", "schema-engine"}
    for cache in (Path.home() / ".cache" / "prisma", Path.home() / ".cache" / "prisma-python"):
        for path in cache.rglob("*engine*") if cache.is_dir() else ():
            name = path.name.replace("_", "-")
            if path.is_file() and path.stat().st_size > 1_000_000:
                kinds |= {k for k in ("query-engine", "schema-engine") if k in name}
    if kinds != {"query-engine", "schema-engine"}:
        return (
            "Prisma's query and schema engines are not installed: Prisma downloads them from binaries.prisma.sh "
            "on first use and no package registry ships them (the proxy then exits with 'Database migration "
            "cannot proceed ... getaddrinfo ENOTFOUND binaries.prisma.sh'); set PRISMA_QUERY_ENGINE_BINARY and "
            "PRISMA_SCHEMA_ENGINE_BINARY to local copies to run these tests"
        )
    if importlib.util.find_spec("prisma") is None:
        return "the `prisma` package is not installed (pip install 'litellm[extra_proxy]')"
    return None


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    with postgres() as url:
        yield url


@pytest.fixture(scope="module")
def db_proxy(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    blocker = prisma_blocker()
    if blocker:
        pytest.skip(blocker)
    with (
        fake_anthropic() as upstream,
        run_proxy(
            tmp_path_factory.mktemp("db-proxy"), upstream, deadline=DB_START_DEADLINE,
            DATABASE_URL=database, HOME=str(Path.home()),  # Prisma's engines and generated client are cached there
        ) as p,
    ):  # fmt: skip
        print(f"litellm proxy with a database answered after {p.startup_s:.1f} s")
        yield p
        assert upstream.posts() == []


def generate_key(proxy: Proxy, **body: Any) -> str:
    """A virtual key from `/key/generate`, made with the master key as an admin would."""
    reply = httpx.post(
        proxy.url + "/key/generate", json=body, headers={"authorization": f"Bearer {MASTER}"}, timeout=30
    )
    assert reply.status_code == 200, reply.text
    key: str = reply.json()["key"]
    return key


def test_throwaway_postgres_accepts_connections(database: str) -> None:
    bindir = pg_bindir()
    assert bindir is not None
    psql = bindir / "psql" if (bindir / "psql").exists() else "psql"
    proc = subprocess.run(
        [str(psql), database, "-tAc", "select 1"],
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert proc.stdout.strip() == "1", proc.stderr


def test_unknown_key_is_unauthorized_with_a_database(db_proxy: Proxy, tmp_path: Path) -> None:
    doc = check(db_proxy, tmp_path, key=WRONG)
    f = doc["by_id"]
    assert f["proxy-readiness"]["status"] == "pass"
    for check_id in ("proxy-models", "key-info"):
        assert f[check_id]["status"] == "fail" and "L7" in f[check_id]["covers"], f[check_id]
        assert "401" in f[check_id]["message"]
    assert doc["exit"] == 1


def test_model_not_allowed_for_the_key(db_proxy: Proxy, tmp_path: Path) -> None:
    key = generate_key(db_proxy, models=[OTHER_MODEL])
    doc = check(db_proxy, tmp_path, key=key, model=MODEL)
    f = doc["by_id"]["proxy-models"]
    assert f["status"] == "fail" and MODEL in f["message"] and "L8" in f["covers"], f
    assert doc["by_id"]["key-info"]["status"] == "pass"
    # The same key with a model it may use passes.
    assert check(db_proxy, tmp_path, key=key, model=OTHER_MODEL)["by_id"]["proxy-models"]["status"] == "pass"


def test_exhausted_budget_is_reported(db_proxy: Proxy, tmp_path: Path) -> None:
    key = generate_key(db_proxy, max_budget=0)
    doc = check(db_proxy, tmp_path, key=key)
    f = doc["by_id"]["key-info"]
    assert f["status"] == "fail" and f["covers"] == ["L9"] and "spent 0 of 0" in f["message"], f
    assert "/litellm/budget-exceeded/" in f["docs_url"]
    assert doc["exit"] == 1
