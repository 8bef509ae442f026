"""Benchmark parse + check on a synthetic corpus: ``python benchmarks/parse.py [-n 2000]``.

Writes ``n`` random consistent reports (``xxgk.synth``) in the mixed text layouts people paste
(``xxgk.render.text``) into a temporary folder, then times ``xxgk.batch.check_many`` (the
function ``xxgk check`` uses) on one core and on every core, and a parse-only pass on one
core. Peak memory is the maximum resident set size of this process and of the worker
processes. Target: at least 1,000 text reports per second per core.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from xxgk.batch import check_many, parse_many
from xxgk.render.text import render_text
from xxgk.synth import random_report

LAYOUTS = ("tabs", "pipes", "cells", "markdown")
TARGET_PER_CORE = 1000.0


def write_corpus(folder: Path, count: int, seed: int = 2026) -> list[Path]:
    """Write ``count`` reports in rotating layouts; return their paths in order."""
    rng = random.Random(seed)
    paths = []
    for index in range(count):
        layout = LAYOUTS[index % len(LAYOUTS)]
        report = random_report(rng)
        suffix = ".md" if layout == "markdown" else ".txt"
        path = folder / f"report-{index:05d}-{layout}{suffix}"
        path.write_text(render_text(report, layout), encoding="utf-8")
        paths.append(path)
    return paths


def cpu_seconds() -> float:
    """Return the CPU time used so far by this process and its finished worker processes."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def timed(label: str, run: Callable[[], list], cores: int) -> dict[str, float]:
    """Run ``run`` once, print its wall-clock rate and its rate per CPU second.

    The CPU figure (reports per CPU second, workers included) does not depend on how busy a
    shared machine is; the wall-clock figure does.
    """
    start, cpu_start = time.perf_counter(), cpu_seconds()
    outcomes = run()
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu_start
    rate, per_cpu = len(outcomes) / seconds, len(outcomes) / cpu
    bad = sum(not o.usable for o in outcomes)
    print(
        f"{label:<26} {len(outcomes):>6} reports  {seconds:7.2f} s  {rate:8.0f} reports/s"
        f"  ({rate / cores:6.0f} per core, {cores} core{'s' if cores > 1 else ''};"
        f" {per_cpu:6.0f} per CPU second)"
        + (f"  [{bad} unusable]" if bad else "")
    )
    return {"seconds": seconds, "rate": rate, "per_core": rate / cores, "per_cpu": per_cpu}


def peak_memory_mb() -> tuple[float, float]:
    """Return the peak RSS in MB of this process and of its largest finished child."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=2000, help="reports to generate")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="xxgk-bench-") as tmp:
        start = time.perf_counter()
        paths = write_corpus(Path(tmp), args.count)
        print(f"corpus: {len(paths)} reports in {time.perf_counter() - start:.1f} s ({tmp})")
        jobs = args.jobs
        timed("parse, 1 core", lambda: parse_many(paths, jobs=1), 1)
        one = timed("parse + check, 1 core", lambda: check_many(paths, jobs=1), 1)
        timed(f"parse + check, {jobs} cores", lambda: check_many(paths, jobs=jobs), jobs)
    own, children = peak_memory_mb()
    print(f"peak memory: {own:.0f} MB (main process), {children:.0f} MB (largest worker)")
    verdict = "meets" if one["per_cpu"] >= TARGET_PER_CORE else "misses"
    print(
        f"target {TARGET_PER_CORE:.0f} reports/s per core: {verdict}"
        f" ({one['per_cpu']:.0f} per CPU second, {one['per_core']:.0f} by the wall clock)"
    )
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
