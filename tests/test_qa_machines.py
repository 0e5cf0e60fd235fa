"""QA machines: broken setups built independently of the route code, run through the real CLI.

Each folder under tests/fixtures/qa_machines/ is one machine: `home/` and `cwd/` (copied to a temporary
folder first, with `@HOME@` / `@CWD@` in file text replaced by the copies' paths), `env.json` (the whole
environment besides PATH and HOME, as `env -i` would leave it) and `expected.yaml`, what a user of that
machine should be told. `python -m generator check --offline [--json]` runs in a subprocess, as the
independent evaluation runs it. Expectations the product does not meet yet are listed under `xfail:` in
expected.yaml (aspect → reason naming the defect in tests/fixtures/qa_machines/DEFECTS.md); they are strict, so a fix
turns them into XPASS failures and the entry is removed.

expected.yaml keys (all optional but `note`):
  args: extra CLI arguments (targets)
  routes: [{dotted route field: value}] matched by client (and provider when given); `settings[NAME]`
          selects a setting by name; `.source` values other than env/default/flag match as path suffixes
  fail_exact: the exact set of failing check IDs          fail_any: at least one of these fails
  not_failing: none of these fails                        warn_or_fail_any: one of these warns or fails ("*": any)
  first_any: the first problem printed in text is one of these; first_words: words in that first problem
  fix_words: {check ID | "a|b" | "*": words in its fix}     source_suffix: {check ID | "a|b": "file:line"}
  max_lines, text_words, text_absent: about the text output
  secrets: strings no output may contain (nor any 12-character run after a public prefix like sk-ant-api03-)
  xfail: {aspect: "QA Dn: reason"} for expectations the product does not meet yet
  online: run without --offline (proxies point at a closed local port, so nothing leaves the machine)
  no_file: a file (relative to cwd) that must not exist after the run
  max_seconds: wall-time bound of the --json run
Every machine also gets the `safety` (no secret, control character, traceback or write), `consistent` (no
value both passed and failed; no missing-credential failure on a route a SKIP_*_AUTH switch leaves
unsigned) and `contract` (the
--json shape of DESIGN.md) aspects.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).parent / "fixtures" / "qa_machines"
MACHINES = sorted(p.name for p in ROOT.iterdir() if (p / "expected.yaml").is_file())
ASPECTS = ("route", "failing", "first", "fix", "text", "safety", "consistent", "contract")
# Control characters other than line feed and tab never reach the terminal.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x9b]")
PUBLIC_PREFIX = re.compile(r"sk-ant-[a-z]+\d\d-|sk-or-v1-|sk-ant-|sk-|AKIA|ABSK")
PROBLEM_MARKS = ("✗", "!", "[FAIL]", "[warn]", "[fail]", "⚠")


@dataclass(frozen=True)
class Run:
    """One machine run through the CLI in both modes."""

    code: int
    """Exit code of the --json run."""
    doc: dict[str, Any]
    """The --json document."""
    text: str
    """Standard output of the text run."""
    stderr: str
    """Standard error of both runs."""
    home: str
    """The temporary home folder used."""
    cwd: str
    """The temporary working folder used."""
    leftovers: tuple[str, ...]
    """Files (under home/ or cwd/) the run created, changed or removed."""
    seconds: float
    """Wall time of the --json run."""


def expected(name: str) -> dict[str, Any]:
    data = yaml.safe_load((ROOT / name / "expected.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _copy(src: Path, dst: Path, subst: dict[str, str]) -> None:
    shutil.copytree(src, dst, symlinks=True)
    for p in dst.rglob("*"):
        if p.is_file() and not p.is_symlink():
            # Bytes, not read_text/write_text: a CRLF fixture (a file saved on Windows) keeps its CR.
            text = p.read_bytes().decode("utf-8")
            for k, v in subst.items():
                text = text.replace(k, v)
            p.write_bytes(text.encode("utf-8"))


def _snapshot(base: Path) -> dict[str, tuple[int, int]]:
    """Every file under the machine's home and working folder → (size, mtime_ns): a write shows."""
    out = {}
    for p in base.rglob("*"):
        st = p.lstat()
        out[str(p.relative_to(base))] = (st.st_size, st.st_mtime_ns)
    return out


