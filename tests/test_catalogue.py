"""Loader messages are pinned exactly: contributors read them."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from conftest import FIXTURES, ROOT

from generator.check.kinds import KINDS
from generator.kb.catalogue import load_catalogue
from generator.kb.problems import MAX_MESSAGE

BROKEN = FIXTURES / "guides" / "broken"


def rel(p: Path) -> str:
    return str(p.relative_to(ROOT))


def test_every_problem_in_every_file_is_reported_sorted(monkeypatch: object) -> None:
    import os

    os.chdir(ROOT)
    problems = [str(p) for p in load_catalogue(BROKEN).problems]
    a, b, g = (rel(BROKEN / f"{n}.yaml") for n in ("alpha", "beta", "gamma"))
    assert problems == [
        f"{a}:4: summary: missing 'ja' text (every text needs both 'ja' and 'en')",
        f"{a}:14: entries[0].status[0]: expected a whole number, got text",
        f"{b}:18: entries[0].checks[0]: check 'beta/no-such-check' does not exist",
        f"{b}:19: entries[0].covers[0]: unknown catalogue code 'Z9'",
        f"{b}:21: entries[1].id: duplicate entry ID 'same' (first at line 11)",
        f"{b}:28: entries[1].covers[0]: unknown catalogue code 'A99'",
        f"{g}:4: YAML syntax error: did not find expected ',' or '}}'",
    ]


def test_validate_command_prints_all_then_summary_and_exits_2() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "--guides", str(BROKEN), "validate"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 2
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 8
    assert lines[-1] == "7 problem(s) in 3 file(s)."
    assert all(line.split(":")[1].isdigit() for line in lines[:-1])


def test_unknown_kind_missing_outcome_and_missing_fix(tmp_path: Path) -> None:
    text = (FIXTURES / "guides" / "valid" / "demo.yaml").read_text(encoding="utf-8")
    text = text.replace("kind: key-shape", "kind: key-shapes")
    (tmp_path / "demo.yaml").write_text(text, encoding="utf-8")
    msgs = [p.message for p in load_catalogue(tmp_path).problems]
    full = f"checks[0].kind: unknown kind 'key-shapes' (known: {', '.join(sorted(KINDS))})"
    # Problem messages are capped at MAX_MESSAGE characters; the cut keeps the head and the tail.
    assert msgs == [full if len(full) <= MAX_MESSAGE else f"{full[: MAX_MESSAGE - 100]} … {full[-97:]}"]

    text = (FIXTURES / "guides" / "valid" / "demo.yaml").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if "placeholder:" not in ln]
    lines = [ln.replace(", fix: {ja: 空白を消します。, en: Remove it.}", "") for ln in lines]
    (tmp_path / "demo.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    msgs = [p.message for p in load_catalogue(tmp_path).problems]
    assert msgs == [
        "checks[0].outcomes: no text for outcome 'placeholder' of kind 'key-shape'",
        "checks[0].outcomes.whitespace: outcome 'whitespace' warns or fails, so it needs a 'fix'",
    ]


def test_bad_pattern_tab_indentation_and_invalid_utf8(tmp_path: Path) -> None:
    text = (FIXTURES / "guides" / "valid" / "demo.yaml").read_text(encoding="utf-8")
    (tmp_path / "demo.yaml").write_text(
        text.replace("patterns: ['bad key']", "patterns: ['bad (key']"), encoding="utf-8"
    )
    (tmp_path / "tabs.yaml").write_text("provider: tabs\nname:\n\tja: x\n", encoding="utf-8")
    (tmp_path / "bytes.yaml").write_bytes(b"provider: bytes\nname: \xff\n")
    got = [(Path(p.path).name, p.line, p.message) for p in load_catalogue(tmp_path).problems]
    assert got == [
        ("bytes.yaml", 2, "not valid UTF-8 (byte 22)"),
        (
            "demo.yaml",
            41,
            "entries[0].match.patterns: pattern 'bad (key' does not compile: missing ), unterminated subpattern at position 4",
        ),
        ("tabs.yaml", 3, "tab used for indentation; YAML needs spaces"),
    ]


def test_provider_must_match_file_name(tmp_path: Path) -> None:
    text = (FIXTURES / "guides" / "valid" / "demo.yaml").read_text(encoding="utf-8")
    (tmp_path / "other.yaml").write_text(text, encoding="utf-8")
    assert [p.message for p in load_catalogue(tmp_path).problems] == [
        "provider 'demo' must equal the file name 'other'"
    ]


# --- Freshness and the December 2026 catalogue additions -------------------------------------


def test_every_entry_carries_a_reviewed_day_that_is_not_in_the_future() -> None:
    import datetime

    from conftest import GUIDES

    cat = load_catalogue(GUIDES)
    assert [str(p) for p in cat.problems] == []
    days = {f"{g.provider}/{e.id}": e.reviewed for g, e in cat.entries()}
    assert [k for k, v in days.items() if v is None] == []
    today = datetime.date.today().isoformat()
    assert [k for k, v in days.items() if v is not None and v > today] == []


def test_reviewed_and_read_accept_yaml_dates_and_refuse_days_that_do_not_exist(tmp_path: Path) -> None:
    text = (FIXTURES / "guides" / "valid" / "demo.yaml").read_text(encoding="utf-8")
    assert "    covers:" in text and "url:" in text
    good = text.replace("    covers:", "    reviewed: 2026-12-03\n    covers:", 1)
    (tmp_path / "demo.yaml").write_text(good, encoding="utf-8")
    cat = load_catalogue(tmp_path)
    assert [p.message for p in cat.problems] == []
    (entry,) = [e for _, e in cat.entries()]
    assert entry.reviewed == "2026-12-03"  # an unquoted YAML date arrives as ISO text

    bad = text.replace("    covers:", "    reviewed: '2026-02-30'\n    covers:", 1)
    (tmp_path / "demo.yaml").write_text(bad, encoding="utf-8")
    msgs = [p.message for p in load_catalogue(tmp_path).problems]
    assert len(msgs) == 1 and "2026-02-30" in msgs[0] and "reviewed" in msgs[0]


def test_list_json_carries_reviewed() -> None:
    import json

    proc = subprocess.run(
        [sys.executable, "-m", "generator", "list", "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    entries = {e["id"]: e for e in json.loads(proc.stdout)["entries"]}
    assert entries["claude-code/request-timed-out"]["reviewed"] == "2026-12-03"
    assert all(isinstance(e["reviewed"], str) for e in entries.values())


def test_new_catalogue_codes_are_answered_where_they_belong() -> None:
    from conftest import GUIDES

    from generator.kb import codes

    cat = load_catalogue(GUIDES)
    where = {c: f"{g.provider}/{e.id}" for g, e in cat.entries() for c in e.covers}
    expected = {
        "A19": "anthropic/tool-use-without-tool-result",
        "A20": "anthropic/permission-error",
        "A21": "anthropic/max-tokens-exceed-context",
        "A22": "anthropic/retired-model",
        "C24": "claude-code/stream-idle-timeout",
        "C25": "claude-code/request-timed-out",
        "C26": "claude-code/extra-usage-1m-context",
        "C27": "claude-code/tls-interception",
        "C28": "claude-code/api-key-overrides-subscription",
        "C29": "claude-code/claude-platform-on-aws-errors",
        "C30": "claude-code/foundry-errors",
        "C31": "claude-code/usage-limit-epoch",
        "B15": "bedrock/mantle-endpoint-errors",
        "V10": "vertex/anthropic-managed-google-cloud",
        "O10": "openrouter/never-purchased-credits",
        "O11": "openrouter/terms-of-service-403",
        "H7": "openhands/llm-env-ignored",
    }
    assert {c: where.get(c) for c in expected} == expected
    assert len(codes.all_codes()) == len(set(codes.all_codes())) == 114


def _pattern(provider: str, check_id: str) -> str:
    from conftest import GUIDES

    cat = load_catalogue(GUIDES)
    (spec,) = [c for gf, _, c in cat.checks() if gf.guide.provider == provider and c.id == check_id]
    return str(spec.params["pattern"] if isinstance(spec.params, dict) else spec.params.pattern)


def test_api_timeout_pattern_is_exactly_60000_to_the_timer_maximum() -> None:
    import re

    pattern = _pattern("claude-code", "api-timeout-ms")
    ok = ["60000", "99999", "600000", "1200000", "999999999", "1000000000", "2000000000", "2147483647"]
    bad = ["59999", "6000", "0", "2147483648", "2147483650", "2200000000", "9999999999", "1e6", "600000 ", ""]
    assert [v for v in ok if not re.fullmatch(pattern, v)] == []
    assert [v for v in bad if re.fullmatch(pattern, v)] == []
    # Every whole number in range and none outside: compare with int() over a sweep near each boundary.
    for edge in (60000, 10**6, 10**9, 2 * 10**9, 2147483647):
        for v in range(edge - 3, edge + 4):
            assert bool(re.fullmatch(pattern, str(v))) == (60000 <= v <= 2147483647), v


def test_workspace_and_foundry_resource_patterns() -> None:
    import re

    ws = _pattern("claude-code", "aws-workspace-id")
    assert re.fullmatch(ws, "wrkspc_01ABCDEFGHIJKLMN")
    assert not any(re.fullmatch(ws, v) for v in ("", "wrkspc_", "01ABC", "wrkspc_...", " wrkspc_01A"))
    res = _pattern("claude-code", "foundry-resource")
    assert re.fullmatch(res, "my-foundry-resource")
    placeholders = (
        "{resource}",
        "<resource>",
        "https://x.services.ai.azure.com/anthropic",
        "my.resource",
        "",
    )
    assert not any(re.fullmatch(res, v) for v in placeholders)


def test_api_timeout_check_on_a_fake_machine(machine: Callable[..., tuple[Path, Path]]) -> None:
    from conftest import check_json

    home, cwd = machine(home_files={".claude/settings.json": {"env": {"API_TIMEOUT_MS": "3000000000"}}})
    doc = check_json(home, cwd, ["claude-code/api-timeout-ms", "--offline"], {}, secret="no-secret-here")
    finding = doc["by_id"]["api-timeout-ms"]
    assert finding["status"] == "fail"
    assert "3000000000" in finding["message"] and "settings.json" in finding["message"]
    home, cwd = machine()
    doc = check_json(
        home, cwd, ["claude-code/api-timeout-ms", "--offline"], {"API_TIMEOUT_MS": "1200000"}, "x" * 40
    )
    assert doc["by_id"]["api-timeout-ms"]["status"] == "pass"


def test_tls_verification_off_flags_only_the_value_node_obeys() -> None:
    import re

    pattern = _pattern("claude-code", "tls-verification-off")
    # Node.js disables certificate validation only for the exact string "0".
    assert not re.fullmatch(pattern, "0")
    assert all(re.fullmatch(pattern, v) for v in ("1", "", "false", "00", "0 "))


def test_validate_warns_on_stale_or_missing_reviewed_days_and_still_exits_0(tmp_path: Path) -> None:
    import datetime

    from generator.kb.freshness import STALE_AFTER_DAYS, stale_entries

    text = (FIXTURES / "guides" / "valid" / "demo.yaml").read_text(encoding="utf-8")

    def run(reviewed: str | None) -> subprocess.CompletedProcess[str]:
        body = (
            text
            if reviewed is None
            else text.replace("    covers:", f"    reviewed: {reviewed}\n    covers:", 1)
        )
        (tmp_path / "demo.yaml").write_text(body, encoding="utf-8")
        return subprocess.run(
            [sys.executable, "-m", "generator", "--guides", str(tmp_path), "validate"],
            capture_output=True, text=True, cwd=ROOT, timeout=60,
        )  # fmt: skip

    today = datetime.date.today()
    fresh = run((today - datetime.timedelta(days=STALE_AFTER_DAYS)).isoformat())
    assert (fresh.returncode, fresh.stderr) == (0, "") and fresh.stdout.startswith("ok: ")
    old_day = (today - datetime.timedelta(days=STALE_AFTER_DAYS + 1)).isoformat()
    stale = run(old_day)
    assert stale.returncode == 0 and stale.stdout.startswith("ok: ")
    (line,) = stale.stderr.splitlines()
    assert line.startswith(f"{tmp_path.name}/demo.yaml:") or "demo.yaml:" in line
    assert f"warning: entries[0].reviewed: demo/bad-key was last reviewed on {old_day}, 181 days ago" in line
    missing = run(None)
    assert missing.returncode == 0 and "demo/bad-key has no `reviewed:` day" in missing.stderr
    # The real knowledge base is fresh today.
    from conftest import GUIDES

    assert stale_entries(load_catalogue(GUIDES), today) == []


def test_every_source_of_every_entry_and_page_says_when_it_was_read() -> None:
    from conftest import GUIDES

    cat = load_catalogue(GUIDES)
    owners = [(g.provider, e.id, e.sources) for g in cat.guides for e in g.entries]
    owners += [(g.provider, p.id, p.sources) for g in cat.guides for p in g.pages]
    undated = [f"{prov}/{oid}: {s.url}" for prov, oid, sources in owners for s in sources if s.read is None]
    assert undated == []
