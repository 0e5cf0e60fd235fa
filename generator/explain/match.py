"""Match a pasted error to the entries whose `match:` declarations recognise it.

The index is compiled once from the catalogue (or from its cached JSON form, see
`index.py`). Each declared pattern is split at its top-level `|`; each alternative keeps
the longest literal every match must contain. A text is first cut into 4-character grams, the
grams pick the alternatives whose literal may occur, and only those regexes run (compiled on
first use). That keeps a call fast with 10,000 declared patterns. A regex is tried on the
normalised text, then on the same text with its wrappers kept (`normalise.Normalised.full`), then
with terminal line wraps undone (`joined`), so a pattern that quotes a wrapper (`error code: 0 -
<!doctype html`) or a message a terminal wrapped mid-word still matches.

Scoring: a pattern hit is strong evidence; a longer pattern scores more. The status and error
type the text states add medium evidence, and a status the entry never has takes some away.
Hints, the words that name a provider, are weak and break ties, and so is the tool that printed
the text (`TOOLS`: Claude Code's `API Error:`, OpenHands' `STATUS$…`, `litellm.*Error`, an SDK's
exception class): it favours that tool's own entries, and the command shows that tool's fix first.
When two providers' entries read the same words of a text that names neither, they get the same
score.

When no pattern hits, the text is compared with every entry's own messages (`similar.py`); an
entry it resembles closely enough is answered with a lower score, and the why names the message.
A status or type alone never makes a match: an honest "nothing matched" beats a guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from generator.explain.normalise import Normalised, normalise
from generator.explain.patterns import GRAM, choose_grams
from generator.explain.similar import Similar

if TYPE_CHECKING:
    from generator.kb.catalogue import Catalogue

__all__ = [
    "Index",
    "IndexEntry",
    "Match",
    "Pattern",
    "TOOLS",
    "Tool",
    "Why",
    "detect_tool",
    "explain",
]

# Points; see the module docstring for what each stands for.
PATTERN_HIT = 60
WEIGHT_CAP = 40  # literal characters counted; half of them are added
EXTRA_PATTERN = 2  # each further pattern of the same entry that also matched...
EXTRA_PATTERN_CAP = 4  # ...up to this
STATUS_MATCH = 12
STATUS_CONFLICT = -20
TYPE_MATCH = 12
HINT = 3
HINT_CAP = 6
TOOL_MATCH = 4  # the entry belongs to the tool that printed the text
MAX_POINTS = (
    PATTERN_HIT + WEIGHT_CAP // 2 + EXTRA_PATTERN_CAP + STATUS_MATCH + TYPE_MATCH + HINT_CAP + TOOL_MATCH
)
# A resemblance (no pattern hit) scores at most this (a pattern hit scores more than 50).
SIMILAR_CAP = 50
# Two readings of the same words: spans overlapping by at least this share of the shorter one.
SAME_SPAN = 0.5
# Nobody reads further down a list of matches; the cut also bounds the pairwise tie check.
MAX_MATCHES = 50
FLAGS = re.IGNORECASE | re.ASCII  # ASCII: `\w`, `\d`, `\b` as in JavaScript


@dataclass(frozen=True)
class Tool:
    """A program whose output has a recognisable shape."""

    id: str
    """Stable name, shown in the why-line and in JSON."""
    provider: str | None
    """The guide whose entries are that tool's own (None when it has none)."""
    marker: re.Pattern[str]
    """What its output looks like, on the lowercased decoded text."""
    snippets: tuple[str, ...]
    """The guides' snippet tools that fix things for it, best first."""


def _tool(tool_id: str, provider: str | None, marker: str, *snippets: str) -> Tool:
    return Tool(tool_id, provider, re.compile(marker, re.ASCII), snippets)


