"""Each language's search index, written by the build from the HTML it already has in memory.

Material's search plugin cuts every page's HTML into sections with `html.parser.HTMLParser`, a pure
Python tokenizer: about a fifth of a language's build at 1,000 entries went there. `SectionParser`
does the same cut with one regular expression over the page, and gives the same sections, title and
text as Material's `Parser` on every page of the site (`tests/test_site.py` compares them): the
pages are the generator's, so their HTML is plain (no scripts, no stray `<`). A page with anything
else is handed to Material's parser as it is.

`TunedIndex` replaces the plugin's index (the hook swaps it in before the pages are built): it
indexes with `SectionParser` and writes the tuned index (`i18n.tune_docs`) directly, so the index
is not written, read back and rewritten.
"""

from __future__ import annotations

import json
import re
from html import escape, unescape
from typing import Any

from material.plugins.search.plugin import (  # type: ignore[import-untyped]
    Element,
    Parser,
    SearchIndex,
    Section,
    void,
)

# A tag, a comment or text. Attribute values in quotes or bare; a tag that does not match this whole
# (or a `<` that starts no tag) sends the page to Material's parser.
_TOKEN = re.compile(
    r"<(/?)([a-zA-Z][^\s/>]*)((?:\s+[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*(/?)>"
    r"|<!--.*?-->"
    r"|([^<]+)",
    re.S,
)
_ATTR = re.compile(r"([^\s\"'>/=]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+)))?")
# Elements HTMLParser reads as raw text, declarations, processing instructions: Material's parser.
_UNUSUAL = re.compile(r"<(?:script|style|textarea|title|xmp|plaintext|!(?!--)|\?)", re.I)
_HEADINGS = frozenset(f"h{x}" for x in range(1, 7))
_KEEP = frozenset(("p", "code", "pre", "li", "ol", "ul", "sub", "sup"))
_VOID = frozenset(void)
_RAW = frozenset(("script", "style", "object"))
_READ = _HEADINGS | {"a"}
_MARKED = re.compile(r"data-search-exclude|linenodiv", re.I)
_NONE: dict[str, str | None] = {}


class _Fallback(Exception):
    """The page holds markup `SectionParser` leaves to Material's parser."""


def sections(html: str) -> list[Section]:
    """The page's sections, as Material's `Parser` cuts them."""
    if not _UNUSUAL.search(html):
        try:
            return SectionParser().parse(html)
        except _Fallback:
            pass
    parser = Parser()
    parser.feed(html)
    parser.close()
    return list(parser.data)


