"""Downloads (CSV for Excel and for scripts, JSON), the data package and the pandas API."""

import codecs
import csv
import json
import shutil
import sqlite3
import subprocess
import sys

import pandas as pd
import pytest
from conftest import ROOT

from etl import build, frames
from etl.datapackage import PROFILE, build_datapackage, write_datapackage
from etl.export import DEFAULT_DOWNLOADS, download_names, export_downloads
from etl.frames import load, load_all
from etl.metadata import INSTANCE
from etl.schema import TABLES, VIEWS, Table

SPECS = [*TABLES, *VIEWS]
NAMES = [spec.name for spec in SPECS]


@pytest.fixture(scope="module")
def downloads(real_db_path, tmp_path_factory):
    output = tmp_path_factory.mktemp("export") / "downloads"
    written = export_downloads(real_db_path, output)
    assert written == [output / name for name in download_names()]
    return output


def db_rows(database, spec) -> list[tuple]:
    """The rows straight from SQLite: tables by primary key, views in their own order."""
    columns = ", ".join(f'"{c}"' for c in spec.column_names)
    order = f' order by "{spec.primary_key}"' if isinstance(spec, Table) else ""
    with sqlite3.connect(database) as connection:
        return connection.execute(f'select {columns} from "{spec.name}"{order}').fetchall()


def csv_rows(path, encoding, spec) -> list[tuple]:
    """A CSV read back with the csv module alone: empty cell -> None, int columns -> int
    (so a `404.0` would fail here)."""
    with open(path, encoding=encoding, newline="") as f:
        header, *rows = list(csv.reader(f))
    assert header == list(spec.column_names)
    return [
        tuple(
            None if cell == "" else column.type(cell)
            for column, cell in zip(spec.columns, row, strict=True)
        )
        for row in rows
    ]


# -- the files -----------------------------------------------------------------------------


def test_one_csv_for_excel_one_for_scripts_and_one_json_per_table_and_view(downloads):
    assert sorted(p.name for p in downloads.iterdir()) == sorted(download_names())
    for name in NAMES:
        for suffix in (".csv", ".utf8.csv", ".json"):
            assert (downloads / f"{name}{suffix}").stat().st_size > 0
    assert not list(downloads.glob("*.db")), "Datasette serves the database; no copy"
    assert [p.name for p in downloads.parent.iterdir()] == ["downloads"], "no temp folder left"
    assert DEFAULT_DOWNLOADS.parent == build.DEFAULT_OUTPUT.parent


@pytest.mark.parametrize("spec", SPECS, ids=NAMES)
def test_both_csvs_reload_to_exactly_the_database_rows(downloads, real_db_path, spec):
    expected = db_rows(real_db_path, spec)
    assert csv_rows(downloads / f"{spec.name}.csv", "utf-8-sig", spec) == expected
    assert csv_rows(downloads / f"{spec.name}.utf8.csv", "utf-8", spec) == expected


@pytest.mark.parametrize("spec", SPECS, ids=NAMES)
def test_excel_csv_is_the_plain_csv_with_a_byte_order_mark(downloads, spec):
    excel = (downloads / f"{spec.name}.csv").read_bytes()
    plain = (downloads / f"{spec.name}.utf8.csv").read_bytes()
    assert excel.startswith(codecs.BOM_UTF8)
    assert not plain.startswith(codecs.BOM_UTF8)
    assert excel == codecs.BOM_UTF8 + plain
    plain.decode("utf-8")  # strict
    assert plain.endswith(b"\r\n") and b"\n" not in plain.replace(b"\r\n", b"")


@pytest.mark.parametrize("spec", SPECS, ids=NAMES)
def test_json_reloads_to_exactly_the_database_rows(downloads, real_db_path, spec):
    text = (downloads / f"{spec.name}.json").read_text(encoding="utf-8")
    records = json.loads(text)
    assert [list(r) for r in records] == [list(spec.column_names)] * len(records)
    assert [tuple(r.values()) for r in records] == db_rows(real_db_path, spec)
    for record in records:  # 404 == 404.0 in Python, so check the types too
        for column, value in zip(spec.columns, record.values(), strict=True):
            assert value is None or type(value) is column.type, (spec.name, column.name, value)
    assert "\\u" not in text and "\\/" not in text  # ensure_ascii=False, no escaped slashes


def test_chinese_text_and_integers_survive_every_format(downloads):
    spec = next(s for s in TABLES if s.name == "code")
    for path, encoding in (("code.csv", "utf-8-sig"), ("code.utf8.csv", "utf-8")):
        rows = csv_rows(downloads / path, encoding, spec)
        rows = {row[0]: dict(zip(spec.column_names, row, strict=True)) for row in rows}
        assert rows["http-404"]["description_zh"] == "未找到。"
        assert rows["http-404"]["code"] == 404
        assert rows["websockets-1014"]["description_zh"] == "由 WebSocket"
        assert rows["websockets-1014"]["name"] is None
    entry = {r["id"]: r for r in json.loads((downloads / "entry.json").read_text("utf-8"))}
    assert entry["http-404"]["description_zh"] == "未找到。"
    assert entry["websockets-1014"]["description_zh"] == "由 WebSocket"
    assert entry["http-403.14"]["subcode"] == "403.14" and entry["http-403.14"]["minor"] == 14
    assert entry["http-404.0"]["subcode"] == "404.0"  # text: keeps its zero
    assert entry["websockets-3000-3999"]["code"] is None  # NULL int -> null, not NaN
    assert "未找到。" in (downloads / "code.utf8.csv").read_text(encoding="utf-8")


