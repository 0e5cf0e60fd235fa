"""Render the catalogue into Markdown pages for MkDocs: one folder per language (`docs/ja/`, `docs/en/`).

Each language is its own MkDocs build with its own docs folder (generator/site/hook.py), so the
languages build in parallel, each with its own search index, and any tool that reads a plain
MkDocs project (Zensical) can build one language from the rendered folder.
"""

from __future__ import annotations

import functools
import html
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
import yaml

from generator import contract
from generator.check.kinds import KINDS
from generator.kb import codes
from generator.kb.catalogue import Catalogue, resolve
from generator.kb.labels import ui
from generator.kb.model import Entry, Guide, Text
from generator.site.urls import LANGS, repo_url

TEMPLATES = Path(__file__).resolve().parent / "templates"
# What the rendered pages came from (`site_stamp`), written beside them: a build whose stamp still
# matches renders nothing and loads no catalogue.
STAMP_FILE = ".render-stamp"
# Hand-written files under docs/ that rendering must never delete.
KEEP = ("assets",)
GENERATED_HEADER = (
    "<!-- Generated from {source} by 'python -m generator render'. Edit the YAML, not this file. -->"
)


# The landing page's "most common errors", most frequent first: the three situations the product was
# born from (OpenHands with an Anthropic key, Claude Code's model settings on a cloud, OpenRouter
# through the OpenAI SDK) and the failures every route meets (key, credit, rate limit, overload,
# model ID). IDs that no longer exist are skipped (a test keeps all ten present).
COMMON_ERRORS = (
    "anthropic/invalid-x-api-key",
    "openhands/llm-authentication-error",
    "anthropic/credit-balance-too-low",
    "anthropic/rate-limit-exceeded",
    "anthropic/overloaded",
    "anthropic/model-not-found",
    "claude-code/selected-model-issue",
    "bedrock/on-demand-throughput-not-supported",
    "openrouter/no-endpoints-found",
    "litellm/llm-provider-not-provided",
)


@dataclass
class RenderResult:
    """What a render did (or, with write=False, would do)."""

    total: int = 0
    """Pages rendered."""
    changed: list[Path] = field(default_factory=list)
    """Pages whose content differs from the file on disk."""
    removed: list[Path] = field(default_factory=list)
    """Stale generated pages (deleted when writing)."""


# A code span as Markdown reads it (Python-Markdown's BACKTICK_RE), in its one unambiguous form:
# whole backtick runs, not escaped, on one line. Every other backtick becomes an entity, so a run
# can never pair with one in the next field on the same line, and no line can open a fence.
_CODE_SPAN = re.compile(r"(?<![\\`])(`+)(?!`)([^\n]+?)(?<!`)\1(?!`)")
# A script URL as a link destination (`[x](javascript:...)`, `[r]: javascript:...`); browsers drop
# control characters and blanks inside the scheme, so those may sit between its letters.
_GAP = r"[\x00-\x20]*"
_SCRIPT_URL = re.compile(
    r"(?i)((?:\]\(|\]:)"
    + _GAP
    + "<?"
    + _GAP
    + ")("
    + "|".join(_GAP.join(word) for word in ("javascript", "vbscript", "data"))
    + ")"
    + _GAP
    + ":"
)


# Every line break Python knows: Markdown tools re-join pages with `str.splitlines()` (mkdocs-static-i18n did).
_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _as_markdown_reads(value: str) -> str:
    # What the site build does to a page first (\x02 and \x03 are Python-Markdown's placeholder marks).
    return _BREAKS.sub("\n", value.replace("\x02", "").replace("\x03", ""))


