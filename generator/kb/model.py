"""The guide model: what one `guides/<provider>.yaml` file may hold, field by field."""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

__all__ = [
    "Applies",
    "Cause",
    "CheckSpec",
    "Entry",
    "Fix",
    "Guide",
    "Match",
    "Message",
    "Outcome",
    "Page",
    "Setup",
    "Snippet",
    "Source",
    "Step",
    "Text",
]

KebabId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
# A check reference is either local (`key-present`) or full (`claude-code/settings-env`).
CheckRef = Annotated[str, StringConstraints(pattern=r"^(?:[a-z0-9-]+/)?[a-z0-9]+(?:-[a-z0-9]+)*$")]
CatalogueCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]\d+$")]
NonEmpty = Annotated[str, StringConstraints(min_length=1)]


def _iso_day(value: object) -> object:
    # YAML reads an unquoted 2026-12-03 as a date object; keep the ISO text so that every dump
    # (list --json, the compiled plan) stays plain JSON, and refuse days that do not exist.
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a day written YYYY-MM-DD") from None
    return value


IsoDay = Annotated[str, BeforeValidator(_iso_day), StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]

Symptom = Literal[
    "auth", "billing", "model", "region", "rate-limit", "network", "config", "server", "request", "permission"
]
Tool = Literal[
    "shell",
    "powershell",
    "curl",
    "python",
    "typescript",
    "claude-code-settings",
    "claude-code-cli",
    "openhands-docker",
    "openhands-ui",
    "openhands-toml",
    "litellm-config",
    "litellm-sdk",
    "openai-sdk",
    "aws-cli",
    "gcloud",
    "dotenv",
]


class Strict(BaseModel):
    """Base of every guide model: immutable, unknown keys rejected, field docstrings kept."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class Text(Strict):
    """One sentence or paragraph in both languages; Markdown is allowed."""

    ja: NonEmpty
    """Japanese text, です・ます form."""
    en: NonEmpty
    """English text, plain and short."""

    def get(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


class Source(Strict):
    """A document or thread that backs a fact."""

    title: NonEmpty
    """Short name of the source, as its publisher writes it (e.g. `Claude Code docs: Errors`)."""
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
    """Address of the source."""
    read: IsoDay | None = None
    """Day (YYYY-MM-DD) the source was last read to back the entry."""


class Snippet(Strict):
    """A command or config excerpt shown in one content tab."""

    tool: Tool
    """Which tool the snippet is for; sets the tab label."""
    code: NonEmpty
    """The exact text to paste, identical in both languages."""
    lang: str = "bash"
    """Code-fence language used for highlighting (bash, json, toml, yaml, python...)."""
    note: Text | None = None
    """Optional sentence shown under the code."""


class Message(Strict):
    """An error text exactly as users see it."""

    text: NonEmpty
    """Verbatim provider text; never translated. `<id>`-style placeholders mark parts that vary."""
    where: Text | None = None
    """Where this wording appears (which client, CLI or version)."""


class Cause(Strict):
    """One reason the error happens."""

    text: Text
    """What is wrong, in the reader's terms."""
    checks: list[CheckRef] = []
    """Checks that detect this cause."""


class Fix(Strict):
    """One way out, with the exact commands per tool."""

    text: Text
    """What to do."""
    snippets: list[Snippet] = []
    """Commands or config per tool, rendered as content tabs."""


class Match(Strict):
    """How `explain` recognises a pasted error as this entry."""

    patterns: list[NonEmpty] = []
    """Python regular expressions (case-insensitive) applied to the normalised pasted text."""
    hints: list[NonEmpty] = []
    """Words that point at this provider or tool when present (hostnames, SDK names, env vars)."""
    exclude: list[NonEmpty] = []
    """Regular expressions that rule this entry out when they match."""

    @field_validator("patterns", "exclude")
    @classmethod
    def _compiles(cls, value: list[str]) -> list[str]:
        # The site runs the same patterns in the browser, so they must mean the same thing to
        # JavaScript's RegExp: Python-only syntax is refused (escapes and [classes] are blanked
        # first so that an escaped `\(?P` or a `[?+]` class is not mistaken for it).
        rules = [
            (r"\[\^?\]", "a ']' first in a [class] (escape it: \\])"),
            (r"\(\?P", "(?P<name>...) or (?P=name) (use a plain group)"),
            (r"\(\?<[=!]", "lookbehind (?<=...) or (?<!...)"),
            (r"\(\?>", "atomic group (?>...)"),
            (r"\(\?[aiLmsux-]+[:)]", "inline flags such as (?i) (patterns are already case-insensitive)"),
            (r"\(\?\(", "conditional group (?(...)...)"),
            (r"\(\?#", "comment group (?#...)"),
            (r"[*+?}]\+", "possessive quantifier (*+, ++, ?+, {m,n}+)"),
            (r"\{,", "quantifier {,n} (write {0,n})"),
        ]
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"pattern {pattern!r} does not compile: {exc}") from None
            if re.search(r"(?<!\\)(?:\\\\)*\\[AZz]", pattern):
                raise ValueError(
                    f"pattern {pattern!r} uses \\A, \\Z or \\z, which JavaScript lacks (use ^ and $)"
                )
            unescaped = re.sub(r"\\.", "_", pattern)
            blanked = re.sub(r"\[\^?[^\]]*\]", "_", unescaped)
            for rule, what in rules:
                if re.search(rule, unescaped if rule.startswith(r"\[") else blanked):
                    raise ValueError(f"pattern {pattern!r} uses {what}, which JavaScript reads differently")
        return value