@cache
def run(name: str, tmp: str) -> Run:
    exp = expected(name)
    base = Path(tmp) / name
    home, cwd = base / "home", base / "cwd"
    subst = {"@HOME@": str(home), "@CWD@": str(cwd)}
    _copy(ROOT / name / "home", home, subst)
    _copy(ROOT / name / "cwd", cwd, subst)
    before = _snapshot(base)
    env_file = json.loads((ROOT / name / "env.json").read_text(encoding="utf-8"))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home)}
    for k, v in env_file.items():
        for a, b in subst.items():
            v = v.replace(a, b)
        env[k] = v
    mode = ["--deadline", "20"] if exp.get("online") else ["--offline"]
    if exp.get("online"):
        for var in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy", "ALL_PROXY"):
            env[var] = "http://127.0.0.1:9"
    args = [str(a) for a in exp.get("args") or []]
    cmd = [sys.executable, "-m", "generator", "check", *mode, *args]
    started = time.monotonic()
    pj = subprocess.run([*cmd, "--json"], cwd=cwd, env=env, capture_output=True, timeout=90, check=False)
    seconds = time.monotonic() - started
    pt = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, timeout=90, check=False)
    try:
        doc = json.loads(pj.stdout.decode("utf-8"))
    except ValueError:
        doc = {"routes": [], "findings": [], "unparsed": pj.stdout.decode("utf-8", "replace")}
    after = _snapshot(base)
    return Run(
        code=pj.returncode,
        doc=doc,
        text=pt.stdout.decode("utf-8", "replace"),
        stderr=(pj.stderr + pt.stderr).decode("utf-8", "replace"),
        home=str(home),
        cwd=str(cwd),
        leftovers=tuple(sorted(k for k in after.keys() | before.keys() if after.get(k) != before.get(k))),
        seconds=seconds,
    )


@pytest.fixture(scope="module")
def qa_tmp(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> str:
    tmp = str(tmp_path_factory.mktemp("qa"))
    # Run the selected machines a few at a time up front (each is two short subprocesses).
    names = sorted(
        {
            item.callspec.params["name"]
            for item in request.session.items
            # Other modules parametrize a `name` too: keep this module's machines only.
            if hasattr(item, "callspec") and item.callspec.params.get("name") in MACHINES
        }
    )
    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(lambda name: run(name, tmp), names))
    return tmp


def _get(node: Any, dotted: str) -> Any:
    for part in re.findall(r"[^.\[\]]+(?:\[[^\]]*\])?", dotted):
        m = re.fullmatch(r"([^\[]+)(?:\[([^\]]*)\])?", part)
        assert m
        key, index = m.groups()
        node = node.get(key) if isinstance(node, dict) else None
        if index is not None and isinstance(node, list):
            if index.isdigit():
                node = node[int(index)] if int(index) < len(node) else None
            else:
                node = next((s for s in node if isinstance(s, dict) and s.get("name") == index), None)
        elif index is not None:
            node = None
    return node


def _same(key: str, want: Any, got: Any) -> bool:
    if key.endswith("source") and isinstance(want, str) and want not in ("env", "default", "flag"):
        # A home file is named `~/…`; a folder file relative (an absolute path ending in it also counts).
        relative_ok = not want.startswith("~") and isinstance(got, str) and got.endswith("/" + want)
        return got == want or relative_ok
    return bool(got == want)


def _findings(r: Run) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for f in r.doc.get("findings", []):
        out.setdefault(f["status"], []).append(f)
    return out


def _ids(r: Run, *statuses: str) -> set[str]:
    return {f["id"] for s in statuses for f in _findings(r).get(s, [])}


def _problem_blocks(text: str) -> list[str]:
    """Text blocks that start at a problem line (a fail or warn mark) and run to the next mark."""
    blocks: list[list[str]] = []
    for line in text.splitlines():
        if line.lstrip().startswith(PROBLEM_MARKS):
            blocks.append([line])
        elif blocks and line.startswith((" ", "\t")) and line.strip():
            blocks[-1].append(line)
        elif blocks and blocks[-1] and not line.strip():
            blocks[-1].append("")
    return ["\n".join(b) for b in blocks]


def _pick(r: Run, key: str) -> list[dict[str, Any]]:
    ids = set(key.split("|"))
    bad = _findings(r).get("fail", []) + _findings(r).get("warn", [])
    if key == "*":
        return bad
    return [f for f in bad if f["id"] in ids]


def check_route(exp: dict[str, Any], r: Run) -> None:
    routes = r.doc.get("routes", [])
    want_routes = exp.get("routes") or []
    if not want_routes:
        assert routes == [], routes
    for want in want_routes:
        cands = [x for x in routes if x.get("client") == want["client"]]
        if "provider" in want:
            cands = [x for x in cands if x.get("provider") == want["provider"]]
        assert cands, (want, [(x.get("client"), x.get("provider")) for x in routes])
        got = cands[0]
        wrong = {k: _get(got, k) for k, v in want.items() if not _same(k, v, _get(got, k))}
        assert not wrong, {"wrong": wrong, "want": want}


