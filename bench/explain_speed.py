"""Speed of `explain`: the whole command, matching on the real guides, and matching with
10,000 synthetic declared patterns.

    python bench/explain_speed.py [--runs N] [--patterns N]

End-to-end runs `python -m generator explain TEXT` as a reader would, next to `python -c pass`,
so the start-up of Python itself can be told apart from ours. Matching times are per call, inside one process. A script, not a timed test:
the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.explain.match import Index, explain  # noqa: E402
from generator.explain.patterns import compile_patterns  # noqa: E402
from generator.kb.catalogue import load_catalogue  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "explain" / "corpus.yaml"
SAMPLE = (
    "anthropic.AuthenticationError: Error code: 401 - {'type': 'error', 'error': {'type': "
    "'authentication_error', 'message': 'invalid x-api-key'}, 'request_id': 'req_011CSHoEeqs5C35K2UUqR7Fy'}"
)
WORDS = (
    "access",
    "account",
    "api",
    "auth",
    "balance",
    "bearer",
    "budget",
    "credential",
    "credits",
    "denied",
    "deployment",
    "endpoint",
    "error",
    "expired",
    "forbidden",
    "gateway",
    "header",
    "invalid",
    "key",
    "limit",
    "model",
    "missing",
    "not",
    "organization",
    "overloaded",
    "permission",
    "policy",
    "profile",
    "project",
    "provider",
    "proxy",
    "quota",
    "rate",
    "region",
    "request",
    "required",
    "resource",
    "route",
    "server",
    "session",
    "throughput",
    "token",
    "upstream",
    "usage",
    "workspace",
)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _wall(argv: list[str], runs: int, env: dict[str, str]) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return times


def end_to_end(runs: int) -> None:
    from generator.explain.index import CLI_FILE, content_hash
    from generator.paths import default_guides_dir

    fresh = json.loads(CLI_FILE.read_text(encoding="utf-8")).get("hash") == content_hash(default_guides_dir())
    env = dict(os.environ)
    first = _wall([sys.executable, "-m", "generator", "explain", SAMPLE], 1, env)[0]
    later = _wall([sys.executable, "-m", "generator", "explain", SAMPLE], runs, env)
    bare = _wall([sys.executable, "-c", "pass"], runs, env)
    source = "the committed index" if fresh else "compiling the guides, as the committed index is stale"
    print(f"end to end, first call ({source}): {_ms(first)}")
    print(
        f"end to end, later calls ({runs} runs): median {_ms(statistics.median(later))}, min {_ms(min(later))}"
        f"  |  python -c pass: median {_ms(statistics.median(bare))}, min {_ms(min(bare))}"
    )


def real_guides(texts: list[str]) -> None:
    start = time.perf_counter()
    index = Index.from_catalogue(load_catalogue())
    built = time.perf_counter() - start
    patterns = sum(len(e.patterns) for e in index.entries)
    per_call = []
    for _ in range(5):
        for text in texts:
            t0 = time.perf_counter()
            explain(text, index)
            per_call.append(time.perf_counter() - t0)
    print(
        f"real guides: {len(index.entries)} entries, {patterns} pattern alternatives; index built in {_ms(built)} "
        f"(with loading and validating the guides); matching per text: median {_ms(statistics.median(per_call))}, "
        f"max {_ms(max(per_call))} over {len(texts)} corpus texts"
    )


def _synthetic(count: int, rng: random.Random) -> tuple[list[dict[str, Any]], list[str]]:
    """Entries with one pattern each, and for every third one a text it matches."""
    entries, texts = [], []
    for i in range(count):
        words = rng.sample(WORDS, 5)
        # Mix plain phrases, optional words and small alternations, as guides write them.
        if i % 3 == 0:
            pattern = f"{words[0]} {words[1]} (?:{words[2]}|{words[3]}) {words[4]} {i}"
        elif i % 3 == 1:
            pattern = f"{words[0]}.{{0,40}}{words[1]} {words[2]} {words[3]}s? #{i}"
        else:
            pattern = f"{words[0]} {words[1]} {words[2]} {words[3]} {words[4]} n{i}x"
            texts.append(f"Error code: 401 - {{'error': '{pattern.replace(str(i), '77')}'}}")
        entries.append(
            {
                "id": f"p{i % 40}/e{i}",
                "provider": f"p{i % 40}",
                "entry": f"e{i}",
                "title": {"ja": "t", "en": "t"},
                "status": [rng.choice([400, 401, 403, 404, 429, 500])],
                "types": [],
                "hints": [f"p{i % 40}"],
                "patterns": compile_patterns([pattern]),
                "exclude": [],
                "covers": [],
                "checks": [],
            }
        )
    return entries, texts


def matching_seconds(count: int = 10_000) -> tuple[float, int]:
    """Median seconds to match one text against `count` declared patterns (for `python -m bench`)."""
    rng = random.Random(7)
    entries, matching = _synthetic(count, rng)
    index = Index.from_data({"entries": entries})
    times = []
    for text in rng.sample(matching, 40) + [" ".join(rng.sample(WORDS, 12)) for _ in range(40)]:
        t0 = time.perf_counter()
        explain(text, index)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), count


def synthetic(count: int, texts: list[str]) -> None:
    rng = random.Random(7)
    entries, matching = _synthetic(count, rng)
    start = time.perf_counter()
    index = Index.from_data({"entries": entries})
    built = time.perf_counter() - start
    # Corpus texts (which match none of these), texts that match one pattern, and word salad.
    probes = texts[:40] + rng.sample(matching, 40) + [" ".join(rng.sample(WORDS, 12)) for _ in range(40)]
    per_call = []
    hits = 0
    for text in probes:
        t0 = time.perf_counter()
        hits += bool(explain(text, index))
        per_call.append(time.perf_counter() - t0)
    per_call.sort()
    print(
        f"synthetic: {count} declared patterns; index built in {_ms(built)}; matching per text: "
        f"median {_ms(statistics.median(per_call))}, p95 {_ms(per_call[int(len(per_call) * 0.95)])}, "
        f"max {_ms(per_call[-1])} over {len(probes)} texts ({hits} matched something)"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--patterns", type=int, default=10_000)
    args = ap.parse_args(argv)
    corpus = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    texts = [c["text"] for c in corpus["cases"] + corpus["out_of_scope"]]
    end_to_end(args.runs)
    real_guides(texts)
    synthetic(args.patterns, texts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
