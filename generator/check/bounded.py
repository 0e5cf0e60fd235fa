"""Bounds on what a peer or a file can do: a blocking call within a wall-clock bound, a file read
only when it is a regular file of bounded size."""

from __future__ import annotations

import os
import stat
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


MiB = 1024 * 1024
# Settings, credentials and config files are a few KB; anything past this is not what a tool wrote.
MAX_FILE = 4 * MiB


class Refused(Exception):
    """A path that is not read: not a regular file, too large, or unreadable (the reason is the message)."""


def read_regular(path: str | os.PathLike[str], limit: int = MAX_FILE) -> bytes | None:
    """The bytes of a regular file of at most `limit` bytes; None when nothing is there.

    A FIFO would block the reader forever, a device (`/dev/zero`, `/dev/tty`) never ends or waits
    for a person, and a symlink may point at either: only regular files are opened, without
    blocking and without taking a terminal, and at most `limit + 1` bytes are read.
    """
    try:
        st = os.stat(path)  # follows symlinks: what is judged is what would be read
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:  # a loop of symlinks, a name too long, a NUL in the name
        raise Refused(_reason(exc)) from None
    _judge(st, limit)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise Refused(_reason(exc)) from None
    try:
        _judge(os.fstat(fd), limit)  # it may have been swapped between the two looks
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 * MiB, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except BlockingIOError:
        raise Refused("not a regular file") from None
    except OSError as exc:
        raise Refused(_reason(exc)) from None
    finally:
        os.close(fd)
    if size > limit:  # /proc files report size 0 and grow as they are read
        raise Refused(_too_large(limit))
    return b"".join(chunks)


def _judge(st: os.stat_result, limit: int) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise Refused("is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) else "a device"
        raise Refused(f"not a regular file ({kind}); not read")
    if st.st_size > limit:
        raise Refused(_too_large(limit))


def _too_large(limit: int) -> str:
    return f"larger than {limit / MiB:g} MB; not read"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return type(exc).__name__
