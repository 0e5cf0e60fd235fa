"""`key-shape`: an API key has the shape its provider issues (no quotes, spaces, placeholders, foreign prefix)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import field

from generator.check.environment import Environment, Result
from generator.check.kinds.base import Kind, Status, params
from generator.check.kinds.setting import SETTING_VALUES, UNSET, SettingParams, base_values, evidence


@params
class KeyShapeParams(SettingParams):
    """Parameters of `key-shape`."""

    secret: bool = True
    """Keys are always masked."""
    prefixes: list[str] = field(default_factory=list)
    """Prefixes a valid key starts with (empty: any prefix is fine, e.g. gateway tokens)."""
    wrong_prefixes: dict[str, str] = field(default_factory=dict)
    """Prefix of a credential that does not belong here → the outcome to report for it."""


KINDS = (
    Kind(
        "key-shape",
        "local",
        KeyShapeParams,
        {
            **UNSET,
            "ok": Status.PASS,
            "whitespace": Status.FAIL,
            "quoted": Status.FAIL,
            "invisible": Status.FAIL,
            "placeholder": Status.FAIL,
            "unexpected-prefix": Status.WARN,
        },
        (*SETTING_VALUES, "expected", "position", "prefix"),
        probe="key_shape",
        reads=("var",),
        secrets=("var",),
        extra_outcomes=lambda p: p.wrong_prefixes.values(),
        step=0,
    ),
)

# Linear on any value (tests/test_adversarial_patterns.py): the word between "your" and "key" is
# bounded, and DOTALL lets the trailing `.*` reach the end at once instead of retrying each start.
_PLACEHOLDER = re.compile(
    r"^(<.*>|\$\{?\w+\}?|x{4,}|\.\.\.|.*(your|my)[-_ ]?([a-z]{1,20}[-_ ])?(api[-_ ]?)?key.*|.*\.\.\.|changeme|todo)$",
    re.I | re.S,
)


def _invisible(value: str) -> int | None:
    for i, ch in enumerate(value):
        if unicodedata.category(ch) in ("Cf", "Zs", "Cc") and ch not in " \t\r\n" or ch == "\u00a0":
            return i + 1
    return None


def key_shape(p: KeyShapeParams, env: Environment) -> Result:
    r = env.settings.resolve(p.var, p.sources)
    values = {**base_values(r, True), "expected": " / ".join(p.prefixes) or "-"}
    if r.value is None or r.value == "":
        return Result("unset", values, evidence(r))
    v = r.value
    ev = evidence(r)
    if v[:1] in "\"'" or v[-1:] in "\"'":
        return Result("quoted", values, ev)
    for i, ch in enumerate(v):
        if ch in " \t\r\n":
            values["position"] = str(i + 1)
            ev["position"] = i + 1
            return Result("whitespace", values, ev)
    pos = _invisible(v)
    if pos is not None:
        values["position"] = str(pos)
        ev["position"] = pos
        return Result("invisible", values, ev)
    if _PLACEHOLDER.match(v):
        return Result("placeholder", values, ev)
    for prefix, outcome in p.wrong_prefixes.items():
        if v.startswith(prefix):
            values["prefix"] = prefix
            return Result(outcome, values, ev)
    if p.prefixes and not any(v.startswith(x) for x in p.prefixes):
        return Result("unexpected-prefix", values, ev)
    return Result("ok", values, ev)
