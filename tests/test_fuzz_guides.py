"""Fuzzed guides: `validate` never crashes or hangs, and rendering never runs guide text.

Hypothesis writes well over a thousand malformed or hostile guide files (wrong types, missing
fields, huge strings, deep nesting, alias bombs, tabs, BOM, invalid UTF-8, duplicate keys,
YAML tags, Markdown/HTML/Jinja inside text). For each one:

- `load_catalogue` and the `validate` command return normally, within `BOUND_S` seconds;
- every problem prints as one `path:line: message` line, the line inside the file;
- a guide that does validate renders to pages whose HTML (Python-Markdown with the extensions
  of mkdocs.yml) holds no script tag, no `on*` attribute and no `javascript:` URL, and whose
  Jinja stays literal text.
"""

from __future__ import annotations

import copy
import io
import re
import tempfile
import time
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from conftest import FIXTURES
from hostile_guides import PAYLOADS, body_of, hostile_guide, hostile_models, script_in_html, to_html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.kb.catalogue import load_catalogue
from generator.kb.commands import validate
from generator.site.render import _env, pages, render_page

# Per file: load + validate, the worst alias bomb included. CPU seconds of this process, not wall
# time: a blow-up is CPU work, and a loaded CI machine must not turn queueing into a failure.
BOUND_S = 2.0
MAX_MESSAGE = 300  # a problem message stays readable, whatever the input holds
VALID_TEXT = (FIXTURES / "guides" / "valid" / "demo.yaml").read_text(encoding="utf-8")
VALID = yaml.safe_load(VALID_TEXT)
LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<message>\S.*)$")
COMMON = {
    "deadline": None,  # timing is asserted per example instead, with a bound that means something
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
}


@dataclass
class Stats:
    examples: int = 0
    valid: int = 0
    slowest: float = 0.0


STATS: dict[str, Stats] = {}


# ---------------------------------------------------------------- what goes into the files

hostile_text = st.lists(
    st.one_of(st.sampled_from(PAYLOADS), st.text(max_size=12)), min_size=1, max_size=4
).map("".join)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    hostile_text,
    st.integers(min_value=10_000, max_value=300_000).map(lambda n: "A" * n),  # huge strings
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(hostile_text, st.integers()), inner, max_size=4),
    ),
    max_leaves=12,
)


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*here, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*here, i))
    return out


ALL_PATHS = _paths(VALID)[1:]


def _mutate(doc: Any, path: tuple[Any, ...], op: str, value: Any, key: Any) -> Any:
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if op == "replace":
        parent[last] = value
    elif op == "delete":
        del parent[last]
    elif op == "add" and isinstance(parent[last], dict):
        parent[last][key] = value
    elif op == "wrap":
        parent[last] = [parent[last]] if not isinstance(parent[last], list) else {"x": parent[last]}
    return doc


@st.composite
def structural(draw: st.DrawFn) -> str:
    """The valid fixture with one to four fields changed, deleted, added or wrapped."""
    doc = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(doc)[1:]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["replace", "replace", "delete", "add", "wrap"]))
        doc = _mutate(doc, path, op, draw(values), draw(st.one_of(hostile_text, st.integers())))
    return _dump(doc, allow_unicode=draw(st.booleans()))


def _dump(doc: Any, allow_unicode: bool = True) -> str:
    # libyaml's emitter: the pure-Python one spends seconds on the huge strings.
    return yaml.dump(doc, Dumper=yaml.CSafeDumper, allow_unicode=allow_unicode, sort_keys=False)


def _deep(n: int, style: str) -> str:
    if style == "flow-list":
        return "provider: demo\nentries: " + "[" * n + "]" * n + "\n"
    if style == "flow-map":
        return "provider: demo\nentries: " + "{a: " * n + "1" + "}" * n + "\n"
    return "provider: demo\nentries:\n" + "- " * n + "x\n"


def _alias_bomb(width: int, depth: int) -> str:
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, depth):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]")
    return "\n".join(lines) + f"\nentries: *a{depth - 1}\n"


