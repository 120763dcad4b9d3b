"""End to end: a real headless Chromium types into the served site and reads the results."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
    message = (
        "Chromium is missing: `make test` installs it (apt-get install chromium chromium-driver)"
    )
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)  # CI must run the browser test for real
    pytest.skip(message, allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The real `status-codes serve` on 127.0.0.1, on a database built for this test."""
    port = free_port()
    database = tmp_path_factory.mktemp("site") / "status_codes.db"
    command = [
        sys.executable,
        "-m",
        "etl",
        "serve",
        "--port",
        str(port),
        "--database",
        str(database),
    ]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(url + "/-/versions.json", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError(server.stdout.read().decode()) from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--window-size=1280,900",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
    ):  # fmt: skip
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()
    shutil.rmtree(options.arguments[-1].split("=", 1)[1], ignore_errors=True)


def result_rows(driver) -> list[list[str]]:
    WebDriverWait(driver, 20).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "table.rows-and-columns"))
    )
    return [
        [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
        for row in driver.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")
    ]


def ask(driver, site: str, text: str, button: str) -> list[list[str]]:
    driver.get(site + "/")
    box = driver.find_element(By.ID, "q")
    box.clear()
    box.send_keys(text)
    driver.find_element(By.ID, button).click()
    return result_rows(driver)


def test_lookup_typed_into_the_home_page(site, browser):
    rows = ask(browser, site, "1006", "lookup-button")
    assert browser.current_url == f"{site}/status_codes/lookup?q=1006"
    assert [row[:3] + [row[5]] for row in rows] == [
        ["code", "WebSockets", "1006", "Abnormal Closure"]
    ]


def test_two_character_chinese_search_typed_into_the_home_page(site, browser):
    rows = ask(browser, site, "超时", "search-button")
    assert browser.current_url.startswith(f"{site}/status_codes/search?q=")
    assert [row[:4] for row in rows] == [
        ["HTTP", "408", "请求超时。", "Request Timeout"],
        [
            "HTTP",
            "504",
            "网关超时,服务器作为网关或代理,未及时从上游服务器接收请求。",
            "Gateway Timeout",
        ],
    ]


def test_table_search_box(site, browser):
    browser.get(site + "/status_codes/code")
    box = browser.find_element(By.ID, "_search")
    box.send_keys("网关")
    box.submit()
    rows = result_rows(browser)
    assert sorted(row[0] for row in rows) == ["http-502", "http-504"]
