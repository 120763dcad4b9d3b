"""The site as served: the real `status-codes serve` process, over HTTP on 127.0.0.1.

Nobody can write to the database through it, a runaway query is cut off while the site goes on
serving, text from the document is escaped on every page, and 8 clients at once get no error.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from conftest import ROOT

# the `status-codes` command of the environment running the tests (.venv/bin/status-codes)
STATUS_CODES = Path(sys.executable).with_name("status-codes")


@dataclass(frozen=True)
class Site:
    url: str
    database: Path
    sha256: str  # of the database file when the server started
    files: list[str]  # what its folder held then (the database, downloads, the server's log)

    def client(self, timeout: float = 30) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=timeout)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_listing(folder: Path) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.name != "serve.log"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serving(database: Path, *options: str):
    """Run `status-codes serve` on a free port until the block ends. Its output goes to a
    file: the server may write a lot (tracebacks), and an unread pipe would block it."""
    port = free_port()
    log = database.parent / "serve.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [STATUS_CODES, "serve", "--port", str(port), "--database", str(database), *options],
            cwd=ROOT,  # metadata.yml and sources/ are found from the project's root
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as a whole below
        )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited ({process.returncode}):\n{log.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer:\n{log.read_text()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/-/versions.json", timeout=2).status_code == 200:
                    break
            time.sleep(0.2)
        yield Site(url, database, sha256(database), folder_listing(database.parent))
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    """The real document, built by `serve` itself (the database does not exist yet)."""
    database = tmp_path_factory.mktemp("site") / "status_codes.db"
    with serving(database) as running:
        yield running


def query(database: Path, sql: str) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as conn:
        return conn.execute(sql).fetchall()


# -- read-only -----------------------------------------------------------------------------------

MUST_BE_SELECT = "Statement must be a SELECT"
WRITES = {
    "insert": ("insert into code (id, protocol_id, code) values ('x', 'http', 1)", MUST_BE_SELECT),
    "update": ("update code set description_zh = 'changed'", MUST_BE_SELECT),
    "delete": ("delete from code", MUST_BE_SELECT),
    "drop": ("drop table code", MUST_BE_SELECT),
    "attach": ("attach database '{folder}/attached.db' as attached", MUST_BE_SELECT),
    "pragma": ("pragma writable_schema = 1", MUST_BE_SELECT),
    "pragma journal": ("pragma journal_mode = wal", MUST_BE_SELECT),
    "create": ("create table intruder (x)", MUST_BE_SELECT),
    "create temp": ("create temp table intruder (x)", MUST_BE_SELECT),
    "vacuum into": ("vacuum into '{folder}/copy.db'", MUST_BE_SELECT),
    "replace": ("replace into code (id, protocol_id, code) values ('x', 'http', 1)", MUST_BE_SELECT),
    "comment first": ("/* select */ drop table code", MUST_BE_SELECT),
    # these pass Datasette's SELECT check; SQLite refuses them on the read-only connection
    "insert in a with": (
        "with x as (select 1) insert into code (id, protocol_id, code) select 'x', 'http', 1 from x",
        "attempt to write a readonly database",
    ),
    "second statement": ("select 1; drop table code", "You can only execute one statement at a time."),
    "load extension": ("select load_extension('{folder}/evil')", "not authorized"),
}  # fmt: skip


@pytest.mark.parametrize("name", WRITES)
def test_writing_sql_is_refused_and_the_file_stays_the_same(site, name):
    sql, message = WRITES[name]
    sql = sql.format(folder=site.database.parent)
    with site.client() as client:
        response = client.get("/status_codes.json", params={"sql": sql})
    assert response.status_code == 400
    body = response.json()
    assert (body["ok"], body["error"]) == (False, message)
    assert sha256(site.database) == site.sha256
    assert folder_listing(site.database.parent) == site.files  # nothing attached, nothing copied
    assert query(site.database, "select count(*) from code where id = 'x'") == [(0,)]


def test_other_http_methods_write_nothing(site):
    paths = (
        "/status_codes",
        "/status_codes.json",
        "/status_codes/code",
        "/status_codes/code/http-404",
        "/status_codes/code/http-404/-/delete",
        "/status_codes/lookup",
    )
    with site.client() as client:
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            for path in paths:
                response = client.request(method, path, data={"sql": "delete from code"})
                assert (method, path, response.status_code) == (method, path, 405)
                assert response.headers["allow"] == "GET, HEAD, OPTIONS"
        assert client.get("/status_codes/code/http-404.json").status_code == 200
    assert sha256(site.database) == site.sha256


def test_the_database_download_is_the_file(site):
    with site.client() as client:
        response = client.get("/status_codes.db")
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == site.sha256


# -- runaway queries -----------------------------------------------------------------------------

RUNAWAY = "with recursive r(i) as (select 1 union all select i+1 from r) select count(*) from r"
TOO_LONG = (
    "<p>SQL query took too long. The time limit is controlled by the\n"
    '<a href="https://docs.datasette.io/en/stable/settings.html#sql-time-limit-ms">'
    "sql_time_limit_ms</a>\nconfiguration option.</p>"
)


def test_a_runaway_query_is_cut_off_and_the_site_goes_on(site):
    with site.client() as client:
        started = time.monotonic()
        response = client.get("/status_codes.json", params={"sql": RUNAWAY})
        took = time.monotonic() - started
        assert response.status_code == 400
        body = response.json()
        assert (body["ok"], body["title"]) == (False, "SQL Interrupted")
        assert body["error"].startswith(TOO_LONG)
        after = client.get("/status_codes/code/http-404.json", params={"_shape": "array"})
        assert after.status_code == 200
        assert [row["id"] for row in after.json()] == ["http-404"]
    print(
        f"runaway query cut off after {took:.2f} s; the next request took "
        f"{after.elapsed.total_seconds() * 1000:.0f} ms"
    )


def test_runaway_queries_from_several_clients_at_once(site):
    """More runaway queries than Datasette has SQL threads (3): each is cut off in turn."""
    statuses: list[tuple[int, str]] = []

    def run() -> None:
        with site.client(timeout=60) as client:
            response = client.get("/status_codes.json", params={"sql": RUNAWAY})
            statuses.append((response.status_code, response.json()["title"]))

    threads = [threading.Thread(target=run) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [(400, "SQL Interrupted")] * 5
    with site.client() as client:
        assert client.get("/status_codes/code.json", params={"code": 404}).status_code == 200


# -- escaping ------------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
BOLD = "<b>粗体</b>"
HOSTILE = f"""{SCRIPT}标题
HTTP
{SCRIPT}协议说明
4xx客户端{BOLD}
{BOLD}的类别说明
- 404 – 未找到{SCRIPT}
- 404.1 -({BOLD}) – 子状态{SCRIPT}
WS
码 | 名称 | 描述 |
---|---|---|
0–999 | {SCRIPT} | 保留 |
1000 | {BOLD} | {SCRIPT}正常关闭 |
"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Site:
    """A document whose text is HTML, built with `status-codes build` and served."""
    folder = tmp_path_factory.mktemp("hostile")
    source, database = folder / "hostile.txt", folder / "status_codes.db"
    source.write_text(HOSTILE, encoding="utf-8")
    built = subprocess.run(
        [STATUS_CODES, "build", str(source), "-o", str(database), "--no-reference"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    # --source: were the database stale, `serve` would rebuild it from the same document
    with serving(database, "--source", str(source)) as running:
        yield running


ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
ESCAPED_BOLD = "&lt;b&gt;粗体&lt;/b&gt;"
SHOWN_ON = {
    # path: the hostile texts the page shows
    "/status_codes/code": (ESCAPED_SCRIPT, ESCAPED_BOLD),
    "/status_codes/code/http-404": (ESCAPED_SCRIPT, ESCAPED_BOLD),
    "/status_codes/subcode/http-404~2E1": (ESCAPED_SCRIPT, ESCAPED_BOLD),
    "/status_codes/protocol/http": (ESCAPED_SCRIPT,),
    "/status_codes/class/http-4xx": (ESCAPED_BOLD,),
    "/status_codes/range/ws-0-999": (ESCAPED_SCRIPT,),
    "/status_codes/document_line": (ESCAPED_SCRIPT, ESCAPED_BOLD),
    "/status_codes/entry": (ESCAPED_SCRIPT, ESCAPED_BOLD),
    "/status_codes/document": (ESCAPED_SCRIPT,),
    "/status_codes?sql=select+*+from+document_line": (ESCAPED_SCRIPT, ESCAPED_BOLD),
}


@pytest.mark.parametrize("path", SHOWN_ON)
def test_text_from_the_document_is_escaped(hostile_site, path):
    with hostile_site.client() as client:
        response = client.get(path)
    assert response.status_code == 200
    page = response.text
    assert "<script>alert" not in page and "<b>粗体" not in page
    for escaped in SHOWN_ON[path]:
        assert escaped in page


@pytest.mark.parametrize(
    "sql",
    [
        "with recursive r(i) as (select 1 union all select i+1 from r) "
        f"select count(*), '</textarea>{SCRIPT}' from r",
        f"select '</textarea>{SCRIPT}' from no_such_table",
    ],
    ids=["interrupted", "error"],
)
def test_sql_quoted_on_error_pages_is_escaped(hostile_site, sql):
    with hostile_site.client() as client:
        response = client.get("/status_codes", params={"sql": sql})
    assert response.status_code == 400
    assert "<script>alert" not in response.text
    assert f"&lt;/textarea&gt;{ESCAPED_SCRIPT}" in response.text


# -- load ----------------------------------------------------------------------------------------

CLIENTS = 8
SECONDS = 10
MAX_REQUESTS_PER_CLIENT = 5000


def test_eight_clients_for_ten_seconds_get_no_error(site):
    db = site.database
    count_404 = query(db, "select id from code where code = 404 order by source_line")
    entries_421 = query(db, "select id from entry where code = 421")
    (codes,) = query(db, "select count(*) from code")

    def check_json(expected):
        return lambda response: (
            sorted(r["id"] for r in response.json()) == sorted(i for (i,) in expected)
        )

    def check_csv(response) -> bool:
        return len(list(csv.reader(io.StringIO(response.text)))) == codes[0] + 1

    requests = [
        ("/status_codes/code.json?code=404&_shape=array", check_json(count_404)),
        ("/status_codes/entry.json?code=421&_shape=array", check_json(entries_421)),
        ("/status_codes/code.csv?_stream=on", check_csv),
        ("/status_codes/code/http-404", lambda response: "未找到。" in response.text),
    ]
    statuses: Counter[int] = Counter()
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + SECONDS

    def client_loop(number: int) -> None:
        with site.client() as client:
            for sent in range(MAX_REQUESTS_PER_CLIENT):
                if time.monotonic() > deadline:
                    return
                path, check = requests[(number + sent) % len(requests)]
                try:
                    response = client.get(path)
                    ok = response.status_code == 200 and check(response)
                except (httpx.HTTPError, ValueError) as error:  # ValueError: bad JSON
                    with lock:
                        errors.append(f"{path}: {error!r}")
                    continue
                with lock:
                    statuses[response.status_code] += 1
                    if not ok:
                        errors.append(f"{path}: {response.status_code} {response.text[:200]!r}")

    started = time.monotonic()
    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    total = sum(statuses.values())
    print(f"{total} requests from {CLIENTS} clients in {elapsed:.1f} s: {total / elapsed:.0f}/s")
    assert errors == []
    assert total > 0 and set(statuses) == {200}
    assert sha256(site.database) == site.sha256