def check_failing(exp: dict[str, Any], r: Run) -> None:
    failing = _ids(r, "fail")
    if "fail_exact" in exp:
        assert failing == set(exp["fail_exact"]), failing
    if exp.get("fail_any"):
        assert failing & set(exp["fail_any"]), failing
    if exp.get("not_failing"):
        assert not failing & set(exp["not_failing"]), failing & set(exp["not_failing"])
    if exp.get("warn_or_fail_any"):
        bad = _ids(r, "fail", "warn")
        assert bad if exp["warn_or_fail_any"] == ["*"] else bad & set(exp["warn_or_fail_any"]), bad
    assert "error" not in _findings(r), [f["message"] for f in _findings(r)["error"]]
    assert r.code == (1 if failing else 0), r.code
    if "exit" in exp:
        assert r.code == exp["exit"]


def check_first(exp: dict[str, Any], r: Run) -> None:
    blocks = _problem_blocks(r.text)
    assert blocks, r.text
    first = blocks[0]
    if exp.get("first_any"):
        titles = {f["id"]: f["title"] for f in r.doc.get("findings", [])}
        assert any(i in first or (titles.get(i) and titles[i] in first) for i in exp["first_any"]), r.text
    for words in exp.get("first_words") or []:
        assert words in first, r.text


def check_fix(exp: dict[str, Any], r: Run) -> None:
    for key, words in (exp.get("fix_words") or {}).items():
        picked = _pick(r, key)
        assert picked, key
        assert any(words in (f.get("fix") or "") for f in picked), [f.get("fix") for f in picked]
    for key, where in (exp.get("source_suffix") or {}).items():
        picked = _pick(r, key)
        assert picked, key
        assert any((f.get("source") or "").endswith(where) for f in picked), [f.get("source") for f in picked]


def check_text(exp: dict[str, Any], r: Run) -> None:
    lines = r.text.rstrip("\n").splitlines()
    if "max_lines" in exp:
        assert len(lines) <= exp["max_lines"], f"{len(lines)} lines:\n{r.text}"
    for words in exp.get("text_words") or []:
        assert words in r.text, r.text
    for words in exp.get("text_absent") or []:
        assert words not in r.text, r.text


def check_safety(exp: dict[str, Any], r: Run) -> None:
    everything = r.text + r.stderr + json.dumps(r.doc, ensure_ascii=False)
    assert "Traceback" not in r.stderr, r.stderr
    assert r.code in (0, 1, 2, 3), r.code
    assert not CONTROL.search(r.text), repr(CONTROL.search(r.text))
    assert not CONTROL.search(r.stderr), repr(CONTROL.search(r.stderr))
    for secret in exp.get("secrets") or []:
        # The public prefix (`sk-ant-api03-`, `sk-or-v1-`, …) may be shown; nothing after it may.
        public = PUBLIC_PREFIX.match(secret)
        start = public.end() if public else 0
        runs = {secret[i : i + 12] for i in range(start, max(start + 1, len(secret) - 11))}
        leaked = [s for s in runs if s in everything or s in r.text]
        assert not leaked, leaked[:3]
    for route in r.doc.get("routes", []):
        assert "?" not in (route.get("endpoint") or ""), route.get("endpoint")
        assert "@" not in (route.get("endpoint") or "").split("//", 1)[-1], route.get("endpoint")
    if exp.get("no_file"):
        assert not (Path(r.cwd) / exp["no_file"]).exists(), "a program named by the folder was run"
    assert not r.leftovers, f"check wrote: {r.leftovers}"
    if "max_seconds" in exp:
        assert r.seconds <= exp["max_seconds"], r.seconds


def check_consistent(exp: dict[str, Any], r: Run) -> None:
    """No value is accepted by one check and rejected by another (issue 14: no contradictions)."""
    verdicts: dict[tuple[str, str], dict[str, set[str]]] = {}
    for f in r.doc.get("findings", []):
        ev = f.get("evidence") or {}
        if f["status"] not in ("pass", "fail") or not isinstance(ev.get("value"), str):
            continue
        key = (str(ev.get("var")), ev["value"])
        verdicts.setdefault(key, {}).setdefault(f["status"], set()).add(f["id"])
    both = {k: v for k, v in verdicts.items() if len(v) == 2}
    assert not both, both
    # A route a CLAUDE_CODE_SKIP_*_AUTH switch leaves unsigned (a gateway signs) is not failed for a missing
    # credential. A route that sends nothing because nothing is set (`auth: none` with no switch) is a
    # missing credential, and failing it is right (QA2 D4: Claude Code with no credential cannot start).
    for route in r.doc.get("routes", []):
        switched = any(
            re.fullmatch(r"CLAUDE_CODE_SKIP_\w+_AUTH", str(s.get("name")))
            for s in route.get("settings") or []
        )
        if route.get("auth") == "none" and switched:
            missing = {"bedrock/credentials-present", "vertex/adc-file", "anthropic/api-key-present"}
            missing |= {"claude-code/credential-present"}
            assert not _ids(r, "fail") & missing, (
                route["client"],
                route["provider"],
                _ids(r, "fail") & missing,
            )


