"""Masking: no output ever carries a full secret."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

# Names that hold credentials even when no check marks them secret.
SECRET_NAME = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL|AUTH)", re.I)


def fingerprint(value: str) -> str:
    """Short SHA-256, enough to tell two keys apart in a support thread."""
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