class SectionParser:
    """Material's `Parser` (material/plugins/search/plugin.py), same rules, one regex tokenizer.

    Material compares elements by tag name, so "inside the section heading" means "inside an
    element with the heading's tag", and a skipped element skips every element of its tag: kept
    here as tag counts.
    """

    def __init__(self) -> None:
        self.context: list[tuple[str, dict[str, str | None]]] = []
        self.tags: dict[str, int] = {}
        """How many elements of each tag are open."""
        self.skip: set[str] = set(_RAW)
        self.skipping = 0
        """How many open elements have a skipped tag."""
        self.section: Section | None = None
        self.data: list[Section] = []

    def parse(self, html: str) -> list[Section]:
        pos = 0
        for m in _TOKEN.finditer(html):
            if m.start() != pos:
                raise _Fallback
            pos = m.end()
            name = m.group(2)
            if name is not None:
                tag = name.lower()
                if m.group(1):
                    if m.group(3) or m.group(4):
                        raise _Fallback
                    self.end(tag)
                else:
                    raw = m.group(3)
                    # Only headings' ids, links' classes and the skip markers are read.
                    attrs = _attrs(raw) if raw and (tag in _READ or _MARKED.search(raw)) else _NONE
                    self.start(tag, attrs)
                    if m.group(4):  # <x/>: HTMLParser calls both
                        self.end(tag)
            elif m.group(5) is not None:
                self.text(unescape(m.group(5)))
        if pos != len(html):
            raise _Fallback
        return self.data

    def _push(self, tag: str, attrs: dict[str, str | None]) -> None:
        self.context.append((tag, attrs))
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag in self.skip:
            self.skipping += 1

    def _pop(self) -> str:
        tag, _ = self.context.pop()
        self.tags[tag] -= 1
        if tag in self.skip:
            self.skipping -= 1
        return tag

    def _add_skip(self, tag: str) -> None:
        if tag not in self.skip:
            self.skip.add(tag)
            self.skipping += self.tags.get(tag, 0)

    def _remove_skip(self, tag: str) -> None:
        self.skip.discard(tag)
        self.skipping -= self.tags.get(tag, 0)

    def _target(self, section: Section) -> list[str]:
        data: list[str] = section.title if self.tags.get(section.el.tag) else section.text
        return data

    def start(self, tag: str, attrs: dict[str, str | None]) -> None:
        if tag in _VOID:
            return
        self._push(tag, attrs)
        if tag in _HEADINGS:
            depth = len(self.context)
            if "id" in attrs:
                el = Element(tag, attrs)
                if tag != "h1" and not self.data:
                    self.section = Section(Element("hx"), depth)
                    self.data.append(self.section)
                self.section = Section(el, depth)
                if self.data:
                    self.section.id = attrs["id"]
                self.data.append(self.section)
        if not self.section:
            self.section = Section(Element("hx"))
            self.data.append(self.section)
        if attrs and ("data-search-exclude" in attrs or attrs.get("class") == "linenodiv"):
            self._add_skip(tag)
            return
        if not self.skipping and tag in _KEEP:
            self._target(self.section).append(f"<{tag}>")

    def end(self, tag: str) -> None:
        if not self.context or self.context[-1][0] != tag:
            return
        assert self.section is not None
        if self.section.depth > len(self.context):
            for section in reversed(self.data):
                if section.depth <= len(self.context):
                    self.section.depth = float("inf")
                    self.section = section
                    break
        self._pop()
        if tag in self.skip:
            if tag not in _RAW:
                self._remove_skip(tag)
            return
        if not self.skipping and tag in _KEEP:
            data = self._target(self.section)
            index = data.index(f"<{tag}>")
            for i in range(index + 1, len(data)):
                if not data[i].isspace():
                    index = len(data)
                    break
            if len(data) > index:
                del data[index:]
            else:
                data.append(f"</{tag}>")

    def text(self, data: str) -> None:
        if self.skipping:
            return
        in_pre = bool(self.tags.get("pre"))
        if not in_pre:
            data = data.replace("\n", " ") if not data.isspace() else " "
        if not self.section:
            self.section = Section(Element("hx"))
            self.data.append(self.section)
        section = self.section
        if self.tags.get(section.el.tag):
            permalink = any(t == "a" and a.get("class") == "headerlink" for t, a in self.context)
            if not permalink:
                section.title.append(escape(data, quote=False))
        elif data.isspace():
            if not section.text or not section.text[-1].isspace() or in_pre:
                section.text.append(data)
        else:
            section.text.append(escape(data, quote=False))


def _attrs(text: str) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for m in _ATTR.finditer(text):
        value = next((v for v in m.group(2, 3, 4) if v is not None), None)
        out[m.group(1).lower()] = unescape(value) if value is not None else None
    return out


class TunedIndex(SearchIndex):  # type: ignore[misc]
    """Material's search index, indexed with `SectionParser` and written tuned (`i18n.tune_docs`)."""

    def __init__(self, mkdocs_config: Any, **config: Any) -> None:
        super().__init__(**config)
        self.entries: list[dict[str, Any]] = []
        self.mkdocs_config = mkdocs_config
        self.size = 0
        """Bytes of the index last written."""

    def add_entry_from_context(self, page: Any) -> None:
        search = page.meta.get("search") or {}
        if search.get("exclude"):
            return
        for section in sections(page.content):
            if not section.is_excluded():
                self.create_entry_for_section(section, page.toc, page.url, page)

    def generate_search_index(self, prev: Any) -> str:
        from generator.site.i18n import tune_docs

        # Material's merge for `serve --dirty` (the pages rebuilt replace their old entries).
        if prev and self.entries:
            path = self.entries[0]["location"]
            self.entries = [e for e in prev.entries if not e["location"].startswith(path)] + self.entries
        if prev and not self.entries:
            self.entries = prev.entries
        config = {key: self.config[key] for key in ("lang", "separator", "pipeline", "fields")}
        data = tune_docs({"config": config, "docs": self.entries}, self.mkdocs_config)
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
        self.size = len(text.encode("utf-8"))
        return text