# Most specific first: a tool that wraps another (OpenHands runs LiteLLM, Claude Code talks to a
# gateway) prints the other's words inside its own, and the outer one is where the reader acts.
TOOLS = (
    _tool(
        "openhands",
        "openhands",
        r"status\$[a-z_]+|\bopenhands\b",
        "openhands-ui",
        "openhands-toml",
        "openhands-docker",
    ),
    _tool(
        "claude-code",
        "claude-code",
        r"\bapi error(?: \(|:)|please run /login|fix external api key|\brun (?:/model|--model)\b|"
        r"/extra-usage|@anthropic-ai/claude-code|claude-code/cli|\bclaude code\b|claude doctor",
        "claude-code-cli",
        "claude-code-settings",
    ),
    _tool(
        "litellm",
        "litellm",
        r"\blitellm\.(?:exceptions\.)?[a-z]*(?:error|exception)\b|litellm_proxyexception|\blitellm\.proxy\b",
        "litellm-sdk",
        "litellm-config",
    ),
    _tool(
        "openai-sdk",
        "openai-sdk",
        r"\bopenai\.(?:_exceptions\.)?[a-z]*error\b|openai/_base_client|\bfrom openai import\b",
        "openai-sdk",
        "python",
    ),
    _tool(
        "anthropic-sdk",
        "anthropic",
        r"\banthropic\.(?:_exceptions\.)?[a-z]*error\b|anthropic/_base_client|@anthropic-ai/sdk",
        "python",
        "typescript",
    ),
    _tool("boto3", "bedrock", r"\bbotocore\b|\bboto3\b", "aws-cli", "python"),
    _tool("curl", None, r"(?:^|\n)\$? ?curl |\bcurl: \([0-9]+\)", "curl"),
)


def detect_tool(raw: str) -> tuple[Tool, int, int] | None:
    """The tool that printed a text (its lowercased decoded form), with where its marker is."""
    for tool in TOOLS:
        m = tool.marker.search(raw)
        if m:
            return tool, m.start(), m.end()
    return None


@dataclass(frozen=True)
class Pattern:
    """One alternative of a declared pattern, ready for the prefilter."""

    source: str
    """The pattern as the guide declares it."""
    regex: str
    """This alternative, adapted to the normalised text (quotes dropped, numbers as 0)."""
    literal: str
    """Lowercase text every match contains; empty when the regex has none."""
    weight: int
    """How specific the alternative is: its required literal characters."""
    gram: str | None = None
    """The gram of `literal` it is filed under (see `choose_grams`); None when not yet chosen."""


@dataclass(frozen=True)
class IndexEntry:
    """What matching and output need of one entry."""

    id: str
    """Full ID, `provider/entry-id`."""
    provider: str
    """Provider ID."""
    entry: str
    """Entry ID within the provider."""
    order: int
    """Position in the catalogue, for stable ordering of equal scores."""
    title: Mapping[str, str]
    """Title per language (`ja`, `en`)."""
    status: tuple[int, ...]
    """HTTP statuses the entry arrives with."""
    types: tuple[str, ...]
    """Error types or codes, lowercased."""
    hints: tuple[str, ...]
    """Words that point at the provider, lowercased."""
    patterns: tuple[Pattern, ...]
    """Alternatives of the declared patterns."""
    exclude: tuple[Pattern, ...]
    """Alternatives of the exclusion patterns."""
    data: Mapping[str, Any]
    """The entry's record in the index document (causes, fix, checks, covers...)."""


