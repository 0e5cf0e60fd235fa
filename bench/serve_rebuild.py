"""Preview speed: how long `mkdocs serve --dirty` takes to show a one-entry edit of the real guides.

    python -m bench.serve_rebuild [--runs R] [--lang ja|en] [--full]

Copies the project's site layout and the real guides into a temporary folder (the checkout's guides
are never touched), starts `mkdocs serve --dirty` there on 127.0.0.1 with a free port, waits for the
first build, then R times: changes the title of the first entry of guides/anthropic.yaml in the
previewed language and times from the write to the moment the server answers that entry's page
with the new title. Prints each time, the median and the load average. `--full` serves without
`--dirty` (every page rebuilt). Not a test: it prints, it does not assert.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from bench.site_build import ROOT, copy_layout

GUIDE = "anthropic.yaml"
FIRST_BUILD_TIMEOUT_S = 300
REBUILD_TIMEOUT_S = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 - 127.0.0.1 only
            return str(r.read().decode("utf-8", "replace"))
    except (urllib.error.URLError, OSError):
        return None


def first_entry(text: str, lang: str) -> tuple[str, int]:
    """The first entry's id and the offset of the end of its one-line title in `lang`."""
    entries = text.index("\nentries:")
    m = re.compile(r"\n\s*- id: (\S+)\n").search(text, entries)
    if not m:
        raise SystemExit(f"no entry in guides/{GUIDE}")
    title = re.compile(r"\n\s+title:\n\s+(?:\w+: .*\n\s+)*?" + lang + r": (.+)").search(text, m.end() - 1)
    if not title or title.group(1).startswith((">", "|")):
        raise SystemExit(f"the first entry of guides/{GUIDE} has no one-line {lang} title")
    return m.group(1), title.end(1)


def measure(runs: int, lang: str, dirty: bool) -> list[float]:
    with tempfile.TemporaryDirectory(prefix="kb-serve-") as tmp:
        work = Path(tmp)
        copy_layout(work)
        shutil.copytree(ROOT / "guides", work / "guides")
        guide = work / "guides" / GUIDE
        original = guide.read_text(encoding="utf-8")
        entry, at = first_entry(original, lang)
        port = _free_port()
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(work), "KB_SITE_LANG": lang}
        argv = [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"]
        if dirty:
            argv.append("--dirty")
        log = (work / "serve.log").open("wb")
        proc = subprocess.Popen(argv, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}/kb/anthropic/{entry}/"
        try:
            deadline = time.monotonic() + FIRST_BUILD_TIMEOUT_S
            while _get(url) is None:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("mkdocs serve did not start:\n" + (work / "serve.log").read_text())
                time.sleep(0.2)
            times = []
            for i in range(runs):
                time.sleep(1.5)  # let the watcher settle after the last build
                marker = f"計測{i}" if lang == "ja" else f" bench{i}"
                guide.write_text(original[:at] + marker + original[at:], encoding="utf-8")
                t0 = time.perf_counter()
                deadline = time.monotonic() + REBUILD_TIMEOUT_S
                while marker not in (_get(url) or ""):
                    if time.monotonic() > deadline:
                        raise SystemExit("the edit never showed:\n" + (work / "serve.log").read_text())
                    time.sleep(0.05)
                times.append(time.perf_counter() - t0)
            return times
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.serve_rebuild", description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="edits to time (default 5)")
    ap.add_argument("--lang", default="ja", choices=("ja", "en"), help="language previewed (default ja)")
    ap.add_argument("--full", action="store_true", help="serve without --dirty")
    args = ap.parse_args(argv)
    load_start = os.getloadavg()[0]
    times = measure(args.runs, args.lang, dirty=not args.full)
    print(
        f"# {os.cpu_count()} cores, Python {sys.version.split()[0]},"
        f" load average {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    )
    mode = "mkdocs serve" if args.full else "mkdocs serve --dirty"
    print(f"{mode} ({args.lang}), one-entry edit of the real guides → page served with the edit")
    print(f"runs                      {' '.join(f'{t:.2f}' for t in times)} s")
    print(f"median                    {statistics.median(times):.2f} s (target <= 3 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
