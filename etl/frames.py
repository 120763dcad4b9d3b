"""The dataset as pandas DataFrames, for notebooks and scripts.

    >>> from etl.frames import load
    >>> entry = load()                      # the flat `entry` view, one row per code
    >>> code = load("code")                 # any table of etl.schema.TABLES or VIEWS

Column dtypes come from `etl.schema`: `Int64` (nullable integers, so a missing
`source_line` stays <NA> and 404 never turns into 404.0) for integer columns and pandas'
`string` dtype for text. Rows of a table come in primary-key order; a view keeps its own
order.

pandas is imported inside the functions, not at the top: this module is light enough for
`etl/__init__.py` to re-export `load`, and the build and the command line never pay for
pandas.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from etl.schema import TABLES, VIEWS, Table, View

if TYPE_CHECKING:
    import pandas as pd

# etl.build.DEFAULT_OUTPUT, spelt out here so that importing this module does not import
# the whole pipeline (tests/test_export.py checks the two agree).
DEFAULT_DATABASE = Path("build/status_codes.db")
PROJECT_ROOT = Path(__file__).resolve().parent.parent

DTYPES = {int: "Int64", str: "string"}
SPECS: dict[str, Table | View] = {spec.name: spec for spec in (*TABLES, *VIEWS)}


def load(table: str = "entry", database: Path | str | None = None) -> pd.DataFrame:
    """One table or view of the database as a DataFrame with the schema's dtypes.

    `database` defaults to build/status_codes.db in the working directory or, failing that,
    in the project's checkout (so a notebook in a subfolder finds it too).
    """
    spec = _spec(table)
    with connect(database) as connection:
        return read_frame(connection, spec)


def load_all(database: Path | str | None = None) -> dict[str, pd.DataFrame]:
    """Every table and view, by name, in schema order (tables first, then views)."""
    with connect(database) as connection:
        return {spec.name: read_frame(connection, spec) for spec in SPECS.values()}


def _spec(name: str) -> Table | View:
    try:
        return SPECS[name]
    except KeyError:
        raise ValueError(
            f"no table or view named {name!r}; choose one of: {', '.join(SPECS)}"
        ) from None


def find_database(database: Path | str | None = None) -> Path:
    """The database file to read, or FileNotFoundError saying how to make it."""
    if database is not None:
        candidates = [Path(database)]
    else:
        candidates = list(
            dict.fromkeys([Path.cwd() / DEFAULT_DATABASE, PROJECT_ROOT / DEFAULT_DATABASE])
        )
    for path in candidates:
        if path.is_file():
            return path
    tried = " or ".join(str(path) for path in candidates)
    raise FileNotFoundError(
        f"no status-codes database at {tried}: run `status-codes build` in the project's "
        "folder first (it writes build/status_codes.db), or give the path of one."
    )


@contextmanager
def connect(database: Path | str | None = None) -> Iterator[sqlite3.Connection]:
    """A read-only connection to the database, closed on leaving the `with` block
    (sqlite3's own context manager commits but never closes)."""
    path = find_database(database)
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        yield connection
    finally:
        connection.close()


def read_rows(connection: sqlite3.Connection, spec: Table | View) -> list[tuple]:
    """The rows of a table (in primary-key order) or view (in its own order), with exactly
    the declared columns; TypeError if a value is not of its column's declared type."""
    columns = ", ".join(f'"{name}"' for name in spec.column_names)
    order = f' order by "{spec.primary_key}"' if isinstance(spec, Table) else ""
    try:
        rows = connection.execute(f'select {columns} from "{spec.name}"{order}').fetchall()
    except sqlite3.OperationalError as error:
        raise RuntimeError(
            f"cannot read {spec.name} ({error}): the database does not match etl/schema.py; "
            "rebuild it with `status-codes build`."
        ) from None
    for index, column in enumerate(spec.columns):
        _check_type(spec.name, column.name, column.type, (row[index] for row in rows))
    return rows


def _check_type(table: str, column: str, expected: type, values: Iterable[object]) -> None:
    for value in values:
        # bool is an int subclass, but SQLite never returns one
        if value is not None and type(value) is not expected:
            raise TypeError(
                f"{table}.{column} holds {value!r} ({type(value).__name__}), but etl/schema.py "
                f"declares {expected.__name__}"
            )


def read_frame(connection: sqlite3.Connection, spec: Table | View) -> pd.DataFrame:
    """A table or view as a DataFrame with the schema's dtypes (no float detour for ints)."""
    import pandas as pd

    rows = read_rows(connection, spec)
    return pd.DataFrame(
        {
            column.name: pd.array([row[index] for row in rows], dtype=DTYPES[column.type])
            for index, column in enumerate(spec.columns)
        }
    )
