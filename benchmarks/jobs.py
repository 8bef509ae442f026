"""``--jobs 2`` against ``--jobs 1`` by the wall clock: ``python benchmarks/jobs.py [-n 2000]``.

Writes ``-n`` synthetic text reports (``xxgk.synth``, the four text layouts) and runs the real
command line on the same folder, ``python -m xxgk check DIR`` and ``python -m xxgk parse DIR
-f jsonl -o /dev/null``, with ``--jobs 1`` and ``--jobs 2`` in turn, ``--repeat`` times each,
every run a fresh process. It prints the best wall clock of each, the ratio beside the target
of issue #19 (``--jobs 2`` faster than ``--jobs 1``), and the CPU seconds of the parent
process and of its workers (what the second core costs: transfer, start-up, cold caches).

The wall clock says something only on an idle machine: with other work on the cores, two
workers get less than two cores and ``--jobs 2`` can look slower than it is. The load
average is printed; on a loaded machine compare the CPU columns, not the wall clock: the
second core pays off as long as ``--jobs 2`` costs far less than twice the CPU of one.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from parse_stream import write_batch

COMMANDS = {
    "check": ["check"],
    "parse": ["parse", "--format", "jsonl", "--output", os.devnull],
}

_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(wall, usage.ru_utime + usage.ru_stime, done.stderr.splitlines()[-1].decode())
"""
"""Runs one command; prints its wall clock, the CPU seconds of it and its workers, and the
last line it wrote on stderr."""

_PARENT = """
import resource, runpy, sys
sys.argv = ["xxgk", *sys.argv[1:]]
try:
    runpy.run_module("xxgk", run_name="__main__")
finally:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(usage.ru_utime + usage.ru_stime, file=sys.stderr)
"""
"""Runs the command line and prints, last on stderr, the CPU seconds of the parent alone."""


def measure(command: str, folder: Path, jobs: int) -> tuple[float, float, float]:
    """Return the wall seconds, the CPU seconds of the parent process and of all processes
    of one run of ``xxgk command folder --jobs jobs``."""
    argv = [sys.executable, "-c", _PARENT, *COMMANDS[command], str(folder), "--jobs", str(jobs)]
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *argv], capture_output=True, text=True, check=True
    )
    wall, total, parent = map(float, done.stdout.split())
    return wall, parent, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=2000)
    parser.add_argument("-r", "--repeat", type=int, default=3, help="runs of each, best kept")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="xxgk-jobs-") as tmp:
        folder = Path(tmp)
        write_batch(folder, args.count)
        for command in COMMANDS:
            best: dict[int, tuple[float, float, float]] = {}
            for _ in range(args.repeat):
                for jobs in (1, 2):  # interleaved: a change of load hits both alike
                    run = measure(command, folder, jobs)
                    if jobs not in best or run[0] < best[jobs][0]:
                        best[jobs] = run
            for jobs, (wall, parent, total) in sorted(best.items()):
                print(
                    f"xxgk {command} DIR --jobs {jobs}, {args.count} reports:"
                    f" {wall:6.2f} s wall, CPU {total:6.2f} s"
                    f" (parent {parent:5.2f} s, {total / args.count * 1000:4.2f} ms a report)"
                )
            ratio = best[1][0] / best[2][0]
            verdict = "meets" if ratio > 1 else "misses"
            extra = best[2][2] / best[1][2] - 1
            print(
                f"  --jobs 2 is {ratio:.2f}x --jobs 1 by the wall clock"
                f" (target: --jobs 2 faster, > 1.00x: {verdict});"
                f" it costs {extra:+.0%} CPU (what a loaded machine can compare)"
            )
    load = os.getloadavg()[0]
    note = "" if load < 1 else " — not idle: the wall clock comparison is unreliable"
    print(f"load average while measuring: {load:.1f} on {os.cpu_count()} cores{note}")


if __name__ == "__main__":
    main()
