"""Memory and wall clock of ``xxgk parse DIR`` and ``xxgk check DIR`` as the batch grows:
``python benchmarks/parse_stream.py [--sizes 100,2000,10000]``.

Writes the largest batch of synthetic reports (``xxgk.synth``, the four text layouts), then
runs the real command line (``python -m xxgk parse DIR -f jsonl -o /dev/null`` and ``python
-m xxgk check DIR``) on the first ``n`` of them for every size, with ``--jobs 1`` and
``--jobs 2``, each in a fresh process, and prints the peak resident set size (the largest
process: the command or one of its workers) and the wall clock. Targets (issue #19): flat —
the peak at the largest batch stays within 20 % of the peak at the smallest — and ``--jobs 2``
faster than ``--jobs 1`` by the wall clock (``benchmarks/jobs.py`` compares the two alone,
with their CPU). The machine is shared: compare figures of one run.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from xxgk.render.text import LAYOUTS, render_text
from xxgk.synth import random_report

COMMANDS = {
    "parse": ["parse", "--format", "jsonl", "--output", os.devnull],
    "check": ["check"],
}
GROWTH_TARGET = 0.20

_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""
"""Runs one command; prints its wall clock and the peak RSS (KiB) of it and its workers."""


def write_batch(folder: Path, count: int) -> list[Path]:
    rng = random.Random(1)
    paths = []
    for n in range(count):
        layout = LAYOUTS[n % len(LAYOUTS)]
        path = folder / f"{n:06d}.txt"
        path.write_text(render_text(random_report(rng), layout), encoding="utf-8")
        paths.append(path)
    return paths


def batch_folder(root: Path, paths: list[Path], size: int) -> Path:
    """Return a folder holding (hard links to) the first ``size`` reports."""
    folder = root / f"batch-{size}"
    folder.mkdir()
    for path in paths[:size]:
        os.link(path, folder / path.name)
    return folder


def measure(command: str, folder: Path, jobs: int) -> tuple[float, float]:
    """Return the wall seconds and the peak RSS in MiB of one run of the command line."""
    argv = [sys.executable, "-m", "xxgk", *COMMANDS[command], str(folder), "--jobs", str(jobs)]
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *argv], capture_output=True, text=True, check=True
    )
    seconds, peak_kb = done.stdout.split()
    return float(seconds), int(peak_kb) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,2000,10000")
    parser.add_argument("--jobs", default="1,2")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    jobs_list = [int(j) for j in args.jobs.split(",")]
    with tempfile.TemporaryDirectory(prefix="xxgk-stream-") as tmp:
        root = Path(tmp)
        (root / "all").mkdir()
        paths = write_batch(root / "all", sizes[-1])
        folders = {size: batch_folder(root, paths, size) for size in sizes}
        for command in COMMANDS:
            for jobs in jobs_list:
                peaks = []
                for size in sizes:
                    seconds, peak = measure(command, folders[size], jobs)
                    peaks.append(peak)
                    print(
                        f"xxgk {command} DIR --jobs {jobs} {size:>6} reports:"
                        f" peak RSS {peak:6.1f} MiB, {seconds:6.2f} s wall"
                        f" ({size / seconds:5.0f} reports/s)"
                    )
                growth = peaks[-1] / peaks[0] - 1
                verdict = "meets" if growth <= GROWTH_TARGET else "misses"
                print(
                    f"  memory from {sizes[0]} to {sizes[-1]} reports: {growth:+.0%}"
                    f" (target within +{GROWTH_TARGET:.0%}: {verdict})"
                )
    load = os.getloadavg()[0]
    print(f"load average while measuring: {load:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
