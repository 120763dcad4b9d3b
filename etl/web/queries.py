"""Canned queries of the published site (rendered into metadata.yml by etl.metadata).

Each takes its input as `q` where it has one, so `/status_codes/lookup.json?q=4001` answers.
They read only the schema's tables and the `entry` view's columns; nothing here names a
code. `lookup` and `search` select the matching rows in each arm of `entry` (through the
indexes) rather than filtering the view, which SQLite would build whole for every request:
350 ms a lookup at 100,000 codes.
"""

from __future__ import annotations

from etl.parse import MAX_CODE_DIGITS
from etl.schema import entry_select

# How an entry is shown: the code, sub-status or range as people write it.
_DISPLAY_CODE = (
    "case e.kind when 'range' then e.first_code || '–' || e.last_code "
    "when 'subcode' then e.subcode else cast(e.code as text) end"
)

# q as typed, and the number it is (NULL unless digits only, no longer than a code may be,
# which keeps it inside SQLite's integers).
_INPUT = f"""input as (
    select q, case when q <> '' and q not glob '*[^0-9]*' and length(q) <= {MAX_CODE_DIGITS}
        then cast(q as integer) end as n
    from (select lower(trim(coalesce(:q, ''))) as q)
)"""


def _entries(where: dict[str, str]) -> str:
    """The `entry` rows matching a condition per arm, each arm read through its indexes."""
    return " union all ".join(entry_select(kind, condition) for kind, condition in where.items())


_LOOKUP_ENTRIES = _entries(
    {
        # the number, written as the code is (so 0404 is not 404)
        "code": "c.code = (select n from input) and cast(c.code as text) = (select q from input)",
        "subcode": "s.subcode = (select q from input)",
        "range": "(select n from input) between r.first_code and r.last_code",
    }
)

LOOKUP_SQL = f"""
with {_INPUT}
select kind, protocol, code, name, description_zh, name_en, status, spec, issue_kinds,
    issue_explanations, id
from (
    select e.kind, e.protocol, e.protocol_id, {_DISPLAY_CODE} as code, e.name, e.description_zh,
        e.name_en, e.status, e.spec, e.issue_kinds, e.issue_explanations, e.id,
        e.first_code, e.minor
    from ({_LOOKUP_ENTRIES}) e
    union all
    select 'class', p.name, p.id, k.label, k.title_zh, k.description_zh, k.name_en, k.status,
        k.spec,
        (select group_concat(kind, '; ') from
            (select distinct i.kind from source_issue i where i.class_id = k.id order by i.kind)),
        (select group_concat(i.explanation, ' | ') from source_issue i where i.class_id = k.id),
        k.id, k.min_code, null
    from class k join protocol p on p.id = k.protocol_id, input
    where k.label = input.q
)
order by kind = 'range', protocol_id, first_code, minor
"""

_SEARCH_ENTRIES = _entries(
    {
        "code": "c.id in (select id from hits)",
        "subcode": "s.id in (select id from hits)",
        "range": "r.id in (select id from hits)",
    }
)

SEARCH_SQL = f"""
with hits as (
    select c.id, bm25(code_fts) as score
    from code_fts join code c on c.rowid = code_fts.rowid
    where code_fts match escape_fts(:q)
    union all
    select s.id, bm25(subcode_fts)
    from subcode_fts join subcode s on s.rowid = subcode_fts.rowid
    where subcode_fts match escape_fts(:q)
    union all
    select r.id, bm25(range_fts)
    from range_fts join range r on r.rowid = range_fts.rowid
    where range_fts match escape_fts(:q)
)
select e.protocol, {_DISPLAY_CODE} as code, e.description_zh, e.name_en, e.status,
    e.issue_kinds, e.kind, e.id
from hits h join ({_SEARCH_ENTRIES}) e on e.id = h.id
order by h.score, e.source_line is null, e.protocol_id, e.first_code, e.minor
limit 200
"""

SHARED_NUMBERS_SQL = """
select code,
    count(*) as protocols,
    group_concat(protocol_id || ': ' || coalesce(name_en, description_zh), ' | ') as meanings
from (select code, protocol_id, name_en, description_zh from code order by protocol_id)
group by code
having count(*) > 1
order by code
"""

DOCUMENT_ERRORS_SQL = """
select i.line_no, p.name as protocol,
    coalesce(i.subcode_id, i.code_id, i.range_id, i.class_id, i.protocol_id) as row,
    i.kind, i.quote, i.explanation
from source_issue i join protocol p on p.id = i.protocol_id
where i.origin = 'reference review'
order by i.line_no, i.kind
"""

MISSING_SQL = """
select protocol, kind, case kind when 'range' then first_code || '–' || last_code
        when 'subcode' then subcode else cast(code as text) end as code,
    name_en, status, spec
from entry
where source_line is null
order by protocol_id, first_code, minor
"""

CANNED_QUERIES = {
    "lookup": {
        "title": "Look up a code · 查询状态码",
        "description": (
            "Every code, sub-status, class and range matching q, in every protocol: 404, "
            "403.14, 4xx, 1006, 4001 (inside the WebSocket range 4000–4999), 421 (HTTP and "
            "FTP). 输入状态码,例如 404、403.14、4xx、1006。"
        ),
        "sql": LOOKUP_SQL,
    },
    "search": {
        "title": "Search the texts · 全文搜索",
        "description": (
            "Chinese or English words of any length in the document's text, the official "
            "names and specs, best matches first: 超时, 网关, 证书, timeout, gateway. "
            "搜索中文或英文,任意长度。"
        ),
        "sql": SEARCH_SQL,
    },
    "shared_numbers": {
        "title": "Numbers used by several protocols · 多个协议共用的编号",
        "description": "Codes such as 421 or 500 that mean different things in HTTP and FTP.",
        "sql": SHARED_NUMBERS_SQL,
    },
    "document_errors": {
        "title": "Where the document is wrong · 文档中的错误",
        "description": (
            "Statements of the source document that the official registries contradict, with "
            "the line, the exact text and what the registry says."
        ),
        "sql": DOCUMENT_ERRORS_SQL,
    },
    "missing_from_document": {
        "title": "Registered codes the document lacks · 文档未列出的状态码",
        "description": "Codes, sub-statuses and ranges defined by the registries but not listed "
        "in the document (for example HTTP 429 and 308).",
        "sql": MISSING_SQL,
    },
}
