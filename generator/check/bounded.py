"""Run a blocking call within a wall-clock bound, whatever the peer does."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class Overrun(Exception):
    """The call did not finish within its bound; it is left to end in its own thread."""


def within(seconds: float, call: Callable[[], Any], name: str) -> Any:
    """`call()`'s result within `seconds`, its exception, or `Overrun`.

    Client libraries time out each read, so a server that drips its answer a byte at a time never
    trips them; the call runs in a daemon thread instead and is abandoned at the bound.
    """
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # handed to the caller's thread below
            box["error"] = exc

    worker = threading.Thread(target=work, name=name, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise Overrun(f"no complete answer within {seconds:g} s")
    if "error" in box:
        raise box["error"]
    return box["value"]
