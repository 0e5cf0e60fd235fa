"""Where settings come from: the process environment and the files tools read, each parsed, never loaded."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from generator.check.bounded import MiB, Refused, read_regular
from generator.secrets import clean, is_reference, is_secret_name, mask, url_credentials, url_queries


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
    elsewhere: bool = False
    """A working-folder file that is really somewhere else (a symlink out of the folder, a hard
    link): what it holds is not the folder's own (see `trust`)."""


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
    source_id: str | None = None
    """ID of the winning source (`env`, `dotenv`, `claude-project`...), for the trust rule."""
    line: int | None = None
    """1-based line where the winning file sets it; None for the environment."""


@dataclass
class Settings:
    """Every source, read once per run."""

    sources: dict[str, SourceData] = field(default_factory=dict)
    """Source ID → its data, in `SOURCE_IDS` order."""
    folder_is_home: bool = False
    """The working folder is the home folder: its files are the user's own (see `trust`)."""

    def resolve(self, var: str, order: list[str]) -> Resolution:
        """`var` as a tool that reads `order` (highest precedence first) would see it."""
        hits: list[tuple[str, str]] = []
        first: tuple[str | None, int | None] | None = None
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
                first = first or (sid, src.lines.get(alias or var))
        elsewhere = [
            s.label
            for sid, s in self.sources.items()
            if sid not in read_ids and s.values.get(var) is not None
        ]
        if not hits:
            return Resolution(var, None, None, [], elsewhere)
        shadowed = [label for label, _ in hits[1:]]
        won: tuple[str | None, int | None] = first or (None, None)
        return Resolution(var, hits[0][1], hits[0][0], shadowed, elsewhere, source_id=won[0], line=won[1])

    def secrets(self) -> list[str]:
        """Every value held under a secret-looking name, and every password inside a URL, for the
        output scrubber."""
        named = [
            v
            for s in self.sources.values()
            for k, v in s.values.items()
            if is_secret_name(k) and v and not is_reference(v)
        ]
        in_urls = [
            c
            for s in self.sources.values()
            for v in s.values.values()
            if "://" in v
            for c in (*url_credentials(v), *url_queries(v))
        ]
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
                    "sources": [
                        {"source": label, "value": mask(v) if hide else clean(v)} for label, v in found
                    ],
                }
            )
        return rows


def reader_folders() -> tuple[Path, Path]:
    """The reader's home and working folders, even when HOME is unset or relative or the working
    folder was deleted (then its settings are simply not there)."""
    home_var = os.environ.get("HOME", "")
    if os.path.isabs(home_var):
        home = Path(home_var)
    else:
        try:
            import pwd

            home = Path(pwd.getpwuid(os.getuid()).pw_dir)
        except (ImportError, KeyError, OSError):
            home = Path("/nonexistent-home")
    try:
        cwd = Path.cwd()
    except OSError:
        gone = os.environ.get("PWD", "")
        cwd = Path(gone) if os.path.isabs(gone) else Path("/nonexistent-working-folder")
    return home, cwd


def display(path: Path, home: Path, cwd: Path) -> str:
    """A path without the user's name: `~/...` under home, relative under the working folder."""
    for base, prefix in ((cwd, ""), (home, "~/")):
        try:
            rel = path.relative_to(base)
        except ValueError:
            continue
        return clean(prefix + str(rel))
    return clean(str(path))


def claude_folders(environ: Mapping[str, str], home: Path) -> tuple[Path, Path]:
    """Claude Code's user folder and its state file: `$CLAUDE_CONFIG_DIR` and the `.claude.json` in it
    when the variable is set (~/.claude/settings.json is then not read; observed with Claude Code
    2.1.328, case `config-dir-settings`), else `~/.claude` and `~/.claude.json`."""
    config_dir = (environ.get("CLAUDE_CONFIG_DIR") or "").strip()
    if config_dir:
        folder = Path(config_dir).expanduser()
        return folder, folder / ".claude.json"
    return home / ".claude", home / ".claude.json"


def read_settings(
    environ: Mapping[str, str], home: Path, cwd: Path, env_label: str = "environment"
) -> Settings:
    """Read every source; a broken file becomes a `FileProblem`, never an exception."""
    s = Settings(folder_is_home=_same_folder(home, cwd))
    s.sources["env"] = SourceData("env", env_label, dict(environ))
    s.sources["dotenv"] = _dotenv(cwd / ".env", home, cwd)
    user_dir, _ = claude_folders(environ, home)
    for sid, path in (
        ("claude-user", user_dir / "settings.json"),
        ("claude-project", cwd / ".claude" / "settings.json"),
        ("claude-local", cwd / ".claude" / "settings.local.json"),
    ):
        s.sources[sid] = _claude(sid, path, home, cwd)
    s.sources["openhands-toml"] = _openhands(cwd / "config.toml", home, cwd)
    for sid, rel in FOLDER_FILES.items():
        if s.sources[sid].exists and _not_the_folders(cwd / rel, cwd):
            s.sources[sid] = replace(s.sources[sid], elsewhere=True)
    s.sources["openhands-agent"] = _openhands_agent(home / ".openhands" / "agent_settings.json", home, cwd)
    return s


