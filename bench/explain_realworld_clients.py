"""Re-create the `generated:` texts of tests/fixtures/explain/realworld.yaml: real clients raising
against a server on 127.0.0.1 that answers with a provider-shaped error body.

    python bench/explain_realworld_clients.py [--claude-code PATH] > generated.yaml

The `anthropic`, `openai` and `litellm` Python clients run in this process; the Claude Code CLI
(the native binary tests/clients/install.sh puts in node_modules, or `--claude-code`) runs as a
child with a throw-away HOME and no retries. The output is YAML records (`source`, `expect`,
`accept`, `text`) to review and paste into the fixture; the split is fixed there by each text's
hash. Nothing here reaches another host; the TLS cases use a certificate made for the run.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import ssl
import subprocess
import sys
import tempfile
import threading
import traceback
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import version
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
NGINX_413 = (
    "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request "
    "Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


def anthropic_body(kind: str, message: str) -> str:
    return json.dumps(
        {
            "type": "error",
            "error": {"type": kind, "message": message},
            "request_id": "req_011CVa9TestGen5e6f7g8h9",
        }
    )


@contextmanager
def serve(status: int, body: str, *, cert: tuple[str, str] | None = None) -> Iterator[str]:
    """A server answering every request with one body; https with `cert` (a self-signed pair)."""
    ctype = "application/json" if body.lstrip().startswith("{") else "text/html"

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            self.rfile.read(int(self.headers.get("content-length") or 0))
            data = body.encode()
            self.send_response(status)
            self.send_header("content-type", ctype)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*cert)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"{'https' if cert else 'http'}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def self_signed(folder: Path) -> tuple[str, str]:
    """A certificate no client trusts, as a TLS-inspecting proxy's would be."""
    key, crt = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(crt),
            "-days",
            "2",
            "-subj",
            "/CN=Corporate Proxy Root",
        ],
        check=True,
        capture_output=True,
    )
    return str(crt), str(key)


def raised(call: Callable[[], object]) -> tuple[str, str]:
    """What a client raises: its one-line form and the whole traceback."""
    try:
        call()
    except Exception as exc:  # noqa: BLE001 - whatever the client raises is the text
        return f"{type(exc).__module__}.{type(exc).__name__}: {exc}", traceback.format_exc()
    return "", ""


def tail(tb: str, lines: int = 12) -> str:
    return "\n".join(tb.rstrip().splitlines()[-lines:])


def record(client: str, expect: str | None, text: str, accept: list[str] | None = None) -> dict[str, Any]:
    if client == "claude-code":
        # tests/route_clients.py finds the CLI tests/clients/install.sh installed.
        release = importlib.import_module("route_clients").claude_version() or "?"
    else:
        release = version(client)
    rec: dict[str, Any] = {"source": f"generated: {client} {release}"}
    rec.update({"expect": expect, "text": text})
    if accept:
        rec["accept"] = accept
    return rec


