"""Benchmarks: build speed, scaling to large documents and serving throughput, as ratios.

    .venv/bin/python bench/run.py            # from the project root; about 7 minutes
    .venv/bin/python bench/run.py --quick    # fewer runs, shorter load tests (a smoke test)

Every figure is set next to a floor measured in the same run on the same machine, so the
ratios mean something on any machine:

a. build: median wall time of a cold `status-codes build` of the real document, against a
   cold interpreter that only imports the third-party packages `import etl.cli` loads,
   pandas and numpy blocked (the build needs neither);
b. scaling: cold `status-codes build --no-reference` of synthetic documents
   (bench/generate.py) of 1,000, 10,000 and 100,000 codes: wall time and the child's peak
   RSS, and CPU time per code in-process, net of the fixed cost of a 10-code document;
c. serving: requests/second and p50/p99 latency of `status-codes serve` for each URL in
   URLS, against Datasette's own `/-/versions.json`.

Child processes get a private byte-code cache in the run's temporary folder, so results do
not depend on PYTHONDONTWRITEBYTECODE or on what the checkout has compiled.

Prints a table and writes bench/results.md; notes below NOTES_MARKER in that file are kept.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from generate import SIZES, generate

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python") if (BIN / "python").exists() else sys.executable
STATUS_CODES = str(BIN / "status-codes")
RESULTS = ROOT / "bench" / "results.md"
NOTES_MARKER = "<!-- Notes below this line are kept when bench/run.py rewrites this file. -->"


@dataclass(frozen=True)
class Url:
    name: str
    path: str
    optional: bool = False  # skipped (and said so) while the site answers 404 for it


# What the serving benchmark requests, in order. The first is the floor the others are
# compared with. Add a line here to measure another page.
URLS = (
    Url("floor: /-/versions.json", "/-/versions.json"),
    Url("lookup JSON (table filter)", "/status_codes/code.json?code=404&_shape=array"),
    Url("lookup JSON (canned query)", "/status_codes/lookup.json?q=404&_shape=array", True),
    # 超时 ("timeout"), percent-encoded for the load tool
    Url(
        "search JSON (canned query)", "/status_codes/search.json?q=%E8%B6%85%E6%97%B6&_shape=array"
    ),
    Url("table JSON, filtered", "/status_codes/code.json?protocol_id=http&class_id=http-4xx"),
    Url("table HTML", "/status_codes/code"),
)
LOOKUP_NAMES = ("lookup JSON (table filter)", "lookup JSON (canned query)")
# The lookup the site offers (home page box, README) and the one the target is for. The table
# filter finds the same code through Datasette's table view and is shown for comparison.
TARGET_LOOKUP = "lookup JSON (canned query)"

# The build needs neither pandas nor numpy, but sqlite_utils imports both whenever they are
# installed (for extra column types). The floor is every other third-party package that
# `import etl.cli` loads (see startup_packages), imported with these two blocked.
BLOCK_PANDAS = "import sys; sys.modules.update(pandas=None, numpy=None); "
HEAVY_MODULES = ("pandas", "numpy", "datasette", "uvicorn", "jinja2", "httpx", "asgiref")

TARGETS = {
    "build": 1.3,  # build / floor, at most
    "per_code": 1.3,  # net per-code time at 100,000 / at 1,000, at most
    "memory_mb": 250,  # peak RSS at 100,000, under
    "seconds_100k": 10,  # 100,000-code build, under
    "lookup": 0.9,  # lookup requests/s / floor requests/s, at least
}


# -- processes ------------------------------------------------------------------------------


# Children write byte-code to a private cache in the run's temporary folder (never into the
# checkout), so every figure is for byte-compiled code even where PYTHONDONTWRITEBYTECODE is
# set, as it is in some sandboxes and CI images. See main().
CHILD_ENV = dict(os.environ)


def run_child(command: list[str], cwd: Path = ROOT) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process; raises if it fails."""
    start = time.perf_counter()
    child = subprocess.Popen(
        command,
        cwd=cwd,
        env=CHILD_ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage, not all children's
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    stderr = child.stderr.read()
    child.stderr.close()
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({child.returncode}):\n{stderr}")
    return seconds, usage.ru_maxrss / 1024  # Linux reports KB


def median_of(commands: dict[str, list[str]], runs: int) -> dict[str, tuple[float, float]]:
    """Median seconds and median peak MB of each command, runs interleaved (after a warm-up)."""
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for command in commands.values():
        run_child(command)  # warm-up: byte-code cache, page cache
    for _ in range(runs):
        for name, command in commands.items():
            samples[name].append(run_child(command))
    return {
        name: (
            statistics.median(s for s, _ in values),
            statistics.median(m for _, m in values),
        )
        for name, values in samples.items()
    }


def python_c(code: str) -> list[str]:
    return [PYTHON, "-c", code]


def heavy_imports() -> dict[str, float]:
    """Heavy packages `import etl.cli` pulls in, with the ms spent importing their modules."""
    result = subprocess.run(
        [PYTHON, "-X", "importtime", "-c", "import etl.cli"],
        cwd=ROOT,
        env=CHILD_ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, float] = {}
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s+(\S+)", line)
        package = match[2].split(".")[0] if match else None
        if package in HEAVY_MODULES:  # sum of self times: each module counted once
            found[package] = found.get(package, 0) + int(match[1]) / 1000
    return found


def startup_packages() -> list[str]:
    """Third-party top-level packages `import etl.cli` loads, pandas and numpy blocked."""
    code = (
        "import sys; before = set(sys.modules); " + BLOCK_PANDAS + "import etl.cli; "
        "names = {m.split('.')[0] for m in set(sys.modules) - before "
        "if getattr(sys.modules[m], '__file__', None)}; "  # not Cython's cython_runtime"
        "print(' '.join(sorted(n for n in names - set(sys.stdlib_module_names) "
        "if n != 'etl' and not n.startswith('_'))))"
    )
    result = subprocess.run(
        python_c(code), cwd=ROOT, env=CHILD_ENV, capture_output=True, text=True, check=True
    )
    return result.stdout.split()


# -- a. build of the real document ----------------------------------------------------------


def bench_build(runs: int, tmp: Path) -> dict:
    output = tmp / "real" / "status_codes.db"
    build_with_blocked = (
        f"{BLOCK_PANDAS}from etl.cli import main; "
        f"sys.argv = ['status-codes', 'build', '-o', {str(output)!r}]; main()"
    )
    packages = startup_packages()
    imports = f"import {', '.join(packages)}"
    results = median_of(
        {
            "build": [STATUS_CODES, "build", "-o", str(output)],
            "floor": python_c(BLOCK_PANDAS + imports),
            "imports as installed": python_c(imports),
            "build, pandas blocked": python_c(build_with_blocked),
            "bare interpreter": python_c("pass"),
        },
        runs,
    )
    stages = stage_times(0, repeat=runs, source=ROOT / "sources" / "status-codes.zh-CN.txt")
    return {
        "runs": runs,
        "times": results,
        "imports": imports,
        "heavy": heavy_imports(),
        "stages": stages,
    }


# -- b. scaling -----------------------------------------------------------------------------


def bench_scaling(sizes: tuple[int, ...], runs: int, tmp: Path) -> dict:
    rows = {}
    # Small builds take a fraction of a second, and their per-code figure divides a small
    # difference: they get more repeats.
    repeats = {10: 3 * runs, 1_000: 3 * runs, 10_000: runs, 100_000: max(2, runs - 2)}
    process = {codes: stage_times(codes, repeat=repeats.get(codes, runs)) for codes in (10, *sizes)}
    for codes in (10, *sizes):
        source = tmp / f"doc-{codes}.txt"
        source.write_text(generate(codes), encoding="utf-8")
        output = tmp / f"scale-{codes}" / "status_codes.db"
        command = [STATUS_CODES, "build", str(source), "-o", str(output), "--no-reference"]
        times = median_of({"build": command}, runs if codes < 100_000 else max(2, runs - 2))
        seconds, peak = times["build"]
        with sqlite3.connect(output) as db:
            counts = {
                table: db.execute(f"select count(*) from [{table}]").fetchone()[0]
                for table in ("code", "subcode", "range", "document_line", "source_issue")
            }
        db.close()
        rows[codes] = {
            "seconds": seconds,
            "peak_mb": peak,
            "bytes": source.stat().st_size,
            "counts": counts,
            "in_process": process[codes]["total"],
            "in_process_cpu": process[codes]["cpu_total"],
            "stages": process[codes]["stages"],
            "cpu_stages": process[codes]["cpu_stages"],
        }
    fixed = rows.pop(10)
    for codes, row in rows.items():
        row["per_code_us"] = row["seconds"] / codes * 1e6
        row["net_cpu_us"] = (row["in_process_cpu"] - fixed["in_process_cpu"]) / (codes - 10) * 1e6
    return {"fixed": fixed, "sizes": rows}


def stage_times(codes: int, repeat: int = 1, source: Path | None = None) -> dict:
    """Median seconds per pipeline stage of in-process builds (no start-up), in a child."""
    command = [PYTHON, str(ROOT / "bench" / "profile_build.py"), "--json"]
    command += ["--codes", str(codes), "--repeat", str(repeat)]
    if source:
        command += ["--source", str(source), "--reference"]
    result = subprocess.run(
        command, cwd=ROOT, env=CHILD_ENV, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


# -- c. serving -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Server:
    """`status-codes serve` on 127.0.0.1 in its own process group, for a `with` block."""

    def __init__(self, database: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.database = database

    def __enter__(self) -> Server:
        command = [STATUS_CODES, "serve", "--port", str(self.port)]
        command += ["--database", str(self.database)]
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=CHILD_ENV,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"serve exited:\n{self.log.read().decode(errors='replace')}")
            try:
                if fetch(self.base + URLS[0].path)[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("serve did not answer within 90 s")

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # our own process group only
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def check_url(base: str, url: Url) -> str | None:
    """None if the URL answers as it should, else why it is skipped (optional URLs only)."""
    status, body = fetch(base + url.path)
    if status != 200:
        if url.optional and status in (400, 404):
            return f"answers {status}: not defined yet"
        raise RuntimeError(f"{url.path} answered {status}: {body[:300]!r}")
    if url.name in LOOKUP_NAMES:
        rows = json.loads(body)
        if not rows or not any("404" in str(row.get("code")) for row in rows):
            raise RuntimeError(f"{url.path} did not find 404: {body[:300]!r}")
    if url.name.startswith("search") and not json.loads(body):
        raise RuntimeError(f"{url.path} found nothing")
    return None


WRK_LATENCY = re.compile(r"^\s*(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
UNIT = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def load_wrk(url: str, seconds: int, connections: int) -> dict:
    result = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    if errors or socket_errors:
        raise RuntimeError(f"wrk saw errors for {url}:\n{out}")
    latency = {p: float(v) * UNIT[u] for p, v, u in WRK_LATENCY.findall(out)}
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        "p50_ms": latency["50"],
        "p99_ms": latency["99"],
    }


def load_python(url: str, seconds: int, connections: int) -> dict:
    """A bounded keep-alive client: `connections` threads for `seconds` seconds."""
    host, port = url.split("/")[2].split(":")
    path = "/" + url.split("/", 3)[3]
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        mine = []
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        while (start := time.perf_counter()) < deadline:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{url} answered {response.status}")
            mine.append((time.perf_counter() - start) * 1e3)
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    begin = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {
        "rps": len(latencies) / (time.perf_counter() - begin),
        "p50_ms": latencies[len(latencies) // 2],
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    }


def bench_serving(seconds: int, rounds: int, connections: int, tmp: Path) -> dict:
    database = tmp / "serve" / "status_codes.db"
    run_child([STATUS_CODES, "build", "-o", str(database)])
    client = "wrk" if shutil.which("wrk") else "python"
    load = load_wrk if client == "wrk" else load_python
    samples: dict[str, list[dict]] = {}
    skipped: dict[str, str] = {}
    with Server(database) as server:
        urls = []
        for url in URLS:
            reason = check_url(server.base, url)
            if reason:
                skipped[url.name] = reason
            else:
                urls.append(url)
        for url in urls:
            load(server.base + url.path, 1, connections)  # warm-up
        # rounds interleave the URLs, so drift over time affects each the same
        for _ in range(rounds):
            for url in urls:
                samples.setdefault(url.name, []).append(
                    load(server.base + url.path, seconds, connections)
                )
    results = {
        name: {key: statistics.median(s[key] for s in runs) for key in runs[0]}
        for name, runs in samples.items()
    }
    return {
        "client": client,
        "seconds": seconds,
        "rounds": rounds,
        "connections": connections,
        "results": results,
        "skipped": skipped,
    }


# -- report ---------------------------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    wrk = shutil.which("wrk")
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "datasette": metadata.version("datasette"),
        "sqlite-utils": metadata.version("sqlite-utils"),
        "os": f"{platform.system()} {platform.release()}",
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load average at start (1/5/15 min)": load,
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
        "client": (
            subprocess.run([wrk, "--version"], capture_output=True, text=True).stdout.split(
                " Copyright"
            )[0]
            if wrk
            else "Python threads"
        ),
    }


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def report(info: dict, build: dict | None, scaling: dict | None, serving: dict | None) -> str:
    out = ["# Benchmarks", ""]
    out += [
        "Written by `.venv/bin/python bench/run.py` (from the project root); rerun it to "
        "refresh. Ratios compare figures measured in the same run.",
        "",
        "| machine | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in info.items()),
        "",
    ]
    targets = []
    if build:
        times = build["times"]
        ratio = times["build"][0] / times["floor"][0]
        targets.append(("build ≤ 1.3× floor", f"{ratio:.2f}×", ratio <= TARGETS["build"]))
        imports = build["imports"]
        out += [
            "## a. Build of the real document",
            "",
            f"Cold processes, median of {build['runs']} interleaved runs after a warm-up. The "
            f'floor is `python -c "{imports}"`: every third-party package `import etl.cli` '
            "loads, with pandas and numpy blocked (sqlite_utils imports them whenever they are "
            "installed; the build needs neither).",
            "",
            "| process | median ms | × floor | ms over floor | peak MB |",
            "|---|---:|---:|---:|---:|",
        ]
        labels = {
            "build": "`status-codes build -o TMP` (as installed)",
            "build, pandas blocked": "the same build with pandas and numpy blocked",
            "floor": "floor: the packages the build imports",
            "imports as installed": "the same imports as installed (pandas, numpy too)",
            "bare interpreter": "`python -c pass`",
        }
        floor = times["floor"][0]
        for name, label in labels.items():
            seconds, peak = times[name]
            out.append(
                f"| {label} | {seconds * 1e3:.0f} | {seconds / floor:.2f} "
                f"| {(seconds - floor) * 1e3:+.0f} | {peak:.0f} |"
            )
        heavy = build["heavy"]
        stages = build["stages"]
        out += [
            "",
            "Heavy packages `import etl.cli` pulls in (ms importing their modules, "
            "`-X importtime`): "
            + (", ".join(f"{name} {ms:.0f}" for name, ms in heavy.items()) or "none")
            + ".",
            "",
            f"The build itself, in-process (no start-up), median: {stages['total'] * 1e3:.0f} ms "
            "= " + ", ".join(f"{name} {t * 1e3:.0f}" for name, t in stages["stages"]) + " ms.",
            "",
        ]
    if scaling:
        sizes = scaling["sizes"]
        fixed = scaling["fixed"]
        small, large = min(sizes), max(sizes)
        ratio = sizes[large]["net_cpu_us"] / sizes[small]["net_cpu_us"]
        peak = sizes[large]["peak_mb"]
        seconds = sizes[large]["seconds"]
        targets += [
            (f"net per-code cost at {large:,} ≤ 1.3× at {small:,}", f"{ratio:.2f}×", ratio <= 1.3),
            (f"peak memory at {large:,} < 250 MB", f"{peak:.0f} MB", peak < TARGETS["memory_mb"]),
            (f"{large:,}-code build < 10 s (cold)", f"{seconds:.2f} s", seconds < 10),
        ]
        out += [
            "## b. Scaling (synthetic documents, `--no-reference`)",
            "",
            "`bench/generate.py` documents (seed 1). *Cold*: `status-codes build SOURCE -o TMP "
            "--no-reference` as a new process: median wall time and the child's peak RSS "
            "(`wait4`). *In-process*: the build's stages without start-up "
            "(`bench/profile_build.py --json`), median wall and CPU time. *Net* µs/code "
            "subtracts the fixed cost, measured on a 10-code document (cold "
            f"{fixed['seconds'] * 1e3:.0f} ms; in-process {fixed['in_process'] * 1e3:.0f} ms "
            f"wall, {fixed['in_process_cpu'] * 1e3:.0f} ms CPU: start-up, schema, search-index "
            "set-up), and divides by the other codes. The per-code target is judged on "
            "net CPU µs/code: start-up does not swamp it and other processes on the machine "
            "do not inflate it.",
            "",
            "| codes | sub-statuses | ranges | lines | issues | MB of text | cold s | cold µs/code "
            "| in-process s | CPU s | net CPU µs/code | × 1k | peak MB |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for codes, row in sizes.items():
            counts = row["counts"]
            out.append(
                f"| {codes:,} | {counts['subcode']:,} | {counts['range']:,} "
                f"| {counts['document_line']:,} | {counts['source_issue']:,} "
                f"| {row['bytes'] / 1e6:.1f} | {row['seconds']:.2f} | {row['per_code_us']:.0f} "
                f"| {row['in_process']:.2f} | {row['in_process_cpu']:.2f} "
                f"| {row['net_cpu_us']:.0f} "
                f"| {row['net_cpu_us'] / sizes[small]['net_cpu_us']:.2f} "
                f"| {row['peak_mb']:.0f} |"
            )
        out += [
            "",
            f"Stages of the in-process build of {large:,} codes, CPU s: "
            + ", ".join(f"{name} {seconds:.2f}" for name, seconds in sizes[large]["cpu_stages"])
            + ".",
            "",
        ]
    if serving:
        results = serving["results"]
        floor_name = URLS[0].name
        floor = results[floor_name]["rps"]
        if TARGET_LOOKUP in results:
            ratio = results[TARGET_LOOKUP]["rps"] / floor
            targets.append(
                (f"{TARGET_LOOKUP} ≥ 0.9× floor req/s", f"{ratio:.2f}×", ratio >= TARGETS["lookup"])
            )
        out += [
            "## c. Serving (`status-codes serve`, 127.0.0.1)",
            "",
            f"{serving['client']}, 1 thread, {serving['connections']} connections, "
            f"{serving['seconds']} s per URL, {serving['rounds']} interleaved rounds "
            "(median), after a 1 s warm-up each; server and client share the machine.",
            "",
            f"The target is for the {TARGET_LOOKUP}, the lookup the site offers; the table "
            "filter finds the same code through Datasette's table view, for comparison.",
            "",
            "| URL | path | req/s | × floor | p50 ms | p99 ms |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for url in URLS:
            if url.name in serving["skipped"]:
                out.append(f"| {url.name} | `{url.path}` | {serving['skipped'][url.name]} | | | |")
                continue
            row = results[url.name]
            out.append(
                f"| {url.name} | `{url.path}` | {row['rps']:.0f} | {row['rps'] / floor:.2f} "
                f"| {row['p50_ms']:.1f} | {row['p99_ms']:.1f} |"
            )
        out.append("")
    out += [
        "## Targets",
        "",
        "| target | measured | |",
        "|---|---:|---|",
        *(f"| {name} | {value} | {verdict(ok)} |" for name, value, ok in targets),
        "",
    ]
    return "\n".join(out)


def kept_notes() -> str:
    if not RESULTS.exists():
        return NOTES_MARKER + "\n"
    text = RESULTS.read_text(encoding="utf-8")
    return text[text.index(NOTES_MARKER) :] if NOTES_MARKER in text else NOTES_MARKER + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, shorter load tests")
    parser.add_argument(
        "--runs",
        type=int,
        help="cold runs of the real-document build (default 15, quick 3); scaling does 5 (quick 3)",
    )
    parser.add_argument("--seconds", type=int, help="load test per URL and round (default 5)")
    parser.add_argument("--rounds", type=int, help="rounds over the URLs (default 2)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument(
        "--only", choices=("build", "scaling", "serving"), action="append", help="repeatable"
    )
    parser.add_argument("--no-write", action="store_true", help="print only, keep results.md")
    args = parser.parse_args()
    # The real-document build takes a fifth of a second, so 15 runs cost little and steady the
    # median on a shared machine (7 gave 1.46-1.72x for the same tree).
    runs = args.runs or (3 if args.quick else 15)
    seconds = args.seconds or (2 if args.quick else 5)
    rounds = args.rounds or (1 if args.quick else 2)
    only = set(args.only or ("build", "scaling", "serving"))

    info = machine()
    build = scaling = serving = None
    with tempfile.TemporaryDirectory(prefix="status-codes-bench-") as name:
        tmp = Path(name)
        CHILD_ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        CHILD_ENV["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        if "build" in only:
            print("a. build of the real document …", file=sys.stderr)
            build = bench_build(runs, tmp)
        if "scaling" in only:
            print("b. scaling …", file=sys.stderr)
            scaling = bench_scaling(SIZES, 3 if args.quick else 5, tmp)
        if "serving" in only:
            print("c. serving …", file=sys.stderr)
            serving = bench_serving(seconds, rounds, args.connections, tmp)
    info["load average at end (1/5/15 min)"] = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    text = report(info, build, scaling, serving)
    print(text)
    if not args.no_write:
        RESULTS.write_text(text + "\n" + kept_notes(), encoding="utf-8")
        print(f"Wrote {RESULTS.relative_to(ROOT)}.", file=sys.stderr)


if __name__ == "__main__":
    main()