def decode(raw: bytes) -> str | tuple[int, str]:
    """UTF-8 text (a BOM dropped), or the line and reason it is not."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return raw[: exc.start].count(b"\n") + 1, "not valid UTF-8"


# The working folder's own settings files, by source ID.
FOLDER_FILES = {
    "dotenv": ".env",
    "claude-project": ".claude/settings.json",
    "claude-local": ".claude/settings.local.json",
    "openhands-toml": "config.toml",
}


def _not_the_folders(path: Path, cwd: Path) -> bool:
    """Whether a file found in the working folder really lives elsewhere: a symlink that resolves
    outside the folder (a clone can carry `.claude/settings.local.json -> ../../.claude/settings.json`)
    or a file with more than one hard link."""
    try:
        real, folder = os.path.realpath(path), os.path.realpath(cwd)
        return os.path.commonpath([real, folder]) != folder or os.stat(real).st_nlink > 1
    except (OSError, ValueError):
        return True


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def _read_text(path: Path, sid: str, label: str, shown: str, limit: int = 4 * MiB) -> SourceData | str:
    """The file's text, or the source with its problem (a FIFO, a device, too large, not UTF-8)."""
    try:
        raw = read_regular(path, limit)
    except Refused as exc:
        return SourceData(sid, label, {}, problem=FileProblem(shown, 1, str(exc)), path=shown)
    if raw is None:
        return SourceData(sid, label, {}, exists=False, path=shown)
    text = decode(raw)
    if isinstance(text, tuple):
        return SourceData(sid, label, {}, problem=FileProblem(shown, *text), path=shown)
    return text


# python-dotenv drops a comment after an unquoted value with `re.sub(r"\s+#.*", ...)`, which takes
# time quadratic in a run of blanks not followed by `#`; such runs are refused before it sees them.
_BLANK_RUN = re.compile(r"[^\S\n]{32,}")
# Real .env files are a few KB; past this the parser's cost per line adds up to seconds.
DOTENV_LIMIT = MiB // 4


def _dotenv(path: Path, home: Path, cwd: Path) -> SourceData:
    """`.env` read by python-dotenv's own parser, as the tools that load it do; lines kept."""
    shown = display(path, home, cwd)
    text = _read_text(path, "dotenv", shown, shown, DOTENV_LIMIT)
    if isinstance(text, SourceData):
        return text
    for run in _BLANK_RUN.finditer(text):
        if not text.startswith("#", run.end()):
            line = text.count("\n", 0, run.start()) + 1
            blanks = FileProblem(shown, line, f"a run of {run.end() - run.start()} blanks; not read")
            return SourceData("dotenv", shown, {}, problem=blanks, path=shown)
    import io

    from dotenv.parser import parse_stream  # only when a .env exists

    values: dict[str, str] = {}
    lines: dict[str, int] = {}
    problem: FileProblem | None = None
    for binding in parse_stream(io.StringIO(text)):
        original = binding.original
        if binding.error:
            # The reported line is where the unreadable part starts; skip its leading blank lines.
            skipped = len(original.string) - len(original.string.lstrip("\r\n"))
            line = original.line + original.string[:skipped].count("\n")
            problem = problem or FileProblem(shown, line, "not a NAME=value line")
            continue
        if binding.key is None or binding.value is None:
            continue  # a comment, a blank line, or a bare NAME (which sets nothing)
        ahead = original.string.find(binding.key)
        values[binding.key] = binding.value
        lines[binding.key] = original.line + original.string[: max(ahead, 0)].count("\n")
    return SourceData("dotenv", shown, values, problem=problem, lines=lines, path=shown)