def test_same_database_gives_the_same_bytes(downloads, real_db_path, tmp_path):
    again = tmp_path / "again"
    export_downloads(real_db_path, again)
    for name in download_names():
        assert (again / name).read_bytes() == (downloads / name).read_bytes(), name


# -- all or nothing ------------------------------------------------------------------------


def test_a_failure_leaves_the_previous_downloads_as_they_were(real_db_path, tmp_path, monkeypatch):
    output = tmp_path / "downloads"
    export_downloads(real_db_path, output)
    before = {p.name: p.read_bytes() for p in output.iterdir()}

    def fail(directory):
        raise OSError("disk full")

    monkeypatch.setattr("etl.export.write_datapackage", fail)  # after every CSV and JSON
    with pytest.raises(OSError, match="disk full"):
        export_downloads(real_db_path, output)
    assert {p.name: p.read_bytes() for p in output.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["downloads"]


def test_a_new_export_replaces_the_previous_set(real_db_path, tmp_path):
    output = tmp_path / "downloads"
    export_downloads(real_db_path, output)
    (output / "entry.csv").write_text("stale")
    export_downloads(real_db_path, output)
    assert (output / "entry.csv").read_bytes().startswith(codecs.BOM_UTF8 + b"id,kind,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["downloads"]


def test_never_replaces_a_folder_holding_other_files(real_db_path, tmp_path):
    database = tmp_path / "status_codes.db"
    shutil.copy(real_db_path, database)
    with pytest.raises(ValueError, match=r"holds files that are not downloads \(status_codes"):
        export_downloads(database, tmp_path)  # e.g. --output-dir build
    assert sorted(p.name for p in tmp_path.iterdir()) == ["status_codes.db"]


def test_missing_database_says_to_build(tmp_path):
    with pytest.raises(FileNotFoundError, match="run `status-codes build`"):
        export_downloads(tmp_path / "status_codes.db", tmp_path / "downloads")
    assert list(tmp_path.iterdir()) == []


def test_values_a_csv_cannot_carry_stop_the_export(real_db_path, tmp_path):
    database = tmp_path / "status_codes.db"
    shutil.copy(real_db_path, database)
    with sqlite3.connect(database) as connection:
        connection.execute("update code set note_en = '' where id = 'http-404'")
    with pytest.raises(ValueError, match="code.note_en holds an empty string"):
        export_downloads(database, tmp_path / "downloads")
    with sqlite3.connect(database) as connection:
        connection.execute(
            "update code set note_en = null, source_line = 'x' where id = 'http-404'"
        )
    with pytest.raises(TypeError, match=r"code.source_line holds 'x' \(str\)"):
        export_downloads(database, tmp_path / "downloads")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["status_codes.db"]


# -- the data package ----------------------------------------------------------------------


def test_data_package_is_generated_from_the_schema(downloads):
    package = json.loads((downloads / "datapackage.json").read_text(encoding="utf-8"))
    assert package == build_datapackage(downloads)
    assert package["$schema"] == PROFILE
    assert package["title"] == INSTANCE["title"]
    assert package["description"] == INSTANCE["description"]
    assert package["sources"] == [{"title": INSTANCE["source"]}]
    assert package["licenses"] == [{"name": "notspecified", "title": INSTANCE["license"]}]
    resources = {r["name"]: r for r in package["resources"]}
    assert list(resources) == NAMES
    for spec in SPECS:
        resource = resources[spec.name]
        assert resource["path"] == f"{spec.name}.utf8.csv"
        assert resource["description"] == spec.description
        schema = resource["schema"]
        assert [(f["name"], f["type"], f["description"]) for f in schema["fields"]] == [
            (c.name, {int: "integer", str: "string"}[c.type], c.description) for c in spec.columns
        ]
        if isinstance(spec, Table):
            assert schema["primaryKey"] == [spec.primary_key]
            references = [c.references for c in spec.columns if c.references]
            assert [
                f"{fk['reference']['resource']}.{fk['reference']['fields'][0]}"
                for fk in schema.get("foreignKeys", [])
            ] == references
        else:
            assert "primaryKey" not in schema and "foreignKeys" not in schema
    code = {f["name"]: f for f in resources["code"]["schema"]["fields"]}
    assert code["code"].get("constraints") == {"required": True}
    assert "constraints" not in code["source_line"]


def frictionless_validate(descriptor) -> dict:
    """The real `frictionless validate` command (a test dependency), as a JSON report."""
    result = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", "--json", str(descriptor)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout, result.stderr
    return json.loads(result.stdout)


def test_frictionless_validates_the_package_metadata_and_data(downloads):
    report = frictionless_validate(downloads / "datapackage.json")
    errors = [e["message"] for t in report["tasks"] for e in t["errors"]] + [
        e["message"] for e in report["errors"]
    ]
    assert report["valid"], errors
    tasks = {t["name"]: t for t in report["tasks"]}
    assert list(tasks) == NAMES
    assert tasks["entry"]["stats"]["rows"] == 236
    assert tasks["code"]["stats"]["rows"] == 142


def test_frictionless_catches_a_broken_key_and_a_bad_integer(downloads, tmp_path):
    """The validation is not vacuous: keys, types and checksums are really checked."""
    broken = tmp_path / "broken"
    shutil.copytree(downloads, broken)
    for name, old, new in (
        ("subcode", "\r\nhttp-403.14,http-403,", "\r\nhttp-403.14,http-999,"),  # no code 999
        (
            "range",
            "\r\nwebsockets-3000-3999,websockets,3000,",
            "\r\nwebsockets-3000-3999,websockets,x,",
        ),
    ):
        path = broken / f"{name}.utf8.csv"
        text = path.read_bytes().decode("utf-8")  # keep the CRLFs
        assert old in text
        path.write_bytes(text.replace(old, new).encode("utf-8"))
    report = frictionless_validate(broken / "datapackage.json")  # stale checksums
    assert not report["valid"]
    assert {e["type"] for t in report["tasks"] for e in t["errors"]} >= {"hash-count", "byte-count"}
    write_datapackage(broken)  # fresh checksums: now the data itself must fail
    report = frictionless_validate(broken / "datapackage.json")
    errors = {t["name"]: {e["type"] for e in t["errors"]} for t in report["tasks"] if t["errors"]}
    assert errors == {"subcode": {"foreign-key"}, "range": {"type-error"}}


# -- the pandas API ------------------------------------------------------------------------


def test_load_gives_the_flat_entry_table_with_schema_dtypes(real_db_path):
    entry = load(database=real_db_path)
    assert entry.shape == (236, len(VIEWS[0].columns))
    assert list(entry.columns) == list(VIEWS[0].column_names)
    assert entry["code"].dtype == "Int64" and entry["description_zh"].dtype == "string"
    row = entry.set_index("id").loc["http-404"]
    assert row["code"] == 404 and row["description_zh"] == "未找到。"
    assert entry["code"].isna().sum() == 5  # the ranges: <NA>, and the column stays Int64


@pytest.mark.parametrize(("table", "rows"), [("entry", 236), ("code", 142), ("subcode", 89)])
def test_load_counts(real_db_path, table, rows):
    assert len(load(table, database=str(real_db_path))) == rows


def test_load_all_has_every_table_and_view_with_schema_dtypes(real_db_path):
    all_frames = load_all(real_db_path)
    assert list(all_frames) == NAMES
    for spec in SPECS:
        frame = all_frames[spec.name]
        assert len(frame) == len(db_rows(real_db_path, spec))
        assert {c: str(t) for c, t in frame.dtypes.items()} == {
            c.name: {int: "Int64", str: "string"}[c.type] for c in spec.columns
        }


def test_the_csvs_read_back_into_pandas_as_the_same_frames(downloads, real_db_path):
    for spec in SPECS:
        dtypes = {c.name: {int: "Int64", str: "string"}[c.type] for c in spec.columns}
        for name in (f"{spec.name}.csv", f"{spec.name}.utf8.csv"):
            frame = pd.read_csv(
                downloads / name, dtype=dtypes, keep_default_na=False, na_values=[""]
            )
            pd.testing.assert_frame_equal(frame, load(spec.name, real_db_path))


def test_load_finds_the_default_database_and_explains_a_missing_one(
    real_db_path, tmp_path, monkeypatch
):
    assert frames.DEFAULT_DATABASE == build.DEFAULT_OUTPUT
    monkeypatch.setattr(frames, "PROJECT_ROOT", tmp_path / "checkout")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(
        FileNotFoundError, match=r"run `status-codes build`.*or give the path of one"
    ):
        load()
    (tmp_path / "build").mkdir()
    shutil.copy(real_db_path, tmp_path / "build" / "status_codes.db")
    assert len(load("protocol")) == 3
    with pytest.raises(ValueError, match="no table or view named 'codes'; choose one of: protocol"):
        load("codes")


def test_start_up_modules_do_not_import_pandas():
    """The command line, the build and these modules must work before pandas is imported:
    with pandas blocked, importing them still succeeds (sqlite-utils copes without it)."""
    code = (
        "import sys; sys.modules['pandas'] = None\n"
        "import etl, etl.cli, etl.build, etl.frames, etl.datapackage, etl.export\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
