"""Annotation: join the reference data to a parsed, validated document.

- Every row the reference covers gets `name_en`, `spec`, `status` and `note_en`.
- Codes, sub-statuses, classes and ranges that the registries define but the document lacks
  become rows too, with `source_line` and the Chinese text NULL, for the protocols the
  document covers.
- Reviewed issues are tied to the row and the line whose text holds their quote; the build's
  own checks (etl.irregularities) are added beside them.

A document whose codes have no reference facts is annotated with nothing and builds the same.
"""

from __future__ import annotations

from etl.irregularities import find_irregularities
from etl.records import (
    Code,
    CodeClass,
    CodeRange,
    ParsedDocument,
    SourceIssue,
    Subcode,
    index_lines,
)
from etl.reference import RANGE_KEY, SUBCODE_KEY, Reference, ReferenceFact, key_shape

REVIEW = "reference review"
KEY_COLUMNS = {"class": "class_id", "code": "code_id", "subcode": "subcode_id", "range": "range_id"}


def row_key(row: CodeClass | Code | Subcode | CodeRange) -> tuple[str, str, str]:
    """(protocol id, row kind, key as written in reference files) of a row."""
    if isinstance(row, CodeClass):
        return row.protocol_id, "class", row.label
    if isinstance(row, Subcode):
        return row.protocol_id, "subcode", row.subcode
    if isinstance(row, CodeRange):
        return row.protocol_id, "range", f"{row.first_code}-{row.last_code}"
    return row.protocol_id, "code", str(row.code)


def _apply_fact(row, fact: ReferenceFact) -> None:
    row.name_en, row.spec, row.status, row.note_en = (
        fact.name_en,
        fact.spec,
        fact.status,
        fact.note,
    )


def annotate(doc: ParsedDocument, reference: Reference) -> ParsedDocument:
    present = {p.id for p in doc.protocols}
    rows = {
        row_key(row)[0::2]: row for row in [*doc.classes, *doc.codes, *doc.subcodes, *doc.ranges]
    }
    facts = [f for f in reference.facts if f.protocol_id in present]
    missing = []
    for fact in facts:
        row = rows.get((fact.protocol_id, fact.key))
        if row is not None:
            _apply_fact(row, fact)
        else:
            missing.append(fact)
    _add_registry_rows(doc, missing, rows)
    # Registry rows have no lines, so one index of the lines serves both kinds of issue.
    lines = index_lines(doc)
    doc.source_issues, doc.unmatched_issues = _reviewed_issues(doc, reference, rows, lines)
    doc.source_issues += find_irregularities(doc, lines)
    doc.source_issues.sort(key=lambda i: (i.line_no, i.origin, i.kind, i.quote))
    for number, issue in enumerate(doc.source_issues, start=1):
        issue.id = number
    return doc


def _add_registry_rows(doc: ParsedDocument, facts: list[ReferenceFact], rows: dict) -> None:
    """Rows for what the registries define and the document lacks (source_line NULL).

    Parents come before children: classes, then codes, then sub-statuses; a sub-status whose
    parent code exists nowhere, or a range that would overlap another, is left out.
    """
    by_shape: dict[str, list[ReferenceFact]] = {}
    for fact in facts:
        by_shape.setdefault(key_shape(fact.key), []).append(fact)
    headed = {c.protocol_id for c in doc.classes if c.source_line is not None}

    for fact in by_shape.get("class", []):
        if fact.protocol_id not in headed:
            continue  # a protocol listed without class headings keeps its codes unclassed
        digit = int(fact.key[0])
        code_class = CodeClass(
            id=f"{fact.protocol_id}-{fact.key}",
            protocol_id=fact.protocol_id,
            digit=digit,
            label=fact.key,
            title_zh=None,
            min_code=digit * 100,
            max_code=digit * 100 + 99,
            source_line=None,
        )
        _apply_fact(code_class, fact)
        doc.classes.append(code_class)
        rows[(fact.protocol_id, fact.key)] = code_class

    classes = {(c.protocol_id, c.digit): c for c in doc.classes}
    for fact in by_shape.get("code", []):
        number = int(fact.key)
        code_class = classes.get((fact.protocol_id, number // 100))
        code = Code(
            id=f"{fact.protocol_id}-{number}",
            protocol_id=fact.protocol_id,
            class_id=code_class.id if code_class and number <= code_class.max_code else None,
            code=number,
            name=None,
            description_zh=None,
            source_line=None,
        )
        _apply_fact(code, fact)
        doc.codes.append(code)
        rows[(fact.protocol_id, fact.key)] = code

    for fact in by_shape.get("subcode", []):
        parent = rows.get((fact.protocol_id, SUBCODE_KEY.fullmatch(fact.key)["code"]))
        if not isinstance(parent, Code):
            continue
        subcode = Subcode(
            id=f"{fact.protocol_id}-{fact.key}",
            code_id=parent.id,
            protocol_id=fact.protocol_id,
            class_id=parent.class_id,
            subcode=fact.key,
            code=parent.code,
            minor=int(fact.key.split(".")[1]),
            qualifier_zh=None,
            description_zh=None,
            source_line=None,
        )
        _apply_fact(subcode, fact)
        doc.subcodes.append(subcode)

    for fact in by_shape.get("range", []):
        match = RANGE_KEY.fullmatch(fact.key)
        first, last = int(match["first"]), int(match["last"])
        if first > last or any(
            r.protocol_id == fact.protocol_id and r.first_code <= last and first <= r.last_code
            for r in doc.ranges
        ):
            continue
        code_range = CodeRange(
            id=f"{fact.protocol_id}-{first}-{last}",
            protocol_id=fact.protocol_id,
            first_code=first,
            last_code=last,
            name=None,
            description_zh=None,
            source_line=None,
        )
        _apply_fact(code_range, fact)
        doc.ranges.append(code_range)


def _reviewed_issues(
    doc: ParsedDocument, reference: Reference, rows: dict, lines: dict
) -> tuple[list[SourceIssue], int]:
    """Reviewed issues that apply: the row exists in the document and its line holds the quote.

    An issue about a row the document does not list simply does not apply; one whose row is
    listed but whose quote is gone (the text differs) is counted, so the build can say so.
    `lines` is `index_lines(doc)`.
    """
    issues, unmatched = [], 0
    present = {p.id for p in doc.protocols}
    for issue in reference.issues:
        if issue.protocol_id not in present:
            continue
        row = rows.get((issue.protocol_id, issue.key))
        if row is None or row.source_line is None:
            continue
        column = KEY_COLUMNS[key_shape(issue.key)]
        candidates = lines.get((column, row.id), [])
        line = next((ln for ln in candidates if issue.quote in ln.text), None)
        if line is None:
            unmatched += 1
            continue
        issues.append(
            SourceIssue(
                kind=issue.kind,
                origin=REVIEW,
                protocol_id=issue.protocol_id,
                line_no=line.line_no,
                quote=issue.quote,
                explanation=issue.explanation,
                **{column: row.id},
            )
        )
    return issues, unmatched
