"""The committed JSON Schemas match the model, and describe fields in Vietnamese."""

import json

from generator.model.schema import schema_json

from .conftest import PLANS, run_kh


def test_committed_schemas_are_current():
    assert (PLANS / "plan.schema.json").read_text(encoding="utf-8") == schema_json("plan")
    assert (PLANS / "orgs" / "org.schema.json").read_text(encoding="utf-8") == schema_json("org")


def test_schema_command_prints_the_plan_schema():
    proc = run_kh("schema")
    assert proc.returncode == 0
    data = json.loads(proc.stdout)
    assert data["additionalProperties"] is False
    assert "subject" in data["required"] and "Trích yếu" in data["properties"]["subject"]["description"]
    point = data["$defs"]["Point"]
    assert {"type": "string"} in point["properties"]["text"]["anyOf"]   # a bare string is allowed


def test_every_example_points_at_the_schema():
    for plan in PLANS.glob("*.yaml"):
        assert plan.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=plan.schema.json")
    for org in (PLANS / "orgs").glob("*.yaml"):
        assert org.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=org.schema.json")
