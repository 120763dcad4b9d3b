"""Datasette's metadata.yml, rendered from the schema (never edited by hand).

`status-codes metadata` rewrites the file; a test fails when the committed copy is stale.
"""

from __future__ import annotations

from pathlib import Path

from etl.schema import TABLES, VIEWS
from etl.web.queries import CANNED_QUERIES

METADATA_PATH = Path("metadata.yml")
DATABASE_NAME = "status_codes"

HEADER = (
    "# Generated from etl/schema.py and etl/metadata.py by `status-codes metadata`.\n"
    "# Do not edit by hand: change the schema and run the command again.\n"
)

INSTANCE = {
    "title": "Protocol status codes · 协议状态码",
    "description": (
        "HTTP status codes (with IIS sub-status codes), FTP reply codes and WebSocket close "
        "codes, parsed from a Chinese-language reference document into normalized tables. "
        "Every row records the source line it came from; the document itself is in "
        "document_line. HTTP 状态码(含 IIS 子状态码)、FTP 应答码与 WebSocket 关闭码。"
    ),
    "source": (
        "Plain-text copy of a Chinese web article on HTTP/FTP/WebSocket error codes, which "
        "draws on Microsoft's IIS status-code article, RFC 959 and MDN's CloseEvent page; "
        "official names, specs and statuses from IANA's HTTP Status Code and WebSocket Close "
        "Code registries, RFC 9110, RFC 959, 2228, 2428 and 6455, and Microsoft's IIS "
        "status codes (KB 943891)"
    ),
    "license": (
        "Source text: third-party article, license unknown, reproduced verbatim for reference; "
        "see the project README"
    ),
}


def build_metadata() -> dict:
    tables = {}
    for spec in TABLES:
        entry: dict = {"description": spec.description}
        if spec.label_column:
            entry["label_column"] = spec.label_column
        if spec.sort:
            entry["sort"] = spec.sort
        if spec.facets:
            entry["facets"] = list(spec.facets)
        if spec.fts_table:
            entry["fts_table"] = spec.fts_table
            entry["fts_pk"] = "rowid"
        entry["columns"] = {c.name: c.description for c in spec.columns}
        tables[spec.name] = entry
        if spec.fts_table:
            tables[spec.fts_table] = {"hidden": True}
    for view in VIEWS:
        tables[view.name] = {
            "description": view.description,
            "facets": list(view.facets),
            "columns": {c.name: c.description for c in view.columns},
        }
    return {
        **INSTANCE,
        "databases": {
            DATABASE_NAME: {
                "description": INSTANCE["description"],
                "tables": tables,
                "queries": {
                    # results first: the SQL is one click away ("show")
                    name: {**query, "sql": query["sql"].strip() + "\n", "hide_sql": True}
                    for name, query in CANNED_QUERIES.items()
                },
            }
        },
    }


def render_metadata() -> str:
    import yaml  # here, not at the top: `status-codes build` imports this module, not yaml

    return HEADER + yaml.safe_dump(build_metadata(), allow_unicode=True, sort_keys=False, width=100)
