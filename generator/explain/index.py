"""The `explain` index as a JSON document: for the site (`docs/assets/explain.json`) and for the
command line (`generator/explain/index.json`).

One document serves both: the browser box and `python -m generator explain` read the same
declarations, compiled by the same code (`explain.compile_patterns`), so the two cannot drift.

The command line must answer in well under half a second, and loading and validating every guide
takes longer than that. So, as `check` does with its plan, the command-line document is compiled
ahead: `render`, the mkdocs hook and the install write `generator/explain/index.json` (git-ignored),
stamped with a hash of the guides and of the code that compiles them.
When the hash no longer matches (a guide edited since), the document is compiled from the guides
in memory for that call (about a second; contributors then run `render`). Nothing is written to
the reader's files. This module imports nothing heavy until a compile is needed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.paths import EXPLAIN_FILE
from generator.paths import content_hash as shared_hash

if TYPE_CHECKING:
    from generator.kb.catalogue import Catalogue

__all__ = [
    "CLI_FILE",
    "FORMAT",
    "cached_index_data",
    "cli_text",
    "content_hash",
    "index_data",
    "site_data",
    "write_cli_index",
    "write_explain_files",
    "write_site_index",
]

# Bump when the document's shape changes.
FORMAT = 3
SITE_FILE = Path("assets") / "explain.json"
CLI_FILE = EXPLAIN_FILE
# UI labels the command prints, carried in the cached document so a warm call needs no YAML.
LABEL_PREFIXES = ("explain_", "cli_")
# How many causes the command line shows.
TOP_CAUSES = 2


def index_data(cat: Catalogue, *, site: bool = False) -> dict[str, Any]:
    """The index document. `site=True` leaves out what the browser does not show (causes,
    fixes) and adds page URLs relative to the site root."""
    from generator.explain.normalise import normalise
    from generator.explain.patterns import choose_grams, compile_patterns
    from generator.kb.catalogue import resolve

    entries = []
    for g, e in cat.entries():
        rec: dict[str, Any] = {
            "id": f"{g.provider}/{e.id}",
            "provider": g.provider,
            "entry": e.id,
            "title": {"ja": e.title.ja, "en": e.title.en},
            "status": list(e.status),
            "types": [t.lower() for t in e.error_type],
            "hints": [h.lower() for h in e.match.hints],
            "patterns": compile_patterns(e.match.patterns),
            "exclude": compile_patterns(e.match.exclude),
            "covers": list(e.covers),
            "checks": [resolve(g.provider, c) for c in e.checks],
            # The provider's own wordings and the English title, normalised like a paste: what
            # the fallback reading (similar.py) compares a text with.
            "messages": [normalise(m.text).text for m in e.messages] + [normalise(e.title.en).text],
        }
        if site:
            # Japanese at the root, English under en/ (DESIGN.md, URLs); the heading anchor is the ID.
            rec["url"] = {"ja": f"{g.provider}/{e.id}/#{e.id}", "en": f"en/{g.provider}/{e.id}/#{e.id}"}
        else:
            rec["causes"] = [{"ja": c.text.ja, "en": c.text.en} for c in e.causes[:TOP_CAUSES]]
            # Every fix with its snippets: the command shows the one for the tool that printed
            # the text (match.TOOLS), else the first.
            rec["fixes"] = [
                {
                    "ja": fix.text.ja,
                    "en": fix.text.en,
                    "snippets": [{"tool": sn.tool, "code": sn.code} for sn in fix.snippets],
                }
                for fix in e.fixes
            ]
            rec["message_text"] = [m.text for m in e.messages] + [e.title.en]
        entries.append(rec)
    # Filing each pattern under its gram here saves every later load from doing it.
    records = [p for rec in entries for p in rec["patterns"]]
    for record, gram in zip(records, choose_grams([r["literal"] for r in records]), strict=True):
        record["gram"] = gram
    return {"schema_version": 1, "format": FORMAT, "entries": entries}


def site_data(cat: Catalogue) -> dict[str, Any]:
    return index_data(cat, site=True)


def write_site_index(cat: Catalogue, docs_dir: Path) -> bool:
    """Write `docs/assets/explain.json`; only when its text changed (so `mkdocs serve` does not
    loop). Returns whether it wrote."""
    path = docs_dir / SITE_FILE
    text = json.dumps(site_data(cat), ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def content_hash(root: Path) -> str:
    """The document's stamp: its format and the shared content hash of guides and code."""
    return f"explain:{FORMAT}:{shared_hash(root)}"


def cli_data(cat: Catalogue, root: Path) -> dict[str, Any]:
    """The command-line document: the index, the labels the command prints, the hash it is for,
    and the guides' problems (a reader pasting an error is not the one to fix a guide, so an index
    of the entries that loaded is still worth having)."""
    from generator.kb.labels import ui

    data = index_data(cat)
    data["hash"] = content_hash(root)
    data["problems"] = [str(p) for p in cat.problems]
    data["labels"] = {
        lang: {k: v for k, v in labels.items() if k.startswith(LABEL_PREFIXES)}
        for lang, labels in ui().items()
    }
    return data


def cli_text(cat: Catalogue, root: Path) -> str:
    """`generator/explain/index.json` exactly (stable, so an unchanged index is not rewritten)."""
    return json.dumps(cli_data(cat, root), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write_cli_index(cat: Catalogue, root: Path, target: Path = CLI_FILE) -> bool:
    """Write the command-line document when it changed; True when written."""
    text = cli_text(cat, root)
    try:
        if target.read_text(encoding="utf-8") == text:
            return False
    except OSError:
        pass
    target.write_text(text, encoding="utf-8")
    return True


def write_explain_files(cat: Catalogue, docs_dir: Path, guides: Path) -> None:
    """What the site build writes: the site index always, the command-line one for the bundled
    guides only (a build of other guides must not overwrite it)."""
    from generator.paths import default_guides_dir

    write_site_index(cat, docs_dir)
    if guides.resolve() == default_guides_dir().resolve():
        write_cli_index(cat, guides)


def cached_index_data(root: Path | None = None) -> dict[str, Any]:
    """The command-line document for a guides folder: the committed one when its hash matches,
    else compiled now. Nothing is cached on disk: `explain` never writes to the reader's files."""
    from generator.paths import default_guides_dir

    root = root or default_guides_dir()
    try:
        wanted: str | None = content_hash(root)
        data: dict[str, Any] = json.loads(CLI_FILE.read_text(encoding="utf-8"))
        if data.get("hash") == wanted:
            return data
    except (OSError, ValueError):
        pass  # absent or damaged: compile below
    from generator.kb.catalogue import load_catalogue

    return cli_data(load_catalogue(root), root)
