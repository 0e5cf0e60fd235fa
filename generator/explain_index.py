"""The `explain` index as a JSON document: for the site (`docs/assets/explain.json`) and cached
for the command line.

One document serves both: the browser box and `python -m generator explain` read the same
declarations, compiled by the same code (`explain.compile_patterns`), so the two cannot drift.

The command line must answer in well under half a second, and loading and validating every guide
takes longer than that. So the document is cached, keyed by the guides' names, sizes and
modification times (and by this code's), and rebuilt from the guides when any of them changes.
This module therefore imports nothing heavy until a rebuild is needed.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from generator.catalogue import Catalogue

__all__ = [
    "FORMAT",
    "cache_dir",
    "cached_index_data",
    "index_data",
    "site_data",
    "write_site_index",
]

# Bump when the document's shape changes.
FORMAT = 2
SITE_FILE = Path("assets") / "explain.json"
_HERE = Path(__file__).resolve().parent
# Files besides the guides whose changes alter the document (compiled patterns, labels): part of
# the cache key.
_CODE = ("normalise.py", "explain.py", "explain_index.py", "templates/ui.yaml")
# UI labels the command prints, carried in the cached document so a warm call needs no YAML.
LABEL_PREFIXES = ("explain_", "cli_")
# How many causes the command line shows.
TOP_CAUSES = 2


def index_data(cat: Catalogue, *, site: bool = False) -> dict[str, Any]:
    """The index document. `site=True` leaves out what the browser does not show (causes,
    fixes) and adds page URLs relative to the site root."""
    from generator.catalogue import resolve
    from generator.explain import choose_grams, compile_patterns

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
        }
        if site:
            # Japanese at the root, English under en/ (DESIGN.md, URLs); the heading anchor is the ID.
            rec["url"] = {"ja": f"{g.provider}/{e.id}/#{e.id}", "en": f"en/{g.provider}/{e.id}/#{e.id}"}
        else:
            rec["causes"] = [{"ja": c.text.ja, "en": c.text.en} for c in e.causes[:TOP_CAUSES]]
            fix = e.fixes[0]
            snippet = fix.snippets[0] if fix.snippets else None
            rec["fix"] = {
                "ja": fix.text.ja,
                "en": fix.text.en,
                "code": snippet.code if snippet else None,
                "tool": snippet.tool if snippet else None,
            }
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


def cache_dir() -> Path:
    """`LLM_DOCTOR_CACHE_DIR`, else the platform's user cache folder."""
    explicit = os.environ.get("LLM_DOCTOR_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.environ.get("LOCALAPPDATA")
    return Path(base) / "llm-access-doctor" if base else Path.home() / ".cache" / "llm-access-doctor"


def _cache_name(root: Path) -> str | None:
    """`explain-<folder>-<state>.json`: one current file per guides folder."""
    folder = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:8]
    parts: list[str] = [str(FORMAT)]
    try:
        for path in sorted(root.glob("*.yaml")) + [_HERE / name for name in _CODE]:
            st = path.stat()
            parts.append(f"{path.name}:{st.st_size}:{st.st_mtime_ns}")
    except OSError:
        return None
    return f"explain-{folder}-{hashlib.sha256(chr(10).join(parts).encode()).hexdigest()[:16]}.json"


def cached_index_data(root: Path | None = None) -> dict[str, Any]:
    """The command-line index document for a guides folder, from the cache when it is current.

    Guides with problems still give an index of the entries that loaded (a reader pasting an
    error is not the one to fix a guide); the document's `problems` lists them."""
    from generator.paths import default_guides_dir

    root = root or default_guides_dir()
    name = _cache_name(root)
    folder = cache_dir()
    path = folder / name if name else None
    if path is not None:
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") == FORMAT:
                return data
        except (OSError, ValueError):
            pass  # absent or damaged: rebuild
    from generator.catalogue import load_catalogue
    from generator.labels import ui

    cat = load_catalogue(root)
    data = index_data(cat)
    data["problems"] = [str(p) for p in cat.problems]
    data["labels"] = {
        lang: {k: v for k, v in labels.items() if k.startswith(LABEL_PREFIXES)}
        for lang, labels in ui().items()
    }
    if path is not None:
        _store(folder, path, data)
    return data


def _store(folder: Path, path: Path, data: dict[str, Any]) -> None:
    """Write the cache atomically and drop older versions; a read-only home is not an error."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
        for old in folder.glob(path.name.rsplit("-", 1)[0] + "-*.json"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass
