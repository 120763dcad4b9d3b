"""The reference layer: official names, specs, statuses, registry-only rows, source issues."""

import http

import pytest
from conftest import REFERENCE, SOURCE

from etl.annotate import annotate
from etl.build import build_database
from etl.parse import parse_document
from etl.records import DocumentError
from etl.reference import Reference, read_reference
from etl.source import decode_lines
from etl.validate import validate_document


def rows(db, sql, params=()):
    return [tuple(row) for row in db.execute(sql, params).fetchall()]


def parse(text: str):
    return validate_document(parse_document(decode_lines(text.encode("utf-8"))))


def test_every_document_row_has_name_spec_and_status(real_db):
    for table in ("class", "code", "subcode", "range"):
        assert rows(
            real_db,
            f"select count(*) from [{table}] where source_line is not null "
            "and (name_en is null or spec is null or status is null)",
        ) == [(0,)], table


@pytest.mark.parametrize(
    ("table", "row_id", "name_en", "spec", "status"),
    [
        ("code", "http-413", "Content Too Large", "RFC 9110 §15.5.14", "standard"),
        ("code", "http-422", "Unprocessable Content", "RFC 9110 §15.5.21", "standard"),
        ("code", "http-421", "Misdirected Request", "RFC 9110 §15.5.20", "standard"),
        ("code", "http-425", "Too Early", "RFC 8470 §5.2", "standard"),
        ("code", "http-306", "(Unused)", "RFC 9110 §15.4.7", "reserved"),
        ("code", "http-418", "(Unused)", "RFC 9110 §15.5.19", "reserved"),
        ("code", "http-305", "Use Proxy", "RFC 9110 §15.4.6", "deprecated"),
        ("code", "http-510", "Not Extended", "RFC 2774 §7", "obsolete"),
        ("code", "http-509", "Bandwidth Limit Exceeded", "Apache/cPanel extension (unregistered)", "unofficial"),
        ("subcode", "http-403.14", "Directory listing denied", "Microsoft IIS status codes (KB 943891)", "vendor"),
        ("code", "ftp-421", "Service not available, closing control connection", "RFC 959 §4.2.2", "standard"),
        ("code", "ftp-202", "Command not implemented, superfluous at this site", "RFC 959 §4.2.2", "standard"),
        ("code", "ftp-631", "Integrity protected reply", "RFC 2228 §5.2", "standard"),
        ("class", "ftp-6xx", "Protected reply", "RFC 2228 §5.2", "standard"),
        ("code", "websockets-1007", "Invalid frame payload data", "RFC 6455 §7.4.1", "standard"),
        ("code", "websockets-1005", "No Status Rcvd", "RFC 6455 §7.4.1", "reserved"),
        ("code", "websockets-1014", "Bad Gateway", "IANA WebSocket Close Code Number Registry", "standard"),
        ("range", "websockets-1016-1999", "Unassigned (protocol and extensions range)", "RFC 6455 §7.4.2", "unassigned"),
        ("range", "websockets-4000-4999", "Reserved for private use", "RFC 6455 §7.4.2", "reserved"),
    ],
)  # fmt: skip
def test_names_specs_and_statuses(real_db, table, row_id, name_en, spec, status):
    assert rows(real_db, f"select name_en, spec, status from [{table}] where id = ?", [row_id]) == [
        (name_en, spec, status)
    ]


def test_registry_only_codes_are_rows_without_source_line(real_db):
    assert rows(
        real_db,
        "select id, class_id, code, description_zh, name_en, spec, status, source_line from code "
        "where id in ('http-429', 'http-308', 'websockets-3008', 'ftp-229') order by id",
    ) == [
        ("ftp-229", "ftp-2xx", 229, None, "Entering Extended Passive Mode (|||port|)", "RFC 2428 §3", "standard", None),
        ("http-308", "http-3xx", 308, None, "Permanent Redirect", "RFC 9110 §15.4.9", "standard", None),
        ("http-429", "http-4xx", 429, None, "Too Many Requests", "RFC 6585 §4", "standard", None),
        ("websockets-3008", None, 3008, None, "Timeout", "IANA WebSocket Close Code Number Registry", "standard", None),
    ]  # fmt: skip
    assert rows(
        real_db,
        "select protocol_id, count(*) from code where source_line is null group by 1 order by 1",
    ) == [("ftp", 16), ("http", 11), ("websockets", 3)]
    assert rows(
        real_db,
        "select code_id, count(*) from subcode where source_line is null group by 1 order by 1",
    ) == [("http-401", 10), ("http-403", 6), ("http-404", 21), ("http-500", 17), ("http-502", 7), ("http-503", 4)]  # fmt: skip
    # a lookup answers for both protocols that define the number
    assert rows(real_db, "select id, name_en from code where code = 421 order by id") == [
        ("ftp-421", "Service not available, closing control connection"),
        ("http-421", "Misdirected Request"),
    ]


