"""The downloads' `datapackage.json`: a Frictionless Data Package (v2), from the schema.

Every resource is one of the plain UTF-8 CSVs that `etl.export` writes (`<name>.utf8.csv`),
with a Table Schema rendered from `etl.schema` (types, descriptions, required columns,
primary and foreign keys) and the package's title, description, source and license from
`etl.metadata.INSTANCE`: nothing here is kept by hand.

No pandas: this module only renders JSON (and hashes files).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from etl.metadata import DATABASE_NAME, INSTANCE
from etl.schema import TABLES, VIEWS, Column, Table, View

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
DESCRIPTOR_NAME = "datapackage.json"
FIELD_TYPES = {int: "integer", str: "string"}

# The Data Package standard's `licenses[].name` is an Open Definition license id. The source
# text is a third-party article whose license nobody has stated, so the honest id is
# "notspecified" (Open Definition: "License Not Specified"), not an open license and not
# "other-closed" (which would claim to know it is closed). The title says the rest.
LICENSE = {"name": "notspecified", "title": INSTANCE["license"]}


def csv_name(name: str) -> str:
    """The plain UTF-8 CSV of a table or view (the one the package describes)."""
    return f"{name}.utf8.csv"


def table_schema(spec: Table | View) -> dict:
    """The Table Schema of a table or view: a view has no primary or foreign keys."""
    schema: dict = {"fields": [_field(column) for column in spec.columns]}
    schema["missingValues"] = [""]  # an empty cell is NULL, as the CSVs write it
    if isinstance(spec, Table):
        schema["primaryKey"] = [spec.primary_key]
        foreign_keys = [
            {
                "fields": [column.name],
                "reference": {"resource": table, "fields": [target]},
            }
            for column in spec.columns
            if column.foreign_key is not None
            for table, target in [column.foreign_key]
        ]
        if foreign_keys:
            schema["foreignKeys"] = foreign_keys
    return schema


def _field(column: Column) -> dict:
    field = {
        "name": column.name,
        "type": FIELD_TYPES[column.type],
        "description": column.description,
    }
    if column.primary_key or column.not_null:
        field["constraints"] = {"required": True}
    return field


def _resource(spec: Table | View, directory: Path | None) -> dict:
    resource = {
        "name": spec.name,
        "type": "table",
        "path": csv_name(spec.name),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": spec.description,
    }
    if directory is not None:
        # size and checksum let `frictionless validate` prove the file is the one described
        data = (directory / csv_name(spec.name)).read_bytes()
        resource["bytes"] = len(data)
        resource["hash"] = f"sha256:{hashlib.sha256(data).hexdigest()}"
    resource["schema"] = table_schema(spec)
    return resource


def build_datapackage(directory: Path | None = None) -> dict:
    """The package descriptor, one resource per table and view.

    With `directory` (where the CSVs are), each resource also gets its `bytes` and sha256
    `hash`, read from the file.
    """
    return {
        "$schema": PROFILE,
        "name": DATABASE_NAME,
        "title": INSTANCE["title"],
        "description": INSTANCE["description"],
        "licenses": [LICENSE],
        "sources": [{"title": INSTANCE["source"]}],
        "resources": [_resource(spec, directory) for spec in (*TABLES, *VIEWS)],
    }


def render_datapackage(directory: Path | None = None) -> str:
    return json.dumps(build_datapackage(directory), ensure_ascii=False, indent=2) + "\n"


def write_datapackage(directory: Path) -> Path:
    """Write `datapackage.json` beside the CSVs in `directory` (which must exist)."""
    path = directory / DESCRIPTOR_NAME
    path.write_text(render_datapackage(directory), encoding="utf-8", newline="\n")
    return path
