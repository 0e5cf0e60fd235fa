"""Work the Markdown toolchain repeats for every code block, done once per build process.

pymdownx.highlight makes a new Pygments formatter for each code block, and each formatter works out
the style's CSS classes again (`HtmlFormatter._create_stylesheet`, the same for every block of a
style); it also finds the lexer class by scanning Pygments' table of about 600 lexers, again for
every block. At 1,000 entries per language that was about 2 s of a language's 20 s build. Both
results depend only on their inputs (style and class prefix; language name), so they are kept
for the life of the process; the HTML is the same byte for byte. If a newer Pygments or pymdownx
no longer has the function replaced here, nothing is replaced.
"""

from __future__ import annotations

from typing import Any

_INSTALLED = False


def install() -> None:
    """Replace the two lookups (once per process)."""
    global _INSTALLED
    if _INSTALLED:
        return
    _INSTALLED = True
    _cache_stylesheets()
    _cache_lexer_classes()


def _cache_stylesheets() -> None:
    try:
        from pygments.formatters.html import HtmlFormatter  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - Pygments is a dependency of Material
        return
    original = getattr(HtmlFormatter, "_create_stylesheet", None)
    if original is None:
        return
    sheets: dict[tuple[Any, str], tuple[dict[Any, str], dict[str, Any]]] = {}

    def create_stylesheet(self: Any) -> None:
        key = (self.style, self.classprefix)
        if key not in sheets:
            original(self)
            sheets[key] = (dict(self.ttype2class), dict(self.class2style))
        t2c, c2s = sheets[key]
        self.ttype2class, self.class2style = dict(t2c), dict(c2s)

    HtmlFormatter._create_stylesheet = create_stylesheet


def _cache_lexer_classes() -> None:
    try:
        import pymdownx.highlight as highlight  # type: ignore[import-untyped]
        from pygments.lexers import get_lexer_by_name  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover
        return
    original: Any = get_lexer_by_name
    if highlight.__dict__.get("get_lexer_by_name") is not get_lexer_by_name:
        return
    classes: dict[str, type[Any]] = {}

    def cached_get_lexer_by_name(_alias: str, **options: Any) -> Any:
        cls = classes.get(_alias)
        if cls is None:
            lexer = original(_alias, **options)  # raises ClassNotFound as before
            classes[_alias] = type(lexer)
            return lexer
        return cls(**options)

    highlight.get_lexer_by_name = cached_get_lexer_by_name
