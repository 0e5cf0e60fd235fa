"""`python -m generator render`: write the site's pages and the compiled check plan and explain index."""

from __future__ import annotations

import sys
from pathlib import Path

from generator.contract import USAGE
from generator.kb.commands import loaded


def render_command(guides: Path | None, docs: Path | None, *, check: bool) -> int:
    from generator.paths import PLAN_FILE, default_guides_dir
    from generator.site.render import render_site

    cat = loaded(guides)
    if cat is None:
        return USAGE
    result = render_site(cat, docs or Path("docs"), write=not check)
    root = guides or default_guides_dir()
    if not check:
        # Everything a site build would render first, so the build that follows renders nothing.
        from generator.site.render import site_stamp, write_companions
        from generator.site.urls import LANGS

        write_companions(cat, docs or Path("docs"), root, LANGS, site_stamp(root))
        print(f"{len(result.changed)} of {result.total} page(s) written, {len(result.removed)} stale removed")
        return 0
    from generator.check.plan import is_fresh

    # The compiled check plan belongs to the bundled guides only; other folders compile on the fly.
    if root.resolve() == default_guides_dir().resolve() and not is_fresh(cat, root):
        result.changed.append(PLAN_FILE)
    if result.changed:
        for path in result.changed[:20]:
            print(f"out of date: {path}", file=sys.stderr)
        print("Run: python -m generator render", file=sys.stderr)
        return 1
    print(f"up to date: {result.total} page(s)")
    return 0
