"""The `status-codes build` command: output, errors, atomic replacement, reproducibility."""

import hashlib
import os
import subprocess
import sys

import sqlite_utils
from click.testing import CliRunner
from conftest import ROOT

from etl.cli import cli, is_stale

GOOD = "HTTP\n4xx客户端错误\n- 404 – 未找到。\n- 404.0 -(无) – 没有找到文件或目录。\n"


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_build_writes_the_database_and_says_what_it_built(tmp_path):
    source = tmp_path / "doc.txt"
    source.write_text(GOOD, encoding="utf-8")
    output = tmp_path / "out" / "x.db"
    result = CliRunner().invoke(
        cli, ["build", str(source), "--output", str(output), "--no-reference"]
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Built {output} from {source.as_posix()}: 1 protocols, 1 classes, 1 codes, "
        "1 sub-statuses, 0 ranges, 1 known issues (4 lines, all accounted for).\n"
    )
    db = sqlite_utils.Database(output)
    assert [r["id"] for r in db["subcode"].rows] == ["http-404.0"]
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert os.listdir(output.parent) == ["x.db"]
    umask = os.umask(0)
    os.umask(umask)
    assert output.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0600


def test_default_paths_in_the_project(project_copy):
    result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Built build/status_codes.db from sources/status-codes.zh-CN.txt: 3 protocols, "
        "11 classes, 112 (+30 from the registries) codes, 24 (+65 from the registries) "
        "sub-statuses, 5 ranges, 60 known issues (170 lines, all accounted for).\n"
    )
    db = sqlite_utils.Database(project_copy / "build" / "status_codes.db")
    assert db.execute("select path from document").fetchall() == [
        ("sources/status-codes.zh-CN.txt",)
    ]


def test_malformed_document_reports_every_problem_and_keeps_the_old_database(tmp_path):
    source = tmp_path / "doc.txt"
    output = tmp_path / "status_codes.db"
    source.write_text(GOOD, encoding="utf-8")
    assert CliRunner().invoke(cli, ["build", str(source), "-o", str(output)]).exit_code == 0
    before = output.read_bytes()

    source.write_text(GOOD + "- 4O4 – typo\n- 404 – again\n- 405.1 – orphan\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(source), "-o", str(output)])
    assert result.exit_code == 1
    path = source.as_posix()
    assert result.stderr == (
        f"{path}:5: expected a numeric code such as 404 or 403.14, found '4O4'\n"
        f"{path}:6: expected each code once, found code 404 in http again (first on line 3)\n"
        f"{path}:7: expected the code 405 to be listed in http for its sub-status 405.1, found "
        "no such code\n"
        f"Error: 3 problem(s) in {path}; fix the line(s) above and build again. {output} was "
        "left unchanged.\n"
    )
    assert output.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["doc.txt", "status_codes.db"]


def test_failure_while_writing_leaves_no_trace(tmp_path, monkeypatch):
    source = tmp_path / "doc.txt"
    output = tmp_path / "status_codes.db"
    source.write_text(GOOD, encoding="utf-8")
    assert CliRunner().invoke(cli, ["build", str(source), "-o", str(output)]).exit_code == 0
    before = output.read_bytes()

    def fail(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("etl.load.ensure_schema", fail)
    result = CliRunner().invoke(cli, ["build", str(source), "-o", str(output)])
    assert isinstance(result.exception, RuntimeError)
    assert output.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["doc.txt", "status_codes.db"]


def test_two_builds_are_byte_identical(tmp_path):
    first, second = tmp_path / "a" / "status_codes.db", tmp_path / "b" / "status_codes.db"
    for output in (first, second):
        result = CliRunner().invoke(cli, ["build", "--output", str(output)], catch_exceptions=False)
        assert result.exit_code == 0
    assert sha256(first) == sha256(second)


def test_python_dash_m_etl_runs_the_same_command(tmp_path):
    output = tmp_path / "status_codes.db"
    completed = subprocess.run(
        [sys.executable, "-m", "etl", "build", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith(f"Built {output} from sources/status-codes.zh-CN.txt")


def test_staleness(tmp_path):
    db, source = tmp_path / "status_codes.db", tmp_path / "doc.txt"
    source.write_text(GOOD)
    assert is_stale(db, [source])
    db.write_bytes(b"")
    os.utime(source, (1, 1))
    assert not is_stale(db, [source])
    os.utime(source, (db.stat().st_mtime + 10, db.stat().st_mtime + 10))
    assert is_stale(db, [source])


def test_the_build_path_imports_neither_pandas_nor_datasette():
    # sqlite-utils would import pandas and numpy (250 ms) whenever installed; etl.sqlite hides them
    script = (
        "import sys, etl.cli\n"
        "print(sorted(m for m in ('pandas', 'numpy', 'datasette') if m in sys.modules))\n"
        "import pandas  # hidden only while sqlite-utils imported: still importable after\n"
        "print(sys.modules['pandas'] is pandas, 'numpy' in sys.modules)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert completed.stdout == "[]\nTrue True\n"
