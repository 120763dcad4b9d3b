"""Foreign-key labels on row pages.

Datasette 0.65 shows foreign-key labels on table pages but not on row pages
(simonw/datasette#1592); `render_cell` fills that gap so a code's page names its protocol
and class and links them, the same way table pages do.
"""

from __future__ import annotations

import markupsafe
from datasette import hookimpl
from datasette.utils import escape_sqlite, tilde_encode


async def _foreign_key_link(datasette, database: str, table: str, column: str, value):
    db = datasette.get_database(database)
    foreign_key = next(
        (fk for fk in await db.foreign_keys_for_table(table) if fk["column"] == column), None
    )
    if foreign_key is None:
        return None
    other_table, other_column = foreign_key["other_table"], foreign_key["other_column"]
    label_column = await db.label_column_for_table(other_table)
    if not label_column:
        return None
    result = await db.execute(
        f"select {escape_sqlite(label_column)} from {escape_sqlite(other_table)} "
        f"where {escape_sqlite(other_column)} = ?",
        [value],
    )
    row = result.first()
    if row is None or row[0] in (None, ""):
        return None
    href = f"{datasette.urls.table(database, other_table)}/{tilde_encode(str(value))}"
    return markupsafe.Markup('<a href="{}">{}</a>&nbsp;<em>{}</em>').format(href, row[0], value)


@hookimpl
def render_cell(value, column, table, database, datasette):
    # Table pages pass already-expanded foreign keys as dicts; query pages have no table.
    if table is None or value is None or isinstance(value, dict | bytes):
        return None

    async def inner():
        return await _foreign_key_link(datasette, database, table, column, value)

    return inner
