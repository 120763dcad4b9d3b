"""The parser on small documents: each trait of the format, line endings, and errors."""

import pytest

from etl.parse import parse_document
from etl.records import DocumentError
from etl.source import decode_lines
from etl.validate import validate_document

SAMPLE = """目录
SMTP
2xx完成
肯定的完成答复。
- 250 – 请求的邮件操作完成。
- 251 用户不在本地。
5xx永久性否定
- 550 – 邮箱不可用。
- 550.1 -(无) – 地址错误。
- 550.10 – 另一个子状态。
6xx受保护
- 600 Series,Replies regarding protection
- 631 Integrity protected reply.
Chat状态码
聊天关闭码。
码 | 名称 | 描述 |
---|---|---|
0–99 | – | 保留段。 |
100 | NORMAL | 正常关闭。 |
101 | – | 被截断 |
"""


def parse_bytes(data: bytes):
    return validate_document(parse_document(decode_lines(data)))


def parse(text: str):
    return parse_bytes(text.encode("utf-8"))


def problems(data: bytes | str) -> list[tuple[int, str]]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with pytest.raises(DocumentError) as caught:
        validate_document(parse_document(decode_lines(raw)))
    return [(p.line_no, p.message) for p in caught.value.problems]


def summary(doc):
    """Everything the parser produced, as plain tuples (to compare two parses)."""
    return (
        [(p.id, p.name, p.heading, p.description_zh, p.source_line) for p in doc.protocols],
        [(c.id, c.title_zh, c.description_zh, c.source_line) for c in doc.classes],
        [(c.id, c.class_id, c.name, c.description_zh, c.source_line) for c in doc.codes],
        [(s.id, s.qualifier_zh, s.description_zh, s.source_line) for s in doc.subcodes],
        [(r.id, r.name, r.description_zh, r.source_line) for r in doc.ranges],
        [(line.line_no, line.text, line.kind) for line in doc.lines],
        doc.title,
    )


def test_sample_document_records():
    doc = parse(SAMPLE)
    assert doc.title == "目录"
    assert [(p.id, p.name, p.heading, p.description_zh, p.source_line) for p in doc.protocols] == [
        ("smtp", "SMTP", "SMTP", None, 2),
        ("chat", "Chat", "Chat状态码", "聊天关闭码。", 14),
    ]
    assert [
        (
            c.id,
            c.digit,
            c.label,
            c.title_zh,
            c.description_zh,
            c.min_code,
            c.max_code,
            c.source_line,
        )
        for c in doc.classes
    ] == [
        ("smtp-2xx", 2, "2xx", "完成", "肯定的完成答复。", 200, 299, 3),
        ("smtp-5xx", 5, "5xx", "永久性否定", None, 500, 599, 7),
        ("smtp-6xx", 6, "6xx", "受保护", "Replies regarding protection", 600, 699, 11),
    ]
    assert [
        (c.id, c.class_id, c.code, c.name, c.description_zh, c.source_line) for c in doc.codes
    ] == [
        ("smtp-250", "smtp-2xx", 250, None, "请求的邮件操作完成。", 5),
        ("smtp-251", "smtp-2xx", 251, None, "用户不在本地。", 6),
        ("smtp-550", "smtp-5xx", 550, None, "邮箱不可用。", 8),
        ("smtp-631", "smtp-6xx", 631, None, "Integrity protected reply.", 13),
        ("chat-100", None, 100, "NORMAL", "正常关闭。", 19),
        ("chat-101", None, 101, None, "被截断", 20),
    ]
    assert [c.separator for c in doc.codes] == ["–", "", "–", "", None, None]
    assert [
        (s.id, s.code_id, s.subcode, s.minor, s.qualifier_zh, s.description_zh, s.source_line)
        for s in doc.subcodes
    ] == [
        ("smtp-550.1", "smtp-550", "550.1", 1, "(无)", "地址错误。", 9),
        ("smtp-550.10", "smtp-550", "550.10", 10, None, "另一个子状态。", 10),
    ]
    assert [
        (r.id, r.first_code, r.last_code, r.name, r.description_zh, r.source_line)
        for r in doc.ranges
    ] == [("chat-0-99", 0, 99, None, "保留段。", 18)]
    assert [(line.line_no, line.kind) for line in doc.lines] == [
        (1, "title"),
        (2, "protocol heading"),
        (3, "class heading"),
        (4, "class description"),
        (5, "item"),
        (6, "item"),
        (7, "class heading"),
        (8, "item"),
        (9, "item"),
        (10, "item"),
        (11, "class heading"),
        (12, "class description"),
        (13, "item"),
        (14, "protocol heading"),
        (15, "protocol description"),
        (16, "table header"),
        (17, "table separator"),
        (18, "table row"),
        (19, "table row"),
        (20, "table row"),
    ]
    targets = {line.line_no: line for line in doc.lines}
    assert targets[12].class_id == "smtp-6xx"
    assert targets[9].subcode_id == "smtp-550.1"
    assert targets[18].range_id == "chat-0-99"
    assert targets[16].protocol_id == "chat"


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(SAMPLE.replace("\n", "\r\n").encode(), id="crlf"),
        pytest.param(SAMPLE.replace("\n", "\r").encode(), id="cr"),
        pytest.param(("\ufeff" + SAMPLE).encode(), id="bom"),
        pytest.param(SAMPLE.rstrip("\n").encode(), id="no-final-newline"),
        pytest.param(("\ufeff" + SAMPLE.rstrip("\n").replace("\n", "\r\n")).encode(), id="all"),
        pytest.param(SAMPLE.replace("\n", "  \t\n").encode(), id="trailing-whitespace"),
    ],
)
def test_line_endings_bom_and_final_newline_do_not_change_the_records(variant):
    assert summary(parse_bytes(variant)) == summary(parse(SAMPLE))


