"""Downloads: every table and view as CSV (two flavours) and JSON, plus `datapackage.json`.

For each name in etl.schema.TABLES and VIEWS (`entry` is the one most people want):

- `<name>.csv`: UTF-8 with a byte-order mark, so Excel (on Chinese Windows too) reads the
  text as UTF-8 rather than the system's code page;
- `<name>.utf8.csv`: the same bytes without the mark, for scripts (the data package
  describes these);
- `<name>.json`: an array of objects, UTF-8, with integers as numbers and NULL as null.

CSVs follow RFC 4180 (comma, `"` quoting where needed, CRLF line ends); NULL is an empty
cell and integers stay integers (404, never 404.0). Tables come in primary-key order, views
in their own order, so the same database always gives the same bytes.

The set is written to a temporary folder beside `output_dir` and swapped in only when
complete, so a failure leaves the previous downloads as they were. `output_dir` must be
empty, missing or a previous download set: nothing else in it is ever deleted.

The database file itself is not copied: Datasette already offers it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from etl.datapackage import DESCRIPTOR_NAME, csv_name, write_datapackage
from etl.frames import connect, read_frame
from etl.schema import TABLES, VIEWS

DEFAULT_DOWNLOADS = Path("build/downloads")
LINE_END = "\r\n"  # RFC 4180; Excel, pandas, R and frictionless all read it


def download_names() -> list[str]:
    """The file names of a download set, in the order they are written."""
    names = []
    for spec in (*TABLES, *VIEWS):
        names += [f"{spec.name}.csv", csv_name(spec.name), f"{spec.name}.json"]
    return [*names, DESCRIPTOR_NAME]


def export_downloads(database: Path, output_dir: Path) -> list[Path]:
    """Write the download set of `database` into `output_dir`; return the files written.

    Raises FileNotFoundError if the database is missing, ValueError if `output_dir` holds
    files that are not part of a download set (or a text value is the empty string, which
    a CSV cannot tell from NULL), and leaves any previous set in place on every error.
    """
    output_dir = Path(output_dir)
    _check_replaceable(output_dir)
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.", dir=output_dir.parent))
    try:
        _write_set(Path(database), temp)
        os.chmod(temp, 0o777 & ~_umask())  # mkdtemp's 0700 would hide it from a web server
        _swap_in(temp, output_dir)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return [output_dir / name for name in download_names()]


def _write_set(database: Path, directory: Path) -> None:
    with connect(database) as connection:
        for spec in (*TABLES, *VIEWS):
            frame = read_frame(connection, spec)
            _check_no_empty_strings(spec.name, frame)
            for name, encoding in (
                (f"{spec.name}.csv", "utf-8-sig"),
                (csv_name(spec.name), "utf-8"),
            ):
                frame.to_csv(
                    directory / name,
                    index=False,
                    encoding=encoding,
                    lineterminator=LINE_END,
                    na_rep="",
                )
            # pandas' to_json writes "/" as "\/"; json gives plain text (ensure_ascii=False)
            records = frame.astype(object).where(frame.notna(), None).to_dict("records")
            with open(directory / f"{spec.name}.json", "w", encoding="utf-8", newline="\n") as f:
                json.dump(records, f, ensure_ascii=False, indent=2)
                f.write("\n")
    write_datapackage(directory)


def _check_no_empty_strings(name: str, frame) -> None:
    for column in frame.columns:
        if frame[column].dtype == "string" and (frame[column] == "").any():
            raise ValueError(
                f"{name}.{column} holds an empty string, which a CSV cannot tell from NULL; "
                "the build stores missing text as NULL, so rebuild with `status-codes build`."
            )


def _check_replaceable(output_dir: Path) -> None:
    if not output_dir.exists():
        return
    if not output_dir.is_dir():
        raise ValueError(f"{output_dir} is not a folder")
    unknown = sorted(p.name for p in output_dir.iterdir() if p.name not in download_names())
    if unknown:
        raise ValueError(
            f"{output_dir} holds files that are not downloads ({', '.join(unknown[:5])}"
            f"{', …' if len(unknown) > 5 else ''}); choose an empty or new folder, since the "
            "export replaces the whole folder."
        )


def _swap_in(temp: Path, output_dir: Path) -> None:
    """Put the complete set `temp` at `output_dir`, replacing the previous set.

    Two renames: a reader may briefly find no folder, but never a mix of two sets.
    """
    if not output_dir.exists():
        os.replace(temp, output_dir)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.old.", dir=output_dir.parent))
    try:
        os.replace(output_dir, old)  # onto the empty folder mkdtemp made
    except BaseException:
        old.rmdir()
        raise
    try:
        os.replace(temp, output_dir)
    except BaseException:
        os.replace(old, output_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
