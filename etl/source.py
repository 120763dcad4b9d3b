"""Reading a source document: bytes on disk to a list of text lines.

This is the only step that touches the file system on the way in. Decoding problems are
reported with line numbers like every other document problem.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from etl.records import DocumentError, Problem

BOM = "\ufeff"
# A document may end its lines with LF, CRLF or a lone CR; splitlines() would also split
# on form feeds and Unicode separators, which are text, not line ends.
LINE_END = re.compile(rb"\r\n|\n|\r")


@dataclass(frozen=True)
class SourceText:
    path: str
    sha256: str
    lines: list[str]


def decode_lines(data: bytes) -> list[str]:
    """Split document bytes into lines of text (no line ends, no byte-order mark).

    Raises DocumentError naming every line that is not valid UTF-8 or holds a NUL byte.
    """
    raw_lines = LINE_END.split(data)
    if raw_lines and raw_lines[-1] == b"":
        raw_lines.pop()  # a final newline ends the last line, it does not start a new one
    lines: list[str] = []
    problems: list[Problem] = []
    for line_no, raw in enumerate(raw_lines, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(
                Problem(
                    line_no,
                    f"expected UTF-8 text, found the byte 0x{raw[exc.start]:02x} "
                    f"at column {exc.start + 1} (save the file as UTF-8)",
                )
            )
            continue
        if "\x00" in text:
            problems.append(
                Problem(line_no, "expected text, found a NUL byte (is this a binary file?)")
            )
            continue
        lines.append(text)
    if problems:
        raise DocumentError(problems)
    if lines and lines[0].startswith(BOM):
        lines[0] = lines[0][len(BOM) :]
    return lines


def read_source(path: Path, display_path: str | None = None) -> SourceText:
    """Read and decode a document; `display_path` is what gets recorded and reported."""
    data = path.read_bytes()
    return SourceText(
        path=display_path or path.as_posix(),
        sha256=hashlib.sha256(data).hexdigest(),
        lines=decode_lines(data),
    )
