"""Property-based tests: no document, valid or broken, loses data, crashes the build or harms
the database.

`documents()` writes valid documents in every shape the format allows (see etl/parse.py's
docstring): titles, protocols with Latin names, descriptions, classes, items with any dash or a
space as separator, sub-statuses with qualifiers, pipe tables with codes, ranges and lone-dash
cells, then LF/CRLF/CR line ends, a byte-order mark, blank lines, indentation and an optional
final newline. It knows the line of everything it wrote. `broken_documents()` applies one
mutation to a valid document, and says which problem it must cause where that is certain.

Examples are derandomized, so every run (and CI) tests the same cases.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from conftest import ROOT, SOURCE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.build import build_database
from etl.parse import parse_document
from etl.records import DocumentError, ParsedDocument
from etl.source import decode_lines
from etl.validate import validate_document

PROFILE = {
    "derandomize": True,  # the same examples on every run
    "database": None,  # and no .hypothesis/ example store
    "deadline": None,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
}

DASH_CHARACTERS = "-\u2010\u2013\u2014\u2212\uff0d"  # - ‐ – — − －
BLANKS = ["", " ", "\t", "  \t ", "\u3000", "\xa0"]  # \u3000: the ideographic space
PADDING = ["", "", "", " ", "  ", "\t", "\u3000"]
LINE_ENDS = ["\n", "\r\n", "\r"]
BULLETS = ["- ", "-\t", "-  ", "* ", "• "]


# -- a rendered document and what the parser must make of it ---------------------------------

RECORD_KINDS = ("protocol", "class", "code", "subcode", "range")


@dataclass
class Line:
    text: str  # the line without its indentation
    kind: str  # the document_line kind the parser must give it
    target: tuple[str, str] | None = None  # (document_line column, row id)
    record: tuple[str, tuple] | None = None  # (record list, values without source_line)
    pad: tuple[str, str] = ("", "")
    # what mutations need: the protocol, the code token's place in `text`, a table row's cells
    protocol: str | None = None
    code: int | None = None
    token: str | None = None
    span: tuple[int, int] | None = None
    cells: list[str] | None = None
    row_format: tuple[str, str, str] = ("", " | ", "")  # lead, joint, trail

    @property
    def written(self) -> str:
        return self.pad[0] + self.text + self.pad[1]


@dataclass
class Doc:
    lines: list[Line]
    ends: list[str]  # each line's line end (the last one's only with a final newline)
    bom: bool
    final_newline: bool

    def expected(self) -> dict[str, list[tuple]]:
        records: dict[str, list[tuple]] = {k: [] for k in RECORD_KINDS}
        for line_no, line in enumerate(self.lines, start=1):
            if line.record:
                kind, values = line.record
                records[kind].append((*values, line_no))
        return records

    def render(self) -> bytes:
        return render(
            [line.written.encode() for line in self.lines], self.ends, self.bom, self.final_newline
        )


def render(lines: list[bytes], ends: list[str], bom: bool, final_newline: bool) -> bytes:
    """Join lines with their line ends. CR, an empty line and LF would read as one CRLF and
    lose the empty line, so such a CR is written as CRLF."""
    ends = list(ends)
    for i in range(len(lines) - 1):
        next_end_written = i + 1 < len(lines) - 1 or final_newline
        if ends[i] == "\r" and lines[i + 1] == b"" and next_end_written and ends[i + 1] == "\n":
            ends[i] = "\r\n"
    out = [b"\xef\xbb\xbf"] if bom else []
    for i, line in enumerate(lines):
        out.append(line)
        if i < len(lines) - 1 or final_newline:
            out.append(ends[i].encode())
    return b"".join(out)


def count_lines(data: bytes) -> int:
    """Lines in a document: LF, CRLF and CR each end one; a last line needs no line end."""
    ends = len(re.findall(rb"\r\n|\n|\r", data))
    return ends if not data or data.endswith((b"\n", b"\r")) else ends + 1


def protocol_id(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


# -- strategies for the pieces -----------------------------------------------------------------
# Each piece of text is drawn whole from a list of variants (one choice each), which keeps
# generation fast enough for a thousand documents a run.

# Chinese text as the document has it: punctuation, digits, Latin words, spaces inside, `。。`.
# Every one starts with a Chinese character, so it is never shaped like a heading or an item.
PHRASES = [
    "状态码", "未找到。", "请求已成功，响应头将随此响应返回。", "服务器 暂时 不可用", "禁止访问：读访问被禁止。",
    "客户端错误", "已创建。。", "超时(网关)", "由 WebSocket", "使用 UTF-8 编码的数据", "专用于 IIS 6.0",
    "正常关闭; 无论为何目的而创建, 该链接都已成功完成任务。", "状态码306已经不再被使用", "重定向 Location 域",
    "文件或目录未找到", "连接 — 已关闭", "继续",
]  # fmt: skip
PROSE = PHRASES + [
    a + joint + b for a in PHRASES[::3] for joint in ("", " ", "，") for b in PHRASES[1::4]
]
LATIN_TEXTS = ["Integrity protected reply.", "Not Found", "OK", "Replies regarding protection", "TLS handshake"]  # fmt: skip
WORDS = ["码", "名称", "描述", "状态", "无", "保留段"]
prose = st.sampled_from(PROSE)
latin_text = st.sampled_from(LATIN_TEXTS)
item_text = st.sampled_from(PROSE + LATIN_TEXTS)
word = st.sampled_from(WORDS)

# How an item starts: (bullet, (separator as written, as recorded)); the separator is a dash
# with optional spaces around it, or only whitespace.
DASH_SEPARATORS = [(b + d + a, d) for d in DASH_CHARACTERS for b in ("", " ", "\t") for a in ("", " ", "  ")]  # fmt: skip
SPACE_SEPARATORS = [(" ", ""), ("  ", ""), ("\t", ""), ("\u3000", "")]
item_start = st.tuples(
    st.sampled_from(BULLETS), st.sampled_from(DASH_SEPARATORS + SPACE_SEPARATORS)
)
# A sub-status's qualifier between code and separator (`-(无) – `, `（无）– `), which needs a dash
QUALIFIERS = [
    (words, before + opening + words + closing + written, recorded)
    for words in ("无", "拒绝访问")
    for before in ("", " ", " -", " - ", "-", " –")
    for opening, closing in (("(", ")"), ("（", "）"), ("(", "）"))
    for written, recorded in DASH_SEPARATORS[::5]
]  # fmt: skip
qualifier = st.none() | st.sampled_from(QUALIFIERS)


@st.composite
def item_line(draw, pid: str, class_id: str | None, code: int, minor: int | None) -> Line:
    start, (written, recorded) = draw(item_start)
    text = draw(item_text)
    token = str(code) if minor is None else f"{code}.{minor}"
    span = (len(start), len(start) + len(token))
    if minor is None:
        return Line(
            start + token + written + text,
            "item",
            ("code_id", f"{pid}-{code}"),
            ("code", (f"{pid}-{code}", pid, class_id, code, None, text, recorded)),
            protocol=pid, code=code, token=token, span=span,
        )  # fmt: skip
    qualified = draw(qualifier)
    if qualified is not None:
        words, written, recorded = qualified
    return Line(
        start + token + written + text,
        "item",
        ("subcode_id", f"{pid}-{token}"),
        (
            "subcode",
            (
                f"{pid}-{token}", f"{pid}-{code}", pid, class_id, token, minor,
                None if qualified is None else f"({words})", text, recorded,
            ),
        ),
        protocol=pid, code=code, token=token, span=span,
    )  # fmt: skip


@functools.cache
def codes_between(low: int, high: int) -> st.SearchStrategy[list[int]]:
    return st.lists(st.integers(low, high), unique=True, max_size=4)


minors = st.lists(st.integers(0, 20), unique=True, max_size=2)


@st.composite
def items(draw, pid: str, class_id: str | None, low: int, high: int, used: set[int]) -> list[Line]:
    """Items with codes from low to high not yet used in the protocol, and sub-statuses of
    them, in any order."""
    codes = [c for c in draw(codes_between(low, high)) if c not in used]
    used.update(codes)
    entries = [(code, None) for code in codes]
    for code in codes:
        entries += [(code, m) for m in draw(minors)]
    entries = draw(st.permutations(entries))
    return [draw(item_line(pid, class_id, code, minor)) for code, minor in entries]


SERIES_FORMS = [
    between + series + after
    for between in (" ", " – ", " -")
    for series in ("Series", "series", "SERIES", "系列")
    for after in (",", ", ", "，", ": ", " ", "：")
]  # `- 600 Series,…`
series_item = st.tuples(
    st.sampled_from(BULLETS), st.sampled_from(SERIES_FORMS), st.one_of(latin_text, prose)
)
class_heading = st.tuples(st.sampled_from(["xx", "XX", "xX"]), st.sampled_from(["", " ", "\t"]))


@st.composite
def code_class(draw, pid: str, digit: int, used: set[int]) -> list[Line]:
    class_id = f"{pid}-{digit}xx"
    title = draw(st.none() | prose)
    xx, space = draw(class_heading)
    heading = f"{digit}{xx}" + ("" if title is None else space + title)
    description = draw(st.none() | prose)
    body = draw(items(pid, class_id, digit * 100, digit * 100 + 99, used))
    series = None
    if description is None and draw(st.booleans()):
        # an `N00 Series` item stands in for the description of a class that has none
        start, form, series = draw(series_item)
        at = draw(st.integers(0, len(body)))
        line = Line(
            f"{start}{digit * 100}{form}{series}", "class description", ("class_id", class_id)
        )
        body.insert(at, line)
    elif description is None and not body:
        # A class with neither description nor items, followed by a protocol heading, would
        # read that heading as its description: the format cannot tell them apart.
        description = draw(prose)
    lines = [
        Line(
            heading,
            "class heading",
            ("class_id", class_id),
            ("class", (class_id, pid, digit, title, description or series)),
            protocol=pid,
        )
    ]
    if description is not None:
        lines.append(Line(description, "class description", ("class_id", class_id)))
    return lines + body


table_format = st.tuples(
    st.sampled_from([2, 3]),  # cells
    st.sampled_from([("", ""), ("", " |"), ("", "|"), ("| ", " |"), ("|", "|")]),  # outer pipes
    st.sampled_from([" | ", "|", " |", "| "]),  # between cells
    st.sampled_from(["---", ":---", "---:", ":---:", "-----"]),  # separator cells
    st.sampled_from([("", "|", ""), ("|", " | ", "|"), ("", "|", "|")]),  # separator pipes
)
table_codes = st.lists(st.integers(0, 9999), unique=True, max_size=4)
range_bounds = st.lists(st.integers(0, 9999), unique=True, max_size=6)
NO_VALUE = st.sampled_from(DASH_CHARACTERS)  # a lone dash cell: no value
row_name = st.one_of(
    st.sampled_from(["CLOSE_NORMAL", "CLOSE_GOING_AWAY", "Policy Violation", "TLS Handshake"]),
    NO_VALUE,
)
row_description = st.one_of(prose, NO_VALUE)
range_form = st.sampled_from(["{}–{}", "{}-{}", "{} – {}", "{}—{}"])


@st.composite
def table(draw, pid: str, used: set[int]) -> list[Line]:
    width, (lead, trail), joint, rule, (sep_lead, sep_joint, sep_trail) = draw(table_format)
    header_cells = [draw(word) for _ in range(width)]
    header = Line(lead + joint.join(header_cells) + trail, "table header", ("protocol_id", pid))
    separator_line = sep_lead + sep_joint.join([rule] * width) + sep_trail
    codes = [c for c in draw(table_codes) if c not in used]
    used.update(codes)
    bounds = sorted(draw(range_bounds))
    ranges = list(zip(bounds[0::2], bounds[1::2], strict=False))  # never overlapping
    rows = []
    for first in draw(st.permutations([*codes, *ranges])):
        name = draw(row_name) if width == 3 else None
        description = draw(row_description)
        token = str(first) if isinstance(first, int) else draw(range_form).format(*first)
        cells = [token, *([name] if width == 3 else []), description]
        value = {c: (None if len(c) == 1 and c in DASH_CHARACTERS else c) for c in cells}
        if isinstance(first, int):
            target = ("code_id", f"{pid}-{first}")
            record = ("code", (f"{pid}-{first}", pid, None, first, value.get(name), value[description], None))  # fmt: skip
        else:
            target = ("range_id", f"{pid}-{first[0]}-{first[1]}")
            record = ("range", (f"{pid}-{first[0]}-{first[1]}", pid, *first, value.get(name), value[description]))  # fmt: skip
        rows.append(
            Line(
                lead + joint.join(cells) + trail,
                "table row",
                target,
                record,
                protocol=pid,
                code=first if isinstance(first, int) else None,
                token=token,
                span=(len(lead), len(lead) + len(token)),
                cells=cells,
                row_format=(lead, joint, trail),
            )
        )
    return [header, Line(separator_line, "table separator", ("protocol_id", pid)), *rows]


protocol_names = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,5}(?:[./+ -][A-Za-z0-9]{1,3}){0,2}", fullmatch=True)  # fmt: skip
heading_suffix = st.sampled_from(["", "", "状态码", " 状态码", "协议"])  # `WebSockets状态码`
protocol_parts = st.tuples(heading_suffix, st.none() | prose, st.booleans(), st.booleans())
class_digits = {n: st.lists(st.integers(0, 9), unique=True, min_size=n, max_size=3) for n in (0, 1)}


@st.composite
def protocol_section(draw, name: str) -> list[Line]:
    pid = protocol_id(name)
    suffix, description, with_items, with_table = draw(protocol_parts)
    heading = name + suffix
    used: set[int] = set()
    body: list[Line] = []
    if with_items:
        body += draw(items(pid, None, 0, 9999, used))  # items before any class heading
    if with_table:
        body += draw(table(pid, used))
    for digit in draw(class_digits[0 if body else 1]):
        body += draw(code_class(pid, digit, used))
    head = Line(
        heading,
        "protocol heading",
        ("protocol_id", pid),
        ("protocol", (pid, name, heading, description)),
        protocol=pid,
    )
    if description is None:
        return [head, *body]
    return [head, Line(description, "protocol description", ("protocol_id", pid)), *body]


titles = st.lists(st.one_of(prose, latin_text), max_size=2)
names = st.lists(protocol_names, min_size=1, max_size=4, unique_by=protocol_id)
blank_lines = st.lists(st.tuples(st.integers(0, 200), st.sampled_from(BLANKS)), max_size=8)
padding = st.tuples(st.sampled_from(PADDING), st.sampled_from(PADDING))
rendering = st.tuples(st.sampled_from([*LINE_ENDS, "mixed"]), st.booleans(), st.booleans(), st.booleans())  # fmt: skip


@st.composite
def documents(draw) -> Doc:
    lines = [Line(t, "title") for t in draw(titles)]
    for name in draw(names):
        lines += draw(protocol_section(name))
    for at, blank in sorted(draw(blank_lines), key=lambda b: b[0], reverse=True):
        lines.insert(min(at, len(lines)), Line("", "blank", pad=(blank, "")))
    style, padded, final_newline, bom = draw(rendering)
    if padded:  # indentation and trailing whitespace
        lines = [line if line.kind == "blank" else replace(line, pad=draw(padding)) for line in lines]  # fmt: skip
    if style == "mixed":
        ends = [draw(st.sampled_from(LINE_ENDS)) for _ in lines]
    else:
        ends = [style] * len(lines)
    if not final_newline and lines[-1].written == "":
        lines[-1] = replace(lines[-1], pad=(" ", ""))  # else the last line would not exist
    return Doc(lines, ends, bom=bom, final_newline=final_newline)


# -- checks ------------------------------------------------------------------------------------

COLUMNS = ("protocol_id", "class_id", "code_id", "subcode_id", "range_id")


def records_of(doc: ParsedDocument) -> dict[str, list[tuple]]:
    return {
        "protocol": [(p.id, p.name, p.heading, p.description_zh, p.source_line) for p in doc.protocols],
        "class": [(c.id, c.protocol_id, c.digit, c.title_zh, c.description_zh, c.source_line) for c in doc.classes],
        "code": [
            (c.id, c.protocol_id, c.class_id, c.code, c.name, c.description_zh, c.separator, c.source_line)
            for c in doc.codes
        ],
        "subcode": [
            (s.id, s.code_id, s.protocol_id, s.class_id, s.subcode, s.minor, s.qualifier_zh, s.description_zh, s.separator, s.source_line)
            for s in doc.subcodes
        ],
        "range": [(r.id, r.protocol_id, r.first_code, r.last_code, r.name, r.description_zh, r.source_line) for r in doc.ranges],
    }  # fmt: skip


def target_of(line) -> tuple[str, str] | None:
    targets = [(column, getattr(line, column)) for column in COLUMNS if getattr(line, column)]
    assert len(targets) <= 1
    return targets[0] if targets else None


def parse_bytes(data: bytes) -> ParsedDocument:
    return validate_document(parse_document(decode_lines(data)))


def assert_accounted_for(doc: ParsedDocument, line_count: int) -> None:
    """Every line of the document is a document line, and every record stands on a line
    that points back at it: nothing is dropped and nothing is invented."""
    assert [line.line_no for line in doc.lines] == list(range(1, line_count + 1))
    rows = [
        *(("protocol_id", p) for p in doc.protocols),
        *(("class_id", c) for c in doc.classes),
        *(("code_id", c) for c in doc.codes),
        *(("subcode_id", s) for s in doc.subcodes),
        *(("range_id", r) for r in doc.ranges),
    ]
    for column, row in rows:
        assert getattr(doc.lines[row.source_line - 1], column) == row.id
    ids = {(column, row.id) for column, row in rows}
    assert len(ids) == len(rows)
    for line in doc.lines:
        if line.kind in ("item", "table row", "protocol heading", "class heading"):
            assert target_of(line) in ids


# -- valid documents ---------------------------------------------------------------------------


@settings(max_examples=350, **PROFILE)
@given(documents())
def test_valid_documents_give_exactly_the_records_written_at_their_lines(document):
    data = document.render()
    lines = decode_lines(data)
    assert len(lines) == len(document.lines) == count_lines(data)
    parsed = parse_document(lines)
    assert parsed.problems == []
    doc = validate_document(parsed)
    assert records_of(doc) == document.expected()
    assert [(line.line_no, line.text, line.kind, target_of(line)) for line in doc.lines] == [
        (line_no, line.text, line.kind, line.target)
        for line_no, line in enumerate(document.lines, start=1)
    ]
    title = [line.text for line in document.lines if line.kind == "title"]
    assert doc.title == ("\n".join(title) if title else None)
    assert_accounted_for(doc, len(document.lines))


# -- broken documents --------------------------------------------------------------------------

INVALID_UTF8 = [b"\xff", b"\xfe", b"\x80", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe4\xb8", b"\xf8\x88\x80\x80\x80"]  # fmt: skip
NOT_A_LINE = (
    "expected an item ('- CODE – text'), a class heading ('4xx …'), a table row or a protocol "
    "heading followed by content, found {}"
)


@dataclass
class Broken:
    data: bytes
    mutation: str
    # problems the mutation must cause: (line, message); message None where any will do
    expected: list[tuple[int, str | None]] = field(default_factory=list)


def show(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:59] + "…")


@st.composite
def broken_documents(draw) -> Broken:
    document = draw(documents())
    lines = list(document.lines)
    ends = list(document.ends)
    mutation = draw(
        st.sampled_from(
            ["truncate", "letters", "huge", "duplicate", "orphan", "cells", "invalid utf-8",
             "nul", "garbage", "delete", "swap"]
        )
    )  # fmt: skip
    coded = [i for i, line in enumerate(lines) if line.span]
    rows = [i for i, line in enumerate(lines) if line.cells]
    parents = [
        i
        for i, line in enumerate(lines)
        if line.record and line.record[0] == "code" and line.kind == "item"
        and any(o.record and o.record[0] == "subcode" and o.protocol == line.protocol and o.code == line.code for o in lines)
    ]  # fmt: skip
    if (
        (mutation in ("letters", "huge", "duplicate") and not coded)
        or (mutation == "cells" and not rows)
        or (mutation == "orphan" and not parents)
        or (mutation == "swap" and len(lines) < 2)
    ):
        mutation = "truncate"

    def finish(expected=()) -> Broken:
        encoded = [line.written.encode() for line in lines]
        return Broken(render(encoded, ends, document.bom, document.final_newline), mutation, list(expected))  # fmt: skip

    def retoken(i: int, token: str) -> None:
        line = lines[i]
        a, b = line.span
        lines[i] = replace(line, text=line.text[:a] + token + line.text[b:])

    if mutation == "truncate":
        i = draw(st.integers(0, len(lines) - 1))
        cut = draw(st.integers(0, max(len(lines[i].text) - 1, 0)))
        lines[i] = replace(lines[i], text=lines[i].text[:cut])
        return finish()
    if mutation == "letters":
        i = draw(st.sampled_from(coded))
        letters = draw(st.from_regex(r"[A-Za-z]{1,4}", fullmatch=True))
        retoken(i, letters)
        if lines[i].kind == "item":
            message = f"expected a numeric code such as 404 or 403.14, found {letters!r}"
        else:
            message = f"expected a code such as 1000 or a range such as 3000–3999 in the first cell, found {letters!r}"  # fmt: skip
        return finish([(i + 1, message)])
    if mutation == "huge":
        i = draw(st.sampled_from(coded))
        digits = draw(st.from_regex(r"[1-9][0-9]{18,40}", fullmatch=True))
        shapes = ["{}", "4.{}"] + (["1–{}"] if lines[i].kind == "table row" else [])
        token = draw(st.sampled_from(shapes)).format(digits)
        retoken(i, token)
        return finish([(i + 1, f"expected a code of at most 18 digits, found {show(token)}")])
    if mutation == "duplicate":
        i = draw(st.sampled_from(coded))
        lines.insert(i + 1, lines[i])
        ends.insert(i + 1, ends[i])
        kind, values = lines[i].record
        pid = lines[i].protocol
        what = {
            "code": f"code {lines[i].code} in {pid}",
            "subcode": f"sub-status {lines[i].token} in {pid}",
            "range": f"range {values[2]}–{values[3]} in {pid}",
        }[kind]
        each = what.split(" ")[0]
        return finish([(i + 2, f"expected each {each} once, found {what} again (first on line {i + 1})")])  # fmt: skip
    if mutation == "orphan":
        i = draw(st.sampled_from(parents))
        parent = lines.pop(i)
        ends.pop(i)
        return finish(
            [
                (j + 1, f"expected the code {parent.code} to be listed in {parent.protocol} for its sub-status {line.token}, found no such code")  # fmt: skip
                for j, line in enumerate(lines)
                if line.record and line.record[0] == "subcode" and line.protocol == parent.protocol and line.code == parent.code
            ]
        )  # fmt: skip
    if mutation == "cells":
        i = draw(st.sampled_from(rows))
        line = lines[i]
        cells = line.cells[:-1] if draw(st.booleans()) else [*line.cells, draw(word)]
        lead, joint, trail = line.row_format
        text = lead + joint.join(cells) + trail
        lines[i] = replace(line, text=text)
        if "|" in text:
            header_line = max(
                n for n, other in enumerate(lines[:i], 1) if other.kind == "table header"
            )
            message = f"expected {len(line.cells)} cells as in the table header on line {header_line}, found {len(cells)}"  # fmt: skip
        else:
            message = NOT_A_LINE.format(show(text))
        return finish([(i + 1, message)])
    if mutation in ("invalid utf-8", "nul"):
        i = draw(st.integers(0, len(lines) - 1))
        written = lines[i].written
        at = draw(st.integers(0, len(written)))
        bad = b"\x00" if mutation == "nul" else draw(st.sampled_from(INVALID_UTF8))
        encoded = [line.written.encode() for line in lines]
        encoded[i] = written[:at].encode() + bad + written[at:].encode()
        data = render(encoded, ends, document.bom, document.final_newline)
        if mutation == "nul":
            message = "expected text, found a NUL byte (is this a binary file?)"
        else:
            column = len(written[:at].encode()) + (3 if document.bom and i == 0 else 0) + 1
            message = f"expected UTF-8 text, found the byte 0x{bad[0]:02x} at column {column} (save the file as UTF-8)"  # fmt: skip
        return Broken(data, mutation, [(i + 1, message)])
    if mutation == "garbage":
        data = document.render()
        at = draw(st.integers(0, len(data)))
        return Broken(data[:at] + draw(st.binary(min_size=1, max_size=24)) + data[at:], mutation)
    if mutation == "delete":
        i = draw(st.integers(0, len(lines) - 1))
        lines.pop(i)
        ends.pop(i)
        if not lines:
            return Broken(b"", mutation, [(1, None)])
        return finish()
    # swap two lines
    i, j = draw(st.lists(st.integers(0, len(lines) - 1), min_size=2, max_size=2, unique=True))
    lines[i], lines[j] = lines[j], lines[i]
    return finish()


def check_broken(broken: Broken) -> ParsedDocument | None:
    """Parse a broken document: DocumentError is the only way it may fail, with every problem
    on a line of the document. Returns the document when the mutation left it valid."""
    line_count = count_lines(broken.data)
    try:
        doc = parse_bytes(broken.data)
    except DocumentError as error:
        problems = [(p.line_no, p.message) for p in error.problems]
        assert problems
        assert all(1 <= line_no <= max(line_count, 1) for line_no, _ in problems), problems
        assert all(p.path is None and p.message.startswith("expected ") for p in error.problems)
        for line_no, message in broken.expected:
            if message is None:
                assert line_no in {n for n, _ in problems}
            else:
                assert (line_no, message) in problems
        return None
    assert broken.expected == [], f"{broken.mutation} left the document valid"
    assert_accounted_for(doc, line_count)
    return doc


@settings(max_examples=450, **PROFILE)
@given(broken_documents())
def test_broken_documents_raise_document_error_and_nothing_else(broken):
    check_broken(broken)


# Fragments of the format, glued at random into lines: the parser's odd corners.
SOUP = [
    "- ", "* ", "• ", "404", "403.14", "0", "4xx", "xx", "HTTP", "A b", "WebSockets", "状态码",
    "描述", " ", "\t", "–", "-", "—", "|", "\\|", "---", ":---:", "(无)", "(", "）", "Series,",
    "系列", ".", "0–99", "9" * 20, "\u3000", "\ufeff", "x", "\x0c", "\u2028",
]  # fmt: skip


@settings(max_examples=300, **PROFILE)
@given(
    st.lists(st.lists(st.sampled_from(SOUP), max_size=6).map("".join), max_size=25),
    st.sampled_from(LINE_ENDS),
)
def test_any_text_parses_or_raises_document_error(lines, line_end):
    check_broken(Broken(line_end.join(lines).encode(), "soup"))


# -- builds ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def previous_database(tmp_path_factory) -> Path:
    """The database a build would replace: the real document's."""
    output = tmp_path_factory.mktemp("previous") / "status_codes.db"
    build_database(SOURCE, output)
    return output


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@contextlib.contextmanager
def build_folder(previous: Path, data: bytes):
    """A folder holding the document and a copy of the previous database."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copyfile(previous, folder / "status_codes.db")
        (folder / "doc.txt").write_bytes(data)
        yield folder


def query(database: Path, sql: str) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as conn:
        return conn.execute(sql).fetchall()


cases = st.one_of(
    documents().map(lambda d: (d.render(), d.expected(), True)),
    broken_documents().map(lambda b: (b.data, None, False if b.expected else None)),
)


@settings(max_examples=80, **PROFILE)
@given(cases)
def test_a_build_replaces_the_database_only_with_a_complete_one(previous_database, case):
    data, expected, valid = case
    before = previous_database.read_bytes()
    with build_folder(previous_database, data) as folder:
        output = folder / "status_codes.db"
        try:
            build_database(folder / "doc.txt", output, reference_dir=None)
        except DocumentError:
            assert valid is not True
            assert output.read_bytes() == before
            assert sorted(os.listdir(folder)) == ["doc.txt", "status_codes.db"]
            return
        assert valid is not False
        assert sorted(os.listdir(folder)) == ["doc.txt", "status_codes.db"]
        assert query(output, "pragma integrity_check") == [("ok",)]
        assert query(output, "pragma foreign_key_check") == []
        assert query(output, "select sha256, line_count from document") == [
            (sha256(data), count_lines(data))
        ]
        assert query(output, "select count(*) from document_line") == [(count_lines(data),)]
        if expected is None:
            expected = records_of(parse_bytes(data))
        for table in ("code", "subcode", "range"):  # (id, …, source_line) for each record
            assert query(output, f"select id, source_line from [{table}] order by source_line") == [
                (values[0], values[-1]) for values in expected[table]
            ]


# -- fixed cases -------------------------------------------------------------------------------

EMPTY = (
    "expected at least one protocol heading (a Latin name such as HTTP) followed by class "
    "headings, items or a table, found an empty document"
)


def undecodable_lines(data: bytes) -> list[int]:
    """Lines that are not UTF-8 text (invalid, or holding a NUL byte), the slow way."""
    bad = []
    for line_no, raw in enumerate(re.split(rb"\r\n|\n|\r", data), start=1):
        if line_no > count_lines(data):
            break
        try:
            if "\x00" in raw.decode("utf-8"):
                bad.append(line_no)
        except UnicodeDecodeError:
            bad.append(line_no)
    return bad


@pytest.mark.parametrize(
    "name",
    ["empty", "whitespace", "binary", "gb18030", "utf-16", "latin-1"],
)
def test_unreadable_files_leave_the_database_as_it_was(previous_database, name):
    text = SOURCE.read_text(encoding="utf-8")
    data = {
        "empty": b"",
        "whitespace": b" \n\t\r\n\xe3\x80\x80\r",
        "binary": random.Random(20240601).randbytes(65536),
        "gb18030": text.encode("gb18030"),  # the usual mistake with a Chinese document
        "utf-16": text.encode("utf-16"),
        "latin-1": "Statuscodes\nHTTP\n- 404 - Não encontrado\n".encode("latin-1"),
    }[name]
    before = previous_database.read_bytes()
    with build_folder(previous_database, data) as folder:
        with pytest.raises(DocumentError) as caught:
            build_database(folder / "doc.txt", folder / "status_codes.db", reference_dir=None)
        assert (folder / "status_codes.db").read_bytes() == before
        assert sorted(os.listdir(folder)) == ["doc.txt", "status_codes.db"]
    problems = [(p.line_no, p.message) for p in caught.value.problems]
    if name in ("empty", "whitespace"):
        assert problems == [(max(count_lines(data), 1), EMPTY)]
        return
    assert [line_no for line_no, _ in problems] == undecodable_lines(data)
    assert all(
        re.fullmatch(r"expected UTF-8 text, found the byte 0x[0-9a-f]{2} at column \d+ \(save the file as UTF-8\)", m)
        or m == "expected text, found a NUL byte (is this a binary file?)"
        for _, m in problems
    )  # fmt: skip
    if name == "latin-1":
        assert problems == [
            (3, "expected UTF-8 text, found the byte 0xe3 at column 10 (save the file as UTF-8)")
        ]


# Builds a document in a child process whose address space is capped, so a document that
# needs unreasonable memory fails the test instead of the machine.
CHILD = """
import json, resource, sys
from pathlib import Path
limit = int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from etl.build import build_database
from etl.records import DocumentError
try:
    build_database(Path(sys.argv[1]), Path(sys.argv[2]), reference_dir=None)
    result = {"built": True}
