"""The real document, built into SQLite: exact counts, exact rows, every line accounted for."""

import hashlib

from conftest import ROOT, SOURCE

from etl.records import LINE_KINDS

SHARED_SOURCE = ROOT.parent / "shared" / "sources" / "status-codes.zh-CN.txt"
SOURCE_SHA256 = "b238e27ff871471b8acdf27f59f2d458dd727e2b6ff00313dc0fcef7c137f042"


def rows(db, sql, params=()):
    return [tuple(row) for row in db.execute(sql, params).fetchall()]


def test_source_is_the_canonical_copy():
    data = SOURCE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == SOURCE_SHA256
    if SHARED_SOURCE.exists():  # beside every checkout of the project, CI's included
        assert SHARED_SOURCE.read_bytes() == data


def test_document_row(real_db):
    assert rows(real_db, "select sha256, line_count, title, etl_version from document") == [
        (SOURCE_SHA256, 170, "目录", "0.1.0")
    ]


def test_counts_per_protocol(real_db):
    assert rows(
        real_db, "select id, name, heading, source_line from protocol order by source_line"
    ) == [
        ("http", "HTTP", "HTTP", 2),
        ("ftp", "FTP", "FTP", 91),
        ("websockets", "WebSockets", "WebSockets状态码", 146),
    ]
    # rows the document lists (registry-only rows, with no source line, are tested elsewhere)
    listed = "source_line is not null"
    assert rows(
        real_db, f"select protocol_id, count(*) from class where {listed} group by 1 order by 1"
    ) == [("ftp", 6), ("http", 5)]
    assert rows(
        real_db, f"select protocol_id, count(*) from code where {listed} group by 1 order by 1"
    ) == [("ftp", 42), ("http", 54), ("websockets", 16)]
    assert rows(
        real_db,
        "select code.protocol_id, count(*) from subcode join code on code.id = subcode.code_id "
        "where subcode.source_line is not null group by 1",
    ) == [("http", 24)]
    assert rows(real_db, f"select protocol_id, count(*) from range where {listed} group by 1") == [
        ("websockets", 5)
    ]
    assert rows(
        real_db,
        "select class_id, count(*) from code where protocol_id = 'ftp' and source_line is not null "
        "group by 1",
    ) == [
        ("ftp-1xx", 4),
        ("ftp-2xx", 15),
        ("ftp-3xx", 3),
        ("ftp-4xx", 6),
        ("ftp-5xx", 11),
        ("ftp-6xx", 3),
    ]
    assert rows(
        real_db, "select count(*) from code where protocol_id = 'websockets' and class_id is null"
    ) == [(19,)]  # the table's 16, and 3000, 3003 and 3008 from the registry


def test_every_line_is_accounted_for(real_db):
    assert rows(real_db, "select count(*), min(line_no), max(line_no) from document_line") == [
        (170, 1, 170)
    ]
    kinds = dict(rows(real_db, "select kind, count(*) from document_line group by kind"))
    assert kinds == {
        "title": 1,
        "protocol heading": 3,
        "protocol description": 1,
        "class heading": 11,
        "class description": 11,
        "item": 120,
        "table header": 1,
        "table separator": 1,
        "table row": 21,
    }
    assert set(kinds) <= set(LINE_KINDS)
    # each line's text is the source line itself, stripped
    source_lines = SOURCE.read_text(encoding="utf-8").split("\n")
    assert [
        text for (text,) in rows(real_db, "select text from document_line order by line_no")
    ] == [line.strip() for line in source_lines]
    # every item and table row produced exactly one row, and that row points back to it
    assert rows(
        real_db,
        """select count(*) from document_line l where kind in ('item', 'table row') and
           (code_id is not null) + (subcode_id is not null) + (range_id is not null) != 1""",
    ) == [(0,)]
    for table, column in [("code", "code_id"), ("subcode", "subcode_id"), ("range", "range_id")]:
        assert rows(
            real_db,
            f"select count(*) from [{table}] t join document_line l on l.line_no = t.source_line "
            f"where l.{column} is not t.id",
        ) == [(0,)]


def test_foreign_keys_are_declared_and_valid(real_db):
    assert rows(real_db, "PRAGMA foreign_key_check") == []
    fks = {
        (table.name, fk.column, fk.other_table, fk.other_column)
        for table in real_db.tables
        for fk in table.foreign_keys
    }
    assert fks == {
        ("protocol", "source_line", "document_line", "line_no"),
        ("class", "protocol_id", "protocol", "id"),
        ("class", "source_line", "document_line", "line_no"),
        ("code", "protocol_id", "protocol", "id"),
        ("code", "class_id", "class", "id"),
        ("code", "source_line", "document_line", "line_no"),
        ("subcode", "code_id", "code", "id"),
        ("subcode", "source_line", "document_line", "line_no"),
        ("range", "protocol_id", "protocol", "id"),
        ("range", "source_line", "document_line", "line_no"),
        ("document_line", "protocol_id", "protocol", "id"),
        ("document_line", "class_id", "class", "id"),
        ("document_line", "code_id", "code", "id"),
        ("document_line", "subcode_id", "subcode", "id"),
        ("document_line", "range_id", "range", "id"),
        ("class", "status", "status", "id"),
        ("code", "status", "status", "id"),
        ("subcode", "status", "status", "id"),
        ("range", "status", "status", "id"),
        ("source_issue", "kind", "issue_kind", "id"),
        ("source_issue", "protocol_id", "protocol", "id"),
        ("source_issue", "class_id", "class", "id"),
        ("source_issue", "code_id", "code", "id"),
        ("source_issue", "subcode_id", "subcode", "id"),
        ("source_issue", "range_id", "range", "id"),
        ("source_issue", "line_no", "document_line", "line_no"),
    }