FINDING_KEYS = {"id", "provider", "status", "title", "message", "message_en", "evidence", "source", "fix"}
FINDING_KEYS |= {"docs_url", "covers", "duration_ms"}
ROUTE_KEYS = {"client", "provider", "endpoint", "auth", "credential", "model", "small_model", "region"}
ROUTE_KEYS |= {"project", "settings"}
CHOICE_KEYS = {"value", "resolved", "setting", "source", "line"}


def check_contract(exp: dict[str, Any], r: Run) -> None:
    """The --json document has the shape DESIGN.md promises."""
    doc = r.doc
    assert doc.get("schema_version") == 1
    assert set(doc.get("summary", {})) == {"pass", "warn", "fail", "skip", "error"}
    for f in doc["findings"]:
        assert set(f) >= FINDING_KEYS, FINDING_KEYS - set(f)
        assert f["status"] in ("pass", "warn", "fail", "skip", "error")
    for route in doc["routes"]:
        assert set(route) >= ROUTE_KEYS, ROUTE_KEYS - set(route)
        assert route["auth"] in ("x-api-key", "bearer", "aws-sigv4", "google-oauth", "none", "unknown")
        cred = route["credential"]
        if cred is not None:
            assert {"setting", "masked", "fingerprint", "source", "line"} <= set(cred)
            fp = cred["fingerprint"]
            assert fp is None or re.fullmatch(r"[0-9a-f]{8}", fp), fp
        for key in ("model", "small_model"):
            if route[key] is not None:
                assert set(route[key]) >= CHOICE_KEYS, CHOICE_KEYS - set(route[key])
        for setting in route["settings"]:
            assert {"name", "value", "source", "line", "shadowed"} <= set(setting)
            for sh in setting["shadowed"]:
                assert {"source", "line"} <= set(sh)
        endpoint = route["endpoint"]
        if endpoint is not None:
            assert re.fullmatch(r"[a-z][a-z0-9+.-]*://[^/?#@\s]+(/[^?#\s]*)?", endpoint), endpoint


CHECKS = {
    "route": check_route,
    "failing": check_failing,
    "first": check_first,
    "fix": check_fix,
    "text": check_text,
    "safety": check_safety,
    "consistent": check_consistent,
    "contract": check_contract,
}


def _applies(exp: dict[str, Any], aspect: str) -> bool:
    keys = {
        "route": ("routes",),
        "failing": ("fail_exact", "fail_any", "not_failing", "warn_or_fail_any"),
        "first": ("first_any", "first_words"),
        "fix": ("fix_words", "source_suffix"),
        "text": ("max_lines", "text_words", "text_absent"),
        "safety": ("note",),
        "consistent": ("note",),
        "contract": ("note",),
    }[aspect]
    return any(k in exp for k in keys)


def _params() -> list[Any]:
    params = []
    for name in MACHINES:
        exp = expected(name)
        for aspect in ASPECTS:
            if not _applies(exp, aspect):
                continue
            reason = (exp.get("xfail") or {}).get(aspect)
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            params.append(pytest.param(name, aspect, marks=marks, id=f"{name}-{aspect}"))
    return params


def test_enough_machines() -> None:
    assert len(MACHINES) >= 25
    assert len([m for m in MACHINES if m.startswith("seed-")]) == 3


@pytest.mark.parametrize(("name", "aspect"), _params())
def test_qa_machine(name: str, aspect: str, qa_tmp: str) -> None:
    CHECKS[aspect](expected(name), run(name, qa_tmp))


if __name__ == "__main__":  # pragma: no cover - a QA aid: print what each machine shows
    import tempfile

    tmp = tempfile.mkdtemp()
    for name in sys.argv[1:] or MACHINES:
        r = run(name, tmp)
        print(f"===== {name} (exit {r.code})")
        print(r.text.replace(tmp, "$TMP"))
        for route in r.doc.get("routes", []):
            print(json.dumps(route, ensure_ascii=False).replace(tmp, "$TMP"))
        for aspect in ASPECTS:
            if _applies(expected(name), aspect):
                try:
                    CHECKS[aspect](expected(name), r)
                    print(f"  [{aspect}] ok")
                except AssertionError as e:
                    print(f"  [{aspect}] FAILS: {str(e)[:600]}".replace(tmp, "$TMP"))
        if r.stderr.strip():
            print("  stderr:", r.stderr[:400].replace(tmp, "$TMP"))
