"""`python -m generator render`: write the site's pages and the compiled check plan and explain index."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from generator.contract import USAGE
from generator.kb.commands import loaded


def render_command(guides: Path | None, docs: Path | None, *, check: bool) -> int:
    from generator.site.render import render_site

    cat = loaded(guides)
    if cat is None:
        return USAGE
    result = render_site(cat, docs or Path("docs"), write=not check)
    from generator.check.plan import is_fresh, write_plan
    from generator.paths import PLAN_FILE, default_guides_dir

    # The compiled check plan belongs to the bundled guides only; other folders compile on the fly.
    root = guides or default_guides_dir()
    if root.resolve() == default_guides_dir().resolve():
        if check and not is_fresh(cat, root):
            result.changed.append(PLAN_FILE)
        elif not check:
            write_plan(cat, root)
            from generator.explain.index import write_cli_index

            write_cli_index(cat, root)
    if not check:
        # Everything a site build would render first, so the build that follows renders nothing.
        from generator.explain.index import write_explain_files
        from generator.site.render import STAMP_FILE, nav, site_stamp
        from generator.site.urls import LANGS

        out = docs or Path("docs")
        write_explain_files(cat, out, root)
        for lang in LANGS:
            (out / f".nav.{lang}.json").write_text(
                json.dumps(nav(cat, lang), ensure_ascii=False), encoding="utf-8"
            )
        (out / STAMP_FILE).write_text(site_stamp(root), encoding="utf-8")
    if check:
        if result.changed:
            for path in result.changed[:20]:
                print(f"out of date: {path}", file=sys.stderr)
            print("Run: python -m generator render", file=sys.stderr)
            return 1
        print(f"up to date: {result.total} page(s)")
        return 0
    print(f"{len(result.changed)} of {result.total} page(s) written, {len(result.removed)} stale removed")
    return 0
