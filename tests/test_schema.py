"""One schema drives the tables and metadata.yml; nothing is left undescribed."""

import shutil

import yaml
from click.testing import CliRunner
from conftest import ROOT

from etl.cli import cli
from etl.metadata import render_metadata
from etl.schema import TABLES, VIEWS, Column, Table, creation_order, ensure_schema
from etl.sqlite import sqlite_utils


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


def test_creation_order_declares_keys_at_creation_except_one_table_of_the_cycle():
    order = [(spec.name, [c.name for c in deferred]) for spec, deferred in creation_order(TABLES)]
    assert order == [
        ("document", []),
        ("status", []),
        ("issue_kind", []),
        # the cycle (every row -> its line -> the row) is broken at document_line, the one
        # table whose keys wait until the tables they point at exist
        ("document_line", ["protocol_id", "class_id", "code_id", "subcode_id", "range_id"]),
        ("protocol", []),
        ("class", []),
        ("code", []),
        ("subcode", []),
        ("range", []),
        ("source_issue", []),
    ]


def test_creation_order_breaks_a_cycle_between_other_tables():
    a = Table(
        "a",
        "A table.",
        (Column("id", str, "Key.", True), Column("b_id", str, "B.", references="b.id")),
    )
    b = Table(
        "b",
        "B table.",
        (Column("id", str, "Key.", True), Column("a_id", str, "A.", references="a.id")),
    )
    c = Table(
        "c",
        "C table.",
        (Column("id", str, "Key.", True), Column("a_id", str, "A.", references="a.id")),
    )
    assert [(s.name, [x.name for x in d]) for s, d in creation_order((c, a, b))] == [
        ("a", ["b_id"]),
        ("c", []),
        ("b", []),
    ]


def sqlite_schema(db: sqlite_utils.Database) -> list[tuple]:
    return db.execute("select type, name, sql from sqlite_master order by name").fetchall()


def test_ensure_schema_is_safe_to_repeat_and_keeps_rows(real_db_path, tmp_path):
    copy = tmp_path / "copy.db"
    shutil.copy(real_db_path, copy)
    db = sqlite_utils.Database(copy, execute_plugins=False)
    before, count = sqlite_schema(db), db["document_line"].count
    ensure_schema(db)
    assert sqlite_schema(db) == before
    assert db["document_line"].count == count == 170


def test_ensure_schema_adds_a_missing_key_to_a_table_with_rows(tmp_path):
    db = sqlite_utils.Database(tmp_path / "old.db", execute_plugins=False)
    ensure_schema(db)
    db["document_line"].transform(drop_foreign_keys=["code_id"])
    db["document_line"].insert({"line_no": 1, "text": "HTTP", "kind": "protocol heading"})
    ensure_schema(db)
    assert ("code_id", "code") in {
        (fk.column, fk.other_table) for fk in db["document_line"].foreign_keys
    }
    assert db["document_line"].count == 1
