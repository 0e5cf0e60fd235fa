"""Problems found in guide files, and how pydantic's errors become readable ones."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from generator.kb.yamlmarks import Loc, Marked


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one guide file, printed as `path:line: message`."""

    path: str
    """The file, as the user named it (relative when under the working folder)."""
    line: int
    """1-based line."""
    message: str
    """What is wrong and, where it helps, what was expected."""

    def __post_init__(self) -> None:
        # Messages quote the file's own keys and values; whatever they hold, a problem stays one
        # short, printable line.
        object.__setattr__(self, "message", one_line(self.message))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


MAX_MESSAGE = 300
_LONG_WORD = re.compile(r"\S{81,}")


def _visible(ch: str) -> str:
    if ch == "\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp"):
        return ch
    return ch.encode("unicode_escape").decode("ascii") if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}"


def one_line(text: str) -> str:
    """Control, format and lone-surrogate characters escaped; long words and long text elided."""
    text = "".join(_visible(ch) for ch in text)
    text = _LONG_WORD.sub(lambda m: f"{m.group(0)[:40]}…({len(m.group(0))} chars)…{m.group(0)[-20:]}", text)
    if len(text) > MAX_MESSAGE:
        text = text[: MAX_MESSAGE - 100] + " … " + text[-97:]
    return text


def dotted(loc: Loc) -> str:
    """`('entries', 0, 'title')` → `entries[0].title`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


_PATTERN_NAMES = {
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$": "a kebab-case ID (lowercase letters, digits, single hyphens)",
    r"^(?:[a-z0-9-]+/)?[a-z0-9]+(?:-[a-z0-9]+)*$": "a check or entry ID (`id` or `provider/id`)",
    r"^[A-Z]\d+$": "a catalogue code such as A1",
    r"^https?://\S+$": "an http(s) URL",
}

_TYPE_NAMES = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


def from_pydantic(
    errors: Iterable[Mapping[str, Any]], marked: Marked, path: str, prefix: Loc = ()
) -> list[Problem]:
    """Turn pydantic's error list into problems with lines and plain messages."""
    out: list[Problem] = []
    for err in errors:
        loc: Loc = prefix
        for part in err["loc"]:
            # A key of the file itself may look like a union tag (`p[rovider`); only real tags go.
            if not _is_union_tag(part) or (*loc, part) in marked.lines:
                loc = (*loc, part)
        kind = err["type"]
        value = err.get("input")
        where = dotted(loc)
        if kind in ("missing", "missing_keyword_argument"):
            parent, name = loc[:-1], loc[-1]
            if name in ("ja", "en"):
                msg = f"{dotted(parent)}: missing '{name}' text (every text needs both 'ja' and 'en')"
            else:
                msg = f"{dotted(parent)}: missing required field '{name}'"
            out.append(Problem(path, marked.line_of(parent), msg))
            continue
        if kind in ("extra_forbidden", "unexpected_keyword_argument"):
            msg = f"{where}: unknown field '{loc[-1]}'"
        elif kind in _TYPE_NAMES:
            msg = f"{where}: expected {_TYPE_NAMES[kind]}, got {_kind(value)}"
        elif kind == "string_pattern_mismatch":
            wanted = _PATTERN_NAMES.get(str(err.get("ctx", {}).get("pattern")), "the documented form")
            msg = f"{where}: {value!r} is not {wanted}"
        elif kind == "string_too_short":
            msg = f"{where}: must not be empty"
        elif kind == "too_short":
            msg = f"{where}: needs at least {err.get('ctx', {}).get('min_length', 1)} item(s)"
        elif kind == "literal_error":
            msg = f"{where}: {value!r} is not one of {err.get('ctx', {}).get('expected', '')}"
        elif kind == "value_error":
            msg = f"{where}: {str(err['msg']).removeprefix('Value error, ')}"
        else:
            msg = f"{where}: {err['msg']}"
        out.append(Problem(path, marked.line_of(loc), msg))
    return out


def _is_union_tag(part: Any) -> bool:
    # pydantic puts the union member's name into the location (`Text`, `function-after[...]`).
    return isinstance(part, str) and (
        ("[" in part) or (part[:1].isupper() and part.isalnum() and not part.isupper())
    )
