"""The probe kinds a guide may use. Each is declared once, beside its probe, in its own module here:
its name, cost, parameter class (fields with one-line docs), outcomes with their status, placeholder
values, the settings it reads and which of them hold secrets (`base.Kind`).

`REGISTRY` holds one line per kind and keeps imports lazy: a kind's module is imported when a guide
uses the kind (`validate`, `list`) or its probe runs; the network libraries are imported inside the
probes that call them. `check` reads cost, statuses and settings from the compiled plan, so an offline
run imports only the modules of the probes it runs. Adding a kind: its module, its line below, and
`guides/README.md`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from importlib import import_module
from typing import Any

from generator.check.kinds.base import SOURCE_IDS, Cost, Kind, Params, Status

__all__ = ["KINDS", "REGISTRY", "SOURCE_IDS", "Cost", "Kind", "Params", "Status", "probe_for"]

REGISTRY: dict[str, str] = {
    "setting-present": "generator.check.kinds.setting_present",
    "file-setting": "generator.check.kinds.file_setting",
    "key-shape": "generator.check.kinds.key_shape",
    "settings-conflict": "generator.check.kinds.settings_conflict",
    "url-shape": "generator.check.kinds.url_shape",
    "model-id": "generator.check.kinds.model_id",
    "deprecated-setting": "generator.check.kinds.deprecated_setting",
    "setting-value": "generator.check.kinds.setting_value",
    "config-files": "generator.check.kinds.config_files",
    "http-json": "generator.check.kinds.http_json",
    "aws-region": "generator.check.kinds.aws",
    "aws-credentials": "generator.check.kinds.aws",
    "gcp-project": "generator.check.kinds.gcp",
    "gcp-adc": "generator.check.kinds.gcp",
    "settings-agree": "generator.check.kinds.settings_agree",
    "litellm-config": "generator.check.kinds.litellm_config",
    "aws-call": "generator.check.kinds.cloud_calls",
    "gcp-call": "generator.check.kinds.cloud_calls",
    "route-model": "generator.check.kinds.route_model",
    "route-credential": "generator.check.kinds.route_credential",
    "credential-conflict": "generator.check.kinds.route_credential",
    "http-paid": "generator.check.kinds.http_json",
}
"""Kind name → the module that declares it (in its `KINDS` tuple) and holds its probe."""


class _Kinds(Mapping[str, Kind]):
    """`REGISTRY` resolved on demand: looking a kind up imports its module, once."""

    def __getitem__(self, name: str) -> Kind:
        module = import_module(REGISTRY[name])
        for kind in module.KINDS:
            if kind.name == name:
                found: Kind = kind
                return found
        raise LookupError(f"{REGISTRY[name]} does not declare the kind {name!r}")

    def __iter__(self) -> Iterator[str]:
        return iter(REGISTRY)

    def __len__(self) -> int:
        return len(REGISTRY)


KINDS: Mapping[str, Kind] = _Kinds()


def probe_for(name: str) -> Callable[[Any, Any], Any]:
    """The probe function of a kind, looked up in its module when it runs (so tests can replace it)."""
    probe: Callable[[Any, Any], Any] = getattr(import_module(REGISTRY[name]), KINDS[name].probe)
    return probe
