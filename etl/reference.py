"""Reference data: hand-reviewed facts from the official registries, and the document's errors.

`sources/reference/` holds two kinds of CSV file, one per protocol:

- `codes-<protocol>.csv` (protocol, key, name_en, spec, status, note): one fact per code
  (`404`), sub-status (`403.14`), class (`4xx`) or range (`1016-1999`), with the defining
  specification.
- `issues-<protocol>.csv` (protocol, key, kind, quote, explanation): one statement of the
  document that an official source contradicts. `quote` is the exact text of the document the
  issue is about; an issue applies only where that text still stands in the row's line, so a
  different document never gets another document's errors.

This module reads and checks those files; `etl.annotate` joins them with a parsed document.
Nothing here names a particular code: the facts are data.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from etl.records import DocumentError, Problem

DEFAULT_REFERENCE_DIR = Path("sources/reference")

# The status vocabulary, with what each value means (loaded as the `status` table).
STATUSES: dict[str, str] = {
    "standard": "Defined by a current specification or registry entry, and in use.",
    "deprecated": "Still registered, but its specification deprecates it: do not use it in new work.",
    "obsolete": "Marked obsolete by the registry (for example, its specification was moved to Historic).",
    "reserved": "Reserved or marked (Unused) by the registry, or not to be sent on the wire.",
    "unassigned": "Not assigned to a meaning by the registry; open for future assignment or registration.",
    "unofficial": "Used in the wild but defined by no registry or standard.",
    "vendor": "Defined by a vendor rather than a registry: Microsoft IIS sub-status codes.",
}

# The kinds of problem recorded in `source_issue` (loaded as the `issue_kind` table).
ISSUE_KINDS: dict[str, str] = {
    "contradicts registry": "The document states something an official source says is wrong.",
    "outdated name": "The document uses a name or status that the registry has since changed.",
    "mistranslation": "The Chinese text does not mean what the official name or definition says.",
    "unofficial name": "A name given by the document is not the registry's name.",
    "unsupported claim": "A claim in the text that the official sources do not back.",
    "truncated text": "The document's text is cut off part-way.",
    "formatting irregularity": "The line departs from the format the rest of the document follows (found by the build).",
    "untranslated text": "English text where the rest of the document is Chinese (found by the build).",
}
# Kinds the build detects itself; reference files hold only the reviewed ones.
DETECTED_KINDS = ("formatting irregularity", "untranslated text")

CODE_KEY = re.compile(r"[0-9]+")
SUBCODE_KEY = re.compile(r"(?P<code>[0-9]+)\.[0-9]+")
CLASS_KEY = re.compile(r"[0-9]xx")
RANGE_KEY = re.compile(r"(?P<first>[0-9]+)-(?P<last>[0-9]+)")
PROTOCOL_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

FACT_COLUMNS = ["protocol", "key", "name_en", "spec", "status", "note"]
ISSUE_COLUMNS = ["protocol", "key", "kind", "quote", "explanation"]


@dataclass(frozen=True)
class ReferenceFact:
    protocol_id: str
    key: str
    name_en: str
    spec: str
    status: str
    note: str | None


@dataclass(frozen=True)
class ReferenceIssue:
    protocol_id: str
    key: str
    kind: str
    quote: str
    explanation: str


@dataclass
class Reference:
    facts: list[ReferenceFact] = field(default_factory=list)
    issues: list[ReferenceIssue] = field(default_factory=list)


def key_shape(key: str) -> str | None:
    """Which kind of row a key names: code, subcode, class or range (None if malformed)."""
    for shape, pattern in (
        ("code", CODE_KEY),
        ("subcode", SUBCODE_KEY),
        ("class", CLASS_KEY),
        ("range", RANGE_KEY),
    ):
        if pattern.fullmatch(key):
            return shape
    return None


def _read_csv(path: Path, columns: list[str], problems: list[Problem]) -> list[tuple[int, dict]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != columns:
            problems.append(
                Problem(
                    1,
                    f"expected the header {','.join(columns)}, found "
                    f"{','.join(reader.fieldnames or [])}",
                    str(path),
                )  # fmt: skip
            )
            return []
        rows = []
        for row in reader:
            if None in row or any(value is None for value in row.values()):
                problems.append(
                    Problem(reader.line_num, f"expected {len(columns)} fields", str(path))
                )
                continue
            rows.append((reader.line_num, {k: v.strip() for k, v in row.items()}))
        return rows


def _common_problem(row: dict) -> str | None:
    """What is wrong with a row's protocol or key, if anything."""
    if not PROTOCOL_ID.fullmatch(row["protocol"]):
        return f"expected a protocol id such as http, found {row['protocol']!r}"
    if key_shape(row["key"]) is None:
        return f"expected a key such as 404, 403.14, 4xx or 1016-1999, found {row['key']!r}"
    return None


def _fact_problem(row: dict, seen: dict[tuple[str, str], str]) -> str | None:
    if row["status"] not in STATUSES:
        return f"expected a status ({', '.join(STATUSES)}), found {row['status']!r}"
    if not row["name_en"] or not row["spec"]:
        return "expected a name_en and a spec"
    first = seen.get((row["protocol"], row["key"]))
    if first:
        return f"expected each key once, found {row['key']} again (first at {first})"
    return None


def _issue_problem(row: dict) -> str | None:
    if row["kind"] not in ISSUE_KINDS or row["kind"] in DETECTED_KINDS:
        reviewed = [k for k in ISSUE_KINDS if k not in DETECTED_KINDS]
        return f"expected a kind ({', '.join(reviewed)}), found {row['kind']!r}"
    if not row["quote"] or not row["explanation"]:
        return "expected a quote and an explanation"
    return None


def read_reference(directory: Path) -> Reference:
    """Read every codes-*.csv and issues-*.csv in `directory` (none, if it does not exist).

    Raises DocumentError with `path:line` problems for a malformed file.
    """
    reference = Reference()
    if not directory.is_dir():
        return reference
    problems: list[Problem] = []
    seen: dict[tuple[str, str], str] = {}
    for path in sorted(directory.glob("codes-*.csv")):
        for line, row in _read_csv(path, FACT_COLUMNS, problems):
            message = _common_problem(row) or _fact_problem(row, seen)
            if message:
                problems.append(Problem(line, message, str(path)))
                continue
            seen[(row["protocol"], row["key"])] = f"{path}:{line}"
            reference.facts.append(
                ReferenceFact(
                    protocol_id=row["protocol"],
                    key=row["key"],
                    name_en=row["name_en"],
                    spec=row["spec"],
                    status=row["status"],
                    note=row["note"] or None,
                )
            )
    for path in sorted(directory.glob("issues-*.csv")):
        for line, row in _read_csv(path, ISSUE_COLUMNS, problems):
            message = _common_problem(row) or _issue_problem(row)
            if message:
                problems.append(Problem(line, message, str(path)))
                continue
            reference.issues.append(
                ReferenceIssue(
                    protocol_id=row["protocol"],
                    key=row["key"],
                    kind=row["kind"],
                    quote=row["quote"],
                    explanation=row["explanation"],
                )
            )
    if problems:
        raise DocumentError(problems)
    return reference
