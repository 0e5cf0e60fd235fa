"""guides/models.yaml as data: IDs per route, retirement dates, Claude Code's aliases, and the checks
that read them (no model facts left in Python)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from generator.check import model_facts as mf
from generator.check.plan import compile_models
from generator.kb.catalogue import load_catalogue
from generator.paths import default_guides_dir

CAT = load_catalogue(default_guides_dir())
TABLE = CAT.models
assert TABLE is not None
MODELS = compile_models(TABLE)
PACKAGE = Path(__file__).resolve().parent.parent / "generator"


def test_every_retired_row_has_a_date_and_a_live_replacement() -> None:
    retired = [r for r in TABLE.models if r.status == "retired"]
    assert len(retired) >= 6
    for row in retired:
        assert row.retired or row.retired_on, row.id
        assert row.replacement, row.id
        new = TABLE.row(row.replacement)
        assert new is not None and new.status in ("current", "legacy"), row.id
        assert new.family == row.family, row.id


def test_current_models_cover_every_family_claude_code_aliases_point_to() -> None:
    current = {r.family for r in TABLE.models if r.status == "current"}
    assert {"opus", "sonnet", "haiku", "fable"} <= current
    assert date.fromisoformat(TABLE.as_of) <= date.today()


@pytest.mark.parametrize(
    ("value", "dialect", "row"),
    [
        ("claude-sonnet-4-5-20250929", "anthropic", "claude-sonnet-4-5"),
        ("claude-sonnet-4-5", "anthropic", "claude-sonnet-4-5"),
        ("jp.anthropic.claude-sonnet-4-5-20250929-v1:0", "bedrock", "claude-sonnet-4-5"),
        ("anthropic.claude-opus-4-6-v1", "bedrock", "claude-opus-4-6"),
        ("anthropic.claude-haiku-4-5", "mantle", "claude-haiku-4-5"),
        ("claude-sonnet-4-5@20250929", "vertex", "claude-sonnet-4-5"),
        ("anthropic/claude-sonnet-4.5", "openrouter", "claude-sonnet-4-5"),
        ("claude-opus-5-5", "foundry", "claude-opus-5-5"),
    ],
)
def test_an_id_in_any_dialect_finds_its_row(value: str, dialect: str, row: str) -> None:
    assert mf.row_of(MODELS, value) == row
    assert mf.matches(MODELS, dialect, value)


def test_region_rule_is_data() -> None:
    assert mf.region_profiles(MODELS, "ap-northeast-1") == ["jp", "apac"]
    assert mf.region_profiles(MODELS, "eu-central-1") == ["eu"]
    assert mf.region_profiles(MODELS, "us-gov-west-1") == ["us-gov"]
    assert mf.region_profiles(MODELS, "sa-east-1") == []
    assert mf.claude_code_prefix(MODELS, "ap-northeast-1") == "apac"
    assert mf.claude_code_prefix(MODELS, "sa-east-1") == "global"
    assert mf.split_profile(MODELS, "us-gov.anthropic.claude-opus-5") == ("us-gov", "anthropic.claude-opus-5")
    assert mf.split_profile(MODELS, "anthropic.claude-opus-5") == (None, "anthropic.claude-opus-5")


def test_retirement_uses_the_routes_own_date_and_names_the_replacement_in_that_dialect() -> None:
    # Claude Sonnet 4: Anthropic retired it on 2026-06-15, Bedrock on 2026-10-14.
    assert mf.retirement(MODELS, "claude-sonnet-4-0", "anthropic", date(2026, 7, 1)) == (
        "2026-06-15",
        "claude-sonnet-5-5",
    )
    assert mf.retirement(MODELS, "claude-sonnet-4-0", "bedrock", date(2026, 7, 1)) is None
    assert mf.retirement(MODELS, "claude-sonnet-4-0", "bedrock", date(2026, 11, 1)) == (
        "2026-10-14",
        "anthropic.claude-sonnet-5-5",
    )
    # No OpenRouter slug for Sonnet 5.5 in the table: the newest live Sonnet that has one.
    when, replacement = mf.retirement(MODELS, "claude-3-7-sonnet", "openrouter", date(2026, 12, 1)) or (
        "",
        "",
    )
    assert (when, replacement) == ("2026-02-19", "anthropic/claude-sonnet-5")
    assert mf.retirement(MODELS, "claude-sonnet-5-5", "anthropic") is None


def test_claude_code_alias_snapshots_match_what_2_1_328_sends() -> None:
    """claude-code-facts.md: the real Claude Code 2.1.328 against a recorder."""
    newest = MODELS["claude_code"]["versions"][0]
    assert newest["since"] == "2.1.328"
    assert newest["anthropic"]["default"] == "claude-opus-5-5"
    assert newest["anthropic"]["haiku"] == "claude-haiku-5-5"
    assert newest["anthropic"]["fable"] == "claude-fable-5-2"
    assert newest["bedrock"]["default"] == "anthropic.claude-opus-5-5"
    assert newest["bedrock"]["sonnet"] == "anthropic.claude-sonnet-4-5-20250929-v1:0"
    assert newest["bedrock"]["small"] == "anthropic.claude-sonnet-4-5-20250929-v1:0"
    assert newest["vertex"]["small"] == "claude-sonnet-4-5@20250929"
    assert newest["anthropic-aws"]["small"] == "claude-haiku-4-5-20251001"
    assert newest["foundry"]["default"] == "claude-sonnet-4-5"
    assert newest["foundry"]["small"] == "main"
    assert newest["mantle"]["default"] == "anthropic.claude-opus-5-5"
    assert "anthropic" in newest["confirmed"]


def test_older_versions_resolve_to_older_models() -> None:
    versions = MODELS["claude_code"]["versions"]
    keys = [tuple(int(x) for x in v["since"].split(".")) for v in versions]
    assert keys == sorted(keys, reverse=True)
    at = {v["since"]: v for v in versions}
    # Read from each version's npm package (the alias table of its built-in model catalog).
    assert at["2.1.219"]["anthropic"]["opus"] == "claude-opus-5"
    assert at["2.1.219"]["bedrock"]["opus"] == "anthropic.claude-opus-5"
    assert at["2.1.219"]["foundry"]["opus"] == "claude-opus-4-6"  # Foundry keeps Opus 4.6 throughout
    assert "anthropic" in at["2.1.219"]["confirmed"]
    assert at["2.1.207"]["mantle"]["opus"] == "anthropic.claude-opus-4-8"
    assert at["2.1.207"]["anthropic"]["best"] == "claude-fable-5"
    assert at["2.1.257"]["vertex"]["fable"] == "claude-fable-5-1"
    assert at["2.1.280"]["bedrock"]["opus"] == "anthropic.claude-opus-5-5"  # all providers but Foundry
    assert at["2.1.284"]["anthropic"]["sonnet"] == "claude-sonnet-5-5"
    assert at["2.1.284"]["bedrock"]["sonnet"] == "anthropic.claude-sonnet-4-5-20250929-v1:0"
    assert at["2.1.293"]["anthropic"]["small"] == "claude-haiku-5-5"
    assert at["2.1.321"]["anthropic"]["best"] == "claude-opus-5-5"
    assert at["2.1.170"]["confirmed"] == []


def test_guide_examples_name_no_retired_model() -> None:
    retired = set()
    for row in MODELS["rows"].values():
        if row["status"] == "retired":
            retired |= {v for k, v in row["ids"].items() if k != "foundry"} | set(row["aliases"])
    pattern = re.compile(
        r"(?<![\w.@:-])("
        + "|".join(map(re.escape, sorted(retired, key=len, reverse=True)))
        + r")(?![\w.@:-])"
    )
    found = []
    for gf in CAT.files:
        for entry in gf.guide.entries:
            if "retired" in entry.id:
                continue  # the retired-model entry quotes retired IDs on purpose
            for fix in entry.fixes:
                for snippet in fix.snippets:
                    found += [f"{gf.path} {entry.id}: {m}" for m in pattern.findall(snippet.code)]
        for step in gf.guide.setup.steps:
            for snippet in step.snippets:
                found += [f"{gf.path} setup: {m}" for m in pattern.findall(snippet.code)]
    assert found == []


# Python that still spells provider model facts; each line names who removes it.
ALLOWED = {
    "routes.py": "ALIASES = (|opusplan",  # routes helper: read models['claude_code'] instead
    "route_model.py": "PROFILE = re.compile(",  # routes helper: model_facts.split_profile instead
}


def test_no_model_facts_in_python() -> None:
    facts = re.compile(
        r"""["'](?:apac|us-gov|jp|au)["']|["']opusplan["']|anthropic\\\.claude|claude-(?:opus|sonnet|haiku)-\d"""
    )
    hits = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if (
                '"""' in line
                or line.strip().startswith(('"', "'"))
                and line.strip().endswith(('"""', '."""'))
            ):
                continue
            allowed = ALLOWED.get(path.name, "")
            if facts.search(code) and not (allowed and any(a in line for a in allowed.split("|"))):
                hits.append(f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}")
    assert hits == []


