"""`python -m generator check`: choose checks, run them, print findings, return the exit code."""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.check import output
from generator.check.environment import Environment
from generator.check.plan import load_plan
from generator.check.runner import Finding, Planned, in_use, run, select
from generator.contract import SCHEMA_VERSION, USAGE
from generator.kb.labels import pick_lang
from generator.secrets import Scrubber, scrub_logs

if TYPE_CHECKING:
    import httpx


def make_client(timeout: float) -> httpx.Client:
    from generator.check.http import make_client as client

    # trust_env keeps HTTPS_PROXY / SSL_CERT_FILE working as they do for the reader's own tools;
    # a setup that cannot work makes every request fail with the reason (no traceback).
    return client(timeout)


def unused_checks(
    plan: dict[str, Any], items: list[Planned], env: Environment, targets: list[str]
) -> dict[str, dict[str, str]]:
    """Providers and checks no route in use goes through → why they are not checked, in both languages.

    A provider or check named on the command line always runs. A guide the routes do not know falls
    back to its own `applies` condition.
    """
    from generator.check.routes import GUIDE_ROUTES, guide_in_use

    named = set(targets) | {t.split("/", 1)[0] for t in targets}
    ui = plan["ui"]
    names = {p["id"]: p["name"] for p in plan["providers"]}
    out: dict[str, dict[str, str]] = {}

    def reason(provider: str) -> dict[str, str]:
        return {
            lang: ui[lang]["cli_not_in_use_reason"].format(
                provider=names.get(provider, {}).get(lang, provider), id=provider
            )
            for lang in ("ja", "en")
        }

    for p in plan["providers"]:
        if p["id"] in named:
            continue
        if p["id"] in GUIDE_ROUTES:
            if not guide_in_use(p["id"], env.routes):
                out[p["id"]] = reason(p["id"])
        elif not in_use(p.get("applies"), env):
            out[p["id"]] = p["applies"]["reason"]
    for item in items:
        selectors = item.item["params"].get("route") or []
        if item.provider in out or item.full_id in named:
            continue
        skipped = _auth_skipped(item, env)
        if skipped:
            out[item.full_id] = {
                lang: ui[lang]["cli_auth_skipped"].format(setting=skipped) for lang in ("ja", "en")
            }
            continue
        if not selectors:
            continue
        if not guide_in_use(item.provider, env.routes, selectors):
            shown = ", ".join(f"{r.client}:{r.provider}" for r in env.routes) or "-"
            out[item.full_id] = {
                lang: ui[lang]["cli_off_route"].format(routes=shown) for lang in ("ja", "en")
            }
    return out


def _auth_skipped(item: Planned, env: Environment) -> str | None:
    """The `CLAUDE_CODE_SKIP_*_AUTH` switch that makes a credential check moot: every route in use the
    check applies to sends no credential because of it (a gateway signs the request instead)."""
    from generator.check.routes import GUIDE_ROUTES

    if not item.item["signs"]:
        return None
    selectors = item.item["params"].get("route") or GUIDE_ROUTES.get(item.provider) or []
    routes = [r for r in env.routes if any(r.matches(sel) for sel in selectors)]
    switches = [r.auth_switch() for r in routes]
    if not routes or not all(switches):
        return None
    return ", ".join(dict.fromkeys(s for s in switches if s))


def settings_named(items: list[Planned]) -> tuple[list[str], set[str]]:
    """Setting names the chosen checks read, and those they treat as secret (each kind declares which
    of its parameters name settings and secrets; the plan holds them per check)."""
    names: list[str] = []
    secret: set[str] = set()
    for item in items:
        names += [name for name in item.item["reads"] if name not in names]
        secret.update(item.item["secrets"])
    return names, secret


@dataclass(frozen=True)
class CheckOptions:
    """What the command line asked `check` for."""

    targets: list[str] = field(default_factory=list)
    """Providers or `provider/check` IDs; empty means every check."""
    offline: bool = False
    """Touch no network."""
    live: bool = False
    """Also run the checks that spend tokens."""
    json: bool = False
    """One JSON document on stdout."""
    ndjson: bool = False
    """One JSON line per finding as it finishes, then a summary line."""
    report: bool = False
    """A Markdown report for a support ticket."""
    sources: bool = False
    """Print where each setting comes from, then stop."""
    lang: str | None = None
    """Output language; None picks it from the locale."""
    strict: bool = False
    """Exit 1 on warnings too."""
    timeout: float = 5.0
    """Seconds per network probe."""
    deadline: float = 15.0
    """Seconds for the whole run."""
    verbose: bool = False
    """Show evidence and passing checks in full."""
    litellm_config: Path | None = None
    """A LiteLLM proxy `config.yaml` named on the command line."""
    guides: Path | None = None
    """A guides folder other than the bundled one."""
    model: str | None = None
    """The model given on the client's own command line (`claude --model`), which outranks settings."""


