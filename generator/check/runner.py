"""Run checks concurrently, each bounded, and turn probe results into findings with guide text."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from types import SimpleNamespace
from typing import Any, NamedTuple

from generator.check.environment import Environment, Result
from generator.check.kinds import Status, probe_for
from generator.check.trust import SHARED_OUTCOMES
from generator.site.urls import entry_url, provider_url


class Finding(NamedTuple):
    """One check's verdict, in the shape of DESIGN.md's `check --json`."""

    id: str
    """`provider/check-id`."""
    provider: str
    """Provider ID."""
    status: Status
    """pass, warn, fail, skip or error."""
    title: str
    """The check's title in the output language."""
    message: str
    """What was found, in the output language."""
    message_en: str
    """The same in English, for bug reports."""
    evidence: dict[str, Any]
    """Facts behind the verdict; secrets masked."""
    source: str
    """`guides/<provider>.yaml:<line>` of the check."""
    fix: str | None
    """What to do, when something is wrong."""
    docs_url: str | None
    """The entry page that explains it."""
    covers: list[str]
    """Catalogue codes."""
    duration_ms: int
    """How long the probe took."""
    outcome: str = ""
    """The probe's outcome name (kept for tests and --verbose)."""
    where: str | None = None
    """`<path>:<line>` of the file that sets the judged value, when it comes from a file."""
    step: int = 2
    """Which part of the request its kind judges (0 credential, 1 model, 2 the rest): the order
    problems are listed in."""
    origin: str | None = None
    """`env` when the judged value came from the environment (no file holds it)."""

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "provider": self.provider,
            "status": self.status.value,
            "title": self.title,
            "message": self.message,
            "message_en": self.message_en,
            "evidence": self.evidence,
            # Where the judged value lives (DESIGN.md): its file and line, `env`, or null when no value
            # was judged; never the guide (that is `docs_url`'s job).
            "source": self.where or self.origin,
            "fix": self.fix,
            "docs_url": self.docs_url,
            "covers": self.covers,
            "duration_ms": self.duration_ms,
        }


