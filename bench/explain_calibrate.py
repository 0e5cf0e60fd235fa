"""Calibrate the fallback reading's thresholds (`generator/explain/similar.py`) on the tune split.

    python bench/explain_calibrate.py [--guides DIR]

For each pair (MIN_COVER, MIN_SHARE) on a grid, counts on the tune half of
tests/fixtures/explain/realworld.yaml and on the fixture corpus: in-scope texts with a right entry
in the top 3, and out-of-scope texts that got any answer. It prints the grid and the pair to use:
the one with the most right answers among those with no out-of-scope answer (ties: the higher
thresholds). The held-out split is never read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import generator.explain.similar as similar  # noqa: E402
from bench.explain_accuracy import CORPUS, REALWORLD, right_answers  # noqa: E402
from generator.explain.match import Index, explain  # noqa: E402
from generator.kb.catalogue import load_catalogue  # noqa: E402

COVERS = (6, 8, 10, 12, 14, 16, 20)
SHARES = (40, 50, 60, 70, 80)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--guides", type=Path, default=None)
    args = ap.parse_args(argv)
    cat = load_catalogue(args.guides)
    corpus = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    cases: list[dict[str, Any]] = [*corpus["cases"], *({**c, "expect": None} for c in corpus["out_of_scope"])]
    real = yaml.safe_load(REALWORLD.read_text(encoding="utf-8"))["cases"]
    cases += [c for c in real if c["split"] == "tune"]
    best: tuple[int, int, int, int] | None = None
    print("MIN_COVER MIN_SHARE  top-3  out-of-scope answered")
    for cover in COVERS:
        for share in SHARES:
            similar.MIN_COVER, similar.MIN_SHARE = cover, share
            index = Index.from_catalogue(cat)  # the thresholds are read at match time; a fresh index is cheap
            covers: dict[str, set[str]] = {}
            for e in index.entries:
                for code in e.data["covers"]:
                    covers.setdefault(code, set()).add(e.id)
            known = {e.id for e in index.entries}
            top3 = false = 0
            for case in cases:
                got = [m.entry.id for m in explain(case["text"], index)]
                if case["expect"] is None:
                    false += bool(got)
                elif right_answers(case, covers) & known & set(got[:3]):
                    top3 += 1
            print(f"{cover:9} {share:9} {top3:6} {false:6}")
            key = (-false, top3, cover, share)
            if best is None or key > (-best[3], best[2], best[0], best[1]):
                best = (cover, share, top3, false)
    assert best is not None
    print(
        f"use MIN_COVER = {best[0]}, MIN_SHARE = {best[1]} (top-3 {best[2]}, out-of-scope answered {best[3]})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
