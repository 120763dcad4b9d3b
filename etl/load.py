"""Loading: validated records into a new SQLite file, swapped in atomically.

The database is written to a temporary file beside the output and renamed over it only
when complete, so a failed or interrupted build leaves any existing database untouched.
The file is left without free pages and in rollback-journal mode: byte-for-byte reproducible
from the same inputs and safe for Datasette to serve immutable.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Iterable, Iterator
from operator import attrgetter, itemgetter
from pathlib import Path

from etl import __version__
from etl.records import ParsedDocument
from etl.reference import ISSUE_KINDS, STATUSES
from etl.schema import TABLES, Table, ensure_schema
from etl.source import SourceText
from etl.sqlite import sqlite_utils
from etl.web.plugins.chinese_search import segment


class BuildError(Exception):
    """The database could not be completed (not a problem of the document)."""


def row_values(spec: Table, records: Iterable[object]) -> Iterator[tuple]:
    """Records (dataclasses or dicts) as value tuples of `spec`'s columns, in its order."""
    columns = spec.column_names
    by_attribute, by_key = attrgetter(*columns), itemgetter(*columns)
    for record in records:
        values = (by_attribute if dataclasses.is_dataclass(record) else by_key)(record)
        yield values if len(columns) > 1 else (values,)


def insert_rows(db: sqlite_utils.Database, spec: Table, records: Iterable[object]) -> None:
    """Insert `records` into the table of `spec`, streamed.

    Plain `executemany` of value tuples: sqlite_utils' insert_all built a dict per row and
    checked every value for JSON (about 2 s of a 100,000-code build) and held every row in
    memory at once. Same rows, same order.
    """
    columns = ", ".join(f"[{name}]" for name in spec.column_names)
    marks = ", ".join("?" for _ in spec.column_names)
    db.conn.executemany(
        f"insert into [{spec.name}] ({columns}) values ({marks})", row_values(spec, records)
    )


def fill_database(db: sqlite_utils.Database, doc: ParsedDocument, source: SourceText) -> None:
    """Create the schema and insert every record of `doc` into `db`."""
    ensure_schema(db)
    content = {
        "document_line": doc.lines,
        "protocol": doc.protocols,
        "class": doc.classes,
        "code": doc.codes,
        "subcode": doc.subcodes,
        "range": doc.ranges,
        "source_issue": doc.source_issues,
        "status": [{"id": k, "description": v} for k, v in STATUSES.items()],
        "issue_kind": [{"id": k, "description": v} for k, v in ISSUE_KINDS.items()],
        "document": [
            {
                "path": source.path,
                "sha256": source.sha256,
                "line_count": len(source.lines),
                "title": doc.title,
                "etl_version": __version__,
            }
        ],
    }
    with db.conn:
        for spec in TABLES:
            insert_rows(db, spec, content[spec.name])
    fill_search_indexes(db)
    violations = db.execute("PRAGMA foreign_key_check").fetchall()
    if violations:
        raise BuildError(f"foreign key check failed: {violations[:5]}")


def fill_search_indexes(db: sqlite_utils.Database) -> None:
    """Index each searchable table's text in its FTS table, Chinese one character per token."""
    db.conn.create_function("segment", 1, segment, deterministic=True)
    with db.conn:
        for spec in TABLES:
            if spec.search_columns:
                columns = ", ".join(spec.search_columns)
                segmented = ", ".join(f"segment([{c}])" for c in spec.search_columns)
                db.execute(
                    f"insert into [{spec.fts_table}] (rowid, {columns}) "
                    f"select rowid, {segmented} from [{spec.name}] order by rowid"
                )


def write_database(doc: ParsedDocument, source: SourceText, output: Path) -> None:
    """Write `doc` to `output`, replacing it only once the new file is complete."""
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    os.close(fd)
    temp = Path(temp_name)
    try:
        # No sqlite-utils plugins: what gets installed beside us must not change the file,
        # and looking for them (entry points of every installed package) took 20 ms.
        db = sqlite_utils.Database(temp, execute_plugins=False)
        # The temporary file is thrown away on any failure, so it needs no journal.
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        fill_database(db, doc, source)
        db.execute("PRAGMA journal_mode = DELETE")
        # A new file written in one pass has no free pages unless the search indexes' merges
        # left some; only then is VACUUM (3 ms of a 25 ms load) worth its time.
        if db.execute("PRAGMA freelist_count").fetchone()[0]:
            db.execute("VACUUM")
        db.close()
        with open(temp, "rb+") as finished:
            os.fsync(finished.fileno())
        # mkstemp makes the file private (0600); the database is for everyone who may read
        # the folder, like any file the user creates.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, output)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
