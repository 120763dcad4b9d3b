"""Foreign-key labels on row pages.

Datasette 0.65 shows foreign-key labels on table pages but not on row pages
(simonw/datasette#1592); `render_cell` fills that gap so a code's page names its protocol
and class and links them, the same way table pages do.

render_cell runs for every cell of every page, so the work is kept to cells that need it:
each table's foreign keys and label columns are read once (the database is immutable), and
other cells return at once, without a query.
"""

from __future__ import annotations

import markupsafe
from datasette import hookimpl
from datasette.utils import escape_sqlite, tilde_encode

# (Datasette instance, database, table) -> {column: (other table, other column, label column)}
_links: dict[tuple[int, str, str], dict[str, tuple[str, str, str]]] = {}


async def _links_of(datasette, database: str, table: str) -> dict[str, tuple[str, str, str]]:
    key = (id(datasette), database, table)
    if key not in _links:
        db = datasette.get_database(database)
        links = {}
        for fk in await db.foreign_keys_for_table(table):
            label_column = await db.label_column_for_table(fk["other_table"])
            if label_column:
                links[fk["column"]] = (fk["other_table"], fk["other_column"], label_column)
        _links[key] = links
    return _links[key]


async def _foreign_key_link(datasette, database: str, table: str, column: str, value):
    link = (await _links_of(datasette, database, table)).get(column)
    if link is None:
        return None
    other_table, other_column, label_column = link
    result = await datasette.get_database(database).execute(
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
    known = _links.get((id(datasette), database, table))
    if known is not None and column not in known:
        return None  # the common case: no query, no coroutine

    async def inner():
        return await _foreign_key_link(datasette, database, table, column, value)

    return inner