class Entry(Strict):
    """One error as users meet it: messages, causes, fixes, checks, sources."""

    id: KebabId
    """Kebab-case ID, unique within the provider and never reused; also the URL slug and anchor."""
    title: Text
    """Short heading naming the failure."""
    symptom: Symptom
    """The family the error belongs to, for the index."""
    status: list[int] = []
    """HTTP status codes this error arrives with (empty when it is not an HTTP error)."""
    error_type: list[str] = []
    """Provider error types or codes (`authentication_error`, `AccessDeniedException`...)."""
    messages: list[Message] = Field(min_length=1)
    """The verbatim message(s), most common first."""
    summary: Text
    """What the error means, in two or three sentences."""
    causes: list[Cause] = Field(min_length=1)
    """Why it happens, most likely first."""
    fixes: list[Fix] = Field(min_length=1)
    """How to fix it, in the order to try."""
    checks: list[CheckRef] = []
    """IDs of the checks that detect a cause of this error."""
    covers: list[CatalogueCode] = Field(min_length=1)
    """Catalogue codes of `research/provider-errors.md` this entry answers."""
    sources: list[Source] = Field(min_length=1)
    """Where the facts come from."""
    match: Match = Match()
    """How `explain` recognises this error."""
    tags: list[NonEmpty] = []
    """Extra search tags (Japanese compounds, tool names)."""
    related: list[CheckRef] = []
    """Other entries worth reading (`provider/entry-id` or a local ID)."""
    unconfirmed: Text | None = None
    """What in this entry could not be confirmed from a primary source."""
    reviewed: IsoDay | None = None
    """Day (YYYY-MM-DD) the entry was last checked against its sources; every entry in guides/ has one."""

    @field_validator("status")
    @classmethod
    def _http_status(cls, value: list[int]) -> list[int]:
        for code in value:
            if not 100 <= code <= 599:
                raise ValueError(f"{code} is not an HTTP status code")
        return value


class Outcome(Strict):
    """What a check reports for one of its probe's outcomes."""

    message: Text
    """The finding's message; `{name}` placeholders take the probe's values (already masked)."""
    fix: Text | None = None
    """What to do about it; required for outcomes that warn or fail."""
    covers: list[CatalogueCode] = []
    """Catalogue codes this outcome detects (defaults to the check's own)."""
    entry: CheckRef | None = None
    """The entry page to link (defaults to the first entry that lists this check)."""


class CheckSpec(Strict):
    """A check of the reader's machine: which probe runs, with what, and what it says."""

    id: KebabId
    """Kebab-case ID, unique within the provider; `provider/id` on the command line."""
    title: Text
    """What the check looks at."""
    kind: KebabId
    """The probe that runs it (see `python -m generator list --kinds`)."""
    params: dict[str, Any] = {}
    """Probe parameters; each kind documents its own."""
    covers: list[CatalogueCode] = []
    """Catalogue codes this check detects."""
    outcomes: dict[str, Outcome]
    """Text for every outcome the probe can report."""


class Step(Strict):
    """One step of a setup recipe."""

    title: Text
    """What the step achieves."""
    body: Text
    """How, in a few sentences."""
    snippets: list[Snippet] = []
    """Commands or config per tool."""


class Setup(Strict):
    """A working setup from scratch."""

    intro: Text
    """Who this recipe is for and what it ends with."""
    steps: list[Step] = Field(min_length=1)
    """The steps, in order."""


class Page(Strict):
    """A free-standing reference page of a provider (precedence rules, model tables...)."""

    id: KebabId
    """Kebab-case ID, the URL slug; must not clash with an entry."""
    title: Text
    """Page heading."""
    body: Text
    """Page body in Markdown."""
    sources: list[Source] = []
    """Where the facts come from."""


