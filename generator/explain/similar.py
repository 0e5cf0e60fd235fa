"""The fallback reading: which entry's own messages a pasted text resembles, when no declared
pattern recognised it.

An entry's messages and English title (the provider's wordings, normalised like a paste) become
features: their words and pairs of neighbouring words. A feature found in many entries says little,
so each one weighs `DF_CUT` minus the number of entries that have it (nothing at `DF_CUT` or more),
and a pair twice as much as a word. An entry resembles a text by the share of one message's weight
the text covers (in whole percent), and only when the covered weight reaches `MIN_COVER`, so a text
that shares one rare word with a one-word message is not an answer. Both numbers come from
`bench/explain_calibrate.py` on the tune half of tests/fixtures/explain/realworld.yaml and the
fixture corpus: the most right answers with no out-of-scope text answered, the higher pair on ties.

Integer arithmetic only, and no iteration order matters, so `docs/assets/explain.js` (`similar`)
computes exactly the same numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["DF_CUT", "MIN_COVER", "MIN_SHARE", "Resemblance", "Similar", "features"]

DF_CUT = 4
"""A feature shared by this many entries weighs nothing."""
MIN_COVER = 14
"""Least covered weight for a resemblance to count."""
MIN_SHARE = 70
"""Least share (percent) of one message's weight the text must cover."""
# Words as the normalised text has them: lowercase ASCII, digits already folded to 0 (so no word
# starts with one).
_WORD = re.compile(r"[a-z][a-z0-9_]*", re.ASCII)


def features(text: str) -> set[str]:
    """Words and neighbouring word pairs of a normalised text."""
    words = _WORD.findall(text)
    return set(words) | {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}


@dataclass(frozen=True)
class Resemblance:
    """How much of an entry's best message a text covers."""

    entry: int
    """Position of the entry in the index."""
    share: int
    """Percent of that message's weight the text covers."""
    message: int
    """Which of the entry's messages (the title is the last)."""


class Similar:
    """Every entry's message features with their weights."""

    def __init__(self, messages: Sequence[Sequence[str]]) -> None:
        """`messages[i]` holds entry i's normalised messages (and title)."""
        self.sets = [[features(m) for m in entry] for entry in messages]
        df: dict[str, int] = {}
        for entry in self.sets:
            for f in set().union(*entry) if entry else ():
                df[f] = df.get(f, 0) + 1
        self.weight = {f: max(0, DF_CUT - n) * (2 if " " in f else 1) for f, n in df.items()}
        self.totals = [[self._sum(fs) for fs in entry] for entry in self.sets]

    def _sum(self, fs: Iterable[str]) -> int:
        return sum(self.weight.get(f, 0) for f in fs)

    def rank(self, text: str) -> list[Resemblance]:
        """Entries the text resembles enough, best first (ties in index order)."""
        have = features(text)
        found: list[Resemblance] = []
        for i, entry in enumerate(self.sets):
            best: tuple[int, int] | None = None
            for k, fs in enumerate(entry):
                total = self.totals[i][k]
                covered = self._sum(fs & have)
                if not total or covered < MIN_COVER:
                    continue
                share = covered * 100 // total
                if share >= MIN_SHARE and (best is None or share > best[0]):
                    best = (share, k)
            if best is not None:
                found.append(Resemblance(i, best[0], best[1]))
        found.sort(key=lambda r: (-r.share, r.entry))
        return found
