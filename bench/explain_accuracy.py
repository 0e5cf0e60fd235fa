"""Accuracy of `explain`: top-1, top-3 and the false-match rate, on the fixture corpus and on the
real-world set split into its tune and held-out parts.

    python bench/explain_accuracy.py [--guides DIR] [--corpus FILE] [--realworld FILE] [-v]

Top-1 counts a text as right when the first match is its expected entry or one the file lists as
equally right (`accept`); top-3 when one of those is among the first three. An expected value may
be a catalogue code (`A19`): every entry that covers it is right. A text whose expected entries
are all missing from the guides is counted apart ("no entry yet"), not as a miss. The false-match
rate is the share of out-of-scope texts that match anything at all. Misses of the tune split are
listed; `-v` adds the corpus's, `--show-held-out` the held-out split's (to report, never to tune).
A script, not a test: the figures go in the README; tests/test_explain.py holds the floor.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.explain.match import Index, explain  # noqa: E402
from generator.kb.catalogue import load_catalogue  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "explain"
CORPUS = FIXTURES / "corpus.yaml"
REALWORLD = FIXTURES / "realworld.yaml"
_CODE = re.compile(r"^[A-Z][0-9]+$")
RESEARCH = Path("/work/shared/research/provider-errors.md")
_THREAD = re.compile(r"https://github\.com/([^/]+/[^/]+)/(?:issues|pull|discussions)/([0-9]+)")


def quoted_sources(guides_dir: Path) -> set[str]:
    """Source URLs of real-world cases whose thread the guides or the research notes cite: their
    wording may have shaped a pattern, so the report also shows the figures without them."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(guides_dir.glob("*.yaml"))]
    if RESEARCH.is_file():
        texts.append(RESEARCH.read_text(encoding="utf-8"))
    corpus = "\n".join(texts)
    real = yaml.safe_load(REALWORLD.read_text(encoding="utf-8"))["cases"]
    cited = set()
    for case in real:
        m = _THREAD.match(case["source"])
        if not m:
            continue
        repo, num = m.groups()
        if (
            case["source"] in corpus
            or f"{repo}#{num}" in corpus
            or (repo in corpus and re.search(rf"#{num}\b", corpus))
        ):
            cited.add(case["source"])
    return cited


@dataclass
class Tally:
    """Counts for one set of texts."""

    name: str
    """What the set is (shown in the report)."""
    total: int = 0
    """In-scope texts whose expected entry exists."""
    top1: int = 0
    """Texts whose first match is right."""
    top3: int = 0
    """Texts with a right match among the first three."""
    missing: int = 0
    """In-scope texts whose expected entries are not in the guides yet."""
    oos: int = 0
    """Out-of-scope texts."""
    false: int = 0
    """Out-of-scope texts that matched something."""
    misses: list[str] = field(default_factory=list)
    """One line per text not in the top 3, or out-of-scope text that matched."""

    def lines(self) -> list[str]:
        out = [f"{self.name}: {self.total} in scope, {self.oos} out of scope"]
        if self.missing:
            out[0] += f" ({self.missing} in-scope texts skipped: no entry covers them yet)"
        out.append(f"  top-1 {self.top1}/{self.total} = {self.top1 / max(self.total, 1):.1%}")
        out.append(f"  top-3 {self.top3}/{self.total} = {self.top3 / max(self.total, 1):.1%}")
        out.append(f"  false matches {self.false}/{self.oos} = {self.false / max(self.oos, 1):.1%}")
        return out


def right_answers(case: dict[str, Any], covers: dict[str, set[str]]) -> set[str]:
    """The entry IDs that answer a case (codes expanded to the entries that cover them)."""
    right: set[str] = set()
    for want in [case["expect"], *case.get("accept", [])]:
        right |= covers.get(want, set()) if _CODE.match(want) else {want}
    return right


def score(name: str, cases: list[dict[str, Any]], index: Index, covers: dict[str, set[str]]) -> Tally:
    known = {e.id for e in index.entries}
    t = Tally(name)
    for case in cases:
        got = [m.entry.id for m in explain(case["text"], index)]
        label = case.get("id", "?")
        if case["expect"] is None:
            t.oos += 1
            if got:
                t.false += 1
                t.misses.append(f"  {label}: out of scope, matched {got[:3]}")
            continue
        right = right_answers(case, covers) & known
        if not right:
            t.missing += 1
            continue
        t.total += 1
        t.top1 += bool(got[:1] and got[0] in right)
        if right & set(got[:3]):
            t.top3 += 1
        else:
            t.misses.append(f"  {label}: expected {case['expect']}, got {got[:3] or 'nothing'}")
    return t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--guides", type=Path, default=None)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--realworld", type=Path, default=REALWORLD)
    ap.add_argument("-v", "--verbose", action="store_true", help="list the misses of the corpus too")
    ap.add_argument(
        "--show-held-out",
        action="store_true",
        help="list the held-out misses too (only to report them: never tune on them)",
    )
    args = ap.parse_args(argv)
    cat = load_catalogue(args.guides)
    index = Index.from_catalogue(cat)
    covers: dict[str, set[str]] = {}
    for e in index.entries:
        for code in e.data["covers"]:
            covers.setdefault(code, set()).add(e.id)
    corpus = yaml.safe_load(args.corpus.read_text(encoding="utf-8"))
    corpus_cases = [*corpus["cases"], *({**c, "expect": None} for c in corpus["out_of_scope"])]
    real = yaml.safe_load(args.realworld.read_text(encoding="utf-8"))["cases"]
    from generator.paths import default_guides_dir

    cited = quoted_sources(args.guides or default_guides_dir())
    held = [c for c in real if c["split"] == "held-out"]
    started = time.perf_counter()
    tallies = [
        score("fixture corpus", corpus_cases, index, covers),
        score("real-world, tune", [c for c in real if c["split"] == "tune"], index, covers),
        score("real-world, held-out", held, index, covers),
        score(
            "real-world, held-out, threads the guides and research do not cite",
            [c for c in held if c["source"] not in cited],
            index,
            covers,
        ),
        score(
            "real-world batch 2 (added unseen), tune",
            [c for c in real if c.get("batch") == 2 and c["split"] == "tune"],
            index,
            covers,
        ),
        score(
            "real-world batch 2 (added unseen), held-out",
            [c for c in held if c.get("batch") == 2],
            index,
            covers,
        ),
    ]
    texts = len(corpus_cases) + len(real)
    per_text = (time.perf_counter() - started) / max(texts, 1) * 1000
    print(f"entries in the guides: {len(index.entries)}; matching took {per_text:.1f} ms per text")
    for t in tallies:
        print("\n".join(t.lines()))
        listed = {
            "fixture corpus": args.verbose,
            "real-world, tune": True,
            "real-world batch 2 (added unseen), tune": False,  # already listed with the tune split
        }
        if t.misses and listed.get(t.name, args.show_held_out):
            print("\n".join(t.misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
