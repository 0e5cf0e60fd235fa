"""No pattern that sees outside text is slower than linear: each gets 1 MB of hostile input.

Every compiled regular expression at module level in the code that reads settings, files, server
replies or pasted text is collected (so a new one is covered without editing this test) and fed
inputs built to make a backtracking engine go quadratic: long runs of one character class, the
start of a match repeated without its end, separators that almost close a match. Each whole scan
(`finditer`, as `sub` does) must finish within the bound; so must the functions that combine them.
"""

from __future__ import annotations

import importlib
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

MB = 1024 * 1024
BOUND = 5.0  # seconds per 1 MB scan, on a busy machine; a quadratic pattern takes hours

MODULES = [
    "generator.secrets",
    "generator.check.sources",
    "generator.check.files",
    "generator.check.http",
    "generator.check.routes",
    *(
        f"generator.check.kinds.{p.stem}"
        for p in sorted((Path(__file__).resolve().parents[1] / "generator/check/kinds").glob("*.py"))
    ),
    "generator.kb.yamlmarks",
    "generator.explain.normalise",
    "generator.explain.match",
    "generator.explain.command",
]

SEEDS = [
    "a",
    "A1",
    " ",
    "\t",
    "0",
    "-",
    "/",
    ":",
    "@",
    ".",
    "=",
    "?",
    "&",
    "\\",
    '"',
    "'",
    "<",
    "#",
    "\n",
    "\u3000",
    "a:",
    "a-",
    "a.",
    "a/",
    "a=",
    "?a=",
    "://",
    "a://",
    "http://a",
    "sk-",
    "sk-a",
    "eyJa.",
    "AKIA",
    "ya29.",
    "your",
    "yourkey",
    "key: ",
    "bearer ",
    "token=",
    "claude-",
    "anthropic.",
    "us.anthropic.claude-",
    "arn:aws:bedrock:",
    "${",
    "<x",
    "x" * 40 + " ",
]


def inputs() -> Iterator[tuple[str, str]]:
    """(label, 1 MB text) pairs, built one at a time."""
    for seed in SEEDS:
        body = (seed * (MB // len(seed) + 1))[:MB]
        yield repr(seed)[:24], body
        if len(seed) > 1 or seed.isalnum():
            yield repr(seed)[:24] + "+!", body[:-1] + "!"  # a match that fails only at the very end
    yield "alternating", ("a" + " " * 31) * (MB // 32)
    yield "url-no-end", "http://" + "a" * MB
    yield "userinfo-no-at", "a://" + "b:" * (MB // 2)


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    found: list[tuple[str, re.Pattern[str]]] = []
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        for attr, value in vars(module).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                found.append((f"{name}.{attr}", value))
            elif isinstance(value, dict):
                found += [
                    (f"{name}.{attr}[{k}]", v)
                    for k, v in value.items()
                    if isinstance(v, re.Pattern) and isinstance(v.pattern, str)
                ]
    return found


PATTERNS = _patterns()


def _timed(call: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    call()
    return time.perf_counter() - t0


# Each pattern scans in a child process, so one that never ends is stopped at the bound and named
# with the input that stopped it, instead of hanging the suite.
CHILD = """
import sys, time
sys.path.insert(0, sys.argv[2])
from test_adversarial_patterns import PATTERNS, inputs
mine = [(n, p) for n, p in PATTERNS if n.startswith(sys.argv[1] + ".")]
for label, text in inputs():
    for name, pattern in mine:
        print("start", name, label, flush=True)
        t0 = time.perf_counter()
        for _ in pattern.finditer(text):
            pass
        print("took", round(time.perf_counter() - t0, 3), flush=True)
"""


def _scan_in_child(module: str) -> tuple[str, float] | None:
    """(pattern and input, seconds) of the first scan slower than BOUND, else None."""
    import selectors
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, module, str(Path(__file__).parent)], stdout=subprocess.PIPE
    )
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    sel = selectors.DefaultSelector()
    sel.register(fd, selectors.EVENT_READ)
    label, started, pending = "(start-up)", time.monotonic(), b""
    try:
        while True:
            # Raw reads: a buffered reader would hide lines from select and blame the wrong scan.
            if b"\n" not in pending:
                if not sel.select(timeout=BOUND + 20 if label == "(start-up)" else BOUND):
                    return label, round(time.monotonic() - started, 2)
                chunk = os.read(fd, 65536)
                if not chunk:
                    return None
                pending += chunk
                continue
            line, pending = pending.split(b"\n", 1)
            word, _, rest = line.decode("utf-8", "replace").partition(" ")
            if word == "start":
                label, started = rest, time.monotonic()
            elif word == "took" and float(rest) > BOUND:
                return label, float(rest)
    finally:
        proc.kill()
        proc.wait()


def test_patterns_were_found() -> None:
    names = {n for n, _ in PATTERNS}
    assert "generator.secrets._SHAPED" in names and "generator.check.sources._BLANK_RUN" in names
    assert len(PATTERNS) >= 10


@pytest.mark.parametrize("module", sorted({n.rsplit(".", 1)[0].split("[")[0] for n, _ in PATTERNS}))
def test_every_pattern_is_linear_on_1mb_of_hostile_input(module: str) -> None:
    slow = _scan_in_child(module)
    assert slow is None, f"slow: {slow}"


def _functions() -> list[tuple[str, Callable[[str], Any]]]:
    from generator import secrets

    scrub = secrets.Scrubber(["sk-ant-api03-" + "a" * 40, "pass word\nsecond line"])
    return [
        ("mask_shapes", secrets.mask_shapes),
        ("redact_urls", secrets.redact_urls),
        ("redact_pasted", secrets.redact_pasted),
        ("url_credentials", secrets.url_credentials),
        ("url_queries", secrets.url_queries),
        ("clean", secrets.clean),
        ("clean_block", secrets.clean_block),
        ("clip", lambda t: secrets.clip(t, 200)),
        ("mask", secrets.mask),
        ("Scrubber", scrub),
    ]


@pytest.mark.parametrize(("name", "function"), _functions(), ids=[n for n, _ in _functions()])
def test_masking_functions_are_linear(name: str, function: Callable[[str], Any]) -> None:
    for label, text in inputs():
        took = _timed(lambda text=text: function(text))
        assert took < BOUND, (name, label, took)


DOTENV_ATTACKS = {
    "blanks-in-a-value": "A=x" + " " * 200_000 + "x\n",
    "blanks-then-hash": "A=x" + " #" * 100_000 + "\n",
    "unterminated-double": 'A="' + "\\a" * 100_000 + "\n",
    "unterminated-single": "A='" + "a" * 200_000 + "\n",
    "many-lines": "A=x y\n" * 40_000,
    "no-equals": "A" * 250_000 + "\n",
    "only-equals": "=" * 250_000,
    "export-run": "export " * 35_000 + "A=1\n",
    "wide-blanks": "A=x" + ("x" + "\u3000" * 30) * 8000 + "\n",
}


@pytest.mark.parametrize("attack", DOTENV_ATTACKS)
def test_dotenv_reading_is_bounded(attack: str, tmp_path: Path) -> None:
    from generator.check.sources import read_settings

    (tmp_path / ".env").write_text(DOTENV_ATTACKS[attack], encoding="utf-8")
    took = _timed(lambda: read_settings({}, tmp_path / "home", tmp_path))
    assert took < BOUND, (attack, took)