def test_every_http_code_of_the_iana_registry_is_present(real_db):
    registered = {s.value for s in http.HTTPStatus} - {418}  # Python still calls 418 a teapot
    present = {
        code for (code,) in rows(real_db, "select code from code where protocol_id = 'http'")
    }
    assert registered <= present


# Where Python's http.HTTPStatus keeps an older name than the registry (RFC 9110 renamed
# these; newer Pythons follow). Any other disagreement is a new fact to review.
PYTHON_OLDER_NAMES = {
    413: "Request Entity Too Large",
    414: "Request-URI Too Long",
    416: "Requested Range Not Satisfiable",
    418: "I'm a Teapot",
    422: "Unprocessable Entity",
}


def test_http_names_agree_with_python_http_status(real_db):
    names = dict(rows(real_db, "select code, name_en from code where protocol_id = 'http'"))
    disagreements = {}
    for status in http.HTTPStatus:
        if names[status.value] != status.phrase:
            disagreements[status.value] = status.phrase
    assert disagreements.keys() <= PYTHON_OLDER_NAMES.keys()
    for code, phrase in disagreements.items():
        assert phrase == PYTHON_OLDER_NAMES[code]
    assert names[413] == "Content Too Large" and names[422] == "Unprocessable Content"


EXPECTED_ISSUES = {
    # (row, kind, line): reviewed against the registries (sources/reference/issues-*.csv)
    ("http-1xx", "contradicts registry", 4),
    ("http-1xx", "mistranslation", 4),
    ("http-203", "mistranslation", 13),
    ("http-3xx", "contradicts registry", 18),
    ("http-301", "mistranslation", 20),
    ("http-302", "outdated name", 21),
    ("http-305", "outdated name", 24),
    ("http-306", "contradicts registry", 25),
    ("http-401", "mistranslation", 30),
    ("http-403.10", "outdated name", 42),
    ("http-403.12", "mistranslation", 44),
    ("http-404.1", "outdated name", 55),
    ("http-404.2", "outdated name", 56),
    ("http-404.3", "outdated name", 57),
    ("http-413", "outdated name", 66),
    ("http-414", "outdated name", 67),
    ("http-416", "outdated name", 69),
    ("http-417", "mistranslation", 70),
    ("http-421", "contradicts registry", 72),
    ("http-424", "unsupported claim", 75),
    ("http-425", "contradicts registry", 76),
    ("http-426", "contradicts registry", 77),
    ("http-501", "mistranslation", 82),
    ("http-503", "contradicts registry", 84),
    ("http-504", "contradicts registry", 85),
    ("http-506", "mistranslation", 87),
    ("http-510", "outdated name", 90),
    ("ftp-120", "mistranslation", 95),
    ("ftp-202", "mistranslation", 101),
    ("ftp-221", "mistranslation", 108),
    ("ftp-451", "mistranslation", 126),
    ("ftp-502", "mistranslation", 132),
    ("ftp-504", "mistranslation", 134),
    ("ftp-6xx", "unsupported claim", 142),
    ("websockets-1000", "unofficial name", 151),
    ("websockets-1001", "unofficial name", 152),
    ("websockets-1002", "unofficial name", 153),
    ("websockets-1003", "unofficial name", 154),
    ("websockets-1005", "unofficial name", 156),
    ("websockets-1006", "unofficial name", 157),
    ("websockets-1007", "contradicts registry", 158),
    ("websockets-1009", "mistranslation", 160),
    ("websockets-1009", "unofficial name", 160),
    ("websockets-1010", "unofficial name", 161),
    ("websockets-1011", "contradicts registry", 162),
    ("websockets-1014", "outdated name", 165),
    ("websockets-1014", "truncated text", 165),
    ("websockets-1016-1999", "unsupported claim", 167),
    ("websockets-2000-2999", "unsupported claim", 168),
    ("websockets-3000-3999", "contradicts registry", 169),
    # found by the build's own checks
    ("http-201", "formatting irregularity", 11),
    ("http-404.0", "formatting irregularity", 54),
    ("ftp", "formatting irregularity", 94),
    ("ftp-426", "untranslated text", 124),
    ("ftp-6xx", "formatting irregularity", 142),
    ("ftp-6xx", "untranslated text", 142),
    ("ftp-631", "untranslated text", 143),
    ("ftp-632", "untranslated text", 144),
    ("ftp-633", "untranslated text", 145),
}


def test_exact_set_of_flagged_rows(real_db):
    found = rows(
        real_db,
        "select coalesce(code_id, subcode_id, range_id, class_id, protocol_id), kind, line_no "
        "from source_issue order by id",
    )
    assert len(found) == 60  # http-1xx has two distinct contradictions on line 4
    assert set(found) == EXPECTED_ISSUES
    assert rows(real_db, "select origin, count(*) from source_issue group by 1 order by 1") == [
        ("build check", 9),
        ("reference review", 51),
    ]