class Applies(Strict):
    """When a provider's checks apply to this machine (they always do when named on the command line)."""

    any_of: list[NonEmpty] = []
    """Settings whose presence shows the provider is in use."""
    sources: list[NonEmpty] = ["claude-local", "claude-project", "claude-user", "env", "dotenv"]
    """Where those settings are looked for."""
    files: list[NonEmpty] = []
    """Source IDs whose file existing also shows it is in use (`claude-user`, `openhands-toml`...)."""
    reason: Text
    """Why the checks were skipped, and how to run them anyway."""


class Guide(Strict):
    """One provider or tool: its setup recipe, errors and checks."""

    provider: KebabId
    """Provider ID; equals the file name and the URL folder."""
    name: Text
    """Display name (`Amazon Bedrock`, `Claude Code`)."""
    summary: Text
    """One paragraph: what this provider or tool is and how people reach Claude through it."""
    order: int = 100
    """Position in navigation and lists (lower first)."""
    setup: Setup
    """The setup recipe."""
    entries: list[Entry] = Field(min_length=1)
    """Error entries."""
    checks: list[CheckSpec] = []
    """Checks of the reader's machine."""
    applies: Applies | None = None
    """When the checks apply; without it they always run."""
    pages: list[Page] = []
    """Extra reference pages."""


Route = Literal["anthropic", "bedrock", "mantle", "vertex", "foundry", "openrouter"]
"""A model-ID column of a model row (the routes a model can be reached by)."""
Family = Literal["opus", "sonnet", "haiku", "fable", "mythos"]
ModelStatus = Literal["current", "legacy", "limited", "retired"]
Version = Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")]


class ModelRow(Strict):
    """One Claude model and its ID on every route that can reach it."""

    id: KebabId
    """Key of the row, used by `replacement` and Claude Code's alias table (`claude-sonnet-4-5`)."""
    name: NonEmpty
    """Display name (`Claude Sonnet 4.5`)."""
    family: Family
    """Model family; Claude Code's family aliases (`opus`, `sonnet`...) pick within it."""
    status: ModelStatus
    """`current` (newest of its family), `legacy` (still served), `limited` (invitation only), `retired`."""
    anthropic: NonEmpty
    """ID on the Claude API, also on Claude Platform on AWS and on Google Cloud run by Anthropic."""
    aliases: list[NonEmpty] = []
    """Other IDs the Claude API accepts for it (undated aliases)."""
    bedrock: str | None = None
    """Bedrock foundation-model ID without a profile prefix (`anthropic.claude-sonnet-4-5-20250929-v1:0`)."""
    bedrock_prefixes: list[NonEmpty] = []
    """Cross-region inference-profile prefixes offered (`us`, `eu`, `apac`, `jp`, `au`, `us-gov`, `global`)."""
    mantle: str | None = None
    """ID on the Bedrock Mantle endpoint (no prefix, no version suffix)."""
    vertex: str | None = None
    """Vertex AI model ID (`claude-sonnet-4-5@20250929`)."""
    foundry: str | None = None
    """Microsoft Foundry model name, the default deployment name (`claude-sonnet-4-5`)."""
    openrouter: str | None = None
    """OpenRouter model ID (`anthropic/claude-sonnet-4.5`)."""
    retired: IsoDay | None = None
    """Day Anthropic retired it on the platforms it runs (Claude API, Platform on AWS, Foundry...)."""
    retired_on: dict[Route, IsoDay] = {}
    """Retirement days of routes that keep their own schedule (`bedrock`, `vertex`)."""
    replacement: KebabId | None = None
    """The row `id` to move to once it is retired."""
    unconfirmed: Text | None = None
    """What in this row could not be confirmed from a primary source."""

    def route_id(self, route: str) -> str | None:
        """This model's ID on `route` (a column name), or None where it is not offered or not confirmed."""
        value = getattr(self, route, None)
        return value if isinstance(value, str) else None


class Dialect(Strict):
    """What a model ID looks like on one route, and how LiteLLM spells that route."""

    id: KebabId
    """Dialect name, as `model-id` checks' `dialect:` parameter writes it."""
    label: Text
    """Name shown to readers."""
    shape: NonEmpty
    """Regular expression a whole ID must match; `{profiles}` stands for the inference-profile prefixes."""
    litellm: str | None = None
    """LiteLLM's route prefix for this dialect (`bedrock/`), when LiteLLM has one."""
    detect: bool = False
    """Tried, in file order, to name the dialect of an ID written in the wrong place."""