@dataclass(frozen=True)
class Why:
    """The evidence behind one match."""

    pattern: str
    """The declared pattern that matched best."""
    matched: str
    """The part of the normalised text it matched."""
    status: int | None = None
    """The stated status the entry has, if any."""
    status_conflict: tuple[int, ...] = ()
    """Statuses the text states when the entry has none of them."""
    error_type: str | None = None
    """The stated error type the entry has, if any."""
    hints: tuple[str, ...] = ()
    """Hints of the entry found in the text."""
    tied_with: tuple[str, ...] = ()
    """Other providers' entries that read the same words equally (the text names no provider)."""
    tool: str | None = None
    """The tool that printed the text (`TOOLS`), if recognised."""
    tool_marker: str | None = None
    """The words of the paste that showed the tool, as pasted."""
    quote: str | None = None
    """The line of the paste the pattern recognised, as pasted (numbers and quotes kept)."""
    similar: int | None = None
    """For a resemblance (no pattern hit): which of the entry's messages it resembles (the
    title is last); `pattern` is empty then."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "pattern": self.pattern,
            "matched": self.matched,
            "quote": self.quote,
            "status": self.status,
            "status_conflict": list(self.status_conflict),
            "error_type": self.error_type,
            "hints": list(self.hints),
            "tool": self.tool,
            "tool_marker": self.tool_marker,
            "similar": self.similar,
            "tied_with": list(self.tied_with),
        }


@dataclass(frozen=True)
class Match:
    """One entry that fits a pasted text."""

    entry: IndexEntry
    """The entry."""
    score: int
    """0-100; equal scores mean equally good readings."""
    why: Why
    """What matched."""


@dataclass(frozen=True)
class _Hit:
    """Where one alternative matched."""

    pattern: Pattern
    """The alternative."""
    variant: int
    """0: the normalised text without wrappers (`text`), 1: with them (`full`), 2: `joined`."""
    start: int
    """Start of the match in that variant."""
    end: int
    """End of the match in that variant."""
    matched: str
    """The matched text."""


@dataclass(frozen=True)
class Index:
    """Every entry's declarations, compiled for matching."""

    entries: tuple[IndexEntry, ...]
    """Entries in catalogue order."""
    grams: Mapping[str, tuple[tuple[int, int], ...]] = field(repr=False)
    """Gram → (entry position, pattern position) of the alternatives whose literal holds it."""
    unfiltered: tuple[tuple[int, int], ...] = field(repr=False)
    """Alternatives too short or too loose for the prefilter; always run."""
    provider_hints: Mapping[str, tuple[str, ...]] = field(repr=False, compare=False)
    """What names each provider in a text (`naming_hints`): a resemblance counts only in a text
    that names the entry's provider (or was printed by its tool), so an unrelated service's error
    that happens to share words with a message is not answered."""
    _compiled: dict[str, re.Pattern[str]] = field(default_factory=dict, repr=False, compare=False)
    """Regexes compiled so far: only those the prefilter lets through are ever compiled."""
    _similar: list[Similar] = field(default_factory=list, repr=False, compare=False)
    """The fallback reading's features, built on first need (most texts hit a pattern)."""

    def similar(self) -> Similar:
        """The entries' messages as features, for the fallback reading."""
        if not self._similar:
            self._similar.append(Similar([e.data.get("messages", []) for e in self.entries]))
        return self._similar[0]

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Index:
        """Build from the index document (`index.index_data`)."""
        entries = []
        for order, rec in enumerate(data["entries"]):
            entries.append(
                IndexEntry(
                    id=rec["id"],
                    provider=rec["provider"],
                    entry=rec["entry"],
                    order=order,
                    title=rec["title"],
                    status=tuple(rec["status"]),
                    types=tuple(rec["types"]),
                    hints=tuple(rec["hints"]),
                    patterns=tuple(_pattern(p) for p in rec["patterns"]),
                    exclude=tuple(_pattern(p) for p in rec["exclude"]),
                    data=rec,
                )
            )
        return cls.build(entries)

    @classmethod
    def from_catalogue(cls, cat: Catalogue) -> Index:
        from generator.explain.index import index_data

        return cls.from_data(index_data(cat))

    @classmethod
    def build(cls, entries: Sequence[IndexEntry]) -> Index:
        refs = [(i, j) for i, e in enumerate(entries) for j in range(len(e.patterns))]
        chosen = [entries[i].patterns[j].gram for i, j in refs]
        if any(g is None for g in chosen):
            chosen = list(choose_grams([entries[i].patterns[j].literal for i, j in refs]))
        unfiltered: list[tuple[int, int]] = []
        grams: dict[str, list[tuple[int, int]]] = {}
        for ref, gram in zip(refs, chosen, strict=True):
            if gram:
                grams.setdefault(gram, []).append(ref)
            else:
                unfiltered.append(ref)
        return cls(
            entries=tuple(entries),
            grams={g: tuple(refs) for g, refs in grams.items()},
            unfiltered=tuple(unfiltered),
            provider_hints={
                p: naming_hints(p, [h for e in entries if e.provider == p for h in e.hints])
                for p in {e.provider for e in entries}
            },
        )

    def regex(self, source: str) -> re.Pattern[str]:
        compiled = self._compiled.get(source)
        if compiled is None:
            compiled = self._compiled[source] = re.compile(source, FLAGS)
        return compiled

    def candidates(self, n: Normalised) -> list[tuple[int, int]]:
        """Alternatives whose literal occurs in the text, plus the unfiltered ones."""
        found: set[tuple[int, int]] = set(self.unfiltered)
        for variant in _variants(n):
            for g in {variant[k : k + GRAM] for k in range(len(variant) - GRAM + 1)}:
                refs = self.grams.get(g)
                if refs:
                    found.update(refs)
        return sorted(found)


def naming_hints(provider: str, hints: Sequence[str]) -> tuple[str, ...]:
    """The hints that name a provider rather than describe a failure: its ID's long words
    (`claude`, `openrouter`), and hints that are hosts, paths, variables or dotted names
    (`api.anthropic.com`, `anthropic_api_key`, `openai.notfounderror`) or hold one of those words.
    Words such as `proxy`, `tokens` or `retry` are in many unrelated errors, so they do not count."""
    words = [w for w in provider.split("-") if len(w) >= 5]
    named = set(words)
    named |= {h for h in hints if any(c in h for c in "._/$") or any(w in h for w in words)}
    return tuple(sorted(named))


def _variants(n: Normalised) -> tuple[str, str, str]:
    return (n.text, n.full, n.joined)


