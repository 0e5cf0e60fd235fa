"""YAML loading that remembers the line of every value, for `path:line: message` problems."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

Loc = tuple[str | int, ...]

try:  # libyaml is ten times faster; pure Python is the fallback where it is not built.
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

# What YAML counts as a line break (its line numbers count these).
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# An alias bomb expands to billions of nodes; no guide needs more than this many.
MAX_NODES = 50_000  # the largest guide has under 4,000
# libyaml's time grows with tokens × nesting depth; guides nest about ten levels.
MAX_DEPTH = 100


class YamlProblem(Exception):
    """The text is not YAML we accept; carries the 1-based line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Marked:
    """A parsed document and the line of each location in it."""

    data: Any
    """Plain Python data (dicts, lists, scalars)."""
    lines: dict[Loc, int]
    """Location (keys and indexes) → 1-based line where its value starts."""

    def line_of(self, loc: Loc) -> int:
        """The line of `loc`, or of its nearest ancestor that has one."""
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)


def load(text: str) -> Marked:
    """Parse one YAML document, keeping lines; duplicate keys and alias bombs are problems."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        _shallow(text)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # libyaml puts an error at the end of the stream one line past the last one.
        line = min(mark.line + 1, len(_BREAK.findall(text)) + 1) if mark else 1
        raise YamlProblem(line, f"YAML syntax error: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(1, f"YAML error: {exc}") from None
    lines: dict[Loc, int] = {}
    if node is None:
        return Marked(None, {(): 1})
    counter = [0]
    data = _build(node, (), lines, counter, set())
    return Marked(data, lines)


def _shallow(text: str) -> None:
    """Refuse deep nesting from the event stream, before the costly part of parsing reaches it."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else 1
                raise YamlProblem(line, f"nesting deeper than {MAX_DEPTH} levels")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _build(node: yaml.Node, loc: Loc, lines: dict[Loc, int], counter: list[int], active: set[int]) -> Any:
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise YamlProblem(node.start_mark.line + 1, f"document expands to more than {MAX_NODES} values")
    lines.setdefault(loc, node.start_mark.line + 1)
    if id(node) in active:
        raise YamlProblem(node.start_mark.line + 1, "recursive YAML alias")
    if isinstance(node, yaml.MappingNode):
        active.add(id(node))
        result: dict[Any, Any] = {}
        own: set[Any] = set()
        for key_node, value_node, merged in _pairs(node):
            key = _scalar(key_node)
            if not isinstance(key, str | int | float) or isinstance(key, bool):
                raise YamlProblem(key_node.start_mark.line + 1, "mapping keys must be strings or numbers")
            if not merged:
                # Own keys may override merged ones (YAML merge semantics) but never each other.
                if key in own:
                    raise YamlProblem(key_node.start_mark.line + 1, f"duplicate key {key!r}")
                own.add(key)
            child = (*loc, key if isinstance(key, str) else str(key))
            lines[child] = key_node.start_mark.line + 1  # the key's line reads best in messages
            result[key] = _build(value_node, child, lines, counter, active)
        active.discard(id(node))
        return result
    if isinstance(node, yaml.SequenceNode):
        active.add(id(node))
        items = [_build(item, (*loc, i), lines, counter, active) for i, item in enumerate(node.value)]
        active.discard(id(node))
        return items
    return _scalar(node)


def _pairs(node: yaml.MappingNode) -> Iterator[tuple[yaml.Node, yaml.Node, bool]]:
    # `<<: *anchor` merge keys are flattened first, then the node's own keys follow and win.
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            for src in sources:
                if not isinstance(src, yaml.MappingNode):
                    raise YamlProblem(src.start_mark.line + 1, "merge key needs a mapping")
                for k, v, _ in _pairs(src):
                    yield k, v, True
    for key_node, value_node in node.value:
        if key_node.tag != "tag:yaml.org,2002:merge":
            yield key_node, value_node, False


_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _scalar(node: yaml.Node) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        return node
    try:
        return _CONSTRUCTOR.construct_object(node, deep=True)  # int/bool/null/str by the resolved tag
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        raise YamlProblem(node.start_mark.line + 1, f"bad scalar: {exc}") from None
