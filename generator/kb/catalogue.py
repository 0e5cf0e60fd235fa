"""Load `guides/*.yaml` into the model, collecting every problem with its file and line."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from generator.check.kinds import KINDS, SOURCE_IDS, Params
from generator.kb import codes
from generator.kb.lint import GLOSSARY_FILE, Glossary, lint, load_glossary, retired_in_examples
from generator.kb.model import CheckSpec, Entry, Guide, ModelTable
from generator.kb.problems import Problem, dotted, from_pydantic
from generator.kb.yamlmarks import Loc, Marked, YamlProblem, load
from generator.paths import default_guides_dir

MODELS_FILE = "models.yaml"


@dataclass(frozen=True)
class GuideFile:
    """A loaded guide and where its parts are."""

    guide: Guide
    """The validated guide."""
    path: str
    """The file as displayed in messages."""
    marked: Marked
    """Line marks of the file."""

    def source(self, loc: Loc) -> str:
        """`path:line` of a location, for findings' `source` field."""
        return f"{self.path}:{self.marked.line_of(loc)}"

    def problem(self, loc: Loc, message: str) -> Problem:
        """A problem at `loc`, its message prefixed with the location (`entries[0].covers[1]: ...`)."""
        return Problem(self.path, self.marked.line_of(loc), f"{dotted(loc)}: {message}")


@dataclass
class Catalogue:
    """Every guide, the model table, and the problems found while loading them."""

    files: list[GuideFile] = field(default_factory=list)
    """Loaded guides, in navigation order."""
    models: ModelTable | None = None
    """The model-ID table, when `models.yaml` loaded."""
    problems: list[Problem] = field(default_factory=list)
    """Everything wrong, sorted."""

    @property
    def guides(self) -> list[Guide]:
        return [f.guide for f in self.files]

    def guide(self, provider: str) -> Guide:
        for g in self.guides:
            if g.provider == provider:
                return g
        raise KeyError(provider)

    def entries(self) -> Iterator[tuple[Guide, Entry]]:
        for g in self.guides:
            for e in g.entries:
                yield g, e

    def checks(self) -> Iterator[tuple[GuideFile, int, CheckSpec]]:
        for f in self.files:
            for i, c in enumerate(f.guide.checks):
                yield f, i, c

    def entries_listing(self, provider: str, check_id: str) -> list[tuple[Guide, Entry]]:
        """Entries whose `checks:` (or a cause's) name this check, first the provider's own."""
        full = f"{provider}/{check_id}"
        found = []
        for g, e in self.entries():
            refs = {resolve(g.provider, r) for r in [*e.checks, *(r for c in e.causes for r in c.checks)]}
            if full in refs:
                found.append((g, e))
        found.sort(key=lambda ge: ge[0].provider != provider)
        return found


def resolve(provider: str, ref: str) -> str:
    """A local reference (`key-present`) made full (`anthropic/key-present`)."""
    return ref if "/" in ref else f"{provider}/{ref}"


def display_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def load_catalogue(guides_dir: Path | None = None) -> Catalogue:
    """Load and validate every guide in `guides_dir`; never raises for bad content."""
    root = guides_dir or default_guides_dir()
    cat = Catalogue()
    files = sorted(root.glob("*.yaml"))
    glossary, texts = _glossary(root, cat.problems), []
    for path in files:
        shown = display_path(path)
        if path.name == GLOSSARY_FILE:
            continue
        marked = _read(path, shown, cat.problems)
        if marked is None:
            continue
        texts.append((path, shown, marked))
        if path.name == MODELS_FILE:
            try:
                cat.models = ModelTable.model_validate(marked.data)
            except ValidationError as exc:
                cat.problems += from_pydantic(exc.errors(), marked, shown)
            continue
        guide_file = _load_guide(path, shown, marked, cat.problems)
        if guide_file is not None:
            cat.files.append(guide_file)
    if not files:
        cat.problems.append(Problem(display_path(root), 1, "no guide files (*.yaml) found"))
    cat.files.sort(key=lambda f: (f.guide.order, f.guide.provider))
    for path, shown, marked in texts:
        cat.problems += lint(marked, path.read_text(encoding="utf-8"), shown, glossary)
        if cat.models and path.name != MODELS_FILE:
            cat.problems += retired_in_examples(marked, shown, cat.models)
    _cross_check(cat)
    cat.problems.sort()
    return cat


