"""What a probe may read: everything arrives here, nothing is read from the process directly."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.check.sources import Settings, read_settings

if TYPE_CHECKING:
    import httpx


@dataclass(frozen=True)
class Result:
    """What a probe found: an outcome name of its kind, the values its text needs, and evidence."""

    outcome: str
    """One of the kind's outcomes."""
    values: dict[str, str] = field(default_factory=dict)
    """Placeholder values for the outcome text; secrets already masked."""
    evidence: dict[str, Any] = field(default_factory=dict)
    """Facts behind the verdict (status code, URL, source), safe to print."""


@dataclass
class Environment:
    """The reader's machine as the probes see it."""

    vars: Mapping[str, str]
    """Process environment variables."""
    home: Path
    """Home folder (Claude Code user settings, AWS and gcloud files live under it)."""
    cwd: Path
    """Working folder (`.env`, project settings, OpenHands `config.toml`)."""
    client: httpx.Client | None = None
    """HTTP client for free calls; None with --offline."""
    timeout: float = 5.0
    """Seconds a single network probe may take."""
    known_ids: dict[str, list[str]] = field(default_factory=dict)
    """Model IDs of the knowledge base per dialect (`guides/models.yaml`), for model-ID checks."""
    aliases: dict[str, str] = field(default_factory=dict)
    """Undated model aliases → the dated ID a models list shows (`claude-sonnet-4-5` → `claude-sonnet-4-5-20250929`)."""
    env_label: str = "environment"
    """How the process environment is named in messages (localised by the CLI)."""
    routes: list[Any] = field(default_factory=list)
    """The routes `check` resolved (`generator.check.routes.Route`), for the checks that judge them."""
    facts: dict[str, Any] = field(default_factory=dict)
    """Model facts of the compiled plan (`model_rows`, `claude_code`, `bedrock_regions`)."""
    settings: Settings = field(init=False)
    """Every source, parsed once."""

    def __post_init__(self) -> None:
        self.settings = read_settings(self.vars, self.home, self.cwd, self.env_label)
