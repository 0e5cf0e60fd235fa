"""Where the bundled guides and the compiled documents are, and when a compiled document is stale.

Nothing heavy is imported here: `check --offline` reads this at start-up.
"""

from __future__ import annotations

import zlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
PLAN_FILE = PACKAGE / "check" / "plan.json"
"""The compiled check plan (built by `render` and at install, git-ignored)."""
EXPLAIN_FILE = PACKAGE / "explain" / "index.json"
"""The compiled command-line explain index (built the same way)."""


def default_guides_dir() -> Path:
    """The guides shipped in the wheel, else the ones beside the package in a clone."""
    packaged = PACKAGE / "guides"
    return packaged if packaged.is_dir() else PACKAGE.parent / "guides"


def _code_inputs() -> list[Path]:
    # Every module and the UI labels: any of them may change what a compiled document holds, and
    # naming them one by one is how the old hashes went stale.
    files = [p for p in PACKAGE.rglob("*.py") if "guides" not in p.relative_to(PACKAGE).parts]
    files.append(PACKAGE / "site" / "templates" / "ui.yaml")
    return sorted(files)


def content_hash(guides_dir: Path) -> str:
    """One fingerprint of the guides and of the code that compiles them, for both compiled documents.

    It only has to notice an edit, not resist an attacker, and `hashlib` alone costs `check` 10 ms
    of start-up, so a CRC of every input (with its name and length) does the job.
    """
    parts: list[bytes] = []
    from generator.check.bounded import MiB, Refused, read_regular

    for path in sorted(guides_dir.glob("*.yaml")):
        try:  # a FIFO or a device among the guides must not block; validation reports it
            body = read_regular(path, 8 * MiB) or b""
        except Refused as exc:
            body = str(exc).encode()
        parts.append(path.name.encode() + b"\0" + body)
    for path in _code_inputs():
        parts.append(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return "-".join(f"{zlib.crc32(part):08x}{len(part):x}" for part in parts)
