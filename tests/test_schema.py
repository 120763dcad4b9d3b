"""One schema drives the tables and metadata.yml; nothing is left undescribed."""

import yaml
from click.testing import CliRunner
from conftest import ROOT

from etl.cli import cli
from etl.metadata import render_metadata
from etl.schema import TABLES, VIEWS


def test_metadata_yml_is_generated_from_the_schema():
    committed = (ROOT / "metadata.yml").read_text(encoding="utf-8")
    assert committed == render_metadata(), "run `status-codes metadata` and commit metadata.yml"


def test_every_table_and_column_is_described():
    metadata = yaml.safe_load(render_metadata())
    tables = metadata["databases"]["status_codes"]["tables"]
    assert list(tables) == [
        "protocol", "class", "code", "code_fts", "subcode", "subcode_fts", "range", "range_fts",
        "source_issue", "document_line", "document", "status", "issue_kind", "entry",
    ]  # fmt: skip
    # the full-text indexes are hidden; their tables say where to search
    assert [name for name, entry in tables.items() if entry.get("hidden")] == [
        "code_fts", "subcode_fts", "range_fts",
    ]  # fmt: skip
    assert tables["code"]["fts_table"] == "code_fts" and tables["code"]["fts_pk"] == "rowid"
    assert list(metadata["databases"]["status_codes"]["queries"]) == [
        "lookup", "search", "shared_numbers", "document_errors", "missing_from_document",
    ]  # fmt: skip
    for spec in [*TABLES, *VIEWS]:
        assert len(tables[spec.name]["description"]) > 20, spec.name
        assert list(tables[spec.name]["columns"]) == list(spec.column_names)
        for column, description in tables[spec.name]["columns"].items():
            assert len(description) > 10, (spec.name, column)
    for key in ("title", "description", "source", "license"):
        assert metadata[key]


def test_database_has_exactly_the_declared_tables_and_columns(real_db):
    actual = {
        t.name: [c.name for c in t.columns]
        for t in real_db.tables
        if not t.name.endswith(
            ("_fts", "_fts_data", "_fts_idx", "_fts_docsize", "_fts_config", "_fts_content")
        )
    }
    assert actual == {spec.name: list(spec.column_names) for spec in TABLES}
    fts = {t.name: [c.name for c in t.columns] for t in real_db.tables if t.name.endswith("_fts")}
    assert fts == {spec.fts_table: list(spec.search_columns) for spec in TABLES if spec.fts_table}
    views = {v.name: [c.name for c in v.columns] for v in real_db.views}
    assert views == {view.name: list(view.column_names) for view in VIEWS}
    for spec in TABLES:
        assert real_db[spec.name].pks == [spec.primary_key]


def test_metadata_check_command(project_copy):
    assert CliRunner().invoke(cli, ["metadata", "--check"]).exit_code == 0
    (project_copy / "metadata.yml").write_text("title: stale\n")
    result = CliRunner().invoke(cli, ["metadata", "--check"])
    assert result.exit_code == 1
    assert (
        "metadata.yml is out of date: run `status-codes metadata` and commit it." in result.output
    )
