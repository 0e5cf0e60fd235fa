"""Accuracy of `explain` on the fixture corpus: top-1, top-3, and the false-match rate.

    python bench/explain_accuracy.py [--guides DIR] [--corpus FILE] [-v]

Top-1 counts a text as right when the first match is its expected entry or one the corpus lists
as equally right (`accept`); top-3 when one of those is among the first three. The false-match
rate is the share of out-of-scope texts that match anything at all. `-v` lists every miss.
A script, not a test: the figures go in the README; tests/test_explain.py holds the floor.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.explain.match import Index, explain  # noqa: E402
from generator.kb.catalogue import load_catalogue  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "explain" / "corpus.yaml"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--guides", type=Path, default=None)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    cat = load_catalogue(args.guides)
    index = Index.from_catalogue(cat)
    known = {e.id for e in index.entries}
    corpus = yaml.safe_load(args.corpus.read_text(encoding="utf-8"))
    top1 = top3 = total = skipped = 0
    misses: list[str] = []
    for case in corpus["cases"]:
        right = {case["expect"], *case.get("accept", [])}
        if case["expect"] not in known:
            skipped += 1
            continue
        total += 1
        got = [m.entry.id for m in explain(case["text"], index)]
        if got[:1] and got[0] in right:
            top1 += 1
        if right & set(got[:3]):
            top3 += 1
        else:
            misses.append(f"  {case['id']}: expected {case['expect']}, got {got[:3] or 'nothing'}")
        if got[:1] and got[0] not in right and args.verbose:
            print(f"  top-1 miss {case['id']}: expected {case['expect']}, got {got[:3]}")
    false = []
    for case in corpus["out_of_scope"]:
        got = [m.entry.id for m in explain(case["text"], index)]
        if got:
            false.append(f"  {case['id']}: matched {got[:3]}")
    oos = len(corpus["out_of_scope"])
    print(
        f"entries in the guides: {len(known)}; corpus texts: {total} in scope"
        + (f" ({skipped} skipped: entry not in the guides)" if skipped else "")
        + f", {oos} out of scope"
    )
    print(f"top-1 accuracy: {top1}/{total} = {top1 / max(total, 1):.1%}")
    print(f"top-3 accuracy: {top3}/{total} = {top3 / max(total, 1):.1%}")
    print(f"false-match rate (out of scope): {len(false)}/{oos} = {len(false) / max(oos, 1):.1%}")
    if misses:
        print("not in the top 3:\n" + "\n".join(misses))
    if false:
        print("out-of-scope texts that matched:\n" + "\n".join(false))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