ATTACKS = [
    "provider: !!python/object/apply:os.system ['echo pwned']\n",
    "provider: !!python/name:os.system\n",
    "a: &a [*a]\n",
    "a: &a {<<: *a}\n",
    "a: &a {x: 1}\nb: {<<: [*a, *a, *a]}\nentries: {<<: 5}\n",
    "? [complex, key]\n: value\n",
    "? {a: 1}\n: value\n",
    "provider: demo\n---\nprovider: other\n",
    "entries: !!binary aGVsbG8=\n",
    "entries: !!set {a, b}\n",
    "entries: !!omap [a: 1, b: 2]\n",
    "order: !!int '0x_bad'\n",
    "order: !!float nope\n",
    "name: 2024-01-01\n",
    "name: *undefined\n",
    '"\\ud800": 1\n',
    'provider: "\\ud800"\n',
    'name: {ja: "\\ud83d", en: x}\n',
    '"key\\nwith newline": 1\n',
    "%YAML 9.9\n---\na: 1\n",
    "%TAG ! tag:evil.example,2000:\n---\na: !x 1\n",
    "\x00\x01\x02",
    "a: b\n\x1b[31mred\n",
    "\r\r\r\n\n",
    "{{ 7*191 }}: {% raw %}\n",
    "p[rovider: null\nName: x\nAbc: 1\n",  # keys that look like pydantic's union tags
    "\ufeff\ufeffprovider: demo\n",
]


@st.composite
def textual(draw: st.DrawFn) -> bytes:
    """Byte- and text-level damage: BOM, tabs, bad UTF-8, duplicates, bombs, nesting, truncation."""
    base = draw(st.one_of(st.just(VALID_TEXT), structural()))
    kind = draw(
        st.sampled_from(
            ["bom", "tab", "utf8", "dup", "bomb", "deep", "truncate", "splice", "attack", "huge", "repeat"]
        )
    )
    lines = base.splitlines(keepends=True)
    text = base
    if kind == "bom":
        text = "\ufeff" + base
    elif kind == "tab":
        i = draw(st.integers(0, len(lines) - 1))
        lines[i] = "\t" + lines[i].lstrip(" ")
        text = "".join(lines)
    elif kind == "dup":
        i = draw(st.integers(0, len(lines) - 1))
        lines.insert(i, lines[i])
        text = "".join(lines)
    elif kind == "bomb":
        text = _alias_bomb(draw(st.integers(2, 12)), draw(st.integers(2, 12)))
    elif kind == "deep":
        text = _deep(draw(st.integers(50, 5000)), draw(st.sampled_from(["flow-list", "flow-map", "block"])))
    elif kind == "truncate":
        text = base[: draw(st.integers(0, len(base)))]
    elif kind == "splice":
        at = draw(st.integers(0, len(base)))
        text = base[:at] + draw(st.one_of(st.text(max_size=30), hostile_text)) + base[at:]
    elif kind == "attack":
        text = draw(st.sampled_from(ATTACKS)) + draw(st.sampled_from(["", base]))
    elif kind == "huge":
        text = base.replace("A small guide for tests.", "A" * draw(st.integers(100_000, 1_000_000)), 1)
    elif kind == "repeat":
        text = base + base[base.index("entries:") :] * draw(st.integers(1, 10))
    raw = text.encode("utf-8", "surrogatepass")
    if kind == "utf8":
        at = draw(st.integers(0, len(raw)))
        raw = (
            raw[:at]
            + draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xe2\x82", b"\x80"]))
            + raw[at:]
        )
    return raw


# ---------------------------------------------------------------- the properties


def _check_file(raw: bytes, name: str, stats: Stats) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / name).write_bytes(raw)
        t0 = time.process_time()
        stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")  # a real terminal's rules
        with redirect_stdout(stdout):
            code = validate(folder)
            stdout.flush()
        took = time.process_time() - t0
        stdout.seek(0)
        printed = stdout.read().splitlines()
    stats.examples += 1
    stats.slowest = max(stats.slowest, took)
    assert took < BOUND_S, f"{took:.2f} s for {len(raw)} bytes"
    n_lines = len(raw.decode("utf-8", "replace").splitlines()) + 1  # Python splits on more than YAML does
    assert code in (0, 2)
    if code == 0:
        stats.valid += 1
        assert len(printed) == 1 and printed[0].startswith("ok: ")
        return
    *problems, total = printed
    assert re.fullmatch(rf"{len(problems)} problem\(s\) in 1 file\(s\)\.", total), printed[
        -3:
    ]  # one line each
    assert problems
    for line in problems:
        m = LINE.match(line)
        assert m, line[:200]
        assert m["path"].endswith(name)
        assert 1 <= int(m["line"]) <= n_lines, line[:200]
        assert len(m["message"]) <= MAX_MESSAGE, line[:200]


