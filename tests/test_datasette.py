"""The database as Datasette serves it: JSON, CSV, row pages with labels."""

import csv
import io

import pytest
from conftest import ROOT, get_all

from etl.web import create_datasette


@pytest.fixture()
def datasette(real_db_path):
    return create_datasette(real_db_path, ROOT / "metadata.yml")


def test_code_table_as_json_and_csv(datasette):
    as_json, as_csv = get_all(
        datasette,
        "/status_codes/code.json?_shape=array&protocol_id=http&code=404",
        "/status_codes/code.csv?protocol_id=websockets&_sort=code&_size=3&_labels=on"
        "&_col=protocol_id&_col=class_id&_col=code&_col=name&_col=description_zh&_col=source_line",
    )
    assert as_json.status_code == 200
    assert as_json.json() == [
        {
            "id": "http-404",
            "protocol_id": "http",
            "class_id": "http-4xx",
            "code": 404,
            "name": None,
            "description_zh": "未找到。",
            "name_en": "Not Found",
            "spec": "RFC 9110 §15.5.5",
            "status": "standard",
            "note_en": None,
            "source_line": 53,
        }
    ]
    assert as_csv.status_code == 200
    table = list(csv.reader(io.StringIO(as_csv.text)))
    assert table == [
        ["id", "protocol_id", "protocol_id_label", "class_id", "class_id_label", "code", "name",
         "description_zh", "source_line", "source_line_label"],
        ["websockets-1000", "websockets", "WebSockets", "", "", "1000", "CLOSE_NORMAL",
         "正常关闭; 无论为何目的而创建, 该链接都已成功完成任务。", "151",
         "1000 | CLOSE_NORMAL | 正常关闭; 无论为何目的而创建, 该链接都已成功完成任务。 |"],
        ["websockets-1001", "websockets", "WebSockets", "", "", "1001", "CLOSE_GOING_AWAY",
         "终端离开, 可能因为服务端错误, 也可能因为浏览器正从打开连接的页面跳转离开。", "152",
         "1001 | CLOSE_GOING_AWAY | 终端离开, 可能因为服务端错误, 也可能因为浏览器正从打开连接的页面跳转离开。 |"],
        ["websockets-1002", "websockets", "WebSockets", "", "", "1002", "CLOSE_PROTOCOL_ERROR",
         "由于协议错误而中断连接。", "153", "1002 | CLOSE_PROTOCOL_ERROR | 由于协议错误而中断连接。 |"],
    ]  # fmt: skip


def test_row_pages_show_labels(datasette):
    code_page, subcode_page, subcode_json = get_all(
        datasette,
        "/status_codes/code/http-404",
        "/status_codes/subcode/http-403~2E14",
        "/status_codes/subcode/http-403~2E14.json?_shape=array",
    )
    assert code_page.status_code == 200
    html = code_page.text
    assert '<a href="/status_codes/protocol/http">HTTP</a>' in html
    assert '<a href="/status_codes/class/http-4xx">客户端错误</a>' in html
    assert '<a href="/status_codes/document_line/53">- 404 – 未找到。</a>' in html
    assert subcode_page.status_code == 200
    assert '<a href="/status_codes/code/http-403">禁止访问</a>' in subcode_page.text
    assert subcode_json.json()[0]["subcode"] == "403.14"


def test_table_pages_use_metadata(datasette):
    (page,) = get_all(datasette, "/status_codes/code")
    assert page.status_code == 200
    assert "Status, reply and close codes, one row per code listed in the document." in page.text
    assert "protocol_id" in page.text and 'class="facet-info' in page.text


def test_reference_columns_and_issues_on_code_pages(datasette):
    page, issues, facets = get_all(
        datasette,
        "/status_codes/code/http-421",
        "/status_codes/source_issue.json?_shape=array&code_id=http-421&_labels=on",
        "/status_codes/code.json?_facet=status&_size=0",
    )
    assert page.status_code == 200
    assert '<td class="col-name_en type-str">Misdirected Request</td>' in page.text
    assert '<a href="/status_codes/status/standard">standard</a>' in page.text
    assert '<a href="/status_codes/source_issue?code_id=http-421">' in page.text
    assert [(i["kind"]["value"], i["line_no"]["value"], i["quote"]) for i in issues.json()] == [
        ("contradicts registry", 72, "连接数超过了服务器许可的最大范围")
    ]
    counts = {
        item["value"]: item["count"] for item in facets.json()["facet_results"]["status"]["results"]
    }
    assert counts == {
        "standard": 132,
        "reserved": 6,
        "deprecated": 2,
        "obsolete": 1,
        "unofficial": 1,
    }


def test_downloads_are_served_and_linked(real_db_path, tmp_path):
    from etl.export import export_downloads

    downloads = tmp_path / "downloads"
    export_downloads(real_db_path, downloads)
    site = create_datasette(real_db_path, ROOT / "metadata.yml", downloads)
    home, table, excel, plain, database = get_all(
        site,
        "/",
        "/status_codes/code",
        "/downloads/entry.csv",
        "/downloads/entry.utf8.csv",
        "/status_codes.db",
    )
    assert '<a href="/downloads/entry.csv">CSV for Excel</a>' in home.text
    assert '<a href="/downloads/datapackage.json">datapackage.json</a>' in home.text
    assert '<a href="/status_codes.db">status_codes.db</a>' in home.text
    assert '<a href="/downloads/code.csv">CSV for Excel</a>' in table.text
    assert '<a href="/downloads/code.json">JSON</a>' in table.text
    assert excel.status_code == 200 and excel.content.startswith(b"\xef\xbb\xbfid,kind,")
    assert plain.status_code == 200 and plain.content.startswith(b"id,kind,")
    assert "未找到。" in plain.content.decode("utf-8")
    assert database.status_code == 200 and database.content.startswith(b"SQLite format 3\x00")