def test_blank_lines_anywhere_keep_their_own_line_numbers():
    spaced = "\n\n" + SAMPLE.replace("\n", "\n\n")
    doc = parse(spaced)
    # line n of SAMPLE is now line 2n + 1; every other line is blank
    assert [c.source_line for c in doc.codes] == [11, 13, 17, 27, 39, 41]
    assert [line.kind for line in doc.lines if line.line_no % 2 == 0] == ["blank"] * 21
    assert len(doc.lines) == 42
    assert summary(doc)[0][1][1:] == ("Chat", "Chat状态码", "聊天关闭码。", 29)


def test_sections_in_another_order_and_no_title():
    chat_first = SAMPLE.split("Chat状态码")[1]
    smtp = SAMPLE.split("Chat状态码")[0].split("\n", 1)[1]
    doc = parse("Chat状态码" + chat_first + smtp)
    assert doc.title is None
    assert [p.id for p in doc.protocols] == ["chat", "smtp"]
    assert [c.id for c in doc.codes] == [
        "chat-100", "chat-101", "smtp-250", "smtp-251", "smtp-550", "smtp-631",
    ]  # fmt: skip
    assert doc.lines[0].kind == "protocol heading"


def test_english_title_before_the_first_heading_is_a_title():
    doc = parse("Status codes\nHTTP\n4xx\n- 404 – Not Found\n")
    assert [(line.kind, line.text) for line in doc.lines] == [
        ("title", "Status codes"),
        ("protocol heading", "HTTP"),
        ("class heading", "4xx"),
        ("item", "- 404 – Not Found"),
    ]
    assert doc.classes[0].title_zh is None


def test_two_column_table_and_subcodes_in_a_table():
    doc = parse("Proto\nCode | Text\n--- | ---\n7 | seven\n7.1 | seven point one\n8-9 | pair\n")
    assert [(c.id, c.name, c.description_zh) for c in doc.codes] == [("proto-7", None, "seven")]
    assert [(s.id, s.description_zh) for s in doc.subcodes] == [("proto-7.1", "seven point one")]
    assert [(r.id, r.description_zh) for r in doc.ranges] == [("proto-8-9", "pair")]


def test_empty_document():
    assert problems(b"") == [
        (1, "expected at least one protocol heading (a Latin name such as HTTP) followed by "
            "class headings, items or a table, found an empty document"),
    ]  # fmt: skip


def test_document_without_protocol_heading():
    assert problems("目录\n- 100 – 继续\n") == [
        (2, "expected a protocol heading (a Latin name such as HTTP) before the first class "
            "heading, item or table, found '- 100 – 继续'"),
    ]  # fmt: skip