def md_text(value: str) -> str:
    """Markdown from the guides with raw HTML neutralised outside code spans.

    Guides may use Markdown, never HTML: a `<script>` in YAML must stay text on the page. Outside
    code spans `<`, `>`, `&`, stray backticks, `{` (attribute lists such as `{: onclick=... }`,
    Jinja) and `~~~` become entities, and a `javascript:` link loses its scheme.
    """
    value = _as_markdown_reads(value)
    out, last = [], 0
    for m in _CODE_SPAN.finditer(value):
        out.append(_escape_html(value[last : m.start()]))
        out.append(m.group(0))
        last = m.end()
    tail = _escape_html(value[last:])
    # A trailing backslash would escape whatever the template puts next (a backtick, say).
    out.append(tail[:-1] + "&#92;" if tail.endswith("\\") else tail)
    return "".join(out)


# A fenced code block as Python-Markdown (superfences) opens one: at the start of a line, three or
# more backticks or tildes, an info string without backticks. It closes at the first line that holds
# a run of the same character at least as long: the most permissive reading, so that nothing
# Markdown could take for text after the block is passed through unescaped.
_FENCE_OPEN = re.compile(r"^( {0,3})(`{3,}|~{3,})([^`\n]*)$")


def md_block(value: str) -> str:
    """`md_text` for a field that stands as its own block (a page body): fenced code blocks stay.

    The code inside a fence is passed through as it is (Markdown shows it as code, HTML-escaped);
    its info string keeps only the characters a language name needs. Text around it is escaped like
    `md_text`. A fence that is never closed is text.
    """
    lines = _as_markdown_reads(value).split("\n")
    out: list[str] = []
    text: list[str] = []
    i = 0
    while i < len(lines):
        m = _FENCE_OPEN.match(lines[i])
        close = None
        if m:
            char, size = m.group(2)[0], len(m.group(2))
            closing = re.compile(rf"^ {{0,3}}{re.escape(char)}{{{size},}}[ \t]*$")
            close = next((j for j in range(i + 1, len(lines)) if closing.match(lines[j])), None)
        if m is None or close is None:
            text.append(lines[i])
            i += 1
            continue
        if text:
            out.append(md_text("\n".join(text)))
            text = []
        info = re.sub(r"[^\w+#.-]", "", m.group(3)) or "text"
        fence_marks = m.group(2)[0] * max(3, len(m.group(2)))
        out.append("\n".join([f"{fence_marks}{info}", *lines[i + 1 : close], fence_marks]))
        i = close + 1
    if text:
        out.append(md_text("\n".join(text)))
    return "\n".join(out)


def _escape_html(s: str) -> str:
    s = _SCRIPT_URL.sub(lambda m: m.group(1) + m.group(2) + "%3A", s)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s.replace("{", "&#123;").replace("`", "&#96;").replace("~~~", "&#126;~~")


def code(value: object) -> str:
    """An inline code span holding `value` whole: one line, fenced by a longer run of backticks."""
    text = " ".join(_as_markdown_reads(str(value)).split("\n"))
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def link_url(url: str) -> str:
    """A URL that cannot end its Markdown link early: parentheses, brackets, quotes percent-encoded."""
    return quote(url, safe="/:?#@!$&*+,;=%~-._")


def fence(code: str, lang: str = "text", css_class: str = "") -> str:
    """A code fence long enough that the code cannot close it; `css_class` marks its block."""
    ticks = "```"
    while ticks in code:
        ticks += "`"
    lang = re.sub(r"[^\w+#.-]", "", lang) or "text"  # the info string cannot open anything else
    css_class = re.sub(r"[^\w-]", "", css_class)
    info = f"{{ .{lang} .{css_class} }}" if css_class else lang
    return f"{ticks}{info}\n{code.rstrip()}\n{ticks}"


def table_cell(value: str) -> str:
    return md_text(value).replace("|", "\\|").replace("\n", " ")


@functools.lru_cache(maxsize=65536)  # the YAML emitter is slow; `serve` renders the same titles again
def yaml_str(value: str) -> str:
    """A YAML scalar for front matter.

    The theme puts front matter (title, description, tags) into the page's HTML as it is, in text
    and in attributes, so the value is HTML-escaped first.
    """
    escaped = html.escape(value, quote=True)
    return str(yaml.safe_dump(escaped, allow_unicode=True, default_style='"', width=10_000)).strip()


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")