def _pattern(rec: Mapping[str, Any]) -> Pattern:
    return Pattern(rec["source"], rec["regex"], rec["literal"], rec["weight"], rec.get("gram"))


# --- matching ---------------------------------------------------------------------------------
_last: tuple[Catalogue, Index] | None = None


def _index_of(source: Catalogue | Index) -> Index:
    global _last
    if isinstance(source, Index):
        return source
    if _last is None or _last[0] is not source:
        _last = (source, Index.from_catalogue(source))
    return _last[1]


def explain(text: str, source: Catalogue | Index) -> list[Match]:
    """Entries that fit a pasted error, best first; empty when nothing fits."""
    index = _index_of(source)
    n = normalise(text)
    found = detect_tool(n.raw)
    tool = found[0] if found else None
    marker = _as_pasted(n.decoded, found[1], found[2]) if found else None
    hits: dict[int, list[_Hit]] = {}
    for i, j in index.candidates(n):
        p = index.entries[i].patterns[j]
        if p.literal and not any(p.literal in v for v in _variants(n)):
            continue
        hit = _search(index, p, n)
        if hit:
            hits.setdefault(i, []).append(hit)
    scored: list[tuple[int, IndexEntry, Why, _Hit, tuple[int, ...]]] = []
    for i, entry_hits in hits.items():
        entry = index.entries[i]
        if any(_search(index, x, n) for x in entry.exclude):
            continue
        points, why, best, parts = _score(entry, entry_hits, n, tool, marker)
        scored.append((points, entry, why, best, parts))
    scored.sort(key=lambda s: (-s[0], s[1].order))
    del scored[MAX_MATCHES:]
    _level_ties(scored)
    scored.sort(key=lambda s: (-s[0], s[1].order))
    out = [Match(e, _percent(pts), _quoted(why, hit, n)) for pts, e, why, hit, _ in scored]
    # Declared patterns first; then the entries the text resembles, below them (a resemblance
    # scores at most SIMILAR_CAP, under any pattern hit), so a pattern that fired for the wrong
    # reason still leaves room for the right entry.
    have = {m.entry.id for m in out}
    out += [m for m in _resemblances(index, n, tool, marker) if m.entry.id not in have]
    return out[:MAX_MATCHES]


def _resemblances(index: Index, n: Normalised, tool: Tool | None, marker: str | None) -> list[Match]:
    """The fallback reading: entries whose own messages the text resembles."""
    out = []
    for r in index.similar().rank(n.text):
        entry = index.entries[r.entry]
        named = any(_has_hint(n.raw, h) for h in index.provider_hints[entry.provider])
        if not (named or (tool and tool.provider == entry.provider)):
            continue
        if any(_search(index, x, n) for x in entry.exclude):
            continue
        score = SIMILAR_CAP * r.share // 100
        why = Why("", "", tool=tool.id if tool else None, tool_marker=marker, similar=r.message)
        out.append(Match(entry, score, why))
    return out[:MAX_MATCHES]


def _as_pasted(decoded: str, start: int, end: int) -> str:
    """A span of the lowercased decoded text, in the paste's own letters (lowercasing keeps
    lengths for all but a few non-ASCII letters; then the lowercase form is shown)."""
    return decoded[start:end] if len(decoded) == len(decoded.lower()) else decoded.lower()[start:end]


_QUOTE_CHARS = "[\"'`\u2018\u2019\u201c\u201d]*"
QUOTE_WIDTH = 160


