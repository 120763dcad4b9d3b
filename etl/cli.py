"""The `status-codes` command (also `python -m etl`)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from etl.build import DEFAULT_OUTPUT, DEFAULT_SOURCE, build_database
from etl.export import DEFAULT_DOWNLOADS, export_downloads  # imports pandas only when run
from etl.metadata import DATABASE_NAME, METADATA_PATH, render_metadata
from etl.records import DocumentError
from etl.reference import DEFAULT_REFERENCE_DIR
from etl.web import serve_options

PACKAGE_DIR = Path(__file__).parent


@click.group()
@click.version_option(package_name="status-codes")
def cli() -> None:
    """Build and serve the protocol status-codes dataset."""


def run_build(source: Path, output: Path, reference: Path | None = DEFAULT_REFERENCE_DIR) -> None:
    try:
        summary = build_database(source, output, reference)
    except DocumentError as error:
        click.echo(error.format(source.as_posix()), err=True)
        kept = "was left unchanged" if output.exists() else "was not written"
        files = sorted({p.path or source.as_posix() for p in error.problems})
        raise click.ClickException(
            f"{len(error.problems)} problem(s) in {', '.join(files)}; fix the line(s) above and "
            f"build again. {output} {kept}."
        ) from None
    except OSError as error:
        raise click.ClickException(
            f"could not read {source} or write {output}: {error.strerror or error}. "
            "Check the path and its permissions."
        ) from None
    click.echo(summary.describe())


@cli.command()
@click.argument(
    "source",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=DEFAULT_SOURCE,
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_OUTPUT,
    show_default=True,
    help="SQLite file to write (replaced atomically).",
)
@click.option(
    "--reference",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_REFERENCE_DIR,
    show_default=True,
    help="Folder of reviewed reference CSV files (codes-*.csv, issues-*.csv).",
)
@click.option("--no-reference", is_flag=True, help="Build from the document alone.")
def build(source: Path, output: Path, reference: Path, no_reference: bool) -> None:
    """Parse SOURCE (default sources/status-codes.zh-CN.txt) into a SQLite database."""
    run_build(source, output, None if no_reference else reference)


def run_export(database: Path, output_dir: Path) -> None:
    try:
        written = export_downloads(database, output_dir)
    except FileNotFoundError as error:  # no database: the message says to build first
        raise click.ClickException(str(error)) from None
    except (ValueError, TypeError, RuntimeError) as error:  # a folder or a value it won't touch
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(
            f"could not write {output_dir}: {error.strerror or error}. "
            f"{output_dir} was left as it was."
        ) from None
    click.echo(
        f"Wrote {len(written)} files to {output_dir}: CSV for Excel (<name>.csv) and for "
        "scripts (<name>.utf8.csv), JSON, and datapackage.json."
    )


def database_option(help_text: str):
    return click.option(
        "--database",
        type=click.Path(dir_okay=False, path_type=Path),
        default=DEFAULT_OUTPUT,
        show_default=True,
        help=help_text,
    )


@cli.command()
@database_option("SQLite file to export (run `status-codes build` first).")
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_DOWNLOADS,
    show_default=True,
    help="Folder to write (replaced as a whole, only if it holds nothing but downloads).",
)
def export(database: Path, output_dir: Path) -> None:
    """Write every table and view as CSV (for Excel and for scripts) and JSON, with a
    Frictionless datapackage.json."""
    run_export(database, output_dir)


def is_stale(database: Path, inputs: list[Path]) -> bool:
    """Is the database missing or older than any of its inputs?"""
    if not database.exists():
        return True
    built = database.stat().st_mtime
    return any(path.stat().st_mtime > built for path in inputs if path.exists())


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--source",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=DEFAULT_SOURCE,
    show_default=True,
    help="The document to build from when the database is missing or stale.",
)
@database_option("SQLite file to serve; built first if missing or stale.")
def serve(host: str, port: int, source: Path, database: Path) -> None:
    """Build the database and its downloads if missing or stale, then serve them with Datasette."""
    if database.stem != DATABASE_NAME:
        raise click.ClickException(
            f"the database file must be named {DATABASE_NAME}.db (Datasette names the "
            f"database after the file and metadata.yml describes {DATABASE_NAME})"
        )
    # new ETL code or reference data -> rebuild
    inputs = [
        source,
        *sorted(PACKAGE_DIR.rglob("*.py")),
        *sorted(DEFAULT_REFERENCE_DIR.glob("*.csv")),
    ]
    if is_stale(database, inputs):
        run_build(source, database)
    downloads = database.parent / DEFAULT_DOWNLOADS.name
    if is_stale(downloads / "datapackage.json", [database]):
        run_export(database, downloads)
    if not METADATA_PATH.exists():
        raise click.ClickException(
            f"{METADATA_PATH} not found: run from the project's root folder, "
            "or write it with `status-codes metadata`."
        )
    command = [
        sys.executable, "-m", "datasette", "serve",
        "--immutable", str(database),
        "--metadata", str(METADATA_PATH),
        *serve_options(),
        "--static", f"downloads:{downloads}",
        "--host", host,
        "--port", str(port),
    ]  # fmt: skip
    click.echo(f"Serving http://{host}:{port}/{DATABASE_NAME} (Ctrl-C stops)")
    sys.stdout.flush()
    os.execv(sys.executable, command)


@cli.command()
@click.option("--check", is_flag=True, help="Exit non-zero if metadata.yml is out of date.")
def metadata(check: bool) -> None:
    """Write metadata.yml from the schema definition."""
    text = render_metadata()
    current = METADATA_PATH.read_text(encoding="utf-8") if METADATA_PATH.exists() else None
    if check:
        if current != text:
            raise click.ClickException(
                f"{METADATA_PATH} is out of date: run `status-codes metadata` and commit it."
            )
        click.echo(f"{METADATA_PATH} is up to date.")
        return
    METADATA_PATH.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {METADATA_PATH}.")


def main() -> None:
    cli(prog_name="status-codes")
