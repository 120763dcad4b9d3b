"""Validation: rules that span records (duplicates, parents, class ranges).

The parser checks each line on its own; these checks need the whole document. Each returns
Problems at the line that breaks the rule, naming the line it conflicts with.
"""

from __future__ import annotations

from etl.records import DocumentError, ParsedDocument, Problem


def find_problems(doc: ParsedDocument) -> list[Problem]:
    problems: list[Problem] = list(doc.problems)
    problems += _duplicates(
        ((p.id, p.source_line, f"protocol {p.name}") for p in doc.protocols),
    )
    problems += _duplicates(
        ((c.id, c.source_line, f"class {c.label} in {c.protocol_id}") for c in doc.classes),
    )
    problems += _duplicates(
        ((c.id, c.source_line, f"code {c.code} in {c.protocol_id}") for c in doc.codes),
    )
    problems += _duplicates(
        ((s.id, s.source_line, f"sub-status {s.subcode} in {s.protocol_id}") for s in doc.subcodes),
    )
    problems += _duplicates(
        (
            (r.id, r.source_line, f"range {r.first_code}–{r.last_code} in {r.protocol_id}")
            for r in doc.ranges
        ),
    )

    classes: dict = {}
    for code_class in doc.classes:
        classes.setdefault(code_class.id, code_class)  # a duplicate is reported above
    for entry in [*doc.codes, *doc.subcodes]:
        code_class = classes.get(entry.class_id) if entry.class_id else None
        if code_class and not code_class.min_code <= entry.code <= code_class.max_code:
            problems.append(
                Problem(
                    entry.source_line,
                    f"expected a code from {code_class.min_code} to {code_class.max_code} under "
                    f"class {code_class.label} (line {code_class.source_line}), "
                    f"found {entry.code}",
                )
            )

    code_ids = {c.id for c in doc.codes}
    for subcode in doc.subcodes:
        if subcode.code_id not in code_ids:
            problems.append(
                Problem(
                    subcode.source_line,
                    f"expected the code {subcode.code} to be listed in {subcode.protocol_id} "
                    f"for its sub-status {subcode.subcode}, found no such code",
                )
            )

    for code_range in doc.ranges:
        if code_range.first_code > code_range.last_code:
            problems.append(
                Problem(
                    code_range.source_line,
                    "expected a range whose first code is not above its last, found "
                    f"{code_range.first_code}–{code_range.last_code}",
                )
            )
    by_protocol: dict[str, list] = {}
    for code_range in doc.ranges:
        by_protocol.setdefault(code_range.protocol_id, []).append(code_range)
    for ranges in by_protocol.values():
        ranges.sort(key=lambda r: (r.first_code, r.last_code))
        for before, after in zip(ranges, ranges[1:], strict=False):
            if after.first_code <= before.last_code and after.id != before.id:
                problems.append(
                    Problem(
                        max(before.source_line, after.source_line),
                        f"expected ranges that do not overlap, found {after.first_code}–"
                        f"{after.last_code} overlapping {before.first_code}–{before.last_code} "
                        f"(line {min(before.source_line, after.source_line)})",
                    )
                )
    return problems


def _duplicates(entries) -> list[Problem]:
    first_seen: dict[str, int] = {}
    problems = []
    for key, line_no, what in entries:
        if key in first_seen:
            problems.append(
                Problem(
                    line_no,
                    f"expected each {what.split(' ')[0]} once, found {what} again "
                    f"(first on line {first_seen[key]})",
                )
            )
        else:
            first_seen[key] = line_no
    return problems


def validate_document(doc: ParsedDocument) -> ParsedDocument:
    """Return the document unchanged if it is consistent, else raise DocumentError."""
    problems = find_problems(doc)
    if problems:
        raise DocumentError(problems)
    return doc
