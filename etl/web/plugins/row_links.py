"""Links from the flat `entry` view and the canned queries to each row's own page.

Their rows carry `kind` (code, subcode, range, class) and `id`, which is all it takes to link
`http-403.14` to /status_codes/subcode/http-403~2E14, where its document line and known
issues are one click away.
"""

from __future__ import annotations

import markupsafe
from datasette import hookimpl
from datasette.utils import tilde_encode

LINKED_KINDS = ("code", "subcode", "range", "class")


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if column != "id" or table not in (None, "entry") or not isinstance(value, str):
        return None
    try:
        kind = row["kind"]
    except (IndexError, KeyError):
        return None
    if kind not in LINKED_KINDS:
        return None
    href = f"{datasette.urls.table(database, kind)}/{tilde_encode(value)}"
    return markupsafe.Markup('<a href="{}">{}</a>').format(href, value)