def tags_for(tags: list[str], lang: str) -> list[str]:
    """Guide tags are search words; Japanese ones help only Japanese pages."""
    return list(tags) if lang == "ja" else [t for t in tags if not _CJK.search(t)]


def nav_title(text: str) -> str:
    """A navigation section title: the theme writes it into the HTML as it is."""
    return html.escape(text, quote=True)


# Where a fix's first sentence ends, and where it can be cut into a heading: clause joints.
_SENTENCE_END = re.compile(r"(?<=[。！？])|(?<=[.;:])\s")
_CLAUSE = {
    "ja": re.compile(r"(?<=、)|(?=（)"),
    "en": re.compile(r",\s|\s\(|\s(?:and|then|so|or|but|because|instead of|if|when|unless|which)\s"),
}
# A head that only sets a condition ("With Docker", "プロキシでは") says nothing about what to do.
_CONDITION = {
    "ja": re.compile(r"(?:なら|場合は|場合|では|には|ので|ため|と|か|が|て|で|は)$"),
    "en": re.compile(
        r"^(?:if|with|on|for|when|to|in|after|before|once|unless|where|as|behind)\b[^,]*$", re.I
    ),
}
_LABEL_MIN = {"ja": 10, "en": 20}
# Beyond this many characters a heading wraps to three lines on a phone; Japanese runs denser.
_LABEL_MAX = {"ja": 44, "en": 80}


def _balanced(head: str) -> bool:
    return (
        head.count("`") % 2 == 0
        and head.count("(") == head.count(")")
        and head.count("（") == head.count("）")
    )


def short_label(text: str, lang: str) -> str:
    """A short heading for a fix, derived from its text: the first sentence, or its first clause.

    Guides write a fix as a paragraph whose first sentence says what to do; the heading keeps that
    and drops the why. A cut never splits a code span or a parenthesis, and never leaves only a
    condition ("If the key is valid").
    """
    lang = lang if lang in _LABEL_MAX else "en"
    text = " ".join(text.split())
    first = _SENTENCE_END.split(text, maxsplit=1)[0].strip()
    if len(first) > _LABEL_MAX[lang]:
        for m in _CLAUSE[lang].finditer(first):
            head = first[: m.start()].rstrip("、, ")
            if len(head) < _LABEL_MIN[lang] or not _balanced(head):
                continue
            if _CONDITION[lang].search(head):
                continue
            first = head
            break
    first = first.rstrip("。.;:、, ")
    return first if _balanced(first) else first.replace("`", "")


_INLINE_CODE = re.compile(r"`([^`\n]+)`")


def inline_html(text: str) -> str:
    """Guide text as inline HTML for the raw-HTML parts of a page: everything escaped, then code
    spans (`x`) as <code>. Raw HTML blocks are not parsed as Markdown, so nothing in the text can
    open a tag, a link or a block there (Markdown inside an HTML block was parsed as HTML first,
    and a `</div>` in a snippet could end the block)."""
    escaped = html.escape(" ".join(_as_markdown_reads(text).split()), quote=True)
    return _INLINE_CODE.sub(lambda m: f"<code>{m.group(1)}</code>", escaped)


def code_block(code: str) -> str:
    """A code block as HTML (escaped), for the raw-HTML parts of a page."""
    return f'<div class="highlight"><pre><code>{html.escape(code.rstrip(), quote=False)}</code></pre></div>'


def plain(text: str) -> str:
    """Text for an attribute in an attribute list (a table-of-contents label).

    The table of contents renders its labels as Markdown, so the marks that could make a link, an
    image or emphasis are dropped (`[`, `]`, backticks, `*`, braces, backslashes); quotes and `<`,
    `&` become entities.
    """
    return html.escape(re.sub(r"[`*{}\[\]\\]", "", " ".join(text.split())), quote=True)


