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
from generator.secrets import clean

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


def route_line(route: Any, L: dict[str, str]) -> str:
    """One line per route: client (version) → provider at endpoint, auth and credential, model, region."""
    client = f"{route.client} {route.version}" if route.version else route.client
    cred = route.credential
    if cred is None:
        who = route.auth_switch() or L["cli_route_no_credential"]
    else:
        who = f"{cred.setting}" + (f" {cred.masked}" if cred.masked else "")
        who += f" @ {cred.origin.where()}" if cred.origin.source != "env" else ""
    parts = [f"{client} → {route.provider} {route.endpoint or '?'}", f"{route.auth} ({who})"]
    for label, choice in (("cli_route_model", route.model), ("cli_route_small", route.small_model)):
        if choice is None:
            continue
        text = choice.resolved or choice.value
        if choice.resolved and choice.value != choice.resolved:
            text = f"{choice.value} → {choice.resolved}"
        if not choice.known:
            text += " " + L["cli_route_unresolved"]
        parts.append(f"{L[label]} {text}")
    if route.region is not None:
        parts.append(f"{L['cli_route_region']} {route.region.value}")
    if route.project is not None:
        parts.append(f"{L['cli_route_project']} {route.project.value}")
    return clean(", ".join(parts))  # settings values: one printable line, no control sequence


def _rank(f: Finding) -> tuple[int, int]:
    # The real fault first, in the order the request meets it: failures before warnings; among them
    # the credential (refused before anything else is read), then the route's model, then the rest.
    severity = {Status.ERROR: 1, Status.FAIL: 0, Status.WARN: 2}.get(f.status, 3)
    return severity, f.step


def text_lines(
    findings: list[Finding],
    names: dict[str, str],
    L: dict[str, str],
    *,
    symbols: bool,
    verbose: bool,
    routes: list[Any] | None = None,
) -> list[str]:
    """Routes first, then what needs attention with its fix; one line per provider otherwise (`-v`: all)."""
    marks = SYMBOLS if symbols else ASCII
    out: list[str] = []
    routes = routes or []
    if routes:
        out.append(f"{L['cli_routes']}:")
        out += [f"  {route_line(r, L)}" for r in routes]
    else:
        out.append(L["cli_route_none"])
    out.append("")
    if verbose:
        out += _all_lines(findings, names, L, marks)
    else:
        # Equal faults follow the routes' order (Claude Code's first): the guide of the first route first.
        guides = {"claude-code": "claude-code", "anthropic-sdk": "anthropic", "openai-sdk": "openai-sdk"}
        order: list[str] = []
        for r in routes:
            order += [guides.get(r.client, r.client.split("-")[0]), r.provider]
        problems = sorted(
            (f for f in findings if f.status in (Status.WARN, Status.FAIL, Status.ERROR)),
            key=lambda f: (*_rank(f), order.index(f.provider) if f.provider in order else len(order)),
        )
        for f in problems:
            out += _finding_lines(f, L, marks, f.id)
        unused: list[str] = []
        for provider in dict.fromkeys(f.provider for f in findings):
            mine = [f for f in findings if f.provider == provider]
            name = f"{names.get(provider, provider)} ({provider})"
            if all(f.outcome == "not-in-use" for f in mine):
                unused.append(f"  {marks[Status.SKIP]} {name}: {L['cli_not_in_use']}")
                continue
            ran = [f for f in mine if f.status == Status.PASS]
            if ran and not any(f.status in (Status.WARN, Status.FAIL, Status.ERROR) for f in mine):
                out.append(f"{marks[Status.PASS]} {name}: {L['cli_in_use_ok'].format(count=len(ran))}")
        out += unused
        if routes:
            out.append(L["cli_verbose_hint"])
    if not routes:
        providers = " | ".join(dict.fromkeys(f.provider for f in findings))
        out.append(L["cli_route_name"].format(providers=providers))
    counts = summary(findings)
    parts = [f"{counts[s.value]} {L['cli_' + s.value]}" for s in ORDER]
    out.append("")
    out.append(f"{L['cli_summary']}: " + ", ".join(parts))
    return out


def _finding_lines(f: Finding, L: dict[str, str], marks: dict[Status, str], label: str) -> list[str]:
    out = [f"{marks[f.status]} {label}: {f.message}"]
    if f.where:
        out.append(f"    {L['cli_at']}: {f.where}")
    if f.fix:
        out.append(f"    {L['cli_fix']}: {f.fix}")
    if f.status in (Status.WARN, Status.FAIL, Status.ERROR) and f.docs_url:
        out.append(f"    {L['cli_docs']}: {f.docs_url}")
    return out


def _all_lines(
    findings: list[Finding], names: dict[str, str], L: dict[str, str], marks: dict[Status, str]
) -> list[str]:
    out: list[str] = []
    provider = None
    for f in findings:
        if f.provider != provider:
            provider = f.provider
            out.append(f"{names.get(provider, provider)} ({provider})")
        check = f.id.split("/", 1)[1]
        out += ["  " + line for line in _finding_lines(f, L, marks, check)]
        if f.evidence:
            out.append(f"      evidence: {json.dumps(f.evidence, ensure_ascii=False)}")
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
    findings: list[Finding],
    rows: list[dict[str, Any]],
    names: dict[str, str],
    L: dict[str, str],
    mode: str,
    routes: list[Any] | None = None,
) -> str:
    """A Markdown report for a support ticket: findings, provenance, versions; nothing personal."""
    import platform

    lines = [f"# {L['report_title']}", "", f"> {L['report_note']}", "", f"## {L['report_environment']}", ""]
    lines += [
        f"- llm-access-doctor {__version__}",
        f"- Python {platform.python_version()} ({platform.system()} {platform.machine()})",
        f"- {L['report_mode']}: {mode}",
        "",
        f"## {L['cli_routes']}",
        "",
        *([f"- {route_line(r, L)}" for r in routes] if routes else [L["cli_route_none"]]),
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
