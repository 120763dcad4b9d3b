"""Plain records that flow from the parser to the loader, and the document error type.

The parser turns text into these records; validation checks them; the loader writes them.
None of them knows about SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document, at a 1-based line number."""

    line_no: int
    message: str  # "expected …, found …"

    def format(self, path: str) -> str:
        return f"{path}:{self.line_no}: {self.message}"


class DocumentError(Exception):
    """The document cannot be turned into a dataset; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: p.line_no)
        super().__init__("\n".join(p.format("<document>") for p in self.problems))

    def format(self, path: str) -> str:
        return "\n".join(p.format(path) for p in self.problems)


@dataclass
class Protocol:
    id: str
    name: str
    heading: str
    source_line: int
    description_zh: str | None = None


@dataclass
class CodeClass:
    id: str
    protocol_id: str
    digit: int
    label: str
    title_zh: str | None
    min_code: int
    max_code: int
    source_line: int
    description_zh: str | None = None


@dataclass
class Code:
    id: str
    protocol_id: str
    class_id: str | None
    code: int
    name: str | None
    description_zh: str | None
    source_line: int
    # How the item separated code and text: a dash character, "" for whitespace only,
    # None for table rows. Kept so irregular formatting can be reported, not fixed.
    separator: str | None = None


@dataclass
class Subcode:
    id: str
    code_id: str
    protocol_id: str
    class_id: str | None
    subcode: str
    code: int
    minor: int
    qualifier_zh: str | None
    description_zh: str | None
    source_line: int
    separator: str | None = None


@dataclass
class CodeRange:
    id: str
    protocol_id: str
    first_code: int
    last_code: int
    name: str | None
    description_zh: str | None
    source_line: int


@dataclass
class DocumentLine:
    line_no: int
    text: str
    kind: str
    protocol_id: str | None = None
    class_id: str | None = None
    code_id: str | None = None
    subcode_id: str | None = None
    range_id: str | None = None


@dataclass
class ParsedDocument:
    protocols: list[Protocol] = field(default_factory=list)
    classes: list[CodeClass] = field(default_factory=list)
    codes: list[Code] = field(default_factory=list)
    subcodes: list[Subcode] = field(default_factory=list)
    ranges: list[CodeRange] = field(default_factory=list)
    lines: list[DocumentLine] = field(default_factory=list)
    title: str | None = None
    # Lines the parser could not fit into the format. Validation raises them together with
    # its own findings, so one run reports everything wrong with a document.
    problems: list[Problem] = field(default_factory=list)


# Every kind a document line can have; `document_line.kind` holds one of these.
LINE_KINDS = (
    "title",
    "protocol heading",
    "protocol description",
    "class heading",
    "class description",
    "item",
    "table header",
    "table separator",
    "table row",
    "blank",
)
