"""Benchmark parse + check on a synthetic corpus: ``python benchmarks/parse.py [-n 2000]``.

Writes ``n`` random consistent reports (``xxgk.synth``, random values per report) in the mixed
text layouts people paste (``xxgk.render.text``) into a temporary folder, then times
``xxgk.batch.check_many`` (the function ``xxgk check`` uses) on one core and on every core,
and a parse-only pass on one core. Peak memory is the maximum resident set size of this
process and of the worker processes. Target: at least 1,000 text reports per second per core.

The parser remembers work between reports (template lines recur). So that no pass profits
from having read the very same files before, every timed pass starts from empty caches
warmed on a different corpus (another seed); the first figure is from empty caches with no
warm-up at all. Each figure is the best of ``--repeat`` passes by CPU time (the machine is
shared, so CPU seconds are steadier than the wall clock).
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

from xxgk.batch import CheckOptions, check_many, parse_many
from xxgk.parse import clear_caches
from xxgk.render.text import render_text
from xxgk.synth import random_report

LAYOUTS = ("tabs", "pipes", "cells", "markdown")
TARGET_PER_CORE = 1000.0
PEER_RECORDED = 1376.0
"""govnianbao's text parser, reports per CPU second on one core, measured side by side with
xxgk in issue #19. The peer is not on the package registries this machine reaches, so it
cannot be installed and run here: the recorded figure is printed (and said to be recorded)."""
PEER_FACTOR = 1.5
"""Target: xxgk's parse at least this many times the peer's, per CPU second."""
AS_XXGK_CHECK = CheckOptions(keep_report=False)
"""The options ``xxgk check`` passes: workers send back the findings and the report's header."""


def write_corpus(folder: Path, count: int, seed: int = 2026) -> list[Path]:
    """Write ``count`` reports in rotating layouts; return their paths in order."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
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


SLICE = 100
"""Reports per slice of a one-core pass (see ``timed``)."""


class SliceClock:
    """A batch progress callback noting the CPU time after every ``SLICE`` reports."""

    def __init__(self) -> None:
        self.done = 0
        self.marks: list[float] = []

    def __call__(self) -> None:
        self.done += 1
        if self.done % SLICE == 0:
            self.marks.append(cpu_seconds())


def timed(
    label: str,
    run: Callable[..., list],
    cores: int,
    repeat: int = 1,
    prepare: Callable[[], object] | None = None,
) -> dict[str, float]:
    """Run ``run`` ``repeat`` times (``prepare`` before each, untimed); print the best pass.

    The CPU figure (reports per CPU second, workers included: what one core does when it is
    fully busy) depends less on how busy a shared machine is than the wall-clock figure. On
    one core the CPU time of every slice of ``SLICE`` reports is taken too (``run`` gets a
    progress callback); the best time of each slice over the passes, summed, is the
    "best slices" figure: the same work, with the moments other processes slowed this core
    (caches, memory bandwidth) filtered out as far as repeating can.
    """
    best: dict[str, float] = {}
    slices: list[float] = []
    bad = 0
    for _ in range(repeat):
        if prepare is not None:
            prepare()
        clock = SliceClock()
        start, cpu_start = time.perf_counter(), cpu_seconds()
        outcomes = run(clock if cores == 1 else None)
        seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu_start
        bad = sum(not o.usable for o in outcomes)
        rate, per_cpu = len(outcomes) / seconds, len(outcomes) / cpu
        if not best or per_cpu > best["per_cpu"]:
            best = {
                "seconds": seconds,
                "rate": rate,
                "per_core": rate / cores,
                "per_cpu": per_cpu,
                "count": len(outcomes),
            }
        spans = [b - a for a, b in zip([cpu_start, *clock.marks], clock.marks, strict=False)]
        slices = [min(pair) for pair in zip(slices, spans, strict=True)] if slices else spans
    best["slices"] = len(slices) * SLICE / sum(slices) if slices else 0.0
    print(
        f"{label:<34} {best['count']:>6.0f} reports  {best['seconds']:7.2f} s"
        f"  {best['rate']:7.0f} reports/s  ({best['per_core']:5.0f} per core by the wall clock,"
        f" {cores} core{'s' if cores > 1 else ''}; {best['per_cpu']:5.0f} per CPU second"
        + (f", best slices {best['slices']:5.0f}" if slices and repeat > 1 else "")
        + ")"
        + (f"  [{bad} unusable]" if bad else "")
    )
    return best


def peak_memory_mb() -> tuple[float, float]:
    """Return the peak RSS in MB of this process and of its largest finished child."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=2000, help="reports to generate")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("-r", "--repeat", type=int, default=3, help="passes per figure")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="xxgk-bench-") as tmp:
        start = time.perf_counter()
        paths = write_corpus(Path(tmp) / "measured", args.count)
        others = write_corpus(Path(tmp) / "warm-up", min(args.count, 500), seed=1)
        print(f"corpus: {len(paths)} reports in {time.perf_counter() - start:.1f} s ({tmp})")
        jobs, repeat = args.jobs, args.repeat

        def warm() -> None:
            clear_caches()
            check_many(others, jobs=1)

        def check(cores: int, options: CheckOptions = AS_XXGK_CHECK) -> Callable[..., list]:
            return lambda progress: check_many(
                paths, jobs=cores, options=options, progress=progress
            )

        timed("parse + check, 1 core, cold caches", check(1), 1, prepare=clear_caches)
        parse_only = timed(
            "parse, 1 core",
            lambda progress: parse_many(paths, jobs=1, progress=progress),
            1,
            repeat,
            warm,
        )
        one = timed("parse + check, 1 core", check(1), 1, repeat, warm)
        every = timed(f"parse + check, {jobs} cores", check(jobs), jobs, repeat, warm)
        timed(
            f"parse + check, {jobs} cores, whole reports back",
            check(jobs, CheckOptions()),
            jobs,
            repeat,
            warm,
        )
    own, children = peak_memory_mb()
    print(f"peak memory: {own:.0f} MB (main process), {children:.0f} MB (largest worker)")
    for name, figure in (("1 core", one), (f"{jobs} cores", every)):
        per_core = figure["per_cpu"]  # reports per CPU second = per core fully busy
        verdict = "meets" if per_core >= TARGET_PER_CORE else "misses"
        steady = f", best slices {figure['slices']:.0f}" if figure["slices"] else ""
        print(
            f"target {TARGET_PER_CORE:.0f} reports/s per core, {name}: {verdict}"
            f" ({per_core:.0f} per CPU second{steady}, {figure['per_core']:.0f} per core"
            " by the wall clock)"
        )
    ratio = parse_only["per_cpu"] / PEER_RECORDED
    print(
        f"peer govnianbao: not installable here (not on the reachable package registries);"
        f" its recorded figure is {PEER_RECORDED:,.0f} reports per CPU second (issue #19)."
        f" xxgk parse, 1 core: {parse_only['per_cpu']:,.0f} per CPU second = {ratio:.2f}x the"
        f" peer; target >= {PEER_FACTOR}x ({PEER_FACTOR * PEER_RECORDED:,.0f}):"
        f" {'meets' if ratio >= PEER_FACTOR else 'misses'}"
    )
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
