"""What a probe may read: everything arrives here, nothing is read from the process directly."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.check.sources import Settings, read_settings
from generator.secrets import clean

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
    message: dict[str, str] | None = None
    """Language → message template, for the outcomes every kind shares (`trust.SHARED_OUTCOMES`);
    a kind's own outcomes take their texts from the guides."""
    fix: dict[str, str] | None = None
    """Language → fix template for a shared outcome, when it has one."""

    def __post_init__(self) -> None:
        # Values and evidence carry text from servers, headers and settings files: each is made one
        # printable line here, once, so no outcome text can carry a control sequence or a fake line.
        for key, value in list(self.values.items()):
            self.values[key] = clean(value) if isinstance(value, str) else value
        for key, value in list(self.evidence.items()):
            self.evidence[key] = _cleaned(value)


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
    models: dict[str, Any] = field(default_factory=dict)
    """The compiled model table (`plan["models"]`, from `guides/models.yaml`), read through `model_facts`."""
    env_label: str = "environment"
    """How the process environment is named in messages (localised by the CLI)."""
    routes: list[Any] = field(default_factory=list)
    """The routes `check` resolved (`generator.check.routes.Route`), for the checks that judge them."""
    facts: dict[str, Any] = field(default_factory=dict)
    """Model facts of the compiled plan (`model_rows`, `claude_code`, `bedrock_regions`)."""
    ui: dict[str, dict[str, str]] = field(default_factory=dict)
    """Language → the CLI's UI labels (`cli_*`), for the texts of the outcomes every kind shares."""
    settings: Settings = field(init=False)
    """Every source, parsed once."""

    def __post_init__(self) -> None:
        self.settings = read_settings(self.vars, self.home, self.cwd, self.env_label)

    def label_texts(self, key: str) -> dict[str, str] | None:
        """Language → the UI label `key`, or None when the labels were not given (bare tests)."""
        texts = {lang: labels[key] for lang, labels in self.ui.items() if key in labels}
        return texts or None


def _cleaned(value: Any, depth: int = 0) -> Any:
    if isinstance(value, str):
        return clean(value)
    if depth > 8:
        return "…"
    if isinstance(value, dict):
        return {clean(str(k)): _cleaned(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_cleaned(v, depth + 1) for v in value]
    return value
