"""`python -m bench`: the performance table, each figure a median of several runs, printed as ratios.

Runs on this machine, against local servers only. Not a test: it prints, it does not assert.
Options: --quick (fewer runs, no synthetic 1000-entry site), --only check|explain|site.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the local fake server lives with the tests


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    figure: str
    """What was measured."""
    value: str
    """The median, with its unit."""
    ratio: str
    """The ratio that the target speaks of, or '-'."""
    target: str
    """The target, or '-'."""
    peak_mb: str
    """Peak resident memory of the measured process."""


def run_child(
    argv: Sequence[str], cwd: Path, env: dict[str, str] | None = None, stdin: str | None = None
) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process, from wait4's rusage."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    if stdin:
        assert proc.stdin is not None
        proc.stdin.write(stdin)
        proc.stdin.close()
    _, _, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = 0
    return wall, usage.ru_maxrss / 1024


def median_of(n: int, fn: Callable[[], tuple[float, float]]) -> tuple[float, float]:
    walls, peaks = [], []
    for _ in range(n):
        w, p = fn()
        walls.append(w)
        peaks.append(p)
    return statistics.median(walls), max(peaks)


def fake_home() -> tuple[Path, dict[str, str]]:
    home = Path(tempfile.mkdtemp(prefix="bench-home-"))
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "PYTHONPATH": str(ROOT),
        "LANG": "C.UTF-8",
    }
    return home, env


def bench_check(runs: int) -> list[Row]:
    home, env = fake_home()
    py = sys.executable
    base, base_peak = median_of(runs, lambda: run_child([py, "-c", "pass"], home, env))
    offline, off_peak = median_of(
        runs, lambda: run_child([py, "-m", "generator", "check", "--offline"], home, env)
    )
    rows = [
        Row("python -c pass", f"{base * 1000:.0f} ms", "1.0", "-", f"{base_peak:.0f}"),
        Row(
            "check --offline (real guides)",
            f"{offline * 1000:.0f} ms",
            f"{offline / base:.1f}",
            "≤ 6",
            f"{off_peak:.0f}",
        ),
    ]
    rows += bench_concurrency(runs, env, home)
    return rows


def _slow_guide(folder: Path, base: str, k: int) -> None:
    """A guide with k free-call checks, each against its own slow path of the local server."""
    outcomes = {
        name: {"message": {"ja": name, "en": name}, "fix": {"ja": "x", "en": "x"}}
        for name in (
            "model-missing",
            "unauthorized",
            "forbidden",
            "not-found",
            "payment-required",
            "rate-limited",
            "overloaded",
            "server-error",
            "unexpected-status",
            "html",
            "bad-json",
            "wrong-shape",
            "redirect",
            "timeout",
            "tls",
            "unreachable",
        )
    }
    outcomes.update({n: {"message": {"ja": n, "en": n}} for n in ("ok", "offline", "no-key")})
    checks = [
        {
            "id": f"slow-{i}",
            "title": {"ja": "遅い", "en": "slow"},
            "kind": "http-json",
            "params": {"base_default": base, "path": f"/slow/{i}", "auth": "none"},
            "outcomes": outcomes,
        }
        for i in range(k)
    ]
    entry = {
        "id": "slow",
        "title": {"ja": "遅い", "en": "Slow"},
        "symptom": "network",
        "messages": [{"text": "slow"}],
        "summary": {"ja": "遅い。", "en": "Slow."},
        "causes": [{"text": {"ja": "遅い。", "en": "Slow."}}],
        "fixes": [{"text": {"ja": "待つ。", "en": "Wait."}}],
        "checks": [c["id"] for c in checks],
        "covers": ["A12"],
        "sources": [{"title": "bench", "url": "https://example.com"}],
    }
    guide = {
        "provider": "bench",
        "name": {"ja": "ベンチ", "en": "Bench"},
        "summary": {"ja": "ベンチ。", "en": "Bench."},
        "setup": {
            "intro": {"ja": "なし。", "en": "None."},
            "steps": [{"title": {"ja": "なし", "en": "None"}, "body": {"ja": "なし。", "en": "None."}}],
        },
        "entries": [entry],
        "checks": checks,
    }
    (folder / "bench.yaml").write_text(json.dumps(guide), encoding="utf-8")  # JSON is YAML


def bench_concurrency(
    runs: int, env: dict[str, str], home: Path, k: int = 8, delay: float = 1.0
) -> list[Row]:
    """k probes that each wait `delay` s: the network phase should cost one probe, not k."""
    from fakeserver import Reply, serve

    body = json.dumps({"data": []})
    with serve(lambda path: Reply(200, body, delay=delay)) as (base, _):
        guides = Path(tempfile.mkdtemp(prefix="bench-guides-"))
        _slow_guide(guides, base, k)
        argv = [sys.executable, "-m", "generator", "--guides", str(guides), "check", "--timeout", "5"]
        # Start-up and loading cost the same with or without the network; subtract them.
        offline, _ = median_of(runs, lambda: run_child([*argv, "--offline"], home, env))
        wall, peak = median_of(runs, lambda: run_child(argv, home, env))
        doc = json.loads(
            subprocess.run(
                [*argv, "--json"], capture_output=True, text=True, cwd=home, env=env, timeout=60
            ).stdout
        )
    slowest = max(f["duration_ms"] for f in doc["findings"]) / 1000
    network = wall - offline
    return [
        Row(
            f"check, slowest of {k} probes (each endpoint waits {delay:g} s)",
            f"{slowest:.2f} s",
            "1.0",
            "-",
            "-",
        ),
        Row(
            f"check, network phase of all {k} probes",
            f"{network:.2f} s",
            f"{network / slowest:.2f} of the slowest",
            "≤ 1.3",
            f"{peak:.0f}",
        ),
        Row(
            f"  … against the sequential sum ({slowest * k:.1f} s)",
            f"{network:.2f} s",
            f"{network / (slowest * k):.2f}",
            "-",
            "-",
        ),
    ]


def bench_explain(runs: int) -> list[Row]:
    home, env = fake_home()
    text = "anthropic.AuthenticationError: Error code: 401 - {'type': 'error', 'error': {'type': 'authentication_error', 'message': 'invalid x-api-key'}}"
    base, _ = median_of(runs, lambda: run_child([sys.executable, "-c", "pass"], home, env))
    wall, peak = median_of(
        runs, lambda: run_child([sys.executable, "-m", "generator", "explain", text], home, env)
    )
    rows = [
        Row(
            "explain, end to end",
            f"{wall * 1000:.0f} ms",
            f"{wall / base:.1f} × python -c pass",
            "< 500 ms",
            f"{peak:.0f}",
        )
    ]
    try:
        from bench.explain_speed import matching_seconds  # written with explain; optional here
    except ImportError:
        return rows
    seconds, patterns = matching_seconds()
    rows.append(
        Row(f"explain matching alone, {patterns} patterns", f"{seconds * 1000:.1f} ms", "-", "-", "-")
    )
    return rows


def bench_site(runs: int, synthetic: bool) -> list[Row]:
    home, env = fake_home()
    env = {**env, "NO_MKDOCS_2_WARNING": "1"}
    rows = []
    render, _ = median_of(
        runs,
        lambda: run_child(
            [sys.executable, "-m", "generator", "render", "--docs", str(home / "docs")], ROOT, env
        ),
    )
    out = home / "site"
    build, peak = median_of(
        1 if runs < 3 else 2,
        lambda: run_child([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out)], ROOT, env),
    )
    pages = [p for p in out.rglob("index.html")]
    size = statistics.mean(p.stat().st_size for p in pages) / 1024 if pages else 0
    rows.append(
        Row(
            f"site: render, real guides ({len(pages)} pages)",
            f"{render:.2f} s",
            f"{render / build:.2f} of the build",
            "-",
            "-",
        )
    )
    rows.append(
        Row(
            "site: mkdocs build --strict, real guides",
            f"{build:.2f} s",
            f"{size:.0f} KB HTML/page",
            "-",
            f"{peak:.0f}",
        )
    )
    if synthetic:
        try:
            from bench.site_build import synthetic_rows  # the 1000-entry generator lives with the site work
        except ImportError:
            return rows
        rows += [Row(*r) for r in synthetic_rows()]
    return rows


def print_table(rows: list[Row]) -> None:
    print("| figure | median | ratio | target | peak MB |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(f"| {r.figure} | {r.value} | {r.ratio} | {r.target} | {r.peak_mb} |")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="3 runs each, no synthetic site")
    ap.add_argument("--only", choices=("check", "explain", "site"))
    args = ap.parse_args(argv)
    runs = 3 if args.quick else 7
    rows: list[Row] = []
    print(f"# {os.cpu_count()} cores, Python {sys.version.split()[0]}, medians of {runs} runs", flush=True)
    if args.only in (None, "check"):
        rows += bench_check(runs)
    if args.only in (None, "explain"):
        rows += bench_explain(runs)
    if args.only in (None, "site"):
        rows += bench_site(max(1, runs // 3), synthetic=not args.quick)
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
