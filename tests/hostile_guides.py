"""Guides full of hostile text, and a checker for what the site would make of them.

Shared by the fuzz test (Hypothesis fills every text field) and the one real `mkdocs build`
of a hostile guide. Every payload here is something a careless or malicious contributor could
paste into a guide: raw HTML, Markdown that smuggles attributes, Jinja, broken code spans.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Any

import markdown

# Pasted into text fields; none of them may survive as a live tag, attribute or template.
PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<style>body{display:none}</style>",
    r"\`<script>alert(1)</script>\`",
    "\\\\`<b>`",
    "`a\n\n<script>alert(1)</script>\n\n`",
    "`a\n# <script>alert(1)</script>\n`",
    "```<script>alert(1)</script>``",
    "`` ` ``<script>alert(1)</script>",
    "x\n{: onclick=alert(1) }",
    "x { onmouseover=alert(1) }",
    "[x](https://e.example/){ onclick=alert(1) }",
    "`x`{: onclick=alert(1) }",
    "![i](x){: onerror=alert(1) }",
    "[x](javascript:alert(1))",
    "[x]( JavaScript:alert(1) )",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "JJ{{ 7*191 }}JJ",
    "{% raw %}",
    "{% endraw %}{% include 'x' %}",
    "{{ config }}{{ lipsum.__globals__ }}",
    "{# comment #}",
    "{%",
    "}}",
    "---",
    "\n---\ntitle: hacked\n---\n",
    "# heading",
    "| a | b |\n|---|---|\n| `c | <script>alert(1)</script>` | d |",
    '!!! warning "x"\n    <script>alert(1)</script>',
    '=== "tab"\n    <script>alert(1)</script>',
    "```\n<script>alert(1)</script>\n```",
    "~~~\n```",
    "<!--",
    "-->",
    "&lt;script&gt;",
    "&#60;script&#62;",
    "<div markdown=1><script>alert(1)</script></div>",
    "\t",
    "\r\n",
    "\u2028",
    "\u202e",
    "\ufeff",
    "日本語のテキストです。",
]

# Tags that run script or load something, and attributes that run script.
_BAD_TAGS = {"script", "iframe", "object", "embed", "svg", "style", "link", "meta", "base", "form"}
_BAD_SCHEMES = ("javascript:", "vbscript:", "data:")

EXTENSIONS: list[Any] = [
    "admonition",
    "attr_list",
    "md_in_html",
    "tables",
    "toc",
    "pymdownx.details",
    "pymdownx.highlight",
    "pymdownx.inlinehilite",
    "pymdownx.superfences",
    "pymdownx.tabbed",
]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BAD_TAGS:
            self.bad.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.bad.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction") and value:
                cleaned = "".join(value.split()).lower()
                if cleaned.startswith(_BAD_SCHEMES):
                    self.bad.append(f"<{tag} {name}={value!r}>")


def script_in_html(html: str) -> list[str]:
    """Every live script vector in an HTML document (tags, on* attributes, script URLs)."""
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.bad


def body_of(page: str) -> str:
    """A rendered page without its front matter (MkDocs reads that as YAML, not Markdown)."""
    if page.startswith("---\n"):
        end = page.index("\n---\n", 4) + 5
        return page[end:]
    return page


_MD: list[markdown.Markdown] = []


def to_html(page: str) -> str:
    """Markdown → HTML with the extensions mkdocs.yml enables."""
    if not _MD:
        _MD.append(markdown.Markdown(extensions=EXTENSIONS))
    # mkdocs-static-i18n re-joins every page with str.splitlines(): \u2028 and friends break lines.
    return _MD[0].reset().convert("\n".join(body_of(page).splitlines()))


def hostile_guide(text: Callable[[str], str], *, provider: str = "demo") -> dict[str, Any]:
    """A guide that validates, with every free-text field filled by `text(field_name)`."""

    def t(name: str) -> dict[str, str]:
        return {"ja": text(f"{name}.ja") or "ja", "en": text(f"{name}.en") or "en"}

    def s(name: str) -> str:
        return text(name) or "x"

    snippet = {"tool": "shell", "code": s("snippet.code"), "lang": s("snippet.lang"), "note": t("note")}
    return {
        "provider": provider,
        "name": t("name"),
        "summary": t("summary"),
        "order": 1,
        "setup": {
            "intro": t("setup.intro"),
            "steps": [{"title": t("step.title"), "body": t("step.body"), "snippets": [snippet]}],
        },
        "entries": [
            {
                "id": "bad-key",
                "title": t("entry.title"),
                "symptom": "auth",
                "status": [401],
                "error_type": [s("error_type")],
                "messages": [{"text": s("message.text"), "where": t("message.where")}],
                "summary": t("entry.summary"),
                "causes": [{"text": t("cause"), "checks": ["key-shape"]}],
                "fixes": [{"text": t("fix"), "snippets": [snippet]}],
                "checks": ["key-shape"],
                "covers": ["A1"],
                "sources": [{"title": s("source.title"), "url": "https://example.com/" + _urlish(s("url"))}],
                "match": {"patterns": ["bad key"], "hints": [s("hint")]},
                "tags": [s("tag")],
                "unconfirmed": t("unconfirmed"),
            }
        ],
        "checks": [
            {
                "id": "key-shape",
                "title": t("check.title"),
                "kind": "key-shape",
                "params": {"var": "DEMO_KEY", "prefixes": ["demo-"]},
                "covers": ["A1"],
                "outcomes": {
                    # Outcome texts are CLI text with `{placeholders}`, checked by their own rule.
                    name: {"message": _PLAIN, **({"fix": _PLAIN} if fix else {})}
                    for name, fix in (
                        ("unset", False),
                        ("ok", False),
                        ("whitespace", True),
                        ("quoted", True),
                        ("invisible", True),
                        ("placeholder", True),
                        ("unexpected-prefix", True),
                    )
                },
            }
        ],
        "pages": [
            {
                "id": "notes",
                "title": t("page.title"),
                "body": t("page.body"),
                "sources": [{"title": s("page.source"), "url": "https://example.com/p"}],
            }
        ],
    }


_PLAIN = {"ja": "確認してください。", "en": "Check it."}


def hostile_models(text: Callable[[str], str]) -> dict[str, Any]:
    """A model table whose IDs and names carry hostile text."""

    def s(name: str) -> str:
        return text(name) or "x"

    return {
        "as_of": "2026-12-03",
        "models": [
            {
                "id": "hostile-model",
                "name": s("model.name"),
                "family": "sonnet",
                "status": "current",
                "anthropic": s("model.anthropic"),
                "aliases": [s("model.alias")],
                "bedrock": s("model.bedrock"),
                "bedrock_prefixes": [s("model.prefix")],
                "mantle": s("model.mantle"),
                "vertex": s("model.vertex"),
                "foundry": s("model.foundry"),
                "openrouter": s("model.openrouter"),
            },
            {
                "id": "hostile-retired",
                "name": s("model.retired.name"),
                "family": "opus",
                "status": "retired",
                # A plain ID: hostile text here would also be the snippets' text, and validate refuses an
                # example naming a retired model.
                "anthropic": "claude-hostile-retired-20200101",
                "retired": "2026-01-05",
                "retired_on": {"bedrock": "2026-01-15"},
                "replacement": "hostile-model",
            },
        ],
        "dialects": [
            {
                "id": "anthropic",
                "label": {"ja": s("dialect.ja"), "en": s("dialect.en")},
                "shape": "claude-.*",
                "litellm": s("dialect.litellm"),
            },
        ],
        "bedrock_regions": [
            {"region": s("region"), "profiles": [s("region.profile")], "claude_code": s("region.cc")}
        ],
        "claude_code": {
            "aliases": ["opus", "sonnet"],
            "suffixes": ["[1m]"],
            "providers": {"anthropic": "anthropic"},
            "history": [
                {
                    "since": "2.1.1",
                    "providers": ["anthropic"],
                    "targets": {"opus": "hostile-model", "small": "main"},
                    "note": {"ja": s("cc.note.ja"), "en": s("cc.note.en")},
                }
            ],
            "unconfirmed": {"ja": s("cc.unconfirmed.ja"), "en": s("cc.unconfirmed.en")},
        },
        "sources": [{"title": s("models.source"), "url": "https://example.com/" + _urlish(s("murl"))}],
    }


def _urlish(value: str) -> str:
    # The schema only asks for `https?://\S+`; keep every other character, hostile ones included.
    return "".join(value.split()) or "x"


def cycle(payloads: list[str]) -> Callable[[str], str]:
    """A text supplier that hands out the payloads in turn (for the fixed, non-random guide)."""
    it: Iterator[str] = iter(payloads * 100)
    return lambda _name: next(it)
