"""Every registered check kind resolves to one module that declares it whole, and every parameter a kind
declares as secret-bearing is masked in every output of `check`."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from generator.check.command import CheckOptions, check_command
from generator.check.kinds import KINDS, REGISTRY, Kind, Params, Status, probe_for

# Minimal parameters for each kind that declares secret-bearing parameters. A new such kind must be
# added here, so its secrets are planted below (test_every_secret_bearing_kind_is_planted).
SECRET_PARAMS: dict[str, dict[str, Any]] = {
    "setting-present": {"secret": True},
    "key-shape": {"prefixes": ["plant-"]},
    "url-shape": {"secret": True},
    "model-id": {"secret": True, "dialect": "anthropic"},
    "deprecated-setting": {"secret": True, "replacement": "OTHER_SETTING"},
    "setting-value": {"secret": True, "pattern": "nothing-matches"},
    "http-json": {"base_default": "https://api.plant.test", "path": "/v1/models", "auth": "x-api-key"},
    "http-paid": {"base_default": "https://api.plant.test", "path": "/v1/messages", "method": "POST"},
}


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_registered_kind_resolves(name: str) -> None:
    kind = KINDS[name]
    assert isinstance(kind, Kind) and kind.name == name
    assert kind.cost in ("local", "free-call", "paid-call")
    assert callable(probe_for(name))
    cls = kind.params_class
    assert issubclass(cls, Params) and dataclasses.is_dataclass(cls)
    fields = {f.name for f in dataclasses.fields(cls)}
    assert kind.outcomes and all(isinstance(s, Status) for s in kind.outcomes.values())
    assert kind.values and all(isinstance(v, str) for v in kind.values)
    assert set(kind.reads) <= fields, set(kind.reads) - fields
    assert set(kind.secrets) <= set(kind.reads)


def test_parameter_fields_are_documented() -> None:
    """Every parameter says what it is (the site's check reference and `list --kinds` show it)."""
    from pydantic import TypeAdapter

    for name in REGISTRY:
        cls = KINDS[name].params_class
        props: dict[str, Any] = {}
        for klass in reversed(cls.__mro__[:-1]):
            for field, prop in TypeAdapter(klass).json_schema().get("properties", {}).items():
                props[field] = prop.get("description") or props.get(field)
        assert all(props.values()), (name, [f for f, d in props.items() if not d])


def test_every_secret_bearing_kind_is_planted() -> None:
    assert {n for n in REGISTRY if KINDS[n].secrets} == set(SECRET_PARAMS)


def _secret(name: str, attr: str) -> str:
    # Not shaped like any known key: only the declaration can tell the scrubber it is secret.
    return f"plant-{name}-{attr}-".replace("_", "-") + "orchard-meadow-lantern"


def _guide(folder: Path) -> dict[str, str]:
    """One check per secret-bearing parameter, each reading its own variable; every outcome text shows
    every placeholder the kind offers (so a leaking value would be printed)."""
    environ: dict[str, str] = {}
    checks = []
    for name, base in SECRET_PARAMS.items():
        kind = KINDS[name]
        shown = " ".join(f"{v}={{{v}}}" for v in kind.values)
        outcomes = {
            o: {
                "message": {"ja": f"{o} {shown}", "en": f"{o} {shown}"},
                "fix": {"ja": "直す。", "en": "Fix."},
            }
            for o in kind.outcomes  # none of these parameters adds an outcome
        }
        for attr in kind.secrets:
            var = f"PLANT_{name}_{attr}".upper().replace("-", "_")
            environ[var] = _secret(name, attr)
            params = {**base, attr: var}
            checks.append(
                {
                    "id": f"{name}-{attr}".replace("_", "-"),
                    "title": {"ja": name, "en": name},
                    "kind": name,
                    "params": params,
                    "covers": ["A1"],
                    "outcomes": outcomes,
                }
            )
    guide = {
        "provider": "plant",
        "name": {"ja": "植えた秘密", "en": "Planted"},
        "summary": {"ja": "テスト用です。", "en": "For tests."},
        "setup": {
            "intro": {"ja": "なし。", "en": "None."},
            "steps": [{"title": {"ja": "なし", "en": "None"}, "body": {"ja": "なし。", "en": "None."}}],
        },
        "entries": [
            {
                "id": "planted",
                "title": {"ja": "秘密", "en": "Secrets"},
                "symptom": "auth",
                "messages": [{"text": "anything"}],
                "summary": {"ja": "秘密です。", "en": "Secrets."},
                "causes": [{"text": {"ja": "秘密です。", "en": "Secrets."}}],
                "fixes": [{"text": {"ja": "直します。", "en": "Fix it."}}],
                "checks": [c["id"] for c in checks],
                "covers": ["A1"],
                "sources": [{"title": "Test", "url": "https://example.com/"}],
            }
        ],
        "checks": checks,
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "plant.yaml").write_text(yaml.safe_dump(guide, allow_unicode=True), encoding="utf-8")
    return environ


def _echo(request: httpx.Request) -> httpx.Response:
    """A server that quotes every header it got back in its error message (as some proxies do)."""
    said = "; ".join(f"{k}: {v}" for k, v in request.headers.items())
    return httpx.Response(401, json={"error": {"message": f"bad key; you sent {said}"}})


@pytest.mark.parametrize("fmt", [["--json"], ["-v"], ["--ndjson"], ["--report"], ["--sources"]])
def test_every_secret_bearing_parameter_is_masked(tmp_path: Path, capsys: Any, fmt: list[str]) -> None:
    guides = tmp_path / "guides"
    environ = _guide(guides)
    assert len(environ) == sum(len(KINDS[n].secrets) for n in SECRET_PARAMS)
    home, cwd = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    cwd.mkdir()
    options = CheckOptions(
        targets=["plant"],
        guides=guides,
        lang="en",
        live=True,
        json="--json" in fmt,
        ndjson="--ndjson" in fmt,
        report="--report" in fmt,
        sources="--sources" in fmt,
        verbose="-v" in fmt,
    )
    client = httpx.Client(transport=httpx.MockTransport(_echo))
    code = check_command(options, environ=dict(environ), home=home, cwd=cwd, client=client)
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    printed = out + err
    if "--json" in fmt:
        doc = json.loads(out)
        ran = {f["id"].split("/", 1)[1] for f in doc["findings"] if f["status"] != "error"}
        assert len(ran) == len(environ), doc["findings"]
    for var, value in environ.items():
        assert value not in printed, (fmt, var)
        assert value[8:-4] not in printed, (fmt, var)  # not even the middle of it
    if "--sources" in fmt:
        assert all(var in printed for var in environ)  # the settings were listed, masked