def test_invalid_utf8_and_nul_bytes_are_reported_by_line():
    data = b"HTTP\n4xx\n" + b"- 404 \xff\xfe\n" + b"- 405 \x00\n"
    assert problems(data) == [
        (3, "expected UTF-8 text, found the byte 0xff at column 7 (save the file as UTF-8)"),
        (4, "expected text, found a NUL byte (is this a binary file?)"),
    ]


def test_unknown_line_non_numeric_code_and_missing_text():
    text = "HTTP\n4xx客户端错误\n描述\n- 404 – 未找到\n这是一句多余的话。\n- 40x – 坏\n- 405\n"
    assert problems(text) == [
        (5, "expected an item ('- CODE – text'), a class heading ('4xx …'), a table row or a "
            "protocol heading followed by content, found '这是一句多余的话。'"),
        (6, "expected a numeric code such as 404 or 403.14, found '40x'"),
        (7, "expected an item '- CODE – text' (a code, a separator, a description), found "
            "'- 405'"),
    ]  # fmt: skip


def test_duplicates_orphans_and_codes_outside_their_class():
    text = (
        "HTTP\n4xx\n- 404 – a\n- 404 – b\n- 403.1 – c\n- 503 – d\n4xx\n- 410 – e\n"
        "- 404.1 – f\n- 404.1 – g\n"
    )
    assert problems(text) == [
        (4, "expected each code once, found code 404 in http again (first on line 3)"),
        (5, "expected the code 403 to be listed in http for its sub-status 403.1, found no "
            "such code"),
        (6, "expected a code from 400 to 499 under class 4xx (line 2), found 503"),
        (7, "expected each class once, found class 4xx in http again (first on line 2)"),
        (10, "expected each sub-status once, found sub-status 404.1 in http again (first on "
             "line 9)"),
    ]  # fmt: skip


def test_heading_shaped_line_without_content_is_not_a_heading():
    assert problems("HTTP\n- 1 – a\nFTP\nHTTP\n- 2 – b\n") == [
        (3, "expected an item ('- CODE – text'), a class heading ('4xx …'), a table row or a "
            "protocol heading followed by content, found 'FTP'"),
        (4, "expected each protocol once, found protocol HTTP again (first on line 1)"),
    ]  # fmt: skip


def test_table_errors():
    text = (
        "WS\nA | B | C |\n---|---|---|\n1000 | X | ok |\n1001 | too few |\n"
        "abc | X | y |\n20–10 | – | backwards |\n5–30 | – | overlaps |\n"
    )
    assert problems(text) == [
        (5, "expected 3 cells as in the table header on line 2, found 2"),
        (6, "expected a code such as 1000 or a range such as 3000–3999 in the first cell, "
            "found 'abc'"),
        (7, "expected a range whose first code is not above its last, found 20–10"),
        (8, "expected ranges that do not overlap, found 20–10 overlapping 5–30 (line 7)"),
    ]  # fmt: skip


def test_table_without_separator_and_wrong_header_width():
    # without its separator line, a piped line is no table header
    assert problems("WS\n- 1 – a\nA | B |\n1 | x |\n") == [
        (3, "expected an item ('- CODE – text'), a class heading ('4xx …'), a table row or a "
            "protocol heading followed by content, found 'A | B |'"),
        (4, "expected an item ('- CODE – text'), a class heading ('4xx …'), a table row or a "
            "protocol heading followed by content, found '1 | x |'"),
    ]  # fmt: skip
    assert problems("WS\nA | B | C | D |\n---|---|---|---|\n1 | x | y | z |\n") == [
        (2, "expected a table header with 2 or 3 cells (code | [name |] description), found 4 "
            "cells"),
    ]  # fmt: skip


def test_colon_separators_and_other_dashes():
    doc = parse("SMTP\n2xx\n- 250：完成。\n- 251: 转发。\n- 252 — 无法验证。\n- 253 -(注) : 保留\n")
    assert [(c.code, c.separator, c.description_zh) for c in doc.codes] == [
        (250, "：", "完成。"),
        (251, ":", "转发。"),
        (252, "—", "无法验证。"),
        (253, "-", "(注) : 保留"),  # a qualifier is for sub-statuses; here it stays in the text
    ]