def test_issue_rows_quote_their_line(real_db):
    assert rows(
        real_db,
        "select count(*) from source_issue i join document_line l on l.line_no = i.line_no "
        "where instr(l.text, i.quote) = 0",
    ) == [(0,)]
    assert rows(
        real_db,
        "select kind, quote, explanation from source_issue where code_id = 'websockets-1014' "
        "order by kind",
    ) == [
        (
            "outdated name",
            "–",
            "The IANA registry now assigns 1014 (Bad Gateway): a gateway or proxy received an "
            "invalid response from the upstream server, similar to HTTP 502.",
        ),
        (
            "truncated text",
            "由 WebSocket",
            'The description cell is cut off after "由 WebSocket"; the MDN zh-CN text it was '
            "copied from read 由 WebSocket 标准保留以便未来使用 (reserved for future use), which "
            "is itself outdated.",
        ),
    ]
    assert rows(
        real_db, "select quote, explanation from source_issue where subcode_id = 'http-404.0'"
    ) == [
        (
            "404.0 -(无) –",
            "Mixed dash characters between the code and its text: '-' (U+002D) and '–' (U+2013).",
        )
    ]


def test_every_reviewed_issue_applies_to_the_real_document():
    doc = parse(SOURCE.read_text(encoding="utf-8"))
    annotate(doc, read_reference(REFERENCE))
    assert doc.unmatched_issues == 0


def test_a_document_without_reference_facts_builds_with_null_columns(tmp_path):
    import sqlite_utils

    source = tmp_path / "smtp.txt"
    source.write_text("SMTP\n2xx完成\n- 250 – 完成。\n- 251 – 用户不在本地。。\n", encoding="utf-8")
    build_database(source, tmp_path / "smtp.db", REFERENCE)
    db = sqlite_utils.Database(tmp_path / "smtp.db")
    assert rows(db, "select id, name_en, spec, status from code") == [
        ("smtp-250", None, None, None),
        ("smtp-251", None, None, None),
    ]
    assert rows(db, "select count(*) from class") == [(1,)]  # nothing from other protocols
    assert rows(db, "select code_id, kind, origin, quote from source_issue") == [
        ("smtp-251", "formatting irregularity", "build check", "。。")
    ]


def test_changed_text_does_not_inherit_the_old_documents_issues():
    text = SOURCE.read_text(encoding="utf-8").replace(
        "- 425 – 无序的集合。", "- 425 – 太早:服务器不愿处理可能被重放的请求。"
    )
    doc = annotate(parse(text), read_reference(REFERENCE))
    assert doc.unmatched_issues == 1
    assert not [i for i in doc.source_issues if i.code_id == "http-425"]
    assert [c.name_en for c in doc.codes if c.id == "http-425"] == ["Too Early"]


def test_only_protocols_of_the_document_get_registry_rows():
    doc = annotate(
        parse("WebSockets\n码 | 描述\n---|---\n1000 | 正常关闭。\n"), read_reference(REFERENCE)
    )
    assert {c.protocol_id for c in doc.codes} == {"websockets"}
    assert [c.id for c in doc.codes if c.source_line is None][:3] == [
        "websockets-1001", "websockets-1002", "websockets-1003",
    ]  # fmt: skip
    # the document lists no ranges, so the registry's are added
    assert [r.id for r in doc.ranges] == [
        "websockets-0-999", "websockets-1016-1999", "websockets-2000-2999",
        "websockets-3000-3999", "websockets-4000-4999",
    ]  # fmt: skip


def test_malformed_reference_files_are_reported_by_file_and_line(tmp_path):
    (tmp_path / "codes-x.csv").write_text(
        "protocol,key,name_en,spec,status,note\n"
        "x,1,One,RFC 1,standard,\n"
        "x,1,Again,RFC 1,standard,\n"
        "x,2,Two,RFC 1,official,\n"
        "x,abc,Bad,RFC 1,standard,\n",
        encoding="utf-8",
    )
    (tmp_path / "issues-x.csv").write_text(
        "protocol,key,kind,quote,explanation\nx,1,typo,foo,bar\n", encoding="utf-8"
    )
    with pytest.raises(DocumentError) as caught:
        read_reference(tmp_path)
    assert [p.format("?") for p in caught.value.problems] == [
        f"{tmp_path}/codes-x.csv:3: expected each key once, found 1 again (first at "
        f"{tmp_path}/codes-x.csv:2)",
        f"{tmp_path}/codes-x.csv:4: expected a status (standard, deprecated, obsolete, "
        "reserved, unassigned, unofficial, vendor), found 'official'",
        f"{tmp_path}/codes-x.csv:5: expected a key such as 404, 403.14, 4xx or 1016-1999, "
        "found 'abc'",
        f"{tmp_path}/issues-x.csv:2: expected a kind (contradicts registry, outdated name, "
        "mistranslation, unofficial name, unsupported claim, truncated text), found 'typo'",
    ]


def test_no_reference_folder_means_no_reference():
    assert read_reference(REFERENCE / "missing") == Reference()
