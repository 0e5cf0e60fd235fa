"""What every command promises its callers: exit codes and the JSON documents' version.

DESIGN.md and the site's reference page ("JSON output and exit codes") describe these; this module is
the one place the numbers live, so a script that reads `check --json` or tests `$?` can rely on them.
"""

from __future__ import annotations

SCHEMA_VERSION = 1
"""`schema_version` of every JSON document (`check`, `explain`, `list`); bumped only on a breaking change."""

OK = 0
"""`check`: nothing failed (warnings allowed). `explain`: something matched."""
FAILED = 1
"""`check`: a check failed (or warned, with `--strict`). `explain`: nothing matched."""
USAGE = 2
"""A usage error, or guides that do not validate."""
CRASHED = 3
"""`check`: a check crashed and none failed."""