def first_fix(e: Entry) -> tuple[int, Any, Any | None] | None:
    """The first thing to try: (fix number, fix, snippet) of the first fix that has a snippet
    (or the first fix, without a snippet, when none has one).

    The guides list fixes most likely first and, within a fix, the snippet of the most common tool
    first, so the first snippet of the first fix with one is what the reader should try.
    """
    for n, f in enumerate(e.fixes, 1):
        if f.snippets:
            return n, f, f.snippets[0]
    # No fix has a command or setting to copy: the first fix is still the first thing to try.
    return (1, e.fixes[0], None) if e.fixes else None


@functools.cache
def _env() -> jinja2.Environment:
    # One per process: `mkdocs serve` renders on every rebuild, and compiling the templates again
    # took a tenth of it (the loader still reloads a template whose file changed).
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # Markdown, not HTML; md_text does the escaping that matters
    )
    env.filters["tags_for"] = tags_for
    env.filters.update(
        md=md_text,
        md_block=md_block,
        short_label=short_label,
        plain=plain,
        inline_html=inline_html,
        code_block=code_block,
        fence=fence,
        cell=table_cell,
        code=code,
        link=link_url,
        yaml_str=yaml_str,
        full_ref=lambda r, p: resolve(p, r),
    )
    return env


@dataclass(frozen=True)
class Page:
    """One page to write: its path under docs/ (without language suffix) and its template."""

    path: str
    """`anthropic/invalid-x-api-key` (no suffix)."""
    template: str
    """Template file name."""
    context: dict[str, Any]
    """Template variables besides `lang` and `L`."""
    source: str
    """Guide file the page comes from, for the header comment."""


def pages(cat: Catalogue) -> list[Page]:
    """Every page of the site, language-independent."""
    base = {
        "cat": cat,
        "codes": codes,
        "kinds": KINDS,
        "entries_by_id": {f"{g.provider}/{e.id}": (g, e) for g, e in cat.entries()},
        "first_fix": first_fix,
        "contract": contract,
        "repo": repo_url(),
    }
    out = [
        Page("index", "landing.md.j2", {**base, "common": COMMON_ERRORS}, "guides/*.yaml"),
        Page(
            "errors",
            "errors.md.j2",
            {**base, "groups": _groups(cat), "by_code": _by_code(cat)},
            "guides/*.yaml",
        ),
        Page("reference", "reference.md.j2", base, "generator/contract.py"),
        Page("checks", "checks.md.j2", base, "guides/*.yaml"),
        Page("tags", "tags.md.j2", base, "guides/*.yaml"),
    ]
    if cat.models:
        from generator.check.plan import compile_models

        compiled = compile_models(cat.models)
        out.append(
            Page(
                "models",
                "models.md.j2",
                {**base, "models": cat.models, "compiled": compiled},
                "guides/models.yaml",
            )
        )
    for gf in cat.files:
        g = gf.guide
        ctx = {**base, "g": g, "checks_of": _checks_of(cat, g)}
        src = f"guides/{g.provider}.yaml"
        out.append(Page(f"{g.provider}/index", "provider.md.j2", ctx, src))
        for e in g.entries:
            out.append(Page(f"{g.provider}/{e.id}", "entry.md.j2", {**ctx, "e": e}, src))
        for p in g.pages:
            out.append(Page(f"{g.provider}/{p.id}", "page.md.j2", {**ctx, "p": p}, src))
    return out


def _checks_of(cat: Catalogue, g: Guide) -> dict[str, tuple[str, Text]]:
    """Full check ID → (provider, title), for links from entries."""
    return {f"{gf.guide.provider}/{c.id}": (gf.guide.provider, c.title) for gf, _, c in cat.checks()}