class _Values(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fmt(text: str, values: dict[str, str]) -> str:
    try:
        return text.format_map(_Values(values))
    except (ValueError, IndexError, AttributeError, KeyError):
        return text  # a malformed placeholder shows as written rather than crashing the run


class Planned(NamedTuple):
    """A check chosen to run, as the compiled plan describes it."""

    item: dict[str, Any]
    """The plan's entry for the check (ID, kind, params, texts)."""

    @property
    def full_id(self) -> str:
        return str(self.item["id"])

    @property
    def provider(self) -> str:
        return str(self.item["provider"])

    def params(self) -> Any:
        # The plan holds validated parameters with every default filled in; probes read them as
        # attributes, so a namespace serves without building the parameter dataclasses.
        return SimpleNamespace(**self.item["params"])


def in_use(applies: dict[str, Any] | None, env: Environment) -> bool:
    """Whether a provider's `applies` condition holds on this machine."""
    if applies is None:
        return True
    if any(env.settings.resolve(var, applies["sources"]).value for var in applies["any_of"]):
        return True
    return any(env.settings.sources[f].exists for f in applies["files"] if f in env.settings.sources)


def select(plan: dict[str, Any], targets: list[str]) -> tuple[list[Planned], list[str]]:
    """The checks selected by targets (providers or full IDs), in guide order; unknown targets are returned."""
    everything = [Planned(item) for item in plan["checks"]]
    if not targets:
        return everything, []
    chosen: list[Planned] = []
    unknown = []
    for target in targets:
        hits = [p for p in everything if target in (p.provider, p.full_id)]
        if not hits:
            unknown.append(target)
        chosen += [h for h in hits if h not in chosen]
    return chosen, unknown


def _text(t: dict[str, str] | None, lang: str) -> str | None:
    return t[lang] if t else None


NOT_IN_USE = "not-in-use"
"""Outcome name of a check skipped because no route the reader uses goes through its provider."""


def located(result: Result, env: Environment | None) -> tuple[str | None, dict[str, Any] | None]:
    """Where the judged value lives (`path:line`, or None for the environment), and how to set it there."""
    ev = result.evidence
    fix_at = ev.get("fix_at") if isinstance(ev.get("fix_at"), dict) else None
    if fix_at:
        source, line = fix_at.get("source"), fix_at.get("line")
        where = f"{source}:{line}" if source not in (None, "env", "default") and line else None
        return where, fix_at
    at = ev.get("at") if isinstance(ev.get("at"), dict) else None
    if at and at.get("source") and at.get("line"):  # a file's line to fix by hand (no value to set)
        return f"{at['source']}:{at['line']}", None
    var, label = ev.get("var"), ev.get("source")
    if env is None or not isinstance(var, str) or not isinstance(label, str):
        return None, None
    for src in env.settings.sources.values():
        if src.path and label.startswith(src.label):
            alias = label[len(src.label) :].strip(" ()") or var
            line = src.lines.get(alias)
            at = {"var": alias, "value": None, "source": src.path, "line": line}
            return (f"{src.path}:{line}" if line else src.path), at
    if label == env.env_label:
        return None, {"var": var, "value": None, "source": "env", "line": None}
    return None, None


def set_instruction(at: dict[str, Any] | None, labels: dict[str, str]) -> str | None:
    """ "export X=…", the JSON for a settings file, or "edit line N of config.toml", in the output language."""
    if not at or not labels:
        return None
    import json

    var, value, source, line = at.get("var"), at.get("value") or "…", at.get("source"), at.get("line")
    if source in (None, "env", "default"):
        return labels["fix_export"].format(var=var, value=value)
    src = str(source)
    if src.endswith(".json"):
        doc = {var: value} if var == "model" else {"env": {var: value}}
        return labels["fix_json"].format(json=json.dumps(doc, ensure_ascii=False), path=src)
    if src.endswith((".yaml", ".yml")):  # a YAML key is edited only when the new value is known
        known = isinstance(var, str) and at.get("value")
        return (
            labels["fix_line"].format(line=line or 1, path=src, assignment=f"{var}: {value}")
            if known
            else None
        )
    if src.endswith(".toml") and isinstance(var, str):
        key = var.removeprefix("LLM_").lower()
        return labels["fix_line"].format(line=line or 1, path=src, assignment=f'{key} = "{value}"')
    return labels["fix_dotenv"].format(line=line or 1, path=src, var=var, value=value)


def finding(
    item: Planned,
    result: Result,
    lang: str,
    ms: int,
    skip_reason: tuple[str, str] | None = None,
    env: Environment | None = None,
    labels: dict[str, str] | None = None,
) -> Finding:
    spec = item.item
    where, at = located(result, env)
    instruction = set_instruction(at, labels or {})
    if instruction:
        result = replace(result, values={**result.values, "set": instruction})
    outcome = spec["outcomes"].get(result.outcome)
    declared = spec["statuses"].get(result.outcome)  # the kind's own outcomes, compiled into the plan
    status = Status(declared) if declared else SHARED_OUTCOMES.get(result.outcome, Status.FAIL)
    if outcome is None and result.message:  # an outcome every kind shares: its text is a UI label
        outcome = {"message": result.message, "fix": result.fix, "covers": None, "entry": None}
    if outcome is None:  # unreachable for validated guides; kept honest rather than silent
        msg = msg_en = result.outcome
        fix = None
        covers = list(spec["covers"])
        entry_ref = None
    else:
        msg = _fmt(outcome["message"][lang], result.values)
        msg_en = _fmt(outcome["message"]["en"], result.values)
        fix_text = _text(outcome["fix"], lang)
        fix = _fmt(fix_text, result.values) if fix_text else None
        if fix and fix_text and where and instruction and "{set}" not in fix_text and labels:
            # The guide's fix is written for the shell; the value lives in a file, which is where it
            # has to change. A JSON settings file (Claude Code's, OpenHands' agent settings) wins over
            # the shell, so a fix that exports the variable would change nothing: the file edit alone.
            there = labels["fix_there"].format(where=where, set=instruction)
            if "export " in fix_text and where.rsplit(":", 1)[0].endswith(".json"):
                fix = there
            else:
                stop = "" if fix.endswith((".", "。")) else "。" if lang == "ja" else "."
                fix = f"{fix}{stop}{'' if lang == 'ja' else ' '}{there}"
        covers = list(outcome["covers"] or spec["covers"])
        entry_ref = outcome["entry"] or spec["docs_entry"]
    if skip_reason:
        status, msg, msg_en = Status.SKIP, skip_reason[0], skip_reason[1]
    if entry_ref:
        provider, _, entry_id = entry_ref.partition("/")
        docs = entry_url(provider, entry_id, lang)
    else:
        docs = provider_url(item.provider, lang)
    return Finding(
        id=item.full_id,
        provider=item.provider,
        status=status,
        title=spec["title"][lang],
        message=msg,
        message_en=msg_en,
        evidence=result.evidence,
        source=spec["source"],
        fix=fix if status in (Status.WARN, Status.FAIL) else None,
        docs_url=docs,
        covers=covers,
        duration_ms=ms,
        outcome=NOT_IN_USE if skip_reason and result.outcome == NOT_IN_USE else result.outcome,
        where=where,
        step=spec["step"],
        origin="env" if at and at.get("source") == "env" and not where else None,
    )


def crashed(item: Planned, lang: str, exc: BaseException, ms: int, labels: dict[str, str]) -> Finding:
    import traceback  # only when a probe crashed: it pulls in linecache and tokenize

    from generator.secrets import clip

    # Masked before it is cut, and one printable line: an exception may quote a settings value.
    tb = clip(traceback.format_exception_only(type(exc), exc)[-1].strip(), 300)
    return Finding(
        id=item.full_id,
        provider=item.provider,
        status=Status.ERROR,
        title=item.item["title"][lang],
        message=labels["crashed"].format(error=tb),
        message_en=labels["crashed_en"].format(error=tb),
        evidence={"exception": type(exc).__name__},
        source=item.item["source"],
        fix=None,
        docs_url=provider_url(item.provider, lang),
        covers=list(item.item["covers"]),
        duration_ms=ms,
        outcome="",
    )


def run(
    items: list[Planned],
    env: Environment,
    lang: str,
    *,
    live: bool,
    deadline: float,
    labels: dict[str, str],
    on_start: Callable[[Planned], None] | None = None,
    not_in_use: dict[str, dict[str, str]] | None = None,
) -> Iterator[Finding]:
    """Yield findings as probes finish; the slowest probe bounds the run, the deadline bounds it all.

    `not_in_use` maps providers (or single check IDs) that no route in use goes through to the reason,
    in both languages; their checks become skips without running.
    """
    from generator.check.bounded import clock_start

    started = clock_start()  # run as a process, the deadline counts from its start
    unused = not_in_use or {}

    def one(item: Planned) -> Finding:
        t0 = time.monotonic()
        if on_start:
            on_start(item)
        try:
            reason = unused.get(item.full_id) or unused.get(item.provider)
            if reason:
                return finding(item, Result(NOT_IN_USE), lang, 0, (reason[lang], reason["en"]))
            if item.item["cost"] == "paid-call" and not live:
                return finding(item, Result("skip"), lang, 0, (labels["needs_live"], labels["needs_live_en"]))
            result = probe_for(item.item["kind"])(item.params(), env)
            return finding(item, result, lang, int((time.monotonic() - t0) * 1000), env=env, labels=labels)
        except Exception as exc:  # a broken probe is a status, never a traceback on screen
            return crashed(item, lang, exc, int((time.monotonic() - t0) * 1000), labels)

    # Local probes read a few small files: they run here, in order, which costs less than handing
    # them to threads. Probes that wait on the network run side by side, bounded by the deadline.
    remote = [
        it
        for it in items
        if env.client is not None
        and it.item["cost"] != "local"
        and it.provider not in unused
        and it.full_id not in unused
    ]
    for item in items:
        if item not in remote:
            yield one(item)
    if not remote:
        return
    from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

    pool = ThreadPoolExecutor(max_workers=min(16, len(remote)), thread_name_prefix="probe")
    try:
        pending: dict[Future[Finding], Planned] = {pool.submit(one, it): it for it in remote}
        while pending:
            left = deadline - (time.monotonic() - started)
            if left <= 0:
                break
            done, _ = wait(pending, timeout=left, return_when=FIRST_COMPLETED)
            for fut in done:
                pending.pop(fut)
                yield fut.result()
        for fut, item in pending.items():
            fut.cancel()
            exc = TimeoutError(labels["deadline_en"].format(seconds=f"{deadline:g}"))
            yield crashed(item, lang, exc, int(deadline * 1000), labels)
    finally:
        # Threads still blocked on the network are abandoned, not awaited: the deadline holds.
        pool.shutdown(wait=False, cancel_futures=True)
