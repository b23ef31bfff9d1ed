"""Write the JSON Schemas of the interchange models next to this module.

    python -m kehoach.schemas.export        # rewrites schemas/*.schema.json

The files are committed so that other tools can validate kehoach's JSON without Python; a test checks that
they match the models.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from kehoach.schemas.document import Document
from kehoach.schemas.plan import Plan
from kehoach.schemas.structure import Structure

SCHEMAS: dict[str, type[BaseModel]] = {
    "plan.schema.json": Plan,
    "document.schema.json": Document,
    "structure.schema.json": Structure,
}


def render(model: type[BaseModel]) -> str:
    schema = model.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main(folder: Path | None = None) -> None:
    folder = folder or Path(__file__).resolve().parent
    for name, model in SCHEMAS.items():
        (folder / name).write_text(render(model), encoding="utf-8")
        print(folder / name)


if __name__ == "__main__":
    main()
