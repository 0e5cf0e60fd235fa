"""Bounds on what a peer or a file can do: a blocking call within a wall-clock bound, a file read
only when it is a regular file of bounded size."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import threading
import time
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
        kind = (
            "a FIFO" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) else "a device"
        )
        raise Refused(f"not a regular file ({kind}); not read")
    if st.st_size > limit:
        raise Refused(_too_large(limit))


def _too_large(limit: int) -> str:
    return f"larger than {limit / MiB:g} MB; not read"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return type(exc).__name__


# --- the process ---------------------------------------------------------------------------------

STARTED = time.monotonic()
"""When the process started running our code (this module is imported first by `__main__`)."""

MAX_SECONDS = 24 * 3600.0


def seconds(text: str) -> float:
    """An argparse type: a finite, positive number of seconds (`inf`, `nan`, `-1`, `0` are refused)."""
    import argparse
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value <= 0 or value > MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most {MAX_SECONDS:g} seconds: {text!r}")
    return value


_AS_PROCESS: list[bool] = []


def clock_start() -> float:
    """Where a deadline counts from: the start of the process when `run_main` runs it, else now."""
    return STARTED if _AS_PROCESS else time.monotonic()


def left(deadline: float) -> float:
    """What remains of `deadline` seconds counted from the start of the process (when `run_main`
    runs it; a caller in a longer-lived process gets the whole deadline)."""
    if not _AS_PROCESS:
        return deadline
    return max(0.05, deadline - (time.monotonic() - STARTED))


def _escape_unencodable(exc: UnicodeError) -> tuple[str, int]:
    # JSON's spelling of a character the stream cannot encode: a JSON document stays valid JSON on a
    # Latin-1 or ASCII terminal, and text stays readable.
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for ch in exc.object[exc.start : exc.end]:
        code = ord(ch)
        if code > 0xFFFF:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out), exc.end


def guard_process(deadline: float | None = None) -> None:
    """Streams that never raise on a character they cannot encode, and, with a deadline, a watchdog
    that ends the process at the deadline + 0.4 s whatever is still running (the run itself ends at
    the deadline; this is the last resort)."""
    import codecs

    codecs.register_error("llm-doctor-escape", _escape_unencodable)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(Exception):
                reconfigure(errors="llm-doctor-escape")
    if _AS_PROCESS:
        import warnings

        # Library warnings become log records, which are masked like every other output. logging
        # is imported when the first warning comes: most runs have none, and its import is a
        # tenth of an offline run's start-up.
        warnings.showwarning = _first_warning
    if deadline is not None and _AS_PROCESS:
        timer = threading.Timer(
            max(0.1, deadline + 0.4 - (time.monotonic() - STARTED)), _overrun, (deadline,)
        )
        timer.daemon = True
        timer.start()


def _first_warning(*args: Any, **kwargs: Any) -> None:
    import logging
    import warnings

    logging.captureWarnings(True)
    warnings.showwarning(*args, **kwargs)


def _overrun(deadline: float) -> None:
    with contextlib.suppress(Exception):
        sys.stderr.write(f"check: stopped at the {deadline:g} s deadline\n")
    finish(3)


def finish(code: int) -> None:
    """Flush and end the process now: threads still waiting on a peer are not waited for, and a
    reader that closed the pipe (`check | head -1`) ends the output quietly."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError, OSError):
            with contextlib.suppress(OSError):
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, stream.fileno())
    os._exit(code)


def run_main(main: Callable[[], int]) -> None:
    """`main()` as a process: exit code 0-3, never a traceback for a closed pipe or an interrupt."""
    _AS_PROCESS.append(True)
    try:
        code = main()
    except BrokenPipeError:
        code = 0
    except KeyboardInterrupt:
        code = 3
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code if isinstance(exc.code, int) else 2
    except Exception as exc:  # a bug of ours: one line, masked, never a traceback with the reader's data
        from generator.secrets import clip

        with contextlib.suppress(Exception):
            sys.stderr.write(f"internal error: {clip(f'{type(exc).__name__}: {exc}', 300)}\n")
        code = 3
    finish(code)