def _by_code(cat: Catalogue) -> dict[str, tuple[list[tuple[Guide, Entry]], list[str]]]:
    """Catalogue code → (entries that cover it, full IDs of checks that cover it), in catalogue order."""
    entries: dict[str, list[tuple[Guide, Entry]]] = defaultdict(list)
    checks: dict[str, list[str]] = defaultdict(list)
    for g, e in cat.entries():
        for c in e.covers:
            entries[str(c)].append((g, e))
    for gf, _, spec in cat.checks():
        for code in spec.covers:
            checks[str(code)].append(f"{gf.guide.provider}/{spec.id}")
    order = {code: i for i, code in enumerate(codes.all_codes())}
    found = sorted(set(entries) | set(checks), key=lambda c: (order.get(c, len(order)), c))
    return {c: (entries.get(c, []), checks.get(c, [])) for c in found}


def _groups(cat: Catalogue) -> dict[str, dict[str, list[tuple[Guide, Entry]]]]:
    by_status: dict[str, list[tuple[Guide, Entry]]] = defaultdict(list)
    by_symptom: dict[str, list[tuple[Guide, Entry]]] = defaultdict(list)
    for g, e in cat.entries():
        for s in [str(code) for code in e.status] or ["—"]:
            by_status[s].append((g, e))
        by_symptom[e.symptom].append((g, e))
    return {
        "status": dict(sorted(by_status.items(), key=lambda kv: (kv[0] == "—", kv[0]))),
        "symptom": dict(sorted(by_symptom.items())),
    }


def render_page(env: jinja2.Environment, page: Page, lang: str) -> str:
    template = env.get_template(page.template)
    depth = page.path.count("/")
    text = template.render(
        **page.context,
        lang=lang,
        L=ui()[lang],
        root="../" * depth,  # Markdown links are relative to the source file's folder
        # HTML links are relative to the page's URL: `p/e.md` is served at `p/e/`, `p/index.md` at `p/`.
        url_root="../" * (depth + (0 if page.path == "index" or page.path.endswith("/index") else 1)),
        resolve=resolve,
        t=lambda text: text.get(lang),
    )
    header = GENERATED_HEADER.format(source=page.source)
    # Front matter must stay first; the header comment goes right after it.
    if text.startswith("---\n"):
        end = text.index("\n---\n", 4) + 5
        return text[:end] + header + "\n" + text[end:]
    return header + "\n" + text


def render_site(
    cat: Catalogue, docs: Path, *, write: bool = True, langs: tuple[str, ...] = LANGS
) -> RenderResult:
    """Render every page in `langs` (both languages by default) into `docs/<lang>/`; write only what
    changed and prune stale pages of those languages (files under `docs/assets/` are never touched)."""
    env = _env()
    result = RenderResult()
    wanted: set[Path] = set()
    for page in pages(cat):
        for lang in langs:
            target = docs / lang / f"{page.path}.md"
            wanted.add(target)
            text = render_page(env, page, lang)
            result.total += 1
            # Unchanged files keep their mtime, or `mkdocs serve` would rebuild forever.
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                result.changed.append(target)
                if write:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(text, encoding="utf-8")
    if docs.is_dir():
        for path in sorted(docs.rglob("*.md")):
            top = path.relative_to(docs).parts[0]
            if top in KEEP or path in wanted or (top in LANGS and top not in langs):
                continue
            result.removed.append(path)
            if write:
                path.unlink()
    return result


# From this many entries on, a provider's entries are grouped by symptom in the navigation: every
# page carries its whole section, and with `navigation.prune` only the reader's own group is
# listed in full (a 125-entry section made each page 72 KB of navigation at 1000 entries).
GROUP_ENTRIES_AT = 40
# A symptom group longer than this is split into numbered parts ("認証（1/3）", "Authentication
# (1/3)") of nearly equal length: the expanded group is most of an entry page's navigation, and one
# 53-entry group made its pages 75 KB at 1000 entries.
GROUP_MAX = 20