def test_structurally_broken_guides_get_problems_not_crashes() -> None:
    stats = STATS.setdefault("structural", Stats())

    @settings(max_examples=440, **COMMON)
    @given(text=structural(), name=st.sampled_from(["demo.yaml", "demo.yaml", "other.yaml"]))
    def prop(text: str, name: str) -> None:
        _check_file(text.encode("utf-8", "surrogatepass"), name, stats)

    prop()
    assert stats.examples >= 440
    print(f"structural: {stats}")


def test_damaged_files_get_problems_not_crashes() -> None:
    stats = STATS.setdefault("textual", Stats())

    @settings(max_examples=440, **COMMON)
    @given(raw=textual(), name=st.sampled_from(["demo.yaml", "models.yaml"]))
    def prop(raw: bytes, name: str) -> None:
        _check_file(raw, name, stats)

    prop()
    assert stats.examples >= 440
    print(f"textual: {stats}")


def test_known_attacks_each_get_a_problem_in_time() -> None:
    stats = STATS.setdefault("attacks", Stats())
    cases = [a.encode("utf-8", "surrogatepass") for a in ATTACKS]
    cases += [_alias_bomb(10, 9).encode(), _alias_bomb(2, 40).encode()]
    cases += [_deep(n, s).encode() for n in (100, 1_000, 20_000) for s in ("flow-list", "flow-map", "block")]
    cases += [b"\xff\xfe" + "provider: demo\n".encode("utf-16-le"), b"provider: demo\n\xc3\x28\n"]
    for raw in cases:
        before = stats.examples
        _check_file(raw, "demo.yaml", stats)
        assert stats.examples == before + 1
    assert stats.valid == 0  # none of these is a guide
    print(f"attacks: {stats}")


@st.composite
def hostile_site(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    texts: dict[str, str] = {}

    def text(name: str) -> str:
        if name not in texts:
            texts[name] = draw(hostile_text, label=name)
        return texts[name]

    return hostile_guide(text), hostile_models(text)


_ENV = _env()


def test_valid_hostile_guides_render_inert() -> None:
    stats = STATS.setdefault("render", Stats())

    @settings(max_examples=120, **COMMON)
    @given(site=hostile_site(), lang=st.sampled_from(["ja", "en"]))
    def prop(site: tuple[dict[str, Any], dict[str, Any]], lang: str) -> None:
        guide, models = site
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            (folder / "demo.yaml").write_text(_dump(guide), encoding="utf-8")
            (folder / "models.yaml").write_text(_dump(models), encoding="utf-8")
            t0 = time.process_time()
            cat = load_catalogue(folder)
            took = time.process_time() - t0
        assert took < BOUND_S
        assert not cat.problems, [str(p) for p in cat.problems][:3]
        stats.examples += 1
        stats.valid += 1
        stats.slowest = max(stats.slowest, took)
        for page in pages(cat):
            md = render_page(_ENV, page, lang)
            assert "JJ1337JJ" not in md, page.path  # `{{ 7*191 }}` was evaluated
            front = yaml.safe_load(md[4 : md.index("\n---\n", 4)]) if md.startswith("---\n") else {}
            assert isinstance(front, dict) and set(front) <= {"title", "description", "tags", "hide"}, (
                page.path
            )
            bad = script_in_html(to_html(md))
            assert not bad, (page.path, bad, body_of(md)[:2000])

    prop()
    assert stats.examples >= 120
    print(f"render: {stats}")


def test_total_examples_reach_a_thousand() -> None:
    """Runs last in this module; counts what the properties above really executed."""
    total = sum(s.examples for s in STATS.values())
    if len(STATS) < 4:
        import pytest

        pytest.skip("only part of the module ran")
    assert total >= 1000, {k: v.examples for k, v in STATS.items()}
