"""Build checks: where the document departs from its own format, found in the parsed records.

These rules look at the document as a whole (which separator most items use, whether the text is
mostly Chinese) and name the lines that differ. They never change the text; what they find is
loaded into `source_issue` with the origin "build check".
"""

from __future__ import annotations

import re
from collections import Counter

from etl.parse import DASHES, ITEM
from etl.records import DocumentLine, ParsedDocument, SourceIssue, index_lines

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z]")
DOUBLED_PUNCTUATION = re.compile(r"([。，、；：！？])\1")
ORIGIN = "build check"
FORMAT = "formatting irregularity"


def _issue(kind: str, row, line_no: int, quote: str, explanation: str, column: str | None):
    """A build-check issue about `row` (a protocol when `column` is None)."""
    target = {column: row.id} if column else {}
    protocol_id = row.protocol_id if column else row.id
    return SourceIssue(kind, ORIGIN, protocol_id, line_no, quote, explanation, **target)


def describe_separator(separator: str) -> str:
    return (
        "with a space only (no dash)"
        if separator == ""
        else f"with '{separator}' (U+{ord(separator):04X})"
    )


def find_irregularities(
    doc: ParsedDocument, lines: dict[tuple[str, str], list[DocumentLine]] | None = None
) -> list[SourceIssue]:
    """`lines` is `index_lines(doc)` when the caller has it already (it is built once)."""
    if lines is None:
        lines = index_lines(doc)
    issues: list[SourceIssue] = []
    issues += _separators(doc, lines)
    issues += _mixed_dashes(doc, lines)
    issues += _doubled_punctuation(doc, lines)
    issues += _untranslated_text(doc, lines)
    issues += _items_standing_for_descriptions(doc)
    return issues


def _item_rows(doc: ParsedDocument):
    """Codes and sub-statuses that came from list items (not table rows), with their column."""
    for row in doc.codes:
        if row.separator is not None and row.source_line is not None:
            yield row, "code_id"
    for row in doc.subcodes:
        if row.separator is not None and row.source_line is not None:
            yield row, "subcode_id"


def _separators(doc: ParsedDocument, lines) -> list[SourceIssue]:
    items = list(_item_rows(doc))
    counts = Counter(row.separator for row, _ in items)
    if len(counts) < 2:
        return []
    usual = counts.most_common(1)[0][0]
    # Grouped once: filtering all items for each protocol was quadratic in large documents.
    by_protocol: dict[str, list] = {}
    for row, column in items:
        by_protocol.setdefault(row.protocol_id, []).append((row, column))
    issues = []
    for protocol in doc.protocols:
        mine = by_protocol.get(protocol.id, [])
        odd = [(row, column) for row, column in mine if row.separator != usual]
        if not odd:
            continue
        kinds = {row.separator for row, _ in odd}
        if len(odd) == len(mine) and len(kinds) == 1:
            first, _ = odd[0]
            explanation = (
                f"All {len(odd)} {protocol.name} items separate code and text "
                f"{describe_separator(first.separator)}; the other items of the document "
                f"use '{usual}'."
            )
            line_no = first.source_line
            issues.append(
                _issue(FORMAT, protocol, line_no, _line_text(doc, line_no), explanation, None)
            )
            continue
        for row, column in odd:
            explanation = (
                f"Code and text are separated {describe_separator(row.separator)}; "
                f"most items use '{usual}'."
            )
            line_no = row.source_line
            issues.append(
                _issue(FORMAT, row, line_no, _line_text(doc, line_no), explanation, column)
            )
    return issues


def _mixed_dashes(doc: ParsedDocument, lines) -> list[SourceIssue]:
    issues = []
    for row, column in _item_rows(doc):
        body = ITEM.fullmatch(_line_text(doc, row.source_line))["body"]
        prefix = (
            body[: len(body) - len(row.description_zh)]
            if body.endswith(row.description_zh)
            else body
        )
        dashes = sorted({c for c in prefix if c in DASHES})
        if len(dashes) > 1:
            named = " and ".join(f"'{d}' (U+{ord(d):04X})" for d in dashes)
            explanation = f"Mixed dash characters between the code and its text: {named}."
            issues.append(_issue(FORMAT, row, row.source_line, prefix.strip(), explanation, column))
    return issues


def _described_rows(doc: ParsedDocument):
    """(row, document_line column, text) for every description the document gives."""
    for protocol in doc.protocols:
        yield protocol, "protocol_id", protocol.description_zh
    for code_class in doc.classes:
        yield code_class, "class_id", code_class.description_zh
    for code in doc.codes:
        yield code, "code_id", code.description_zh
    for subcode in doc.subcodes:
        yield subcode, "subcode_id", subcode.description_zh
    for code_range in doc.ranges:
        yield code_range, "range_id", code_range.description_zh


def _issue_for_text(doc, lines, row, column, quote, kind, explanation) -> SourceIssue | None:
    """An issue on the line of `row` that holds `quote` (a description line, say)."""
    line = _line_containing(lines.get((column, row.id), []), quote)
    if line is None:
        return None
    target_column = None if column == "protocol_id" else column
    return _issue(kind, row, line.line_no, quote, explanation, target_column)


def _doubled_punctuation(doc: ParsedDocument, lines) -> list[SourceIssue]:
    issues = []
    for row, column, text in _described_rows(doc):
        for match in DOUBLED_PUNCTUATION.finditer(text or ""):
            issue = _issue_for_text(
                doc, lines, row, column, match.group(), FORMAT,
                f"Doubled punctuation '{match.group()}'.",
            )  # fmt: skip
            if issue:
                issues.append(issue)
    return issues


def _untranslated_text(doc: ParsedDocument, lines) -> list[SourceIssue]:
    texts = [(row, column, text) for row, column, text in _described_rows(doc) if text]
    chinese = sum(1 for _, _, text in texts if CJK.search(text))
    if chinese * 2 <= len(texts):  # a document that is not mostly Chinese has nothing to flag
        return []
    issues = []
    for row, column, text in texts:
        if LATIN.search(text) and not CJK.search(text):
            issue = _issue_for_text(
                doc, lines, row, column, text, "untranslated text",
                "English text in a document that is otherwise Chinese.",
            )  # fmt: skip
            if issue:
                issues.append(issue)
    return issues


def _items_standing_for_descriptions(doc: ParsedDocument) -> list[SourceIssue]:
    issues = []
    classes = {c.id: c for c in doc.classes}  # one lookup per line, not a scan of all classes
    for line in doc.lines:
        if line.kind == "class description" and ITEM.fullmatch(line.text):
            code_class = classes[line.class_id]
            explanation = (
                f"Class {code_class.label} has no description line; this list item stands in "
                "for one. It is read as the class description, not as a code."
            )
            issues.append(
                _issue(FORMAT, code_class, line.line_no, line.text, explanation, "class_id")
            )
    return issues


def _line_text(doc: ParsedDocument, line_no: int) -> str:
    return doc.lines[line_no - 1].text


def _line_containing(candidates: list[DocumentLine], quote: str) -> DocumentLine | None:
    return next((line for line in candidates if quote in line.text), None)