def _quoted(why: Why, hit: _Hit, n: Normalised) -> Why:
    """`why` with the pasted line that holds the pattern's words (numbers and quotes as pasted)."""
    # A pattern that first looks the whole text over (`^(?=…).*?words`) matches from its start:
    # then its required literal is the part worth quoting.
    said = hit.matched if len(hit.matched) <= QUOTE_WIDTH else hit.pattern.literal
    pieces = [p.strip() for p in said.split("0")]
    piece = max(pieces, key=len)
    if len(piece) < 3:
        return why
    # The normalised text lost quotes and folded spaces: allow both back between the letters.
    parts = [r"\s+" if c == " " else re.escape(c) for c in piece]
    found = re.search(_QUOTE_CHARS.join(parts), n.decoded, re.IGNORECASE)
    if not found:
        return why
    start = n.decoded.rfind("\n", 0, found.start()) + 1
    stop = n.decoded.find("\n", found.end())
    # One line, as the terminal showed it: a match across a wrapped line is rejoined with a space.
    line = " ".join(n.decoded[start : stop if stop != -1 else len(n.decoded)].split())
    if len(line) > QUOTE_WIDTH:
        at = max(0, min(found.start() - start - QUOTE_WIDTH // 4, len(line) - QUOTE_WIDTH))
        line = ("…" if at else "") + line[at : at + QUOTE_WIDTH].strip() + "…"
    from generator.secrets import redact_pasted  # a key pasted with the error is masked, however short

    return Why(**{**why.__dict__, "quote": redact_pasted(line)})


def _percent(points: int) -> int:
    """Points as 0-100, rounded half up in integers (the browser must round the same way)."""
    return min(100, (200 * max(0, points) + MAX_POINTS) // (2 * MAX_POINTS))


def _search(index: Index, p: Pattern, n: Normalised) -> _Hit | None:
    rx = index.regex(p.regex)
    for variant, text in enumerate(_variants(n)):
        m = rx.search(text)
        if m:
            return _Hit(p, variant, m.start(), m.end(), m.group(0))
    return None


def _score(
    entry: IndexEntry, entry_hits: list[_Hit], n: Normalised, tool: Tool | None, marker: str | None
) -> tuple[int, Why, _Hit, tuple[int, ...]]:
    best = max(entry_hits, key=lambda h: (h.pattern.weight, -h.variant, -h.start))
    distinct = {h.pattern.source for h in entry_hits} - {best.pattern.source}
    points = PATTERN_HIT + min(best.pattern.weight, WEIGHT_CAP) // 2
    extra = min(EXTRA_PATTERN * len(distinct), EXTRA_PATTERN_CAP)
    points += extra
    status = next((s for s in n.statuses if s in entry.status), None)
    conflict: tuple[int, ...] = ()
    status_points = 0
    if status is not None:
        status_points = STATUS_MATCH
    elif n.statuses and entry.status:
        status_points, conflict = STATUS_CONFLICT, n.statuses
    error_type = next((t for t in entry.types if t in n.types), None)
    type_points = TYPE_MATCH if error_type else 0
    hints = tuple(h for h in entry.hints if _has_hint(n.raw, h))
    tool_points = TOOL_MATCH if tool and tool.provider == entry.provider else 0
    points += status_points + type_points + min(HINT * len(hints), HINT_CAP) + tool_points
    why = Why(
        best.pattern.source,
        best.matched,
        status,
        conflict,
        error_type,
        hints,
        tool=tool.id if tool else None,
        tool_marker=marker,
    )
    # Everything but the pattern's length: two readings tie only when all of it is equal.
    return points, why, best, (len(hints) + tool_points, status_points, type_points, extra)


def _has_hint(raw: str, hint: str) -> bool:
    """Long hints are looked up as they are; short ones (`sso`) must stand as a word."""
    if len(hint) >= 5:
        return hint in raw
    start = raw.find(hint)
    while start != -1:
        before = raw[start - 1 : start]
        after = raw[start + len(hint) : start + len(hint) + 1]
        if not (_word(before) and _word(hint[0])) and not (_word(after) and _word(hint[-1])):
            return True
        start = raw.find(hint, start + 1)
    return False


def _word(c: str) -> bool:
    # ASCII only: a hint written next to Japanese text still stands as a word.
    return c.isascii() and c.isalnum()


def _level_ties(scored: list[tuple[int, IndexEntry, Why, _Hit, tuple[int, ...]]]) -> None:
    """Entries of different providers that read the same words, with the same other evidence
    and no hint naming either provider, are equally good: give them the best score (the
    patterns' lengths differ only because different authors wrote them)."""
    group = list(range(len(scored)))

    def root(k: int) -> int:
        while group[k] != k:
            k = group[k]
        return k

    for a in range(len(scored)):
        for b in range(a + 1, len(scored)):
            pa, ea, _, ha, xa = scored[a]
            pb, eb, _, hb, xb = scored[b]
            if ea.provider == eb.provider or xa != xb or xa[0] or ha.variant != hb.variant:
                continue
            overlap = min(ha.end, hb.end) - max(ha.start, hb.start)
            shorter = min(ha.end - ha.start, hb.end - hb.start)
            if shorter > 0 and overlap >= SAME_SPAN * shorter:
                group[root(b)] = root(a)
    members: dict[int, list[int]] = {}
    for k in range(len(scored)):
        members.setdefault(root(k), []).append(k)
    for ks in members.values():
        if len(ks) < 2:
            continue
        top = max(scored[k][0] for k in ks)
        for k in ks:
            pts, e, why, hit, parts = scored[k]
            others = tuple(scored[o][1].id for o in ks if o != k)
            scored[k] = (top, e, Why(**{**why.__dict__, "tied_with": others}), hit, parts)