except DocumentError as error:
    result = {"built": False, "problems": [[p.line_no, p.message] for p in error.problems]}
# peak resident memory of this process (VmHWM starts afresh at exec, unlike ru_maxrss)
status = Path("/proc/self/status").read_text()
result["max_rss_mb"] = int(status.split("VmHWM:")[1].split()[0]) // 1024
print(json.dumps(result))
"""
MEMORY_LIMIT = 1536 * 1024 * 1024  # 1.5 GiB of address space for a 50 MB document
BIG = 50 * 1024 * 1024


def many_sections() -> tuple[bytes, int]:
    """~50 MB of valid protocol sections, then one broken item on the last line."""
    description = "状态码描述文字，用于测试大文档的解析。" * 10
    section = "\n".join(["4xx客户端错误", *(f"- {c} – {description}" for c in range(400, 420))])
    parts, size, number = [], 0, 0
    while size < BIG:
        part = f"P{number}\n{section}\n"
        parts.append(part)
        size += len(part.encode())
        number += 1
    text = "".join(parts) + "- 4O4 – 笔误\n"
    return text.encode(), text.count("\n")


def big_document(kind: str) -> tuple[bytes, dict]:
    if kind == "one garbage line":
        garbage = "乱码 " * (BIG // 7)
        data = f"HTTP\n- 1 – 一\n{garbage}\n".encode()
        return data, {"built": False, "problems": [[3, NOT_A_LINE.format(show(garbage.strip()))]]}
    if kind == "one huge token":
        data = b"HTTP\n- " + b"x" * BIG + " – 一\n".encode()
        token = show("x" * BIG)
        return data, {"built": False, "problems": [[2, f"expected a numeric code such as 404 or 403.14, found {token}"]]}  # fmt: skip
    if kind == "spaces after a code":
        # before the fix in etl/parse.py this took time quadratic in the spaces: hours
        return b"HTTP\n- 404" + b" " * BIG + b"x\n", {"built": True}
    data, last = many_sections()
    return data, {"built": False, "problems": [[last, "expected a numeric code such as 404 or 403.14, found '4O4'"]]}  # fmt: skip


@pytest.mark.parametrize(
    "kind", ["one garbage line", "one huge token", "spaces after a code", "many sections"]
)
def test_a_50_mb_document_builds_or_fails_cleanly_in_bounded_memory(previous_database, kind):
    data, expected = big_document(kind)
    assert len(data) >= BIG
    before = previous_database.read_bytes()
    with build_folder(previous_database, data) as folder:
        del data
        output = folder / "status_codes.db"
        completed = subprocess.run(
            [sys.executable, "-c", CHILD, str(folder / "doc.txt"), str(output), str(MEMORY_LIMIT)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert completed.returncode == 0, completed.stderr[-3000:]
        result = json.loads(completed.stdout)
        print(f"{kind}: peak memory {result.pop('max_rss_mb')} MB")
        assert result == expected
        assert sorted(os.listdir(folder)) == ["doc.txt", "status_codes.db"]
        if not expected["built"]:
            assert output.read_bytes() == before
            return
        assert query(output, "select id, description_zh from code") == [("http-404", "x")]
        assert query(output, "select line_no, length(text) from document_line") == [
            (1, 4),
            (2, len("- 404") + BIG + len("x")),
        ]
        assert query(output, "pragma integrity_check") == [("ok",)]