def test_subcodes_keep_their_text(real_db):
    assert rows(
        real_db,
        "select id, code_id, subcode, minor, qualifier_zh, description_zh, source_line from subcode "
        "where subcode in ('403.1', '403.10', '404.0', '403.14') order by source_line",
    ) == [
        ("http-403.1", "http-403", "403.1", 1, None, "执行访问被禁止。", 33),
        ("http-403.10", "http-403", "403.10", 10, None, "配置无效。", 42),
        ("http-403.14", "http-403", "403.14", 14, None, "拒绝目录列表。", 46),
        ("http-404.0", "http-404", "404.0", 0, "(无)", "没有找到文件或目录。", 54),
    ]


def test_spot_checks_of_codes(real_db):
    assert rows(
        real_db,
        "select id, protocol_id, class_id, code, name, description_zh, source_line from code "
        "where id in ('http-201', 'ftp-426', 'websockets-1000', 'websockets-1014', 'ftp-631') "
        "order by source_line",
    ) == [
        (
            "http-201",
            "http",
            "http-2xx",
            201,
            None,
            "(已创建)请求成功且服务器已创建了新的资源。。",
            11,
        ),
        ("ftp-426", "ftp", "ftp-4xx", 426, None, "Connection closed; transfer aborted.", 124),
        ("ftp-631", "ftp", "ftp-6xx", 631, None, "Integrity protected reply.", 143),
        (
            "websockets-1000",
            "websockets",
            None,
            1000,
            "CLOSE_NORMAL",
            "正常关闭; 无论为何目的而创建, 该链接都已成功完成任务。",
            151,
        ),
        ("websockets-1014", "websockets", None, 1014, None, "由 WebSocket", 165),
    ]
    # the 6xx series line describes its class and is no code
    assert rows(real_db, "select count(*) from code where protocol_id = 'ftp' and code = 600") == [
        (0,)
    ]
    assert rows(
        real_db,
        "select id, title_zh, description_zh, min_code, max_code, source_line from class where id = 'ftp-6xx'",
    ) == [("ftp-6xx", "受保护", "Replies regarding confidentiality and integrity", 600, 699, 141)]
    assert rows(
        real_db, "select line_no, kind, class_id from document_line where line_no = 142"
    ) == [(142, "class description", "ftp-6xx")]


def test_ranges(real_db):
    assert rows(
        real_db,
        "select id, first_code, last_code, name, description_zh, source_line from range "
        "order by first_code",
    ) == [
        ("websockets-0-999", 0, 999, None, "保留段, 未使用。", 150),
        ("websockets-1016-1999", 1016, 1999, None, "由 WebSocket 标准保留以便未来使用。", 167),
        ("websockets-2000-2999", 2000, 2999, None, "由 WebSocket 拓展保留使用。", 168),
        (
            "websockets-3000-3999",
            3000,
            3999,
            None,
            "可以由库或框架使用。 不应由应用使用。 可以在 IANA 注册, 先到先得。",
            169,
        ),
        ("websockets-4000-4999", 4000, 4999, None, "可以由应用使用。", 170),
    ]


def test_entry_view_has_one_row_per_code_subcode_and_range(real_db):
    assert rows(
        real_db,
        "select kind, count(*), sum(source_line is not null) from entry group by 1 order by 1",
    ) == [("code", 142, 112), ("range", 5, 5), ("subcode", 89, 24)]
    assert rows(
        real_db,
        "select id, protocol, class_label, class_title_zh, code, subcode, description_zh, name_en, "
        "status, source_line, issue_count, issue_kinds from entry where id in "
        "('http-404.0', 'websockets-1014', 'websockets-3000-3999') order by id",
    ) == [
        ("http-404.0", "HTTP", "4xx", "客户端错误", 404, "404.0", "没有找到文件或目录。", "Not found",
         "vendor", 54, 1, "formatting irregularity"),
        ("websockets-1014", "WebSockets", None, None, 1014, None, "由 WebSocket", "Bad Gateway",
         "standard", 165, 2, "outdated name; truncated text"),
        ("websockets-3000-3999", "WebSockets", None, None, None, None,
         "可以由库或框架使用。 不应由应用使用。 可以在 IANA 注册, 先到先得。",
         "Registered by libraries, frameworks and applications", "unassigned", 169, 1,
         "contradicts registry"),
    ]  # fmt: skip
