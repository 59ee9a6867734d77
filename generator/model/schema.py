"""JSON Schema of the plan and profile files, for editor completion and hover help."""

from __future__ import annotations

import json

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"


def schema_dict(what: str = "plan") -> dict:
    """The JSON Schema of a plan file (``what="plan"``) or of a profile (``"org"``)."""
    from .plan import Org, Plan

    model = Plan if what == "plan" else Org
    data = model.model_json_schema()
    title = "Kế hoạch (kh plan file)" if what == "plan" else "Hồ sơ tổ chức (kh organisation profile)"
    return {"$schema": SCHEMA_URI, "title": title, **{k: v for k, v in data.items() if k != "title"}}


def schema_text(kind: str = "plan") -> str:
    """The JSON Schema of a plan (``"plan"``) or profile (``"org"``), as shipped with this kh."""
    from ..core.resources import packaged_schema

    return packaged_schema(kind) or schema_json(kind)


def schema_json(what: str = "plan") -> str:
    """Stable JSON text (sorted keys, Vietnamese kept readable, trailing newline)."""
    return json.dumps(schema_dict(what), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
