from __future__ import annotations

import pytest

from generator.kb.yamlmarks import YamlProblem, load


def test_lines_point_at_keys_and_items() -> None:
    m = load("a: 1\nb:\n  - x: 2\n    y: [1, 2]\n")
    assert m.data == {"a": 1, "b": [{"x": 2, "y": [1, 2]}]}
    assert m.line_of(("b",)) == 2
    assert m.line_of(("b", 0, "y")) == 4
    assert m.line_of(("b", 0, "missing", "deeper")) == 3  # falls back to the nearest ancestor


def test_duplicate_keys_are_problems_with_the_second_line() -> None:
    with pytest.raises(YamlProblem) as exc:
        load("a: 1\nb: 2\na: 3\n")
    assert (exc.value.line, exc.value.message) == (3, "duplicate key 'a'")


def test_merge_keys_may_be_overridden_but_not_repeated() -> None:
    m = load("base: &b {k: 1, j: 2}\nthing:\n  <<: *b\n  k: 3\n")
    assert m.data["thing"] == {"k": 3, "j": 2}


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    with pytest.raises(YamlProblem) as exc:
        load("\n".join(lines))
    assert "expands to more than" in exc.value.message


def test_bom_is_ignored() -> None:
    assert load("\ufeffa: 1\n").data == {"a": 1}


def test_syntax_error_has_line() -> None:
    with pytest.raises(YamlProblem) as exc:
        load("a: 1\nb: [1\nc: 2\n")
    assert exc.value.message.startswith("YAML syntax error")
    assert exc.value.line == 3
