"""Parsing: document lines in, plain records out. Pure: no I/O, no SQLite.

The format, as the parser understands it (it reads structure, never particular codes):

    <title lines>                      anything before the first protocol heading
    HTTP                               protocol heading: a Latin name, optionally followed by
                                       non-Latin words (`WebSockets状态码`)
    <protocol description>             optional, one line
    4xx客户端错误                       class heading: a digit, `xx`, a title
    <class description>                optional, one line
    - 404 – 未找到。                    item: code, separator (a dash, or just a space), text
    - 404.0 -(无) – 没有找到文件或目录。 sub-status with a parenthesised qualifier
    - 600 Series,Replies regarding …   an `N00 Series` item describes its class
    状态码 | 名称 | 描述 |              pipe table: header, `---|` separator, rows whose first
    ---|---|---|                        cell is a code or a range (`0–999`); a lone dash cell
    1000 | CLOSE_NORMAL | 正常关闭 |    means "no value"

Blank lines may stand anywhere. Every line gets a kind; a line that fits nothing is a
Problem, and all problems are raised together as one DocumentError.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from etl.records import (
    Code,
    CodeClass,
    CodeRange,
    DocumentLine,
    ParsedDocument,
    Problem,
    Protocol,
    Subcode,
)

# Hyphen-minus and the Unicode dashes people type or paste in its place.
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
_D = re.escape(DASHES)
# What may separate an item's code from its text: a dash, or a colon (`- 404：未找到`).
SEPARATORS = DASHES + ":："
_S = re.escape(SEPARATORS)

PROTOCOL_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:(?:[./+-]| )[A-Za-z0-9]+)*")
CLASS_HEADING = re.compile(r"(?P<digit>[0-9])[xX]{2}(?![0-9A-Za-z])\s*(?P<title>.*)")
ITEM = re.compile(r"[-*•]\s+(?P<body>.*)")
ITEM_BODY = re.compile(
    rf"""
    (?P<token>[^\s{_S}(（]+)
    # a qualifier such as `-(无)` stands between the code and the separator
    (?:\s*+[{_D}]?\s*+[(（](?P<qualifier>[^()（）]*)[)）](?=\s*[{_S}]))?
    # Possessive `*+`/`++`: giving back spaces can never help the dash or bracket that
    # follows, and with plain `\s*[-]?\s*` side by side the engine tried every split of a run
    # of spaces, so an item line with 50,000 spaces after its code took minutes to parse.
    (?:\s*+(?P<separator>[{_S}])\s*+|\s++)
    (?P<text>\S.*)
    """,
    re.VERBOSE,
)
CODE_TOKEN = re.compile(r"(?P<code>[0-9]+)(?:\.(?P<minor>[0-9]+))?")
RANGE_TOKEN = re.compile(rf"(?P<first>[0-9]+)\s*[{_D}]\s*(?P<last>[0-9]+)")
SERIES_TEXT = re.compile(r"(?:series|系列)(?![A-Za-z])[\s,，:：;；.。]*(?P<text>.*)", re.I)
# Codes are SQLite integers, and 18 digits always fit in its 64 bits. A longer number is a
# typo, and loading it crashed the build (OverflowError; past 4300 digits int() itself
# refuses), so it is reported like any other malformed code.
MAX_CODE_DIGITS = 18
TABLE_SEPARATOR = re.compile(r"\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?")


def protocol_id_for(name: str) -> str:
    """`WebSockets` -> `websockets`, `HTTP/2` -> `http-2`: lower-case Latin, URL-safe."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def split_protocol_heading(line: str) -> tuple[str, str] | None:
    """(name, rest) when the line is shaped like a protocol heading, else None.

    A heading is a Latin protocol name, optionally followed by non-Latin words with no
    punctuation (`WebSockets状态码`); a sentence that merely starts with a Latin word is not.
    """
    match = PROTOCOL_NAME.match(line)
    if not match:
        return None
    rest = line[match.end() :].strip()
    if rest and not (rest.isalpha() and not _has_latin(rest)):
        return None
    return match.group(), rest


def _has_latin(text: str) -> bool:
    return any("a" <= c.lower() <= "z" for c in text)


def is_table_separator(line: str) -> bool:
    return "-" in line and TABLE_SEPARATOR.fullmatch(line) is not None


def split_cells(line: str) -> list[str]:
    """Cells of a pipe-table line; outer pipes are optional and `\\|` is a literal pipe."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    cells = re.split(r"(?<!\\)\|", text)
    return [cell.replace("\\|", "|").strip() for cell in cells]


def cell_value(cell: str) -> str | None:
    """A lone dash (or an empty cell) means "no value"."""
    return None if cell == "" or (len(cell) == 1 and cell in DASHES) else cell


def too_long(number: re.Match[str]) -> bool:
    """Does a CODE_TOKEN or RANGE_TOKEN match hold a number longer than MAX_CODE_DIGITS?"""
    return any(len(digits) > MAX_CODE_DIGITS for digits in number.groups() if digits)


def too_long_problem(token: str) -> str:
    return f"expected a code of at most {MAX_CODE_DIGITS} digits, found {show(token)}"


def show(text: str, limit: int = 60) -> str:
    """A line quoted in an error message, shortened."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


class _Parser:
    def __init__(self, lines: Sequence[str]):
        self.lines = [line.strip() for line in lines]
        self.doc = ParsedDocument()
        self.problems: list[Problem] = []
        self.protocol: Protocol | None = None
        self.code_class: CodeClass | None = None
        # what the previous non-blank line was, for the optional description lines
        self.after: str = "start"
        self.table_width: int | None = None
        self.table_header_line = 0

    # -- helpers -------------------------------------------------------------------------

    def next_nonblank(self, index: int) -> int | None:
        for j in range(index + 1, len(self.lines)):
            if self.lines[j]:
                return j
        return None

    def is_structure(self, index: int | None) -> bool:
        """Does the line start content: an item, a class heading or a table?"""
        if index is None:
            return False
        line = self.lines[index]
        return bool(
            ITEM.fullmatch(line) or CLASS_HEADING.fullmatch(line) or self.is_table_header(index)
        )

    def is_table_header(self, index: int) -> bool:
        following = self.next_nonblank(index)
        return (
            "|" in self.lines[index]
            and following is not None
            and is_table_separator(self.lines[following])
        )

    def starts_protocol(self, index: int, strict: bool) -> bool:
        """Is line `index` a protocol heading?

        It must be shaped like one, and content must follow: at once, or after one
        description line. `strict` (used where a description could stand instead) asks
        for a class heading or table to follow at once, since an English class
        description can look like a protocol name.
        """
        if split_protocol_heading(self.lines[index]) is None:
            return False
        following = self.next_nonblank(index)
        if following is None:
            return False
        if strict:
            line = self.lines[following]
            return bool(CLASS_HEADING.fullmatch(line)) or self.is_table_header(following)
        if self.is_structure(following):
            return True
        return split_protocol_heading(self.lines[following]) is None and self.is_structure(
            self.next_nonblank(following)
        )

    def problem(self, line_no: int, message: str) -> None:
        self.problems.append(Problem(line_no, message))

    def add_line(self, line_no: int, kind: str, **target: str | None) -> None:
        self.doc.lines.append(DocumentLine(line_no, self.lines[line_no - 1], kind, **target))

    # -- the walk ------------------------------------------------------------------------

    def run(self) -> ParsedDocument:
        for index, line in enumerate(self.lines):
            line_no = index + 1
            if not line:
                self.add_line(line_no, "blank")
            elif self.protocol is None:
                self.preamble(index)
            else:
                self.body(index)
        if self.after == "table header":
            self.problem(
                self.table_header_line,
                "expected a separator line such as ---|---|--- after the table header, "
                "found the end of the document",
            )
        if self.protocol is None and not self.problems:
            self.problem(
                max(len(self.lines), 1),
                "expected at least one protocol heading (a Latin name such as HTTP) followed "
                "by class headings, items or a table, found "
                + ("an empty document" if not any(self.lines) else "none"),
            )
        self.doc.problems = self.problems
        titles = [ln.text for ln in self.doc.lines if ln.kind == "title"]
        self.doc.title = "\n".join(titles) if titles else None
        return self.doc

    def preamble(self, index: int) -> None:
        line_no = index + 1
        if self.starts_protocol(index, strict=False):
            self.protocol_heading(index)
        elif self.is_structure(index):
            self.problem(
                line_no,
                "expected a protocol heading (a Latin name such as HTTP) before the first "
                f"class heading, item or table, found {show(self.lines[index])}",
            )
        else:
            self.add_line(line_no, "title")

    def body(self, index: int) -> None:
        line = self.lines[index]
        line_no = index + 1
        if self.after == "table header":
            if is_table_separator(line):
                self.add_line(line_no, "table separator", protocol_id=self.protocol.id)
                self.after = "table row"
            else:
                self.problem(
                    line_no,
                    "expected a separator line such as ---|---|--- after the table header on "
                    f"line {self.table_header_line}, found {show(line)}",
                )
                self.after = "table row"  # go on reading rows, to report what else is wrong
            return
        if self.after == "table row" and "|" in line:
            self.table_row(index)
            return
        if ITEM.fullmatch(line):
            self.item(index)
        elif match := CLASS_HEADING.fullmatch(line):
            self.class_heading(index, match)
        elif self.is_table_header(index):
            self.table_header(index)
        elif self.after == "protocol heading" and not self.starts_protocol(index, strict=True):
            self.protocol.description_zh = line
            self.add_line(line_no, "protocol description", protocol_id=self.protocol.id)
            self.after = "description"
        elif self.after == "class heading" and not self.starts_protocol(index, strict=True):
            self.code_class.description_zh = line
            self.add_line(line_no, "class description", class_id=self.code_class.id)
            self.after = "description"
        elif self.starts_protocol(index, strict=False):
            self.protocol_heading(index)
        else:
            self.problem(
                line_no,
                "expected an item ('- CODE – text'), a class heading ('4xx …'), a table row "
                f"or a protocol heading followed by content, found {show(line)}",
            )

    # -- line kinds ----------------------------------------------------------------------

    def protocol_heading(self, index: int) -> None:
        name, _rest = split_protocol_heading(self.lines[index])
        line_no = index + 1
        protocol = Protocol(
            id=protocol_id_for(name), name=name, heading=self.lines[index], source_line=line_no
        )
        self.doc.protocols.append(protocol)
        self.protocol = protocol
        self.code_class = None
        self.add_line(line_no, "protocol heading", protocol_id=protocol.id)
        self.after = "protocol heading"

    def class_heading(self, index: int, match: re.Match[str]) -> None:
        digit = int(match["digit"])
        label = f"{digit}xx"
        code_class = CodeClass(
            id=f"{self.protocol.id}-{label}",
            protocol_id=self.protocol.id,
            digit=digit,
            label=label,
            title_zh=match["title"].strip() or None,
            min_code=digit * 100,
            max_code=digit * 100 + 99,
            source_line=index + 1,
        )
        self.doc.classes.append(code_class)
        self.code_class = code_class
        self.add_line(index + 1, "class heading", class_id=code_class.id)
        self.after = "class heading"

    def item(self, index: int) -> None:
        line_no = index + 1
        body = ITEM.fullmatch(self.lines[index])["body"]
        match = ITEM_BODY.fullmatch(body)
        if not match:
            self.problem(
                line_no,
                "expected an item '- CODE – text' (a code, a separator, a description), "
                f"found {show(self.lines[index])}",
            )
            return
        token, text = match["token"], match["text"].strip()
        separator = match["separator"] or ""
        code_match = CODE_TOKEN.fullmatch(token)
        if not code_match:
            # shortened like every other quote (a 50 MB token made a 50 MB message)
            self.problem(
                line_no, f"expected a numeric code such as 404 or 403.14, found {show(token)}"
            )
            return
        if too_long(code_match):
            self.problem(line_no, too_long_problem(token))
            return
        self.after = "item"
        series = SERIES_TEXT.fullmatch(text)
        code_class = self.code_class
        if (
            series
            and code_class is not None
            and code_match["minor"] is None
            and int(code_match["code"]) == code_class.min_code
        ):
            if code_class.description_zh is not None:
                self.problem(
                    line_no,
                    f"expected a code, found a second description of class {code_class.label} "
                    f"(a '{token} Series' item describes a class that has no description line)",
                )
                return
            code_class.description_zh = series["text"].strip() or text
            self.add_line(line_no, "class description", class_id=code_class.id)
            return
        qualifier = match["qualifier"]
        if qualifier is not None and code_match["minor"] is None:
            # Qualifiers belong to sub-statuses (`404.0 -(无) –`); on a plain code the
            # bracket is part of its text, kept whole rather than dropped.
            rest = body[len(token) :].strip()
            separator = rest[0] if rest[0] in SEPARATORS else ""
            text = rest[len(separator) :].strip()
            qualifier = None
        self.add_code(
            line_no,
            code_match,
            name=None,
            description=text,
            separator=separator,
            qualifier=f"({qualifier.strip()})" if qualifier is not None else None,
        )

    def add_code(
        self,
        line_no: int,
        code_match: re.Match[str],
        name: str | None,
        description: str | None,
        separator: str | None,
        qualifier: str | None = None,
    ) -> None:
        protocol = self.protocol
        class_id = self.code_class.id if self.code_class else None
        number = int(code_match["code"])
        if code_match["minor"] is None:
            code = Code(
                id=f"{protocol.id}-{number}",
                protocol_id=protocol.id,
                class_id=class_id,
                code=number,
                name=name,
                description_zh=description,
                source_line=line_no,
                separator=separator,
            )
            self.doc.codes.append(code)
            self.add_line(line_no, self.line_kind(), code_id=code.id)
            return
        text = code_match.group()
        subcode = Subcode(
            id=f"{protocol.id}-{text}",
            code_id=f"{protocol.id}-{number}",
            protocol_id=protocol.id,
            class_id=class_id,
            subcode=text,
            code=number,
            minor=int(code_match["minor"]),
            qualifier_zh=qualifier,
            description_zh=description,
            source_line=line_no,
            separator=separator,
        )
        self.doc.subcodes.append(subcode)
        self.add_line(line_no, self.line_kind(), subcode_id=subcode.id)

    def line_kind(self) -> str:
        return "table row" if self.after == "table row" else "item"

    def table_header(self, index: int) -> None:
        cells = split_cells(self.lines[index])
        line_no = index + 1
        self.after = "table header"
        self.table_header_line = line_no
        if len(cells) not in (2, 3):
            self.problem(
                line_no,
                "expected a table header with 2 or 3 cells (code | [name |] description), "
                f"found {len(cells)} cells",
            )
            self.table_width = None
            return
        self.table_width = len(cells)
        self.add_line(line_no, "table header", protocol_id=self.protocol.id)

    def table_row(self, index: int) -> None:
        line_no = index + 1
        if self.table_width is None:  # the header was already reported
            return
        cells = split_cells(self.lines[index])
        if len(cells) != self.table_width:
            self.problem(
                line_no,
                f"expected {self.table_width} cells as in the table header on line "
                f"{self.table_header_line}, found {len(cells)}",
            )
            return
        first = cells[0]
        name = cell_value(cells[1]) if self.table_width == 3 else None
        description = cell_value(cells[-1])
        number = CODE_TOKEN.fullmatch(first) or RANGE_TOKEN.fullmatch(first)
        if number and too_long(number):
            self.problem(line_no, too_long_problem(first))
            return
        if code_match := CODE_TOKEN.fullmatch(first):
            self.add_code(line_no, code_match, name, description, separator=None)
        elif range_match := RANGE_TOKEN.fullmatch(first):
            first_code, last_code = int(range_match["first"]), int(range_match["last"])
            code_range = CodeRange(
                id=f"{self.protocol.id}-{first_code}-{last_code}",
                protocol_id=self.protocol.id,
                first_code=first_code,
                last_code=last_code,
                name=name,
                description_zh=description,
                source_line=line_no,
            )
            self.doc.ranges.append(code_range)
            self.add_line(line_no, "table row", range_id=code_range.id)
        else:
            self.problem(
                line_no,
                "expected a code such as 1000 or a range such as 3000–3999 in the first cell, "
                f"found {show(first)}",
            )


def parse_document(lines: Sequence[str]) -> ParsedDocument:
    """Parse the lines of a document (as from `source.decode_lines`) into records.

    Lines that fit no part of the format are listed in the result's `problems`;
    `validate.validate_document` raises them, with its own, as one DocumentError.
    """
    return _Parser(lines).run()
