"""The pipeline, end to end: read source -> parse -> validate -> load."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from etl.annotate import annotate
from etl.load import write_database
from etl.parse import parse_document
from etl.records import ParsedDocument
from etl.reference import DEFAULT_REFERENCE_DIR, Reference, read_reference
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

        def count(rows) -> str:
            listed = sum(1 for row in rows if row.source_line is not None)
            extra = len(rows) - listed
            return f"{listed}" + (f" (+{extra} from the registries)" if extra else "")

        text = (
            f"Built {self.output} from {self.source}: {len(doc.protocols)} protocols, "
            f"{count(doc.classes)} classes, {count(doc.codes)} codes, "
            f"{count(doc.subcodes)} sub-statuses, {count(doc.ranges)} ranges, "
            f"{len(doc.source_issues)} known issues ({len(doc.lines)} lines, all accounted for)."
        )
        if doc.unmatched_issues:
            text += (
                f"\nNote: {doc.unmatched_issues} reviewed issue(s) in the reference files did not "
                "match this document's text and were not applied."
            )
        return text


def display_path(path: Path) -> str:
    """The path as recorded in the database: relative to the working directory when inside
    it, so that builds in different clones give identical files."""
    resolved = path.resolve()
    if resolved.is_relative_to(Path.cwd()):
        return resolved.relative_to(Path.cwd()).as_posix()
    return path.as_posix()


def build_database(
    source_path: Path, output: Path, reference_dir: Path | None = DEFAULT_REFERENCE_DIR
) -> BuildSummary:
    """Build `output` from the document at `source_path` and the reference data.

    Raises DocumentError (with every problem and its line) for a malformed document or
    reference file; the existing output is then left as it was. `reference_dir=None` (or a
    folder that does not exist) builds without reference data.
    """
    source = read_source(source_path, display_path(source_path))
    doc = validate_document(parse_document(source.lines))
    reference = read_reference(reference_dir) if reference_dir else Reference()
    doc = annotate(doc, reference)
    write_database(doc, source, output)
    return BuildSummary(source.path, output, doc)
