"""Masking: no output ever carries a full secret."""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable
from typing import Any

# Names that hold credentials even when no check marks them secret.
SECRET_NAME = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL|AUTH)", re.I)


def fingerprint(value: str) -> str:
    """Short SHA-256, enough to tell two keys apart in a support thread."""
    import hashlib  # costs 10 ms at start-up; most runs mask nothing

    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def mask(value: str) -> str:
    """`sk-ant-api03-…wXyZ (sha256:1a2b3c4d)`: a prefix, the last 4 characters, a fingerprint.

    The visible part never exceeds a third of the value, so short secrets show almost nothing.
    """
    if not value:
        return "(empty)"
    n = len(value)
    head = value[: min(14, n // 3)]
    if "-" in head[3:]:
        head = head[: head.rindex("-") + 1]  # cut at a dash: `sk-ant-api03-`, not `sk-ant-api03-Ab`
    tail = value[-4:] if n >= 24 else value[-2:] if n >= 12 else ""
    return f"{head}…{tail} (sha256:{fingerprint(value)})"


def is_secret_name(name: str) -> bool:
    return bool(SECRET_NAME.search(name))


# `scheme://user:password@host`: a base URL or a proxy may carry its credentials, under any name.
_USERINFO = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://([^/?#@\s]+)@")


def url_credentials(value: str) -> list[str]:
    """The user-info parts of URLs in `value` (`user:password`, and the password alone)."""
    found: list[str] = []
    for m in _USERINFO.finditer(value):
        userinfo = m.group(1)
        found.append(userinfo)
        if ":" in userinfo:
            found.append(userinfo.split(":", 1)[1])
    return found


class Scrubber:
    """Replaces every known secret (and its visible-whitespace variants) in text with its mask."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: dict[str, str] = {}
        for s in secrets:
            self.add(s)

    def add(self, secret: str) -> None:
        stripped = secret.strip().strip("'\"").strip()
        for variant in {secret, stripped}:
            # Very short values would scrub ordinary words; such "secrets" are masked where shown.
            if len(variant) >= 8:
                self._secrets[variant] = mask(stripped)

    def __call__(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, self._secrets[secret])
        return text


_LOG_SCRUB: list[Scrubber] = []


def scrub_logs(scrub: Scrubber) -> None:
    """From now on every log record, whoever emits it (httpx, botocore...) and at any level, is
    scrubbed as it is made, traceback included. Records from probes abandoned at the deadline,
    which may come after the run, are covered too; a later run's scrubber replaces this one."""
    if _LOG_SCRUB:
        _LOG_SCRUB[0] = scrub
        return
    _LOG_SCRUB.append(scrub)
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return _scrubbed(previous(*args, **kwargs), _LOG_SCRUB[0])

    logging.setLogRecordFactory(factory)


def _scrubbed(record: logging.LogRecord, scrub: Scrubber) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # a malformed call is logging's to report, not ours to crash on
        message = str(record.msg)
    record.msg, record.args = scrub(message), None
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = scrub("".join(traceback.format_exception(*record.exc_info))).rstrip("\n")
        record.exc_info = None
    if record.stack_info:
        record.stack_info = scrub(record.stack_info)
    return record