def _claude(sid: str, path: Path, home: Path, cwd: Path) -> SourceData:
    shown = display(path, home, cwd)
    label = f"{shown} env"
    text = _read_text(path, sid, label, shown)
    if isinstance(text, SourceData):
        return text
    data = parse_json(text)
    if isinstance(data, tuple):
        return SourceData(sid, label, {}, problem=FileProblem(shown, *data), path=shown)
    if not isinstance(data, dict):
        top = FileProblem(shown, 1, "top level is not a JSON object")
        return SourceData(sid, label, {}, problem=top, path=shown)
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
    lines = _json_key_lines(text, set(values))
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
        line = int(m.group(1)) if m else 1
        return SourceData("openhands-toml", label, {}, problem=FileProblem(shown, line, str(exc)[:200]))
    except RecursionError:
        problem = FileProblem(shown, 1, f"nested deeper than {MAX_DEPTH} levels")
        return SourceData("openhands-toml", label, {}, problem=problem, path=shown)
    except ValueError as exc:  # an integer of thousands of digits
        problem = FileProblem(shown, _line_of_long_number(text), str(exc).split(";")[0][:120])
        return SourceData("openhands-toml", label, {}, problem=problem, path=shown)
    if too_deep(data):
        problem = FileProblem(shown, 1, f"nested deeper than {MAX_DEPTH} levels")
        return SourceData("openhands-toml", label, {}, problem=problem, path=shown)
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
    found = _toml_key_lines(text, "llm")
    lines = {f"LLM_{k.upper()}": found.get(k, 1) for k in llm if not isinstance(llm[k], dict)}
    return SourceData("openhands-toml", label, values, lines=lines, path=shown)


# OpenHands V1 CLI: the agent's LLM fields in ~/.openhands/agent_settings.json, under the names of the
# `LLM_*` variables they stand for (the CLI ignores those variables unless run with --override-with-envs).
_AGENT_LLM_FIELDS = {"model": "LLM_MODEL", "api_key": "LLM_API_KEY", "base_url": "LLM_BASE_URL"}


def _openhands_agent(path: Path, home: Path, cwd: Path) -> SourceData:
    """The LLM settings OpenHands V1 saved (`~/.openhands/agent_settings.json`, a home-folder file), as data."""
    shown = display(path, home, cwd)
    label = f"{shown} llm"
    text = _read_text(path, "openhands-agent", label, shown)
    if isinstance(text, SourceData):
        return text
    data = parse_json(text)
    if isinstance(data, tuple):
        return SourceData("openhands-agent", label, {}, problem=FileProblem(shown, *data), path=shown)
    llm = data.get("llm") if isinstance(data, dict) else None
    if not isinstance(llm, dict):
        problem = FileProblem(shown, _line_of(text, '"llm"'), '"llm" is not an object')
        return SourceData("openhands-agent", label, {}, problem=problem, path=shown)
    values = {var: llm[key] for key, var in _AGENT_LLM_FIELDS.items() if isinstance(llm.get(key), str)}
    found = _json_key_lines(text, {k for k in _AGENT_LLM_FIELDS if k in llm})
    lines = {var: found[key] for key, var in _AGENT_LLM_FIELDS.items() if var in values and key in found}
    return SourceData("openhands-agent", label, values, lines=lines, path=shown)


def _toml_key_lines(text: str, table: str) -> dict[str, int]:
    """Key → line of `key =` inside `[table]`, in one pass (a dotted or inline form is not found)."""
    found: dict[str, int] = {}
    inside = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped.strip("[] \t") == table
        elif inside and "=" in stripped:
            key = stripped.split("=", 1)[0].strip().strip("\"'")
            found.setdefault(key, number)
    return found


# A JSON key: a string (escapes allowed) followed by a colon.
_JSON_KEY = re.compile(r'"((?:[^"\\\n]|\\.)*)"\s*:')


def _json_key_lines(text: str, keys: set[str]) -> dict[str, int]:
    """Key → line of its first `"key":` in the text, in one pass (escaped keys fall back to 1)."""
    found: dict[str, int] = {}
    line, last = 1, 0
    for m in _JSON_KEY.finditer(text):
        key = m.group(1)
        if key in keys and key not in found:
            line += text.count("\n", last, m.start())
            last = m.start()
            found[key] = line
    return {k: found.get(k, 1) for k in keys}


# Settings files nest a few levels; deeper data is refused before any code walks it.
MAX_DEPTH = 64


def parse_json(text: str) -> Any:
    """JSON as a JavaScript tool reads it (no NaN), or the (line, reason) it cannot be read."""

    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    try:
        data = json.loads(text, parse_constant=constant)
    except json.JSONDecodeError as exc:
        return exc.lineno, exc.msg
    except RecursionError:
        return 1, f"nested deeper than {MAX_DEPTH} levels"
    except ValueError as exc:  # a number of thousands of digits, NaN
        return _line_of_long_number(text), str(exc).split(";")[0][:120]
    if too_deep(data):
        return 1, f"nested deeper than {MAX_DEPTH} levels"
    return data


def _line_of_long_number(text: str) -> int:
    m = re.search(r"[0-9]{1000}", text)
    return text.count("\n", 0, m.start()) + 1 if m else 1


def too_deep(data: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether lists and mappings nest more than `limit` levels (checked without recursion)."""
    stack = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            stack += [(v, depth + 1) for v in node.values()]
        elif isinstance(node, list):
            stack += [(v, depth + 1) for v in node]
    return False


def _line_of(text: str, needle: str) -> int:
    pos = text.find(needle)
    return text.count("\n", 0, pos) + 1 if pos >= 0 else 1
