"""Where settings come from: the process environment and the files tools read, each parsed, never loaded."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.secrets import is_secret_name, mask, url_credentials


@dataclass(frozen=True)
class FileProblem:
    """A source file that exists but cannot be read as its tool would."""

    path: str
    """Displayed path (`~/.claude/settings.json`)."""
    line: int
    """1-based line of the problem (1 when the parser gives none)."""
    error: str
    """What the parser said."""


@dataclass(frozen=True)
class SourceData:
    """What one source supplies."""

    id: str
    """Source ID (`env`, `dotenv`, `claude-user`...)."""
    label: str
    """Where it is, for people (`~/.claude/settings.json env`)."""
    values: Mapping[str, str]
    """Setting name → raw value."""
    exists: bool = True
    """Whether the file (or environment) is there at all."""
    problem: FileProblem | None = None
    """Why it could not be read, when it could not."""
    lines: Mapping[str, int] = field(default_factory=dict)
    """Setting name → 1-based line where the file sets it (empty for the environment)."""
    path: str | None = None
    """Displayed path of the file (`~/.claude/settings.json`); None for the environment."""


@dataclass(frozen=True)
class Resolution:
    """A setting as the tool would see it."""

    var: str
    """The setting's name."""
    value: str | None
    """The winning value, or None when no source the tool reads sets it."""
    source: str | None
    """Label of the winning source."""
    shadowed: list[str]
    """Labels of the sources the tool reads that also set it but lose."""
    elsewhere: list[str]
    """Labels of sources that set it but the tool does not read."""


@dataclass
class Settings:
    """Every source, read once per run."""

    sources: dict[str, SourceData] = field(default_factory=dict)
    """Source ID → its data, in `SOURCE_IDS` order."""

    def resolve(self, var: str, order: list[str]) -> Resolution:
        """`var` as a tool that reads `order` (highest precedence first) would see it."""
        hits: list[tuple[str, str]] = []
        read_ids = set()
        for spec in order:
            sid, _, alias = spec.partition(":")
            read_ids.add(sid)
            src = self.sources.get(sid)
            if src is None:
                continue
            value = src.values.get(alias or var)
            if value is not None:
                hits.append((src.label + (f" ({alias})" if alias else ""), value))
        elsewhere = [
            s.label
            for sid, s in self.sources.items()
            if sid not in read_ids and s.values.get(var) is not None
        ]
        if not hits:
            return Resolution(var, None, None, [], elsewhere)
        return Resolution(var, hits[0][1], hits[0][0], [label for label, _ in hits[1:]], elsewhere)

    def secrets(self) -> list[str]:
        """Every value held under a secret-looking name, and every password inside a URL, for the
        output scrubber."""
        named = [v for s in self.sources.values() for k, v in s.values.items() if is_secret_name(k) and v]
        in_urls = [c for s in self.sources.values() for v in s.values.values() for c in url_credentials(v)]
        return named + in_urls

    def table(self, names: list[str], secret: set[str]) -> list[dict[str, object]]:
        """One row per setting set anywhere: value (masked when secret) per source."""
        rows: list[dict[str, object]] = []
        for name in names:
            found = [
                (s.label, s.values[name]) for s in self.sources.values() if s.values.get(name) is not None
            ]
            if not found:
                continue
            hide = name in secret or is_secret_name(name)
            rows.append(
                {
                    "var": name,
                    "sources": [{"source": label, "value": mask(v) if hide else v} for label, v in found],
                }
            )
        return rows


def display(path: Path, home: Path, cwd: Path) -> str:
    """A path without the user's name: `~/...` under home, relative under the working folder."""
    for base, prefix in ((cwd, ""), (home, "~/")):
        try:
            rel = path.relative_to(base)
        except ValueError:
            continue
        return prefix + str(rel)
    return str(path)


def read_settings(
    environ: Mapping[str, str], home: Path, cwd: Path, env_label: str = "environment"
) -> Settings:
    """Read every source; a broken file becomes a `FileProblem`, never an exception."""
    s = Settings()
    s.sources["env"] = SourceData("env", env_label, dict(environ))
    s.sources["dotenv"] = _dotenv(cwd / ".env", home, cwd)
    for sid, path in (
        ("claude-user", home / ".claude" / "settings.json"),
        ("claude-project", cwd / ".claude" / "settings.json"),
        ("claude-local", cwd / ".claude" / "settings.local.json"),
    ):
        s.sources[sid] = _claude(sid, path, home, cwd)
    s.sources["openhands-toml"] = _openhands(cwd / "config.toml", home, cwd)
    return s