def check_command(
    args: CheckOptions,
    *,
    environ: dict[str, str] | None = None,
    home: Path | None = None,
    cwd: Path | None = None,
    client: Any = None,
) -> int:
    environ = dict(os.environ) if environ is None else environ
    if args.litellm_config:
        # The flag wins over the variable, as `litellm --config` does.
        environ = {**environ, "LITELLM_CONFIG": str(args.litellm_config)}
    lang = pick_lang(args.lang, environ)
    plan, problems = load_plan(args.guides)
    if plan is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        return USAGE
    L = plan["ui"][lang]
    en = plan["ui"]["en"]
    items, unknown = select(plan, args.targets)
    if unknown:
        known = [p["id"] for p in plan["providers"]] + [c["id"] for c in plan["checks"]]
        for target in unknown:
            print(L["cli_unknown_target"].format(target=target), file=sys.stderr)
            import difflib

            close = difflib.get_close_matches(target, known, n=3)
            if close:
                print(L["cli_did_you_mean"].format(suggestion=", ".join(close)), file=sys.stderr)
        print("Try 'python -m generator check --help' for help.", file=sys.stderr)
        return USAGE
    if args.live:
        print(L["cli_live_warning"], file=sys.stderr)
    if client is None and not args.offline:
        client = make_client(args.timeout)
    env = Environment(
        vars=environ,
        home=home or Path.home(),
        cwd=cwd or Path.cwd(),
        client=None if args.offline else client,
        timeout=args.timeout,
        models=plan.get("models") or {},
        env_label=L["source_env"],
        ui=plan["ui"],
    )
    from generator.check.routes import plan_facts, resolve_routes

    env.facts = plan_facts(plan)
    env.routes = resolve_routes(env, plan, args.targets, args.model)
    from generator.check.files import file_secrets

    scrub = Scrubber([*env.settings.secrets(), *file_secrets(environ, env.home, env.cwd)])
    scrub_logs(scrub)
    names, secret = settings_named(items)
    rows = env.settings.table(names, secret)
    if args.sources:
        print(scrub("\n".join(output.sources_lines(rows, L))))
        return 0
    labels = {
        "crashed": L["cli_crashed"],
        "crashed_en": en["cli_crashed"],
        "needs_live": L["cli_needs_live"],
        "needs_live_en": en["cli_needs_live"],
        "deadline_en": en["cli_deadline"],
        "fix_export": L["cli_fix_export"],
        "fix_json": L["cli_fix_json"],
        "fix_line": L["cli_fix_line"],
        "fix_dotenv": L["cli_fix_dotenv"],
        "fix_there": L["cli_fix_there"],
    }
    progress = sys.stderr.isatty() and not (args.json or args.ndjson or args.report)
    running: set[str] = set()
    lock = threading.Lock()

    def on_start(item: Planned) -> None:
        if progress:
            with lock:
                running.add(item.full_id)
                output.stderr_progress(f"{L['cli_running']}: {', '.join(sorted(running))[:100]}")

    findings: list[Finding] = []
    order = {it.full_id: i for i, it in enumerate(items)}
    try:
        not_in_use = unused_checks(plan, items, env, args.targets)
        for f in run(
            items,
            env,
            lang,
            live=args.live,
            deadline=args.deadline,
            labels=labels,
            on_start=on_start,
            not_in_use=not_in_use,
        ):
            findings.append(f)
            if progress:
                with lock:
                    running.discard(f.id)
            if args.ndjson:
                output.write(sys.stdout, scrub(output.ndjson_line(f.as_json())) + "\n")
    finally:
        if client is not None:
            client.close()
    if progress:
        output.stderr_progress("")
    findings.sort(key=lambda f: order.get(f.id, 0))
    names_by_provider = {p["id"]: p["name"][lang] for p in plan["providers"]}
    if args.ndjson:
        output.write(
            sys.stdout,
            scrub(
                output.ndjson_line(
                    {
                        "schema_version": SCHEMA_VERSION,
                        "summary": output.summary(findings),
                        "routes": [r.as_json() for r in env.routes],
                    }
                )
            )
            + "\n",
        )
    elif args.json:
        import json

        doc = output.json_document(findings, lang)
        doc["routes"] = [r.as_json() for r in env.routes]
        print(scrub(json.dumps(doc, ensure_ascii=False, indent=2)))
    elif args.report:
        mode = L["cli_offline"] if args.offline else L["cli_live"] if args.live else L["cli_default_mode"]
        print(scrub(output.report(findings, rows, names_by_provider, L, mode, env.routes)))
    else:
        lines = output.text_lines(
            findings,
            names_by_provider,
            L,
            symbols=output.unicode_ok(sys.stdout),
            verbose=args.verbose,
            routes=env.routes,
        )
        text = scrub("\n".join(lines))
        if not output.unicode_ok(sys.stdout):
            text = text.encode("ascii", "replace").decode("ascii") if lang == "en" else text
        print(text)
    return output.exit_code(findings, args.strict)
