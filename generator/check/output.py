"""Findings → text, JSON, NDJSON or a Markdown report. No checking logic here."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable
from typing import Any, TextIO

from generator import __version__
from generator.check.kinds import Status
from generator.check.runner import Finding
from generator.contract import CRASHED, FAILED, OK, SCHEMA_VERSION

SYMBOLS = {Status.PASS: "✓", Status.WARN: "!", Status.FAIL: "✗", Status.SKIP: "-", Status.ERROR: "‼"}
ASCII = {
    Status.PASS: "[ok]",
    Status.WARN: "[warn]",
    Status.FAIL: "[FAIL]",
    Status.SKIP: "[skip]",
    Status.ERROR: "[ERR]",
}
ORDER = [Status.PASS, Status.WARN, Status.FAIL, Status.SKIP, Status.ERROR]


def summary(findings: Iterable[Finding]) -> dict[str, int]:
    counts = Counter(f.status for f in findings)
    return {s.value: counts.get(s, 0) for s in ORDER}


def exit_code(findings: list[Finding], strict: bool) -> int:
    """0 nothing failed; 1 a failure (or a warning with --strict); 3 a crash and no failure."""
    statuses = {f.status for f in findings}
    if Status.FAIL in statuses or (strict and Status.WARN in statuses):
        return FAILED
    if Status.ERROR in statuses:
        return CRASHED
    return OK


def unicode_ok(stream: TextIO) -> bool:
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    return encoding in ("utf8", "utf8sig")


def json_document(findings: list[Finding], lang: str) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "lang": lang,
        "findings": [f.as_json() for f in findings],
        "summary": summary(findings),
    }


def ndjson_line(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def text_lines(
    findings: list[Finding], names: dict[str, str], L: dict[str, str], *, symbols: bool, verbose: bool
) -> list[str]:
    marks = SYMBOLS if symbols else ASCII
    out: list[str] = []
    provider = None
    for f in findings:
        if f.provider != provider:
            provider = f.provider
            out.append(f"{names.get(provider, provider)} ({provider})")
        check = f.id.split("/", 1)[1]
        out.append(f"  {marks[f.status]} {check}: {f.message}")
        if f.fix:
            out.append(f"      {L['cli_fix']}: {f.fix}")
        if f.status in (Status.WARN, Status.FAIL, Status.ERROR) and f.docs_url:
            out.append(f"      {L['cli_docs']}: {f.docs_url}")
        if verbose and f.evidence:
            out.append(f"      evidence: {json.dumps(f.evidence, ensure_ascii=False)}")
    counts = summary(findings)
    parts = [f"{counts[s.value]} {L['cli_' + s.value]}" for s in ORDER]
    out.append("")
    out.append(f"{L['cli_summary']}: " + ", ".join(parts))
    return out


def sources_lines(rows: list[dict[str, Any]], L: dict[str, str]) -> list[str]:
    if not rows:
        return [L["cli_no_settings"]]
    out = [f"{L['cli_sources_title']}:"]
    for row in rows:
        out.append(f"  {row['var']}")
        for i, src in enumerate(row["sources"]):
            tag = L["cli_wins"] if i == 0 else L["cli_shadowed"]
            out.append(
                f"    {src['source']}: {src['value']}  ({tag})"
                if len(row["sources"]) > 1
                else f"    {src['source']}: {src['value']}"
            )
    return out


def report(
    findings: list[Finding], rows: list[dict[str, Any]], names: dict[str, str], L: dict[str, str], mode: str
) -> str:
    """A Markdown report for a support ticket: findings, provenance, versions; nothing personal."""
    import platform

    lines = [f"# {L['report_title']}", "", f"> {L['report_note']}", "", f"## {L['report_environment']}", ""]
    lines += [
        f"- llm-access-doctor {__version__}",
        f"- Python {platform.python_version()} ({platform.system()} {platform.machine()})",
        f"- {L['report_mode']}: {mode}",
        "",
        f"## {L['report_findings']}",
        "",
        "| | ID | " + L["cli_value"] + " |",
        "|---|---|---|",
    ]
    for f in findings:
        msg = f.message.replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {f.status.value} | `{f.id}` | {msg} |")
    lines.append("")
    counts = summary(findings)
    lines.append(
        f"{L['cli_summary']}: " + ", ".join(f"{counts[s.value]} {L['cli_' + s.value]}" for s in ORDER)
    )
    problems = [f for f in findings if f.status in (Status.WARN, Status.FAIL, Status.ERROR)]
    if problems:
        lines += ["", f"### {L['cli_fix']}", ""]
        for f in problems:
            lines.append(f"- `{f.id}`: {f.fix or f.message}" + (f" ({f.docs_url})" if f.docs_url else ""))
    lines += ["", f"## {L['cli_sources_title']}", ""]
    if rows:
        lines += [f"| {L['cli_setting']} | {L['cli_source']} | {L['cli_value']} |", "|---|---|---|"]
        for row in rows:
            for i, src in enumerate(row["sources"]):
                tag = (
                    f" ({L['cli_wins'] if i == 0 else L['cli_shadowed']})" if len(row["sources"]) > 1 else ""
                )
                lines.append(f"| `{row['var']}` | {src['source']}{tag} | `{src['value']}` |")
    else:
        lines.append(L["cli_no_settings"])
    return "\n".join(lines) + "\n"


def write(stream: TextIO, text: str) -> None:
    stream.write(text)
    stream.flush()


def stderr_progress(text: str) -> None:
    sys.stderr.write("\r\033[K" + text)
    sys.stderr.flush()