def nav(cat: Catalogue, lang: str) -> list[Any]:
    """The site navigation of one language: fixed pages, then the providers, each a section.

    The providers sit under one top-level section: with `navigation.sections`, top-level sections
    are always expanded, so per-provider top-level sections would put every entry of the site into
    every page (about 370 KB of navigation per page at 1000 entries); nested, `navigation.prune`
    drops the ones the reader is not in.
    """
    items: list[Any] = ["index.md", "errors.md", "checks.md"]
    if cat.models:
        items.append("models.md")
    providers = []
    for g in cat.guides:
        section: list[Any] = [f"{g.provider}/index.md"]
        section += [f"{g.provider}/{p.id}.md" for p in g.pages]
        if len(g.entries) < GROUP_ENTRIES_AT:
            section += [f"{g.provider}/{e.id}.md" for e in g.entries]
        else:
            by_symptom: dict[str, list[str]] = {}
            for e in g.entries:
                by_symptom.setdefault(e.symptom, []).append(f"{g.provider}/{e.id}.md")
            for symptom, paths in by_symptom.items():
                section += _nav_groups(ui()[lang][f"symptom_{symptom}"], paths, lang)
        providers.append({nav_title(g.name.get(lang)): section})
    items.append({nav_title(ui()[lang]["providers"]): providers})
    items += ["reference.md", "tags.md"]
    return items


def _nav_groups(name: str, paths: list[str], lang: str) -> list[dict[str, list[str]]]:
    """One navigation group `name` of `paths`, or numbered parts of at most `GROUP_MAX` pages."""
    parts = -(-len(paths) // GROUP_MAX)
    if parts <= 1:
        return [{nav_title(name): paths}]
    size, extra = divmod(len(paths), parts)
    groups, start = [], 0
    for i in range(parts):
        end = start + size + (i < extra)
        label = f"{name}（{i + 1}/{parts}）" if lang == "ja" else f"{name} ({i + 1}/{parts})"
        groups.append({nav_title(label): paths[start:end]})
        start = end
    return groups


def site_stamp(guides: Path) -> str:
    """What the rendered pages come from: the guides, the generator's code, the templates and the
    site and repository URLs (the install commands and the paste box's links hold them)."""
    import zlib

    from generator.paths import content_hash
    from generator.site.urls import site_url

    templates = "-".join(
        f"{zlib.crc32(p.read_bytes()):08x}" for p in sorted(TEMPLATES.glob("*")) if p.is_file()
    )
    return f"{content_hash(guides)}/{templates}/{site_url()} {repo_url()}"


def write_if_changed(path: Path, text: str) -> None:
    """Write `text` to `path` unless it already holds it: an unchanged file keeps its modification
    time, or `mkdocs serve` would rebuild forever."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def write_companions(
    cat: Catalogue, docs: Path, guides: Path, langs: tuple[str, ...], stamp: str, *, preview: bool = False
) -> None:
    """What a build reads besides the pages, each written only when it changed: explain's indexes
    and the check plan (the command-line ones for the bundled guides only), each language's
    navigation, and `stamp` (`site_stamp`), which tells the next build the pages are current. A preview renders one
    language: it writes the paste box's index and the navigation, leaves the check plan (`check`
    compiles a stale one itself) and drops the stamp, since the other languages were not rendered."""
    import json

    from generator.explain.index import write_explain_files, write_site_index

    if preview:
        write_site_index(cat, docs)
    else:
        from generator.check.plan import write_plan
        from generator.paths import default_guides_dir

        write_explain_files(cat, docs, guides)
        if guides.resolve() == default_guides_dir().resolve():
            write_plan(cat, guides)
    for lang in langs:
        write_if_changed(docs / f".nav.{lang}.json", json.dumps(nav(cat, lang), ensure_ascii=False))
    if preview:
        (docs / STAMP_FILE).unlink(missing_ok=True)
    else:
        write_if_changed(docs / STAMP_FILE, stamp)
