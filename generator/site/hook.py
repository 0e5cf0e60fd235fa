"""MkDocs hook: render the guides once, then build each language in its own process.

`mkdocs build` and `mkdocs serve` work from a clean clone with no extra step:

1. The default-language build (`mkdocs.yml` as it is) renders the guides into `docs/<lang>/`
   (writing only pages whose text changed, so `serve` does not loop), the explain index, the check
   plan and each language's navigation (`docs/.nav.<lang>.json`).
2. It starts one `mkdocs build` per other language, in parallel, from the same `mkdocs.yml` with
   `KB_SITE_LANG=<locale>` and `KB_SITE_CHILD=1` (render done; start nothing), into a folder next
   to the site, and moves each result to `<site>/<locale>/` when both are done.
3. Each build tunes its own search index and writes its own 404 page and sitemap.

`KB_SITE_LANG=en mkdocs build` (or `serve`) builds English alone at the root of its output; `mkdocs
serve` builds the default language only. `KB_SITE_SOLO=1` stops a build from starting the others.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import jinja2
import jinja2.bccache
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

from generator.site import i18n as site_i18n
from generator.site.htmlcache import FOLDER as CACHE_FOLDER
from generator.site.htmlcache import HtmlCache

log = logging.getLogger("mkdocs.hooks.generator")

LANG_ENV = "KB_SITE_LANG"
"""The language this process builds (default: the first of `extra.kb_languages`)."""
CHILD_ENV = "KB_SITE_CHILD"
"""Set in the builds the default one starts: the pages are rendered already; start no others."""
SOLO_ENV = "KB_SITE_SOLO"
"""Build this language only."""
NO_CACHE_ENV = "KB_SITE_NO_CACHE"
"""Convert every page's Markdown, saved HTML or not (`htmlcache`); for cold-build measurements."""
# A language build that takes longer than this has hung; the whole build fails.
CHILD_TIMEOUT_S = 1800


@dataclass
class _Child:
    """A language build this process started."""

    locale: str
    """Its language."""
    proc: subprocess.Popen[bytes]
    """The `mkdocs build` process."""
    out: Path
    """Its output folder, moved to `<site>/<locale>/` when it is done."""
    log: IO[bytes]
    """Its standard output and error, shown if it fails."""


class _CompiledTemplates(jinja2.BytecodeCache):
    """Jinja bytecode kept in memory; Jinja checks each template's source before using it."""

    def __init__(self) -> None:
        self.saved: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.saved.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.saved[bucket.key] = bucket.bytecode_to_string()


@dataclass
class _State:
    """What this process is doing (the hook module lives as long as the process)."""

    command: str = "build"
    """`build`, `serve` or `gh-deploy`."""
    children: list[_Child] = field(default_factory=list)
    """Language builds started by this one."""
    dirty: bool = False
    """`--dirty`: only some pages are built."""
    cache: HtmlCache | None = None
    """The saved HTML of this build's language (`htmlcache`)."""
    templates: jinja2.BytecodeCache = field(default_factory=lambda: _CompiledTemplates())
    """The theme's templates compiled once per process (`mkdocs serve` loads the config, and so a new
    template environment, for every rebuild)."""


_STATE = _State()


def on_startup(command: str, dirty: bool = False, **_: Any) -> None:
    _STATE.command = command
    _STATE.dirty = dirty
    if command == "serve" and dirty:
        # `mkdocs serve --dirty` rebuilds only the pages whose Markdown changed (render writes only
        # those): the one-entry edit loop. MkDocs warns about it, and strict mode would stop on that.
        logging.getLogger("mkdocs.commands.build").addFilter(_DirtyIsFine())


