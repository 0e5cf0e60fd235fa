"""Markdown → HTML once per page text: a page whose Markdown is unchanged is not converted again.

Converting the Markdown (Python-Markdown with the site's extensions, Pygments for the code blocks)
is half of a language's build. What `Page.render` produces (the HTML, the table of contents, the
title, the anchors the page holds and the anchors it links to) depends only on the page's Markdown,
its path, the site's Markdown settings, the set of pages it can link to and the versions of the
packages that convert it; all of these make up the key. A page whose conversion logged a warning
is never kept (a strict build must see the warning again). One small JSON file per page, in
`docs/.cache/html/<lang>/`, read only when its page is built; a full build removes the files no
page asked for.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import re
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

FOLDER = Path(".cache") / "html"
"""Under docs/ (beside the languages' folders; git-ignored like the rest of the rendered pages)."""
_PACKAGES = ("mkdocs", "markdown", "pymdown-extensions", "pygments", "mkdocs-material")
_FORMAT = "1"


def _stable(value: Any) -> Any:
    """`value` as JSON that is the same in every process (no object addresses)."""
    if isinstance(value, Mapping):
        return {str(k): _stable(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_stable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, functools.partial):
        return {
            "partial": _stable(value.func),
            "args": _stable(value.args),
            "keywords": _stable(value.keywords),
        }
    if callable(value):
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', type(value).__name__)}"
    return re.sub(r" at 0x[0-9a-fA-F]+", "", repr(value))


class _Warnings(logging.Handler):
    """Counts the warnings logged while one page is converted."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class HtmlCache:
    """The converted pages of one language build."""

    def __init__(self, folder: Path, config: Any, files: Any) -> None:
        self.folder = folder
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0
        versions = []
        for name in _PACKAGES:
            try:
                versions.append(f"{name}={metadata.version(name)}")
            except metadata.PackageNotFoundError:
                versions.append(f"{name}=?")
        settings = {
            "format": _FORMAT,
            "versions": versions,
            "extensions": _stable(config["markdown_extensions"]),
            "extension_configs": _stable(config["mdx_configs"] or {}),
            "use_directory_urls": config["use_directory_urls"],
            "site_url": config["site_url"],
            "validation": _stable(config["validation"]),
            "files": sorted(f.src_uri for f in files),
        }
        self.settings = hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def render(self, page: Any, config: Any, files: Any, original: Any) -> None:
        """`page.render(config, files)`, from the cache when the page's Markdown was seen before."""
        text = f"{self.settings}\0{page.file.src_uri}\0{page.markdown}"
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        self.used.add(key)
        path = self._path(key)
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            saved = None
        if saved is not None:
            self._restore(page, saved, files)
            self.hits += 1
            return
        self.misses += 1
        warnings = _Warnings()
        logger = logging.getLogger("mkdocs")
        logger.addHandler(warnings)
        try:
            original(config, files)
        finally:
            logger.removeHandler(warnings)
        if warnings.count:
            return
        self._save(path, page)

    def _save(self, path: Path, page: Any) -> None:
        from mkdocs.structure.toc import AnchorLink

        def tokens(items: list[AnchorLink]) -> list[dict[str, Any]]:
            return [
                {"id": x.id, "name": x.title, "level": x.level, "children": tokens(x.children)} for x in items
            ]

        doc = {
            "content": page.content,
            "toc": tokens(list(page.toc)),
            "title": page._title_from_render,
            "anchors": list(page.present_anchor_ids or ()),
            "links": {
                f.src_uri: links for f, links in (getattr(page, "links_to_anchors", None) or {}).items()
            },
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)

    @staticmethod
    def _restore(page: Any, saved: dict[str, Any], files: Any) -> None:
        from mkdocs.structure.toc import get_toc

        page.content = saved["content"]
        page.toc = get_toc(saved["toc"])
        page._title_from_render = saved["title"]
        page.present_anchor_ids = set(saved["anchors"])
        links = {}
        for src_uri, anchors in saved["links"].items():
            target = files.get_file_from_path(src_uri)
            if target is not None:
                links[target] = anchors
        page.links_to_anchors = links

    def prune(self) -> int:
        """Remove the saved pages this build did not ask for; return how many."""
        removed = 0
        if not self.folder.is_dir():
            return 0
        for path in self.folder.glob("*/*.json"):
            if path.stem not in self.used:
                path.unlink(missing_ok=True)
                removed += 1
        return removed