def _read_text(path: Path, sid: str, label: str, shown: str) -> SourceData | str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return SourceData(sid, label, {}, exists=False)
    except OSError as exc:
        return SourceData(sid, label, {}, problem=FileProblem(shown, 1, exc.strerror or str(exc)))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return SourceData(sid, label, {}, problem=FileProblem(shown, line, "not valid UTF-8"))


_DOTENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$")


def _dotenv(path: Path, home: Path, cwd: Path) -> SourceData:
    shown = display(path, home, cwd)
    text = _read_text(path, "dotenv", shown, shown)
    if isinstance(text, SourceData):
        return text
    values: dict[str, str] = {}
    lines: dict[str, int] = {}
    problem = None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _DOTENV_LINE.match(line)
        if not m:
            problem = problem or FileProblem(shown, number, "not a NAME=value line")
            continue
        name, value = m.group(1), m.group(2)
        # Values keep what the tool would keep: quotes are removed when they pair up, comments
        # after unquoted values are dropped; a stray quote stays and the key-shape check sees it.
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[name] = value
        lines[name] = number
    return SourceData("dotenv", shown, values, problem=problem, lines=lines, path=shown)


def _claude(sid: str, path: Path, home: Path, cwd: Path) -> SourceData:
    shown = display(path, home, cwd)
    label = f"{shown} env"
    text = _read_text(path, sid, label, shown)
    if isinstance(text, SourceData):
        return text
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return SourceData(sid, label, {}, problem=FileProblem(shown, exc.lineno, exc.msg))
    if not isinstance(data, dict):
        return SourceData(sid, label, {}, problem=FileProblem(shown, 1, "top level is not a JSON object"))
    env = data.get("env", {})
    if not isinstance(env, dict):
        return SourceData(
            sid, label, {}, problem=FileProblem(shown, _line_of(text, '"env"'), '"env" is not an object')
        )
    values = {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in env.items()}
    # Top-level settings Claude Code reads besides `env` (kept under their own, non-variable names).
    for key in ("apiKeyHelper", "model"):
        if isinstance(data.get(key), str):
            values[key] = data[key]
    lines = {k: _line_of(text, f'"{k}"') for k in values}
    bad = [k for k, v in env.items() if not isinstance(v, str)]
    problem = None
    if bad:
        problem = FileProblem(
            shown, _line_of(text, f'"{bad[0]}"'), f'env value of "{bad[0]}" is not a string'
        )
    return SourceData(sid, label, values, problem=problem, lines=lines, path=shown)


def _openhands(path: Path, home: Path, cwd: Path) -> SourceData:
    shown = display(path, home, cwd)
    label = f"{shown} [llm]"
    text = _read_text(path, "openhands-toml", label, shown)
    if isinstance(text, SourceData):
        return text
    import tomllib  # only when a config.toml exists

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        return SourceData(
            "openhands-toml", label, {}, problem=FileProblem(shown, int(m.group(1)) if m else 1, str(exc))
        )
    llm = data.get("llm", {})
    if not isinstance(llm, dict):
        return SourceData(
            "openhands-toml",
            label,
            {},
            problem=FileProblem(shown, _line_of(text, "llm"), "[llm] is not a table"),
        )
    # OpenHands' own rule: LLM_ + the upper-cased field name is the same setting as an env var.
    values = {
        f"LLM_{k.upper()}": v if isinstance(v, str) else str(v)
        for k, v in llm.items()
        if not isinstance(v, dict)
    }
    lines = {f"LLM_{k.upper()}": _toml_line(text, "llm", k) for k in llm if not isinstance(llm[k], dict)}
    return SourceData("openhands-toml", label, values, lines=lines, path=shown)


def _toml_line(text: str, table: str, key: str) -> int:
    """Line of `key =` inside `[table]` (1 when not found: a dotted or inline form)."""
    inside = False
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped.strip("[] \t") == table
        elif inside and pattern.match(line):
            return number
    return 1


def _line_of(text: str, needle: str) -> int:
    pos = text.find(needle)
    return text.count("\n", 0, pos) + 1 if pos >= 0 else 1
