"""JSON Schema of a guide file, for editors' YAML completion."""

from __future__ import annotations

from typing import Any

from generator.check.kinds import KINDS
from generator.kb.model import Guide


def guide_schema() -> dict[str, Any]:
    schema = Guide.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Guide file (guides/<provider>.yaml)"
    # Editors complete `kind:` from the probe registry.
    check = schema["$defs"]["CheckSpec"]["properties"]["kind"]
    check["enum"] = sorted(KINDS)
    return schema
