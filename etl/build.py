"""The pipeline, end to end: read source -> parse -> validate -> load."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from etl.load import write_database
from etl.parse import parse_document
from etl.records import ParsedDocument
from etl.source import read_source
from etl.validate import validate_document

DEFAULT_SOURCE = Path("sources/status-codes.zh-CN.txt")
DEFAULT_OUTPUT = Path("build/status_codes.db")


@dataclass(frozen=True)
class BuildSummary:
    source: str
    output: Path
    doc: ParsedDocument

    def describe(self) -> str:
        doc = self.doc
        return (
            f"Built {self.output} from {self.source}: {len(doc.protocols)} protocols, "
            f"{len(doc.classes)} classes, {len(doc.codes)} codes, {len(doc.subcodes)} "
            f"sub-statuses, {len(doc.ranges)} ranges ({len(doc.lines)} lines, all accounted for)."
        )


def display_path(path: Path) -> str:
    """The path as recorded in the database: relative to the working directory when inside
    it, so that builds in different clones give identical files."""
    resolved = path.resolve()
    if resolved.is_relative_to(Path.cwd()):
        return resolved.relative_to(Path.cwd()).as_posix()
    return path.as_posix()


def build_database(source_path: Path, output: Path) -> BuildSummary:
    """Build `output` from the document at `source_path`.

    Raises DocumentError (with every problem and its line) for a malformed document; the
    existing output is then left as it was.
    """
    source = read_source(source_path, display_path(source_path))
    doc = validate_document(parse_document(source.lines))
    write_database(doc, source, output)
    return BuildSummary(source.path, output, doc)
