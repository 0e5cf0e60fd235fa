"""Catalogue codes of `research/provider-errors.md`: letter → highest number in use."""

from __future__ import annotations

# A test reads the research file and keeps this table equal to the codes it defines.
CODE_RANGES: dict[str, int] = {"A": 22, "C": 31, "B": 15, "V": 10, "O": 11, "P": 6, "L": 12, "H": 7}


def all_codes() -> list[str]:
    """Every known code, in catalogue order."""
    return [f"{letter}{n}" for letter, top in CODE_RANGES.items() for n in range(1, top + 1)]


def is_known(code: str) -> bool:
    letter, number = code[:1], code[1:]
    return number.isdigit() and 1 <= int(number) <= CODE_RANGES.get(letter, 0)
