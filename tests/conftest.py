import asyncio
import shutil
from pathlib import Path

import pytest
import sqlite_utils

from etl.build import build_database

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "sources" / "status-codes.zh-CN.txt"
REFERENCE = ROOT / "sources" / "reference"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def real_db_path(tmp_path_factory) -> Path:
    """The real document, built once for the session."""
    output = tmp_path_factory.mktemp("real") / "status_codes.db"
    build_database(SOURCE, output, REFERENCE)
    return output


@pytest.fixture()
def real_db(real_db_path) -> sqlite_utils.Database:
    db = sqlite_utils.Database(real_db_path)
    yield db
    db.close()


@pytest.fixture()
def project_copy(tmp_path, monkeypatch) -> Path:
    """A working directory with the project's inputs, for commands that use default paths."""
    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    shutil.copy(ROOT / "metadata.yml", tmp_path / "metadata.yml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def get_all(datasette, *paths: str):
    """Fetch paths through Datasette's test client in one event loop."""

    async def fetch():
        return [await datasette.client.get(path) for path in paths]

    return asyncio.run(fetch())
