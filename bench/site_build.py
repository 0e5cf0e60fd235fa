"""Site build speed at scale: a synthetic knowledge base of N entries per language (default 1000).

    python -m bench.site_build [--entries N] [--keep DIR] [--runs R]

Copies the project's site layout (mkdocs.yml, overrides/, docs/assets/, the generator with its hook)
into a temporary folder, writes guides/ there with the real guides' entries cloned until there are N,
checks that they validate, then measures in child processes:

- render: `python -m generator render` (YAML → Markdown for both languages, cold: empty docs/);
- project: `mkdocs build --strict` after the render (the whole build: the hook finds the pages up
  to date, builds the default language and starts the other in a parallel process). A first build
  fills the saved HTML (`generator/site/htmlcache.py`); then "project" is the usual rebuild (the
  Markdown of unchanged pages is not converted again) and "project, cold" the same build with
  `KB_SITE_NO_CACHE=1` (every page converted, as in CI or on a fresh clone);
- toolchain: the same rendered Markdown, navigation and mkdocs.yml built by stock MkDocs + Material
  without the generator: no hook, no overrides, one language after the other (as one `mkdocs build`
  with mkdocs-static-i18n does);

project, toolchain and cold project alternately, R times each, and prints medians, their ratio, peak memory, the
HTML bytes per page and each language's search index. Not a test: it prints, it does not assert.
`bench/run.py` adds these rows to its table through `synthetic_rows()`.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
# What a site build reads besides the guides. The generator is copied too: mkdocs.yml names its
# hook by path, and the hook imports the package from the build's working folder.
LAYOUT = ("mkdocs.yml", "overrides", "docs/assets", "generator")
# Guides that hold no entries (the model table) are copied as they are.
NOT_ENTRY_GUIDES = ("models.yaml", "glossary.yaml")


@dataclass(frozen=True)
class Measure:
    """One child process: wall time and peak memory."""

    seconds: float
    """Wall-clock time."""
    cpu_seconds: float
    """User + system CPU time of the child: less sensitive than wall time to other load."""
    peak_mb: float
    """Peak resident set size of the child (wait4's ru_maxrss)."""


@dataclass(frozen=True)
class Result:
    """The figures of one synthetic build."""

    entries: int
    """Entries per language."""
    pages: int
    """HTML pages written, both languages (index.html files)."""
    render: Measure
    """`python -m generator render`, cold."""
    first: Measure
    """The first project build after the render (converts every page and saves its HTML)."""
    build: Measure
    """The project's whole `mkdocs build --strict` after the render, saved HTML used (median run)."""
    cold: Measure
    """The same with `KB_SITE_NO_CACHE=1`: every page's Markdown converted (median run)."""
    toolchain: Measure
    """The same pages and config built without the generator (median run)."""
    builds: list[float]
    """Wall seconds of every project build, in run order."""
    colds: list[float]
    """Wall seconds of every cold project build, in run order."""
    toolchains: list[float]
    """Wall seconds of every toolchain build, in run order (alternating with `builds`)."""
    html_bytes_mean: float
    """Mean size of a page's index.html."""
    html_bytes_entry_median: float
    """Median size of an entry page's index.html."""
    html_bytes_entry_max: int
    """Largest entry page's index.html."""
    search_index_bytes: dict[str, int]
    """Size of each language's search/search_index.json."""


def run_child(argv: Sequence[str], cwd: Path, env: dict[str, str]) -> Measure:
    """Run a child process to the end; fail loudly with its output if it fails."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        list(argv), cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{output}")
    return Measure(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def copy_layout(dest: Path, drop_features: Sequence[str] = ()) -> None:
    for rel in LAYOUT:
        src = ROOT / rel
        if src.is_dir():
            shutil.copytree(src, dest / rel, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    if drop_features:
        # Line by line: mkdocs.yml holds !ENV and python tags that a plain YAML round trip would lose.
        config = dest / "mkdocs.yml"
        lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in lines if line.strip().removeprefix("- ").strip() not in drop_features]
        if len(lines) - len(kept) != len(drop_features):
            raise SystemExit(f"not all of {list(drop_features)} are theme features in mkdocs.yml")
        config.write_text("".join(kept), encoding="utf-8")


def synthetic_guides(src: Path, dest: Path, entries: int) -> int:
    """Write guides with the real entries cloned (new IDs, numbered titles) until there are `entries`.

    Clones keep their checks and related links (they point at the real entries of the same guide),
    so the synthetic guides validate like the real ones.
    """
    dest.mkdir(parents=True, exist_ok=True)
    guides: list[tuple[Path, dict[str, Any]]] = []
    for path in sorted(src.glob("*.yaml")):
        if path.name in NOT_ENTRY_GUIDES:
            shutil.copy2(path, dest / path.name)
            continue
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        if data.get("entries"):
            guides.append((path, data))
    real = sum(len(d["entries"]) for _, d in guides)
    if real > entries:
        raise SystemExit(f"the real guides already hold {real} entries, more than {entries}")
    # Round-robin over the guides so each provider section grows like the real ones would.
    originals = [list(d["entries"]) for _, d in guides]
    total, n = real, 0
    while total < entries:
        for (_, data), source in zip(guides, originals, strict=True):
            if total >= entries:
                break
            entry = copy.deepcopy(source[n % len(source)])
            entry["id"] = f"{entry['id']}-s{n}"
            # `validate` refuses a half-width space after Japanese punctuation (`…）` then ` #3`).
            entry["title"] = {
                lang: f"{text} #{n}" if lang == "en" else f"{text}（#{n}）"
                for lang, text in entry["title"].items()
            }
            data["entries"].append(entry)
            total += 1
        n += 1
    for path, data in guides:
        text = yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=1000)
        (dest / path.name).write_text(text, encoding="utf-8")
    return total


def toolchain_configs(work: Path, langs: Sequence[str]) -> list[Path]:
    """`mkdocs.toolchain.<lang>.yml`: mkdocs.yml without the hook and the overrides, for one
    language, with the navigation the hook would set (read from the rendered docs/.nav.<lang>.json)."""
    base = (work / "mkdocs.yml").read_text(encoding="utf-8").splitlines(keepends=True)
    out = []
    for lang in langs:
        lines = []
        skip = False
        for line in base:
            if line.startswith("hooks:"):
                skip = True
                continue
            if skip and line.startswith("  - "):
                continue
            skip = False
            if line.strip().startswith("custom_dir:"):
                continue
            if line.startswith("docs_dir:"):
                line = f"docs_dir: docs/{lang}\n"
            elif line.startswith("  language:"):
                line = f"  language: {lang}\n"
            lines.append(line)
        nav = json.loads((work / "docs" / f".nav.{lang}.json").read_text(encoding="utf-8"))
        lines.append("\n" + yaml.safe_dump({"nav": nav}, allow_unicode=True, sort_keys=False))
        path = work / f"mkdocs.toolchain.{lang}.yml"
        path.write_text("".join(lines), encoding="utf-8")
        out.append(path)
    return out


def _sum(measures: Sequence[Measure]) -> Measure:
    return Measure(
        sum(m.seconds for m in measures),
        sum(m.cpu_seconds for m in measures),
        max(m.peak_mb for m in measures),
    )


def _median(measures: Sequence[Measure]) -> Measure:
    return sorted(measures, key=lambda m: m.seconds)[len(measures) // 2]


def measure(
    entries: int, keep: Path | None = None, drop_features: Sequence[str] = (), runs: int = 1
) -> Result:
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        work = keep or Path(tmp)
        if keep and keep.exists():
            shutil.rmtree(keep)
        work.mkdir(parents=True, exist_ok=True)
        copy_layout(work, drop_features)
        total = synthetic_guides(ROOT / "guides", work / "guides", entries)
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(work)}
        run_child([sys.executable, "-m", "generator", "--guides", "guides", "validate"], work, env)
        docs = work / "docs"
        render = run_child(
            [sys.executable, "-m", "generator", "--guides", "guides", "render", "--docs", str(docs)],
            work,
            env,
        )
        langs = ("ja", "en")
        builds: list[Measure] = []
        colds: list[Measure] = []
        toolchains: list[Measure] = []
        site = work / "site"
        project = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", "site"]
        # The project's whole build after `generator render` (the usual flow, and what a second
        # build or `serve` finds): the hook sees the pages up to date and renders nothing. The first
        # converts every page and saves the HTML.
        first = run_child(project, work, env)
        for _ in range(max(1, runs)):
            builds.append(run_child(project, work, env))
            # The same pages (just rendered) and config, stock toolchain, one language after the other.
            configs = toolchain_configs(work, langs)
            toolchains.append(
                _sum(
                    [
                        run_child(
                            [
                                sys.executable,
                                "-m",
                                "mkdocs",
                                "build",
                                "-q",
                                "-f",
                                str(c),
                                "-d",
                                str(work / f"tc-{lang}"),
                            ],
                            work,
                            env,
                        )
                        for lang, c in zip(langs, configs, strict=True)
                    ]
                )
            )
            colds.append(run_child(project, work, {**env, "KB_SITE_NO_CACHE": "1"}))
        pages = list(site.rglob("index.html"))
        # <provider>/<entry>/index.html, under en/ for English (guide pages count too: same shape).
        entry_pages = [
            p for p in pages if len(p.relative_to(site).parts) - (p.is_relative_to(site / "en")) == 3
        ]
        return Result(
            entries=total,
            pages=len(pages),
            render=render,
            first=first,
            build=_median(builds),
            cold=_median(colds),
            toolchain=_median(toolchains),
            builds=[m.seconds for m in builds],
            colds=[m.seconds for m in colds],
            toolchains=[m.seconds for m in toolchains],
            html_bytes_mean=statistics.mean(p.stat().st_size for p in pages),
            html_bytes_entry_median=statistics.median(p.stat().st_size for p in entry_pages),
            html_bytes_entry_max=max(p.stat().st_size for p in entry_pages),
            search_index_bytes={
                lang: (site / ("" if lang == "ja" else lang) / "search" / "search_index.json").stat().st_size
                for lang in langs
            },
        )


def synthetic_rows(entries: int = 1000) -> list[tuple[str, str, str, str, str]]:
    """Rows for bench/run.py's table: (figure, value, ratio, target, peak MB)."""
    r = measure(entries)
    return [
        (
            f"site: render, synthetic {r.entries} entries/language",
            f"{r.render.seconds:.2f} s",
            f"{r.render.seconds / r.build.seconds:.2f} of the build",
            "-",
            f"{r.render.peak_mb:.0f}",
        ),
        (
            f"site: mkdocs build --strict, synthetic ({r.pages} pages)",
            f"{r.build.seconds:.2f} s",
            f"{r.build.seconds / r.toolchain.seconds:.2f} × toolchain only, {r.html_bytes_entry_median / 1024:.0f} KB/entry page",
            "≤ 0.6",
            f"{r.build.peak_mb:.0f}",
        ),
        (
            f"site: the same build, cold (every page's Markdown converted, {r.pages} pages)",
            f"{r.cold.seconds:.2f} s",
            f"{r.cold.seconds / r.toolchain.seconds:.2f} × toolchain only",
            "-",
            f"{r.cold.peak_mb:.0f}",
        ),
        (
            "site: same pages and config without the generator (stock toolchain)",
            f"{r.toolchain.seconds:.2f} s",
            "",
            "-",
            f"{r.toolchain.peak_mb:.0f}",
        ),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.site_build", description=__doc__.split("\n\n")[0])
    ap.add_argument("--entries", type=int, default=1000, help="entries per language (default 1000)")
    ap.add_argument("--keep", type=Path, help="build in this folder and keep it (it is emptied first)")
    ap.add_argument(
        "--runs", type=int, default=1, help="project and toolchain builds, alternately (default 1)"
    )
    ap.add_argument(
        "--drop-feature",
        action="append",
        default=[],
        metavar="NAME",
        help="build without this theme feature, e.g. navigation.sections (repeatable)",
    )
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = ap.parse_args(argv)
    load_start = os.getloadavg()[0]
    r = measure(args.entries, args.keep, args.drop_feature, args.runs)
    if args.json:
        doc = {
            **r.__dict__,
            "render": r.render.__dict__,
            "first": r.first.__dict__,
            "build": r.build.__dict__,
            "cold": r.cold.__dict__,
            "toolchain": r.toolchain.__dict__,
        }
        print(json.dumps(doc))
        return 0
    load = os.getloadavg()[0]
    print(
        f"# {os.cpu_count()} cores, Python {sys.version.split()[0]},"
        f" load average {load_start:.1f} at the start, {load:.1f} at the end"
    )
    if args.drop_feature:
        print(f"without theme features    {', '.join(args.drop_feature)}")
    print(f"entries per language      {r.entries}")
    print(f"HTML pages (both langs)   {r.pages}")
    rows = (
        ("render (YAML -> Markdown)", r.render),
        ("project, first build", r.first),
        ("project build (whole)", r.build),
        ("project build, cold", r.cold),
        ("toolchain only", r.toolchain),
    )
    for name, m in rows:
        print(
            f"{name:25} {m.seconds:8.2f} s wall, {m.cpu_seconds:.2f} s CPU, peak {m.peak_mb:.0f} MB (one process)"
        )
    print(
        f"project / toolchain       {r.build.seconds / r.toolchain.seconds:8.3f} wall,"
        f" {r.build.cpu_seconds / r.toolchain.cpu_seconds:.3f} CPU (target <= 0.6)"
    )
    print(
        f"cold project / toolchain  {r.cold.seconds / r.toolchain.seconds:8.3f} wall,"
        f" {r.cold.cpu_seconds / r.toolchain.cpu_seconds:.3f} CPU"
    )
    print(f"runs (project)            {' '.join(f'{x:.1f}' for x in r.builds)}")
    print(f"runs (project, cold)      {' '.join(f'{x:.1f}' for x in r.colds)}")
    print(f"runs (toolchain)          {' '.join(f'{x:.1f}' for x in r.toolchains)}")
    print(
        f"HTML bytes per page       {r.html_bytes_mean:8.0f} mean, {r.html_bytes_entry_median:.0f} median entry page,"
        f" {r.html_bytes_entry_max} largest entry page"
    )
    for lang, size in r.search_index_bytes.items():
        print(f"search index ({lang})         {size / 1e6:8.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
