"""`python -m generator <command>`: parse arguments, call one function, return an exit code.

Imports are lazy on purpose: `check --offline` must answer fast, so each command imports only
what it uses.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from generator.check.bounded import guard_process, seconds
from generator.contract import USAGE

if TYPE_CHECKING:
    from generator.check.command import CheckOptions

HELP_HINT = "Try 'python -m generator --help' for help."


class _Formatter(argparse.HelpFormatter):
    # argparse builds a formatter for every add_argument and sizes it with shutil, whose import
    # (with its compression modules) is a tenth of `check --offline`'s start-up; os says the same.
    def __init__(self, prog: str, **kwargs: int) -> None:
        try:
            columns = os.get_terminal_size().columns
        except OSError:
            columns = 80
        kwargs.setdefault("width", int(os.environ.get("COLUMNS", "0") or 0) or columns)
        super().__init__(prog, **kwargs)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message}\n{HELP_HINT}\n")
        raise SystemExit(USAGE)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m generator", description="Troubleshooting knowledge base for LLM access.")
    p.add_argument("--guides", type=Path, help="folder of guide YAML files (default: the bundled guides)")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sub.add_parser("validate", help="check every guide file; problems print as path:line: message")
    sub.add_parser("schema", help="print the JSON Schema of a guide file")

    ls = sub.add_parser("list", help="list entries and checks")
    ls.add_argument("--json", action="store_true", help="print JSON (schema_version 1)")
    ls.add_argument(
        "--kinds", action="store_true", help="list probe kinds with their parameters and outcomes"
    )

    rd = sub.add_parser("render", help="write the generated pages under docs/")
    rd.add_argument("--docs", type=Path, default=None, help="docs folder (default: ./docs)")
    rd.add_argument("--check", action="store_true", help="write nothing; exit 1 if a page is out of date")

    ck = sub.add_parser("check", help="diagnose this machine's setup")
    ck.add_argument(
        "targets", nargs="*", metavar="TARGET", help="provider or provider/check IDs (default: all)"
    )
    mode = ck.add_mutually_exclusive_group()
    mode.add_argument("--offline", action="store_true", help="touch no network")
    mode.add_argument("--live", action="store_true", help="also run checks that spend tokens")
    fmt = ck.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="one JSON document on stdout")
    fmt.add_argument("--ndjson", action="store_true", help="one JSON line per finding as it finishes")
    fmt.add_argument("--report", action="store_true", help="Markdown report for a support ticket")
    fmt.add_argument("--sources", action="store_true", help="print where each setting comes from, then stop")
    ck.add_argument("--lang", choices=("ja", "en"), help="output language (default: from LC_ALL/LANG)")
    ck.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    ck.add_argument("--timeout", type=seconds, default=5.0, help="seconds per network probe (default 5)")
    ck.add_argument("--deadline", type=seconds, default=15.0, help="seconds for the whole run (default 15)")
    ck.add_argument("-v", "--verbose", action="store_true", help="show evidence and passing checks in full")
    ck.add_argument(
        "--litellm-config",
        type=Path,
        help="LiteLLM proxy config.yaml (default: $LITELLM_CONFIG, ./config.yaml)",
    )
    ck.add_argument(
        "--model",
        metavar="MODEL",
        help="the model given on the client's command line (`claude --model MODEL`); it outranks every setting",
    )

    ex = sub.add_parser("explain", help="match a pasted error message to entries")
    ex.add_argument("text", nargs="?", default="-", help="the error text, or - for standard input")
    ex.add_argument("--json", action="store_true", help="print JSON (schema_version 1)")
    ex.add_argument("--lang", choices=("ja", "en"), help="output language")
    ex.add_argument("--limit", type=int, default=3, help="how many matches to show (default 3)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command
    guard_process(getattr(args, "deadline", None))
    if command == "validate":
        from generator.kb.commands import validate

        return validate(args.guides)
    if command == "schema":
        from generator.kb.commands import schema

        return schema()
    if command == "list":
        from generator.kb.commands import list_command

        return list_command(args.guides, as_json=args.json, kinds=args.kinds)
    if command == "render":
        from generator.site.command import render_command

        return render_command(args.guides, args.docs, check=args.check)
    if command == "check":
        from generator.check.command import check_command
        from generator.check.sources import reader_folders

        home, cwd = reader_folders()
        return check_command(check_options(args), home=home, cwd=cwd)
    if command == "explain":
        from generator.explain.command import explain_command

        return explain_command(
            args.text, as_json=args.json, lang=args.lang, limit=args.limit, guides=args.guides
        )
    raise AssertionError(command)  # argparse only accepts the commands above


def check_options(args: argparse.Namespace) -> CheckOptions:
    """The parsed `check` arguments as the command's own options (no Namespace reaches the logic)."""
    from generator.check.command import CheckOptions

    return CheckOptions(
        targets=list(args.targets),
        offline=args.offline,
        live=args.live,
        json=args.json,
        ndjson=args.ndjson,
        report=args.report,
        sources=args.sources,
        lang=args.lang,
        strict=args.strict,
        timeout=args.timeout,
        deadline=args.deadline,  # counted from the start of the process (bounded.clock_start)
        verbose=args.verbose,
        litellm_config=args.litellm_config,
        guides=args.guides,
        model=args.model,
    )