@pytest.mark.parametrize(("lang", "word"), [("en", "retired on"), ("ja", "提供終了")])
def test_check_fails_a_retired_id_and_names_its_replacement(tmp_path: Path, lang: str, word: str) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "OPENROUTER_MODEL": "anthropic/claude-3.7-sonnet",
        "LITELLM_MODEL": "anthropic/claude-3-5-haiku-20241022",
    }
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "check",
            "openrouter",
            "litellm",
            "--offline",
            "--json",
            "--lang",
            lang,
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert run.returncode == 1, run.stderr
    findings = {f["id"]: f for f in json.loads(run.stdout)["findings"]}
    openrouter = findings["openrouter/model-id-dialect"]
    assert openrouter["status"] == "fail"
    assert word in openrouter["message"] and "anthropic/claude-sonnet-5" in openrouter["message"]
    assert "A22" in openrouter["covers"]
    litellm = findings["litellm/sdk-model-route"]
    assert litellm["status"] == "fail"
    assert "anthropic/claude-haiku-4-5-20251001" in litellm["message"]


def test_a_current_id_passes(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "LITELLM_MODEL": "bedrock/jp.anthropic.claude-sonnet-5-5",
    }
    run = subprocess.run(
        [sys.executable, "-m", "generator", "check", "litellm/sdk-model-route", "--offline", "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    finding = json.loads(run.stdout)["findings"][0]
    assert finding["status"] == "pass", finding


def test_a_litellm_model_list_with_a_retired_route_fails(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(
        "model_list:\n"
        "  - model_name: sonnet\n"
        "    litellm_params:\n"
        "      model: bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0\n",
        encoding="utf-8",
    )
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path / "home")}
    run = subprocess.run(
        [sys.executable, "-m", "generator", "check", "litellm/proxy-config", "--offline", "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    finding = json.loads(run.stdout)["findings"][0]
    assert finding["status"] == "fail"
    # Bedrock's own retirement day, and the replacement with the same profile prefix and LiteLLM route.
    assert "2026-04-28" in finding["message"]
    assert "bedrock/us.anthropic.claude-sonnet-5-5" in finding["message"]


OBSERVED = Path(__file__).parent / "fixtures" / "routes" / "claude_code_observed.yaml"
# Cases of tests/fixtures/routes/claude_code_cases.yaml with no model pinned: (case, provider, alias
# or "default", AWS region). What the real Claude Code 2.1.328 sent must be what the table says.
DEFAULT_CASES = [
    ("env-key-base", "anthropic", "default", None),
    ("alias-sonnet", "anthropic", "sonnet", None),
    ("alias-opus", "anthropic", "opus", None),
    ("alias-haiku", "anthropic", "haiku", None),
    ("alias-fable", "anthropic", "fable", None),
    ("bedrock-tokyo-default", "bedrock", "default", "ap-northeast-1"),
    ("bedrock-no-region", "bedrock", "default", "us-east-1"),
    ("bedrock-alias-sonnet", "bedrock", "sonnet", "eu-west-1"),
    ("vertex-global", "vertex", "default", None),
    ("foundry-resource", "foundry", "default", None),
    ("anthropic-aws", "anthropic-aws", "default", None),
    ("anthropic-google-cloud", "anthropic-google-cloud", "default", None),
    ("mantle", "mantle", "default", None),
]


@pytest.mark.parametrize(("case", "provider", "alias", "region"), DEFAULT_CASES)
def test_the_newest_snapshot_is_what_the_real_client_sent(
    case: str, provider: str, alias: str, region: str | None
) -> None:
    import yaml

    observed = yaml.safe_load(OBSERVED.read_text(encoding="utf-8"))
    assert observed["versions"]["@anthropic-ai/claude-code"] == MODELS["claude_code"]["versions"][0]["since"]
    sent = observed["observed"][case]
    targets = MODELS["claude_code"]["versions"][0][provider]
    main, small = targets[alias], targets["small"]
    small = main if small == "main" else small
    if provider == "bedrock":
        assert region is not None
        prefix = mf.claude_code_prefix(MODELS, region)
        main, small = f"{prefix}.{main}", f"{prefix}.{small}"
    assert sent["main"]["model"] == main
    if alias == "default":  # a chosen model also becomes the background model on Bedrock and Vertex
        assert sent["background"]["model"] == small


def test_validate_refuses_an_example_naming_a_retired_model(tmp_path: Path) -> None:
    fixture = Path(__file__).parent / "fixtures" / "guides" / "valid" / "demo.yaml"
    folder = tmp_path / "guides"
    folder.mkdir()
    (folder / "models.yaml").write_text(
        (default_guides_dir() / "models.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    text = fixture.read_text(encoding="utf-8")
    old = "          code: export DEMO_KEY=demo-...\nentries:"
    assert old in text
    new = "          code: |\n            export DEMO_KEY=demo-...\n            export MODEL=claude-3-7-sonnet-20250219\nentries:"
    (folder / "demo.yaml").write_text(text.replace(old, new), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "generator", "--guides", str(folder), "validate"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    line = next(i for i, ln in enumerate(new.splitlines(), 0) if "claude-3-7" in ln)
    start = text.split("\n").index("          code: export DEMO_KEY=demo-...") + 1
    assert (
        f"demo.yaml:{start + line}: setup.steps[0].snippets[0].code: example names claude-3-7-sonnet-20250219"
        in run.stdout
    )
    assert "claude-sonnet-5-5" in run.stdout
