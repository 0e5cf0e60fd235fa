"""Config files of cloud SDKs and LiteLLM, parsed as their tools parse them; never loaded or executed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.check.bounded import Refused, read_regular
from generator.check.sources import FileProblem, decode, display, parse_json


@dataclass(frozen=True)
class ParsedFile:
    """One config file: its data, or why it could not be read."""

    path: str
    """Displayed path (no user name)."""
    exists: bool
    """Whether the file is there."""
    data: Any = None
    """Parsed content (dict of sections for INI files)."""
    problem: FileProblem | None = None
    """Why it could not be parsed."""
    lines: Mapping[tuple[str | int, ...], int] | None = None
    """YAML: location (keys and indexes) → the line its value starts on."""

    def line_of(self, *loc: str | int) -> int | None:
        """The line of a YAML location, or of its nearest ancestor that has one."""
        while loc and self.lines is not None:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return None


def _raw(path: Path, shown: str) -> str | ParsedFile:
    try:
        raw = read_regular(path)
    except Refused as exc:
        return ParsedFile(shown, True, problem=FileProblem(shown, 1, str(exc)))
    if raw is None:
        return ParsedFile(shown, False)
    text = decode(raw)
    if isinstance(text, tuple):
        return ParsedFile(shown, True, problem=FileProblem(shown, text[0], text[1]))
    return text


def read_ini(path: Path, home: Path, cwd: Path) -> ParsedFile:
    """AWS `credentials` / `config` files: section → key → value."""
    shown = display(path, home, cwd)
    text = _raw(path, shown)
    if isinstance(text, ParsedFile):
        return text
    import configparser  # only when an AWS file exists: most machines have none

    parser = configparser.ConfigParser(interpolation=None, strict=True)
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        line = getattr(exc, "lineno", None) or 1
        message = (str(exc).splitlines() or ["not an INI file"])[0][:200]
        return ParsedFile(shown, True, problem=FileProblem(shown, int(line), message))
    return ParsedFile(shown, True, {s: dict(parser.items(s)) for s in parser.sections()})


def read_json(path: Path, home: Path, cwd: Path) -> ParsedFile:
    shown = display(path, home, cwd)
    text = _raw(path, shown)
    if isinstance(text, ParsedFile):
        return text
    data = parse_json(text)
    if isinstance(data, tuple):
        return ParsedFile(shown, True, problem=FileProblem(shown, data[0], data[1]))
    if not isinstance(data, dict):
        return ParsedFile(shown, True, problem=FileProblem(shown, 1, "top level is not a JSON object"))
    return ParsedFile(shown, True, data)


def read_yaml(path: Path, home: Path, cwd: Path) -> ParsedFile:
    """A YAML file with the knowledge base's own guards: nesting, node count (alias bombs), tags."""
    shown = display(path, home, cwd)
    text = _raw(path, shown)
    if isinstance(text, ParsedFile):
        return text
    from generator.kb.yamlmarks import YamlProblem, load  # only when a LiteLLM config exists

    try:
        marked = load(text)
    except YamlProblem as exc:
        return ParsedFile(shown, True, problem=FileProblem(shown, exc.line, exc.message))
    if not isinstance(marked.data, dict):
        return ParsedFile(shown, True, problem=FileProblem(shown, 1, "top level is not a mapping"))
    return ParsedFile(shown, True, marked.data, lines=marked.lines)


LITELLM_CONFIG_NAMES = ("litellm_config.yaml", "proxy_config.yaml", "config.yaml")
"""File names a LiteLLM proxy config goes by in a working folder (`litellm --config <name>`)."""


def find_litellm_config(
    named: str | None, cwd: Path, names: Iterable[str] = LITELLM_CONFIG_NAMES
) -> Path | None:
    """The LiteLLM proxy config: the file `named` (LITELLM_CONFIG), else the first file of `names` in the
    working folder that has a `model_list` (a `config.yaml` of another tool is not LiteLLM's)."""
    if named:
        path = Path(named).expanduser()
        return path if path.is_absolute() else cwd / path
    for name in names:
        candidate = cwd / name
        try:
            raw = read_regular(candidate)
        except Refused:
            return candidate  # a FIFO, a device, a huge file: read_yaml reports why it is not read
        if raw is not None and b"model_list" in raw:
            return candidate
    return None


def config_section(profile: str) -> str:
    """The AWS config file's section of a profile: `default`, else `profile <name>` (the credentials
    file names its sections by the bare profile name)."""
    return "default" if profile == "default" else f"profile {profile}"


def aws_files(environ: Mapping[str, str], home: Path, cwd: Path) -> tuple[ParsedFile, ParsedFile]:
    """The shared credentials and config files, where the AWS SDKs look for them."""
    creds = Path(environ.get("AWS_SHARED_CREDENTIALS_FILE") or home / ".aws" / "credentials").expanduser()
    config = Path(environ.get("AWS_CONFIG_FILE") or home / ".aws" / "config").expanduser()
    return read_ini(creds, home, cwd), read_ini(config, home, cwd)


def adc_default_path(home: Path) -> Path:
    return home / ".config" / "gcloud" / "application_default_credentials.json"


def secrets_in(parsed: ParsedFile) -> list[str]:
    """Values under secret-looking keys, anywhere in the file, for the output scrubber."""
    from generator.secrets import is_reference, is_secret_name

    found: list[str] = []

    def walk(node: Any, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, str(k))
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and is_secret_name(key) and node and not is_reference(node):
            found.append(node)

    walk(parsed.data)
    return found


def file_secrets(environ: Mapping[str, str], home: Path, cwd: Path) -> list[str]:
    """Secrets held in the cloud and LiteLLM files any probe may read, so no output can echo them."""
    found: list[str] = []
    for parsed in aws_files(environ, home, cwd):
        found += secrets_in(parsed)
    adc = environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    from generator.secrets import PATH_NAMES, looks_like_path

    # A path is shown as it is; a variable holding the key itself (pasted JSON) is a secret.
    found += [v for name in PATH_NAMES if (v := environ.get(name)) and not looks_like_path(v)]
    for path in ([Path(adc).expanduser()] if adc else []) + [adc_default_path(home)]:
        found += secrets_in(read_json(path, home, cwd))
    for name in (
        "litellm_config.yaml",
        "proxy_config.yaml",
        "config.yaml",
        environ.get("LITELLM_CONFIG", ""),
    ):
        if name:
            path = Path(name).expanduser()
            found += secrets_in(read_yaml(path if path.is_absolute() else cwd / path, home, cwd))
    return found