class RegionProfiles(Strict):
    """Bedrock regions whose name starts with `region`, and the inference profiles callable there."""

    region: str
    """Start of the region name (`ap-northeast-1`, `eu-`); the empty string matches every region."""
    profiles: list[NonEmpty]
    """Geography profile prefixes callable from these regions (`global` comes on top)."""
    claude_code: NonEmpty
    """The prefix Claude Code puts on its default Bedrock IDs there."""


class AliasChange(Strict):
    """From one Claude Code version on, what some aliases resolve to on some providers."""

    since: Version
    """First Claude Code version with these targets."""
    providers: list[NonEmpty] = Field(min_length=1)
    """Claude Code providers it applies to (keys of `claude_code.providers`)."""
    targets: dict[NonEmpty, NonEmpty]
    """Alias, `default` (main model) or `small` (background model) → model row `id`, or `main`."""
    confirmed: bool = False
    """Seen in the real Claude Code of that version (not only in documentation)."""
    note: Text | None = None
    """What else holds for these targets."""


class ClaudeCodeModels(Strict):
    """Claude Code's model aliases and what they resolve to, per provider and version."""

    aliases: list[NonEmpty]
    """Aliases Claude Code accepts in place of a model ID."""
    suffixes: list[NonEmpty] = []
    """Suffixes an alias may carry (`[1m]`)."""
    families: dict[NonEmpty, NonEmpty] = {}
    """Alias → the family whose `ANTHROPIC_DEFAULT_<FAMILY>_MODEL` overrides it."""
    providers: dict[NonEmpty, NonEmpty]
    """Claude Code provider → the model-ID dialect it sends (a `dialects` id)."""
    history: list[AliasChange] = Field(min_length=1)
    """Changes, newest first."""
    unconfirmed: Text | None = None
    """What in the history could not be confirmed."""


class ModelTable(Strict):
    """`guides/models.yaml`: the model-ID table shared by pages and checks."""

    as_of: IsoDay
    """Day the table was last checked against its sources (the page says "as of")."""
    models: list[ModelRow] = Field(min_length=1)
    """Every model, newest first."""
    dialects: list[Dialect] = Field(min_length=1)
    """Model-ID dialects."""
    bedrock_regions: list[RegionProfiles] = []
    """Region → inference-profile prefixes, first match wins."""
    claude_code: ClaudeCodeModels | None = None
    """Claude Code's aliases per provider and version."""
    unconfirmed: Text | None = None
    """What in the table could not be confirmed."""
    sources: list[Source] = []
    """Where the IDs come from."""

    def row(self, key: str) -> ModelRow | None:
        """The row whose `id` is `key`."""
        return next((r for r in self.models if r.id == key), None)

    def profile_prefixes(self) -> list[str]:
        """Every inference-profile prefix the table knows, `global` included."""
        found = ["global"]
        for region in self.bedrock_regions:
            found += [*region.profiles, region.claude_code]
        for row in self.models:
            found += row.bedrock_prefixes
        return list(dict.fromkeys(found))

    @field_validator("models")
    @classmethod
    def _unique_keys(cls, value: list[ModelRow]) -> list[ModelRow]:
        keys = [r.id for r in value]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"duplicate model id(s): {', '.join(dupes)}")
        for r in value:
            if r.replacement and r.replacement not in keys:
                raise ValueError(f"{r.id}: replacement {r.replacement!r} is not a model id")
            if r.status == "retired" and not (r.retired or r.retired_on):
                raise ValueError(f"{r.id}: status retired needs a `retired` date")
        return value

    @model_validator(mode="after")
    def _references(self) -> ModelTable:
        keys = {r.id for r in self.models}
        dialects = {d.id for d in self.dialects}
        for d in self.dialects:
            try:
                re.compile(d.shape.replace("{profiles}", "x"))
            except re.error as exc:
                raise ValueError(f"dialect {d.id}: shape does not compile: {exc}") from None
        cc = self.claude_code
        if cc is None:
            return self
        for provider, dialect in cc.providers.items():
            if dialect not in dialects:
                raise ValueError(f"claude_code.providers.{provider}: {dialect!r} is not a dialect id")
        names = {*cc.aliases, "small"}
        for change in cc.history:
            for provider in change.providers:
                if provider not in cc.providers:
                    raise ValueError(f"claude_code.history {change.since}: unknown provider {provider!r}")
            for alias, target in change.targets.items():
                if alias not in names:
                    raise ValueError(
                        f"claude_code.history {change.since}: {alias!r} is not an alias or `small`"
                    )
                if target not in keys and target != "main":
                    raise ValueError(f"claude_code.history {change.since}: {target!r} is not a model id")
        return self