def python_clients(cert: tuple[str, str]) -> list[dict[str, Any]]:
    import anthropic
    import litellm
    import openai

    litellm.suppress_debug_info = True
    out: list[dict[str, Any]] = []
    messages: Any = [{"role": "user", "content": "hi"}]
    for status, body, expect in [
        (
            403,
            anthropic_body(
                "permission_error", "Your API key does not have permission to use the specified resource."
            ),
            "A20",
        ),
        (
            429,
            anthropic_body("rate_limit_error", "Extra usage is required for long context requests."),
            "C26",
        ),
        (529, anthropic_body("overloaded_error", "Overloaded"), "anthropic/overloaded"),
        (413, NGINX_413, "anthropic/request-too-large"),
    ]:
        with serve(status, body) as url:
            client = anthropic.Anthropic(api_key="sk-ant-api03-test", base_url=url, max_retries=0)
            line, _ = raised(
                functools.partial(
                    client.messages.create, model="claude-sonnet-4-5", max_tokens=8, messages=messages
                )
            )
        out.append(record("anthropic", expect, line))
    with serve(200, "{}", cert=cert) as url:
        client = anthropic.Anthropic(api_key="sk-ant-api03-test", base_url=url, max_retries=0)
        _, tb = raised(
            functools.partial(
                client.messages.create, model="claude-sonnet-4-5", max_tokens=8, messages=messages
            )
        )
    out.append(record("anthropic", "C27", tail(tb, 40)))
    for status, body, expect in [
        (
            402,
            '{"error":{"message":"Insufficient credits. This account never purchased credits. Make sure your key is on the correct account or org, and if so, purchase more at https://openrouter.ai/settings/credits","code":402}}',
            "O10",
        ),
        (
            404,
            '{"error":{"message":"No endpoints found that support tool use. To learn more about provider routing, visit: https://openrouter.ai/docs/provider-routing","code":404}}',
            "openrouter/no-endpoints-found",
        ),
    ]:
        with serve(status, body) as url:
            oc = openai.OpenAI(api_key="sk-or-v1-test", base_url=url + "/api/v1", max_retries=0)
            line, _ = raised(
                functools.partial(
                    oc.chat.completions.create, model="anthropic/claude-sonnet-4.5", messages=messages
                )
            )
        out.append(record("openai", expect, line))
    for model, status, body, expect in [
        (
            "anthropic/claude-sonnet-4-5",
            400,
            anthropic_body(
                "invalid_request_error",
                "input length and `max_tokens` exceed context limit: 190111 + 64000 > 200000, decrease input length or `max_tokens` and try again",
            ),
            "A21",
        ),
        (
            "litellm_proxy/claude-sonnet",
            401,
            '{"error":{"message":"Authentication Error, No api key passed in.","type":"auth_error","param":"None","code":"401"}}',
            "litellm/no-api-key-passed",
        ),
    ]:
        with serve(status, body) as url:
            call = functools.partial(
                litellm.completion,
                model=model,
                messages=messages,
                api_base=url,
                api_key="sk-test",
                num_retries=0,
                max_retries=0,
                timeout=10,
            )
            line, _ = raised(call)
        out.append(record("litellm", expect, line))
    return out


def claude_code(binary: Path) -> list[dict[str, Any]]:
    """What the real CLI prints for a few provider errors (`-p`, no retries)."""
    out: list[dict[str, Any]] = []
    for status, body, auth, expect in [
        (
            403,
            anthropic_body(
                "permission_error", "Your API key does not have permission to use the specified resource."
            ),
            "ANTHROPIC_API_KEY",
            "A20",
        ),
        (
            429,
            anthropic_body("rate_limit_error", "Extra usage is required for long context requests."),
            "ANTHROPIC_API_KEY",
            "C26",
        ),
        (
            401,
            anthropic_body("authentication_error", "Invalid bearer token"),
            "ANTHROPIC_AUTH_TOKEN",
            "claude-code/gateway-credential-rejected",
        ),
        (413, NGINX_413, "ANTHROPIC_API_KEY", "anthropic/request-too-large"),
    ]:
        with serve(status, body) as url, tempfile.TemporaryDirectory() as home:
            env = {
                "PATH": os.environ["PATH"],
                "HOME": home,
                "ANTHROPIC_BASE_URL": url,
                "CLAUDE_CODE_MAX_RETRIES": "0",
                "DISABLE_TELEMETRY": "1",
                "DISABLE_AUTOUPDATER": "1",
                "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
                auth: "sk-ant-api03-" + "x" * 20 if auth == "ANTHROPIC_API_KEY" else "sk-gateway-test",
            }
            proc = subprocess.run(
                [str(binary), "-p", "hi"], env=env, capture_output=True, text=True, timeout=120
            )
        rec = record("claude-code", expect, (proc.stdout + proc.stderr).strip())
        out.append(rec)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claude-code", type=Path, default=None)
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    # Set before litellm is imported: it would otherwise fetch its price list from the internet.
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    sys.path.insert(0, str(ROOT / "tests"))
    with tempfile.TemporaryDirectory() as tmp:
        records = python_clients(self_signed(Path(tmp)))
    binary = args.claude_code
    if binary is None:
        binary = importlib.import_module("route_clients").claude_binary()
    if binary is not None:
        records += claude_code(binary)
    else:
        print(
            "Claude Code is not installed (tests/clients/install.sh): its lines are left out", file=sys.stderr
        )
    yaml.safe_dump(records, sys.stdout, allow_unicode=True, sort_keys=False, width=10_000)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
