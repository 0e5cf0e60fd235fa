"""Declared `match:` patterns compiled into index records: top-level alternatives, the literal each
one requires (for the gram prefilter) and its weight.

Shared by the index builder and the matcher, so it imports neither.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from generator.explain.normalise import adapt_pattern

GRAM = 4
"""Length of the substrings the prefilter files literals under."""


def choose_grams(literals: Sequence[str]) -> list[str]:
    """The gram each literal is filed under: its rarest gram among all the literals, so a common
    one ("erro") wakes few regexes; empty for literals too short to file."""
    counts: dict[str, int] = {}
    for literal in literals:
        for g in _grams(literal):
            counts[g] = counts.get(g, 0) + 1
    return [min(_grams(lit), key=lambda g: (counts[g], g)) if len(lit) >= GRAM else "" for lit in literals]


def _grams(literal: str) -> set[str]:
    return {literal[k : k + GRAM] for k in range(len(literal) - GRAM + 1)}


# --- compiling declared patterns --------------------------------------------------------------
_QUANT = re.compile(r"[?*+]|\{[0-9]*(?:,[0-9]*)?\}", re.ASCII)
_OPTIONAL = re.compile(r"[?*]|\{0*(?:,[0-9]*)?\}", re.ASCII)


def split_alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regex (`a|b(c|d)` → `a`, `b(c|d)`)."""
    parts, start, depth, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def required_literal(alternative: str) -> tuple[str, int]:
    """The longest run of literal text every match of a `|`-free regex contains, and the count
    of all such literal characters (the alternative's weight)."""
    runs: list[str] = []
    run: list[str] = []
    i, depth, n = 0, 0, len(alternative)

    def close() -> None:
        if run:
            runs.append("".join(run))
            run.clear()

    while i < n:
        c = alternative[i]
        char: str | None = None
        if c == "\\":
            nxt = alternative[i + 1 : i + 2]
            # An escaped punctuation mark is that mark; `\d`, `\b`, `\1`... are not literals.
            char = nxt if nxt and not nxt.isalnum() else None
            i += 2
        elif c == "[":
            i += 1
            while i < n and alternative[i] != "]":
                i += 2 if alternative[i] == "\\" else 1
            i += 1
        elif c == "(":
            depth += 1
            i += 1
        elif c == ")":
            depth -= 1
            i += 1
        elif c in ".^$|":
            i += 1
        elif c in "?*+" or (c == "{" and _QUANT.match(alternative, i)):
            q = _QUANT.match(alternative, i)
            i = q.end() if q else i + 1
        else:
            char = c
            i += 1
        if char is None or depth > 0:
            close()
            continue
        q = _QUANT.match(alternative, i)
        if q and _OPTIONAL.fullmatch(q.group(0)):
            close()  # the character may be absent
        elif q:
            run.append(char.lower())
            close()  # the character may repeat: what follows is not next to it
        else:
            run.append(char.lower())
    close()
    longest = max(runs, key=len, default="")
    return longest, sum(len(r) for r in runs)


def compile_patterns(declared: Iterable[str]) -> list[dict[str, Any]]:
    """Declared patterns as index records: one per top-level alternative."""
    out: list[dict[str, Any]] = []
    for source in declared:
        for alt in split_alternatives(adapt_pattern(source)):
            if not alt:
                continue  # an empty alternative would match every text
            literal, weight = required_literal(alt)
            out.append({"source": source, "regex": alt, "literal": literal, "weight": weight})
    return out
