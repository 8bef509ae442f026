"""Start-up of the command line: CPU ms of a whole ``xxgk check FILE`` process.

Runs ``python -m xxgk check`` on one generated text report ``--runs`` times and prints the CPU
time (user + system) the child processes used, per run, beside the target of issue #19
(≤ 200 ms) and a bare ``python -c pass`` for reference. CPU time, not wall clock, so the figure
does not depend on what else the machine runs. For where the time goes:

    python -X importtime -m xxgk check FILE 2> imports.txt
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from xxgk.render.text import render_text
from xxgk.synth import random_report

TARGET_MS = 200


def child_cpu_ms(command: list[str], runs: int) -> float:
    """Return the CPU milliseconds per run of ``command`` (children's user + system time)."""
    before = os.times()
    for _ in range(runs):
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    after = os.times()
    used = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return used * 1000 / runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.txt"
        report.write_text(render_text(random_report(random.Random(1))), encoding="utf-8")
        bare = child_cpu_ms([sys.executable, "-c", "pass"], args.runs)
        check = child_cpu_ms([sys.executable, "-m", "xxgk", "check", str(report)], args.runs)
    print(f"python -c pass          {bare:6.0f} CPU ms")
    print(
        f"xxgk check FILE         {check:6.0f} CPU ms   target ≤ {TARGET_MS} ms (issue #19: 316 ms)"
    )


if __name__ == "__main__":
    main()
