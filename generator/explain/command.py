"""`python -m generator explain [TEXT | -] [--json] [--lang ja|en]`: print the entries that fit a
pasted error.

Exit codes (DESIGN.md): 0 something matched, 1 nothing matched, 2 usage error (no text). Only light modules are imported: with a current cache the whole call takes a
few tens of milliseconds.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from generator.contract import FAILED, OK, SCHEMA_VERSION, USAGE
from generator.explain.match import Match

MATCHED, NOTHING = OK, FAILED
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")


def explain_command(
    text_arg: str,
    *,
    as_json: bool = False,
    lang: str | None = None,
    limit: int = 3,
    guides: Path | None = None,
) -> int:
    from generator.explain.index import cached_index_data
    from generator.explain.match import Index, explain
    from generator.kb.labels import current_lang

    lang = current_lang(lang)
    # The labels travel in the cached index, so a warm call reads no YAML at all.
    data = cached_index_data(guides)
    labels: dict[str, str] = data["labels"][lang]
    text = _read_text(text_arg, labels)
    if not text.strip():
        print(labels["explain_empty"], file=sys.stderr)
        return USAGE
    if limit < 1:
        print(labels["explain_bad_limit"], file=sys.stderr)
        return USAGE
    if data.get("problems"):
        print(labels["explain_bad_guides"].format(count=len(data["problems"])), file=sys.stderr)
    matches = _shown(explain(text, Index.from_data(data)), limit)
    if as_json:
        doc = {"schema_version": SCHEMA_VERSION, "lang": lang, "matches": [_json(m, lang) for m in matches]}
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    elif matches:
        _write("\n\n".join(_text(k, m, lang, labels) for k, m in enumerate(matches, 1)) + "\n")
    else:
        _write(labels["explain_none"] + "\n")
    return MATCHED if matches else NOTHING


def _read_text(arg: str | None, labels: dict[str, str]) -> str:
    if arg not in (None, "-"):
        return str(arg)
    if sys.stdin is None:
        return ""
    if sys.stdin.isatty():
        print(labels["explain_stdin"], file=sys.stderr)
    # Bytes, so a paste in another encoding or with a stray byte still reads.
    # At most 1 MB: `explain - < /dev/zero` must end, and no error message is longer.
    limit = 1024 * 1024
    raw = sys.stdin.buffer.read(limit) if hasattr(sys.stdin, "buffer") else sys.stdin.read(limit).encode()
    return raw.decode("utf-8", errors="replace")


def _shown(matches: list[Match], limit: int) -> list[Match]:
    """The first `limit` matches, plus any that tie with the last one shown: a tie between
    providers is never cut to a single answer."""
    if len(matches) <= limit:
        return matches
    cut = matches[limit - 1].score
    return [m for k, m in enumerate(matches) if k < limit or m.score == cut]


def _json(m: Match, lang: str) -> dict[str, Any]:
    from generator.secrets import redact_pasted
    from generator.site.urls import entry_url

    e = m.entry
    return {
        "entry": e.id,
        "score": m.score,
        "covers": list(e.data["covers"]),
        "title": e.title[lang],
        "docs_url": entry_url(e.provider, e.entry, lang),
        "checks": list(e.data["checks"]),
        "fix": _fix_json(m, lang),
        # The quote is the reader's own paste: a key in it (however short) is masked, not echoed.
        "why": {k: redact_pasted(v) if isinstance(v, str) else v for k, v in m.why.as_dict().items()},
    }


def chosen_fix(m: Match) -> tuple[dict[str, Any], dict[str, Any] | None] | None:
    """The fix to show first, and its snippet: for a text that shows which tool printed it, the
    entry's first fix with a snippet for that tool (unless the entry is that tool's own, where
    every fix is); else the first fix."""
    from generator.explain.match import TOOLS

    fixes: list[dict[str, Any]] = list(m.entry.data.get("fixes") or [])
    if not fixes:
        return None
    tool = next((t for t in TOOLS if t.id == m.why.tool), None)
    if tool and tool.provider != m.entry.provider:
        for fix in fixes:
            for name in tool.snippets:
                snippet = next((sn for sn in fix["snippets"] if sn["tool"] == name), None)
                if snippet:
                    return fix, snippet
    first = fixes[0]
    return first, (first["snippets"][0] if first["snippets"] else None)


def _fix_json(m: Match, lang: str) -> dict[str, Any] | None:
    chosen = chosen_fix(m)
    if chosen is None:
        return None
    fix, snippet = chosen
    return {
        "text": fix[lang],
        "tool": snippet["tool"] if snippet else None,
        "code": snippet["code"] if snippet else None,
    }


def _text(k: int, m: Match, lang: str, labels: dict[str, str]) -> str:
    from generator.site.urls import entry_url

    e = m.entry
    lines = [f"{k}. {e.title[lang]}", f"   {e.id} · {labels['explain_score']} {m.score}"]
    lines.append(f"   {labels['explain_why']}: {_why(m, labels)}")
    if m.why.tied_with:
        lines.append("   " + labels["explain_tied"].format(entries=", ".join(m.why.tied_with)))
    causes = e.data.get("causes") or []
    if causes:
        lines.append(f"   {labels['explain_causes']}:")
        lines += [_indented(f"- {_plain(c[lang])}", 5) for c in causes]
    chosen = chosen_fix(m)
    if chosen:
        fix, snippet = chosen
        lines.append(_indented(f"{labels['cli_fix']}: {_plain(fix[lang])}", 3))
        if snippet:
            lines.append(f"     [{snippet['tool']}]")
            lines += [f"       {line}" for line in str(snippet["code"]).rstrip().splitlines()]
    checks = e.data.get("checks") or []
    if checks:
        lines.append(f"   {labels['explain_next']}: python -m generator check {' '.join(checks)}")
    lines.append(f"   {labels['cli_docs']}: {entry_url(e.provider, e.entry, lang)}")
    return "\n".join(lines)


def _why(m: Match, labels: dict[str, str]) -> str:
    w = m.why
    if w.similar is not None:
        said = (m.entry.data.get("message_text") or [])[w.similar : w.similar + 1]
        parts = [labels["explain_similar"].format(message=f'"{said[0]}"' if said else "")]
    else:
        parts = [labels["explain_pattern"].format(pattern=w.pattern)]
    if w.quote:
        parts.append(labels["explain_quote"].format(quote=f'"{w.quote}"'))
    if w.tool:
        parts.append(labels["explain_tool"].format(tool=w.tool, marker=w.tool_marker or ""))
    if w.status is not None:
        parts.append(labels["explain_status"].format(status=w.status))
    if w.status_conflict:
        expected = ", ".join(str(s) for s in m.entry.status)
        stated = ", ".join(str(s) for s in w.status_conflict)
        parts.append(labels["explain_status_conflict"].format(stated=stated, expected=expected))
    if w.error_type:
        parts.append(labels["explain_type"].format(type=w.error_type))
    if w.hints:
        parts.append(labels["explain_hints"].format(hints=", ".join(w.hints)))
    return " · ".join(parts)


def _plain(markdown: str) -> str:
    """Guide Markdown for a terminal: links shown as `text (url)`, the rest as written."""
    return _LINK.sub(r"\1 (\2)", markdown.strip())


def _indented(text: str, width: int) -> str:
    pad = " " * width
    first, *rest = text.splitlines() or [""]
    return "\n".join([pad + first] + [pad + "  " + line if line.strip() else "" for line in rest])


def _write(text: str) -> None:
    try:
        sys.stdout.write(text)
    except UnicodeEncodeError:
        # A console that cannot show Japanese still gets the IDs and URLs.
        enc = sys.stdout.encoding or "ascii"
        sys.stdout.write(text.encode(enc, errors="replace").decode(enc))