def _glossary(root: Path, problems: list[Problem]) -> Glossary | None:
    """The glossary of `root`, or None (then only stray spaces are checked) when it is absent or broken."""
    path = root / GLOSSARY_FILE
    if not path.exists():
        return None
    shown = display_path(path)
    marked = _read(path, shown, problems)
    if marked is None:
        return None
    glossary, found = load_glossary(marked, shown)
    problems += found
    return glossary


def _read(path: Path, shown: str, problems: list[Problem]) -> Marked | None:
    from generator.check.bounded import MiB, Refused, read_regular

    try:
        # A FIFO or a device named *.yaml would block or never end; a guide is a few hundred KB.
        raw = read_regular(path, 8 * MiB)
    except Refused as exc:
        problems.append(Problem(shown, 1, f"cannot read file: {exc}"))
        return None
    if raw is None:
        problems.append(Problem(shown, 1, "cannot read file: it disappeared"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem(shown, line, f"not valid UTF-8 (byte {exc.start})"))
        return None
    indented = (i for i, ln in enumerate(text.splitlines(), 1) if "\t" in ln[: len(ln) - len(ln.lstrip())])
    tab_line = next(indented, None)
    if tab_line is not None:
        problems.append(Problem(shown, tab_line, "tab used for indentation; YAML needs spaces"))
        return None
    try:
        return load(text)
    except YamlProblem as exc:
        problems.append(Problem(shown, exc.line, exc.message))
        return None
    except RecursionError:
        problems.append(Problem(shown, 1, "nesting too deep"))
        return None


def _load_guide(path: Path, shown: str, marked: Marked, problems: list[Problem]) -> GuideFile | None:
    data = marked.data
    if not isinstance(data, dict):
        problems.append(Problem(shown, 1, "a guide must be a mapping with 'provider', 'name', 'entries'..."))
        return None
    try:
        guide = Guide.model_validate(data)
    except ValidationError as exc:
        problems += from_pydantic(exc.errors(), marked, shown)
        return None
    except RecursionError:
        problems.append(Problem(shown, 1, "nesting too deep"))
        return None
    if guide.provider != path.stem:
        problems.append(
            Problem(
                shown,
                marked.line_of(("provider",)),
                f"provider '{guide.provider}' must equal the file name '{path.stem}'",
            )
        )
    gf = GuideFile(guide, shown, marked)
    problems += _check_guide(gf)
    return gf


def _dupes(ids: list[tuple[Loc, str]], what: str, gf: GuideFile) -> list[Problem]:
    seen: dict[str, Loc] = {}
    out = []
    for loc, ident in ids:
        if ident in seen:
            first = gf.marked.line_of(seen[ident])
            out.append(gf.problem(loc, f"duplicate {what} ID '{ident}' (first at line {first})"))
        else:
            seen[ident] = loc
    return out


def _check_guide(gf: GuideFile) -> list[Problem]:
    g, out = gf.guide, []
    out += _dupes([(("entries", i, "id"), e.id) for i, e in enumerate(g.entries)], "entry", gf)
    out += _dupes([(("checks", i, "id"), c.id) for i, c in enumerate(g.checks)], "check", gf)
    entry_ids = {e.id for e in g.entries}
    for i, p in enumerate(g.pages):
        if p.id in entry_ids:
            loc = ("pages", i, "id")
            out.append(gf.problem(loc, f"page ID '{p.id}' is also an entry ID"))
    for i, e in enumerate(g.entries):
        for j, code in enumerate(e.covers):
            out += _code(gf, ("entries", i, "covers", j), code)
    for i, c in enumerate(g.checks):
        for j, code in enumerate(c.covers):
            out += _code(gf, ("checks", i, "covers", j), code)
        for name, outcome in c.outcomes.items():
            for j, code in enumerate(outcome.covers):
                out += _code(gf, ("checks", i, "outcomes", name, "covers", j), code)
        out += _check_kind(gf, i, c)
    return out


def _code(gf: GuideFile, loc: Loc, code: str) -> list[Problem]:
    if codes.is_known(code):
        return []
    return [gf.problem(loc, f"unknown catalogue code '{code}'")]


def _check_kind(gf: GuideFile, i: int, spec: CheckSpec) -> list[Problem]:
    loc: Loc = ("checks", i)
    kind = KINDS.get(spec.kind)
    if kind is None:
        known = ", ".join(sorted(KINDS))
        return [gf.problem((*loc, "kind"), f"unknown kind '{spec.kind}' (known: {known})")]
    try:
        params = validate_params(kind.params_class, spec.params)
    except ValidationError as exc:
        return from_pydantic(exc.errors(), gf.marked, gf.path, prefix=(*loc, "params"))
    out = []
    for j, src in enumerate(getattr(params, "sources", []) + getattr(params, "files", [])):
        if src.split(":", 1)[0] not in SOURCE_IDS:
            where = (*loc, "params", "sources" if hasattr(params, "sources") else "files", j)
            out.append(gf.problem(where, f"unknown source '{src}' (known: {', '.join(SOURCE_IDS)})"))
    wanted = set(kind.outcomes) | kind.added_outcomes(params)
    for name in sorted(wanted - set(spec.outcomes)):
        where = (*loc, "outcomes")
        out.append(gf.problem(where, f"no text for outcome '{name}' of kind '{spec.kind}'"))
    for name in sorted(set(spec.outcomes) - wanted):
        where = (*loc, "outcomes", name)
        out.append(gf.problem(where, f"kind '{spec.kind}' has no outcome '{name}'"))
    for name, outcome in spec.outcomes.items():
        for field_name, text in (("message", outcome.message), ("fix", outcome.fix)):
            for lang in ("ja", "en"):
                for placeholder in _placeholders(text.get(lang) if text else ""):
                    if placeholder not in kind.values:
                        where = (*loc, "outcomes", name, field_name, lang)
                        out.append(
                            gf.problem(
                                where,
                                f"unknown placeholder '{{{placeholder}}}' (kind '{spec.kind}' offers: {', '.join(kind.values)})",
                            )
                        )
        status = kind.outcomes.get(name, "fail")
        if str(getattr(status, "value", status)) in ("warn", "fail") and outcome.fix is None:
            where = (*loc, "outcomes", name)
            out.append(gf.problem(where, f"outcome '{name}' warns or fails, so it needs a 'fix'"))
    return out


def _placeholders(text: str) -> list[str]:
    """`{name}` fields of an outcome text; `{{` escapes are not fields."""
    return [m.group(1) for m in re.finditer(r"(?<!\{)\{([^{}]*)\}(?!\})", text)]


def _cross_check(cat: Catalogue) -> None:
    """References between files: checks, related entries, outcome entries."""
    check_ids = {f"{g.provider}/{c.id}" for g in cat.guides for c in g.checks}
    entry_ids = {f"{g.provider}/{e.id}" for g in cat.guides for e in g.entries}
    loaded = {g.provider for g in cat.guides}

    def known(ref: str, pool: set[str], provider: str) -> bool:
        full = resolve(provider, ref)
        # A reference into a guide that failed to load is reported there, not here.
        return full in pool or full.split("/", 1)[0] not in loaded

    for gf in cat.files:
        g = gf.guide
        for i, e in enumerate(g.entries):
            refs: list[tuple[Loc, str]] = [(("entries", i, "checks", j), r) for j, r in enumerate(e.checks)]
            for k, cause in enumerate(e.causes):
                refs += [(("entries", i, "causes", k, "checks", j), r) for j, r in enumerate(cause.checks)]
            for loc, ref in refs:
                if not known(ref, check_ids, g.provider):
                    cat.problems.append(gf.problem(loc, f"check '{resolve(g.provider, ref)}' does not exist"))
            for j, ref in enumerate(e.related):
                loc = ("entries", i, "related", j)
                if not known(ref, entry_ids, g.provider):
                    cat.problems.append(gf.problem(loc, f"entry '{resolve(g.provider, ref)}' does not exist"))
        for i, c in enumerate(g.checks):
            for name, outcome in c.outcomes.items():
                loc = ("checks", i, "outcomes", name, "entry")
                if outcome.entry and not known(outcome.entry, entry_ids, g.provider):
                    cat.problems.append(
                        gf.problem(loc, f"entry '{resolve(g.provider, outcome.entry)}' does not exist")
                    )


_ADAPTERS: dict[type[Params], TypeAdapter[Any]] = {}


def _adapter(cls: type[Params]) -> TypeAdapter[Any]:
    if cls not in _ADAPTERS:
        _ADAPTERS[cls] = TypeAdapter(cls)
    return _ADAPTERS[cls]


def validate_params(cls: type[Params], raw: dict[str, Any]) -> Params:
    """Probe parameters checked against their dataclass (raises pydantic's ValidationError)."""
    result: Params = _adapter(cls).validate_python(raw)
    return result


def params_of(spec: CheckSpec) -> Params:
    """The validated parameters of a check (the catalogue has already accepted them)."""
    return validate_params(KINDS[spec.kind].params_class, spec.params)
