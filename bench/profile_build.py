"""Profile one build of a synthetic document: time per stage, then cProfile's top functions.

    .venv/bin/python bench/profile_build.py --codes 100000 [--top 30] [--sort tottime]
    .venv/bin/python bench/profile_build.py --codes 100000 --json   # stage times only
    .venv/bin/python bench/profile_build.py --source sources/status-codes.zh-CN.txt --reference

Runs the stages of etl.build.build_database one by one (read, parse, validate, reference,
annotate, load) in this process, so the figures leave out interpreter start-up and imports.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from generate import generate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.annotate import annotate  # noqa: E402
from etl.load import write_database  # noqa: E402
from etl.parse import parse_document  # noqa: E402
from etl.reference import DEFAULT_REFERENCE_DIR, Reference, read_reference  # noqa: E402
from etl.source import read_source  # noqa: E402
from etl.validate import validate_document  # noqa: E402


def stages(source_path: Path, output: Path, reference: bool) -> list[tuple[str, float, float]]:
    """Run the build's stages, timing each: (name, wall seconds, CPU seconds of this process).

    CPU time is what the per-code figures use: on a shared machine wall time also counts
    the time other processes held the CPU.
    """
    times = []
    wall, cpu = time.perf_counter(), time.process_time()

    def lap(name: str) -> None:
        nonlocal wall, cpu
        now_wall, now_cpu = time.perf_counter(), time.process_time()
        times.append((name, now_wall - wall, now_cpu - cpu))
        wall, cpu = now_wall, now_cpu

    source = read_source(source_path)
    lap("read")
    doc = parse_document(source.lines)
    lap("parse")
    doc = validate_document(doc)
    lap("validate")
    ref = read_reference(ROOT / DEFAULT_REFERENCE_DIR) if reference else Reference()
    lap("reference")
    doc = annotate(doc, ref)
    lap("annotate")
    write_database(doc, source, output)
    lap("load")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--codes", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--source", type=Path, help="build this document instead of generating")
    parser.add_argument("--reference", action="store_true", help="join the reference data")
    parser.add_argument("--repeat", type=int, default=1, help="builds to take the median of")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="tottime", help="pstats sort key (tottime, cumtime)")
    parser.add_argument("--json", action="store_true", help="print stage times as JSON only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = args.source
        if source is None:
            source = Path(tmp) / "doc.txt"
            source.write_text(generate(args.codes, args.seed), encoding="utf-8")
        output = Path(tmp) / "status_codes.db"
        runs = [stages(source, output, args.reference) for _ in range(args.repeat)]

        def median(column: int) -> tuple[list[tuple[str, float]], float]:
            per_stage = [
                (stage[0], statistics.median(run[i][column] for run in runs))
                for i, stage in enumerate(runs[0])
            ]
            return per_stage, statistics.median(sum(s[column] for s in run) for run in runs)

        times, total = median(1)
        cpu_times, cpu_total = median(2)
        if args.json:
            print(
                json.dumps(
                    {
                        "stages": times,
                        "total": total,
                        "cpu_stages": cpu_times,
                        "cpu_total": cpu_total,
                        "peak_mb": peak_mb(),
                    }
                )
            )
            return
        print(
            f"{args.source or f'{args.codes} codes'}: "
            + ", ".join(f"{n} {t:.2f} s" for n, t in times)
        )
        print(
            f"total {total:.2f} s, CPU {cpu_total:.2f} s (medians of {args.repeat}), "
            f"peak RSS {peak_mb():.0f} MB"
        )
        profiler = cProfile.Profile()
        profiler.enable()
        stages(source, output, args.reference)
        profiler.disable()
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
