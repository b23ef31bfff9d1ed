"""The committed JSON Schemas match the pydantic models, and extracted plans validate against them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import kehoach
from kehoach.schemas.export import SCHEMAS, render

from conftest import seed

FOLDER = Path(__file__).resolve().parents[1] / "schemas"


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schema_is_current(name: str) -> None:
    committed = (FOLDER / name).read_text(encoding="utf-8")
    assert committed == render(SCHEMAS[name]), f"run: python -m kehoach.schemas.export ({name} is stale)"


def test_extracted_plan_validates_against_the_schema() -> None:
    schema = json.loads((FOLDER / "plan.schema.json").read_text(encoding="utf-8"))
    plan = kehoach.extract(seed("004"))
    jsonschema.validate(json.loads(plan.model_dump_json()), schema)
    bad = json.loads(plan.model_dump_json())
    bad["targets"][0]["value"] = "6,11%"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