class _DirtyIsFine(logging.Filter):
    """MkDocs' "dirty build" warning as information: in `serve --dirty` it is what was asked for."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING and "'dirty' build" in record.getMessage():
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


@event_priority(100)  # before the search plugin reads the theme language
def on_config(config: Any, **_: Any) -> Any:
    from generator.site import speed

    speed.install()
    root = Path(config["config_file_path"]).resolve().parent
    docs = Path(config["docs_dir"])  # docs/: the languages' folders and the shared assets
    langs = site_i18n.languages(config)
    lang = os.environ.get(LANG_ENV) or langs[0].locale
    if lang not in {x.locale for x in langs}:
        raise PluginError(f"{LANG_ENV}={lang}: not one of the site's languages {[x.locale for x in langs]}")
    child = os.environ.get(CHILD_ENV) == "1"
    if not child:
        # `serve` previews one language: render only that one (the stamp then stays unwritten).
        _render(root, docs, langs, only=lang if _STATE.command == "serve" else None)
    config["extra"]["kb_site_url"] = _root_url(config["site_url"])
    _set_language(config, lang, docs)
    nav_file = docs / f".nav.{lang}.json"
    if nav_file.exists():
        config["nav"] = json.loads(nav_file.read_text(encoding="utf-8"))
    # `serve` previews one language (KB_SITE_LANG picks which); `build` and `gh-deploy` build all.
    solo = child or os.environ.get(SOLO_ENV) == "1" or _STATE.command == "serve" or lang != langs[0].locale
    if not solo:
        _start_other_languages(config, [x.locale for x in langs[1:]])
    return config


def _render(root: Path, docs: Path, langs: list[site_i18n.Language], only: str | None = None) -> None:
    """Render the pages of every language (or `only` one), the explain index, the check plan and the
    navigations."""
    from generator.kb.catalogue import load_catalogue
    from generator.site.render import STAMP_FILE, render_site, site_stamp, write_companions

    stamp = site_stamp(root / "guides")
    stamp_file = docs / STAMP_FILE
    if (
        stamp_file.exists()
        and stamp_file.read_text(encoding="utf-8") == stamp
        and all((docs / x.locale).is_dir() and (docs / f".nav.{x.locale}.json").exists() for x in langs)
    ):
        # Nothing the pages come from changed since they were rendered (by `generator render` or
        # the last build): no second render, no catalogue to load.
        log.info("generator: pages up to date")
        return
    cat = load_catalogue(root / "guides")
    if cat.problems:
        for p in cat.problems:
            log.error(str(p))
        raise SystemExit(f"{len(cat.problems)} problem(s) in the guides; run: python -m generator validate")
    result = render_site(cat, docs, langs=(only,) if only else tuple(x.locale for x in langs))
    write_companions(cat, docs, root / "guides", tuple(x.locale for x in langs), stamp, preview=bool(only))
    if result.changed or result.removed:
        log.info("generator: %d page(s) written, %d removed", len(result.changed), len(result.removed))


def _root_url(site_url: str | None) -> str:
    url = site_url or "/"
    return url if url.endswith("/") else url + "/"


def _set_language(config: Any, lang: str, docs: Path) -> None:
    """Make this build the build of `lang`: docs folder, theme language, names, site URL."""
    from generator.kb.labels import ui

    labels = ui()[lang]
    default = site_i18n.languages(config)[0].locale
    config["docs_dir"] = str(docs / lang)
    config["theme"]["language"] = lang
    if lang != default:
        config["site_name"] = labels["site_name"]
        config["site_description"] = labels["site_description"]
        config["site_url"] = config["extra"]["kb_site_url"] + f"{lang}/"


def _start_other_languages(config: Any, locales: list[str]) -> None:
    site_dir = Path(config["site_dir"]).resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    for locale in locales:
        # Next to the site (same file system, so the move at the end is a rename); the default
        # build empties the site folder itself when it starts.
        out = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-{locale}-", dir=site_dir.parent))
        argv = [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "-q",
            "-f",
            config["config_file_path"],
            "-d",
            str(out),
        ]
        if config["strict"]:
            argv.append("--strict")
        env = {
            **os.environ,
            LANG_ENV: locale,
            CHILD_ENV: "1",
            "SITE_URL": config["extra"]["kb_site_url"],
        }
        output = tempfile.TemporaryFile()  # noqa: SIM115 - open until the child ends (on_post_build)
        proc = subprocess.Popen(argv, env=env, stdout=output, stderr=subprocess.STDOUT)
        _STATE.children.append(_Child(locale, proc, out, output))


def on_env(env: jinja2.Environment, config: Any, files: Files, **_: Any) -> jinja2.Environment:
    env.bytecode_cache = _STATE.templates
    return env


def on_files(files: Files, config: Any, **_: Any) -> Files:
    _use_tuned_index(config)
    _STATE.cache = None
    if os.environ.get(NO_CACHE_ENV) != "1":
        docs = Path(config["docs_dir"])
        _STATE.cache = HtmlCache(docs.parent / CACHE_FOLDER / docs.name, config, files)
    # The hand-written assets (CSS, scripts, the explain index) are shared by every language: they
    # live in docs/assets/, beside the languages' folders, and each build copies them.
    shared = Path(config["docs_dir"]).parent
    for path in sorted((shared / "assets").rglob("*")):
        if path.is_file() and not files.get_file_from_path(path.relative_to(shared).as_posix()):
            files.append(
                File(
                    path.relative_to(shared).as_posix(),
                    src_dir=str(shared),
                    dest_dir=config["site_dir"],
                    use_directory_urls=config["use_directory_urls"],
                )
            )
    return files


def _use_tuned_index(config: Any) -> None:
    """Index the pages with `search.TunedIndex` (after the search plugin's on_config made its own)."""
    from material.plugins.search.plugin import SearchPlugin  # type: ignore[import-untyped]

    from generator.site.search import TunedIndex

    for plugin in config["plugins"].values():
        if isinstance(plugin, SearchPlugin) and plugin.config.enabled:
            plugin.search_index = TunedIndex(config, **plugin.config)


def on_pre_page(page: Any, config: Any, files: Files, **_: Any) -> Any:
    # A page whose Markdown was converted before takes its HTML from the cache (`htmlcache`).
    cache = _STATE.cache
    if cache is not None:
        original = page.render
        page.render = lambda config, files: cache.render(page, config, files, original)
    return page


def on_page_markdown(markdown: str, page: Any, config: Any, **_: Any) -> str:
    # "Edit this page" must open the guide YAML, not the generated Markdown.
    marker = "<!-- Generated from "
    start = markdown.find(marker)
    repo = config.get("repo_url")
    if start != -1 and repo:
        source = markdown[start + len(marker) :].split(" ", 1)[0]
        action = "edit" if source.endswith(".yaml") and "*" not in source else "tree"
        target = source if action == "edit" else "guides"
        page.edit_url = f"{repo.rstrip('/')}/{action}/main/{target}"
    return markdown


def on_page_context(context: Any, page: Any, config: Any, **_: Any) -> Any:
    # The language switcher offers this same page in every language (the paths are the same).
    config["extra"]["alternate"] = site_i18n.page_alternates(config, page.url)
    return context


def on_post_page(output: str, page: Any, config: Any, **_: Any) -> str:
    return site_i18n.compact_html(site_i18n.localise_page(output, config))


def on_template_context(context: Any, template_name: str, config: Any, **_: Any) -> Any:
    if template_name == "404.html":
        from generator.kb.labels import ui

        homes = site_i18n.home_alternates(config)
        config["extra"]["alternate"] = homes
        lang = site_i18n.current_language(config)
        default = homes[0]["lang"] == lang
        context["kb_404"] = {
            "ui": ui()[lang],
            "home": next(h["link"] for h in homes if h["lang"] == lang),
            "others": [h["link"] for h in homes[1:]] if default else [],
        }
    return context


def on_post_template(output: str, template_name: str, config: Any, **_: Any) -> str:
    if template_name != "404.html":
        return output
    return site_i18n.compact_html(site_i18n.localise_page(output, config))


@event_priority(-100)  # after the search plugin wrote its index
def on_post_build(config: Any, **_: Any) -> None:
    site_dir = Path(config["site_dir"])
    lang = site_i18n.current_language(config)
    log.info("generator: %s search index %d bytes", lang, _index_size(config))
    cache, _STATE.cache = _STATE.cache, None
    if cache is not None:
        # A dirty build asks for some pages only: the others' saved HTML stays.
        removed = 0 if _STATE.dirty else cache.prune()
        log.info(
            "generator: %s HTML %d converted, %d saved, %d stale removed",
            lang,
            cache.misses,
            cache.hits,
            removed,
        )
    children, _STATE.children = _STATE.children, []
    failed = []
    for child in children:
        try:
            code = child.proc.wait(timeout=CHILD_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            child.proc.kill()
            code = child.proc.wait()
        child.log.seek(0)
        output = child.log.read().decode("utf-8", "replace")
        child.log.close()
        if code != 0:
            failed.append(f"the {child.locale} build failed ({code}):\n{output}")
            shutil.rmtree(child.out, ignore_errors=True)
            continue
        if output.strip():
            sys.stderr.write(output)
        target = site_dir / child.locale
        if target.exists():
            shutil.rmtree(target)
        child.out.rename(target)
    if failed:
        raise PluginError("\n".join(failed))


def _index_size(config: Any) -> int:
    from generator.site.search import TunedIndex

    for plugin in config["plugins"].values():
        index = getattr(plugin, "search_index", None)
        if isinstance(index, TunedIndex):
            return index.size
    return 0


def on_build_error(**_: Any) -> None:
    # A failed default build must not leave the other languages running.
    for child in _STATE.children:
        child.proc.kill()
        child.proc.wait()
        child.log.close()
        shutil.rmtree(child.out, ignore_errors=True)
    _STATE.children = []
