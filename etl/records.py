"""Plain records that flow from the parser to the loader, and the document error type.

The parser turns text into these records; validation checks them; the loader writes them.
None of them knows about SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document, at a 1-based line number."""

    line_no: int
    message: str  # "expected …, found …"
    path: str | None = None  # the file, when it is not the document being built

    def format(self, path: str) -> str:
        return f"{self.path or path}:{self.line_no}: {self.message}"


class DocumentError(Exception):
    """The document cannot be turned into a dataset; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.path or "", p.line_no))
        super().__init__("\n".join(p.format("<document>") for p in self.problems))

    def format(self, path: str) -> str:
        return "\n".join(p.format(path) for p in self.problems)


# The row records are slotted: a 100,000-code document makes some 300,000 of them, and
# without a __dict__ each is smaller (about 13 MB less at peak) and quicker to read.
@dataclass(slots=True)
class Protocol:
    id: str
    name: str
    heading: str
    source_line: int
    description_zh: str | None = None


@dataclass(slots=True, kw_only=True)
class RegistryFacts:
    """What the reference data says of a row (etl.annotate); None where no fact covers it."""

    name_en: str | None = None
    spec: str | None = None
    status: str | None = None
    note_en: str | None = None


@dataclass(slots=True)
class CodeClass(RegistryFacts):
    id: str
    protocol_id: str
    digit: int
    label: str
    title_zh: str | None
    min_code: int
    max_code: int
    source_line: int | None
    description_zh: str | None = None


@dataclass(slots=True)
class Code(RegistryFacts):
    id: str
    protocol_id: str
    class_id: str | None
    code: int
    name: str | None
    description_zh: str | None
    source_line: int | None
    # How the item separated code and text: a dash character, "" for whitespace only,
    # None for table rows. Kept so irregular formatting can be reported, not fixed.
    separator: str | None = None


@dataclass(slots=True)
class Subcode(RegistryFacts):
    id: str
    code_id: str
    protocol_id: str
    class_id: str | None
    subcode: str
    code: int
    minor: int
    qualifier_zh: str | None
    description_zh: str | None
    source_line: int | None
    separator: str | None = None


@dataclass(slots=True)
class CodeRange(RegistryFacts):
    id: str
    protocol_id: str
    first_code: int
    last_code: int
    name: str | None
    description_zh: str | None
    source_line: int | None


@dataclass(slots=True)
class DocumentLine:
    line_no: int
    text: str
    kind: str
    protocol_id: str | None = None
    class_id: str | None = None
    code_id: str | None = None
    subcode_id: str | None = None
    range_id: str | None = None


@dataclass(slots=True)
class SourceIssue:
    """Something wrong with the document, tied to the row and line it concerns."""

    kind: str
    origin: str  # "reference review" (sources/reference) or "build check" (etl.irregularities)
    protocol_id: str
    line_no: int
    quote: str
    explanation: str
    class_id: str | None = None
    code_id: str | None = None
    subcode_id: str | None = None
    range_id: str | None = None
    id: int | None = None


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
    # Filled by etl.annotate: the document's known problems, and reviewed issues whose quote
    # no longer stands in the document (reported by the build, not loaded).
    source_issues: list[SourceIssue] = field(default_factory=list)
    unmatched_issues: int = 0


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


# Which document_line column points at each kind of row.
ROW_COLUMNS = {
    "protocol": "protocol_id",
    "class": "class_id",
    "code": "code_id",
    "subcode": "subcode_id",
    "range": "range_id",
}


_LINE_TARGETS = attrgetter(*ROW_COLUMNS.values())  # one C call instead of five getattr


def index_lines(doc: ParsedDocument) -> dict[tuple[str, str], list[DocumentLine]]:
    """The document's lines by the row they produced or describe: (column, row id) -> lines."""
    index: dict[tuple[str, str], list[DocumentLine]] = {}
    columns = tuple(ROW_COLUMNS.values())
    for line in doc.lines:
        for column, row_id in zip(columns, _LINE_TARGETS(line), strict=True):
            if row_id is not None:
                index.setdefault((column, row_id), []).append(line)
    return index
