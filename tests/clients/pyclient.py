"""Make one model call with a real Python client library, as user code would.

    python pyclient.py anthropic-sdk|openai-sdk|litellm-sdk '{"model": ..., "base_url": ..., "api_key": ...}'

Only what the JSON names is passed in code; everything else is left to the library's own defaults
and environment variables. tests/route_clients.py runs it against the recorder; it prints the
error class when the call fails (a missing key is a finding, not a crash).
"""

from __future__ import annotations

import json
import sys
from typing import Any

MESSAGES: Any = [{"role": "user", "content": "hi"}]  # typed loosely: each SDK has its own TypedDicts


def call(client: str, code: dict[str, Any]) -> None:
    kwargs = {k: code[k] for k in ("base_url", "api_key") if code.get(k) is not None}
    model = code.get("model", "claude-sonnet-4-5")
    if client == "anthropic-sdk":
        import anthropic

        anthropic.Anthropic(max_retries=0, timeout=30, **kwargs).messages.create(
            model=model, max_tokens=16, messages=MESSAGES
        )
    elif client == "openai-sdk":
        import openai

        openai.OpenAI(max_retries=0, timeout=30, **kwargs).chat.completions.create(
            model=model, messages=MESSAGES
        )
    elif client == "litellm-sdk":
        import litellm

        names = {"base_url": "api_base", "api_key": "api_key"}
        litellm.completion(
            model=model,
            messages=MESSAGES,
            max_tokens=16,
            num_retries=0,
            timeout=30,
            **{names[k]: v for k, v in kwargs.items()},
        )
    else:
        raise SystemExit(f"unknown client {client}")


if __name__ == "__main__":
    try:
        call(sys.argv[1], json.loads(sys.argv[2]))
    except Exception as exc:  # the error class is the observation
        print(f"error: {type(exc).__module__}.{type(exc).__name__}")
        sys.exit(1)
    print("ok")
