"""Entries not checked against their sources for a long time: `validate` warns about them."""

from __future__ import annotations

import datetime

from generator.kb.catalogue import Catalogue
from generator.kb.problems import Problem, dotted

STALE_AFTER_DAYS = 180
"""An entry whose `reviewed` day is older than this many days gets a warning."""


def stale_entries(cat: Catalogue, today: datetime.date, days: int = STALE_AFTER_DAYS) -> list[Problem]:
    """One warning per entry with no `reviewed` day or one more than `days` before `today`, in file order."""
    out: list[Problem] = []
    for gf in cat.files:
        for i, entry in enumerate(gf.guide.entries):
            loc = ("entries", i, "reviewed")
            name = f"{gf.guide.provider}/{entry.id}"
            if entry.reviewed is None:
                what = f"{name} has no `reviewed:` day; add one once you have checked it against its sources"
            else:
                age = (today - datetime.date.fromisoformat(entry.reviewed)).days
                if age <= days:
                    continue
                what = (
                    f"{name} was last reviewed on {entry.reviewed}, {age} days ago (more than {days}); "
                    "check it against its sources and set `reviewed:` to that day"
                )
            out.append(Problem(gf.path, gf.marked.line_of(loc), f"warning: {dotted(loc)}: {what}"))
    return out
