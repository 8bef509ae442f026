"""Start-up of the command line: CPU ms of a whole ``xxgk check FILE`` process.

Runs ``python -m xxgk check`` (and the ``xxgk`` console script when it is installed beside
this Python) on one generated text report ``--runs`` times and prints the CPU time (user +
system) the child processes used, the median run, beside the target of issue #19 (≤ 200 ms)
and a bare ``python -c pass`` for reference. CPU time, not wall clock, so the figure depends
less on what else the machine runs (a loaded machine still inflates it: caches are shared).

The bytecode is compiled first, as an installed package has it (into a scratch folder,
``PYTHONPYCACHEPREFIX``: nothing is written into the checkout). Without it, as in a source
checkout under ``PYTHONDONTWRITEBYTECODE``, every run compiles the package's modules again
(about 40 % more). For where the time goes:

    python -X importtime -m xxgk check FILE 2> imports.txt

CPU milliseconds swing by a third on a shared machine; ``--instructions`` also counts the
instructions of one run of each command under callgrind (when valgrind is installed), which
do not depend on the load: the figure to compare two versions by.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from xxgk.render.text import render_text
from xxgk.synth import random_report

TARGET_MS = 200


def child_cpu_ms(command: list[str], runs: int, env: dict[str, str]) -> float:
    """Return the median CPU milliseconds of a run of ``command`` (user + system)."""
    used = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        used.append(
            after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime,
        )
    return sorted(used)[len(used) // 2] * 1000


def instructions(command: list[str], env: dict[str, str]) -> float | None:
    """Return the millions of instructions one run of ``command`` executes (callgrind), or
    None without valgrind."""
    if shutil.which("valgrind") is None:
        return None
    valgrind = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    done = subprocess.run(
        [*valgrind, *command], capture_output=True, text=True, check=False, env=env
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    return int(found.group(1)) / 1e6 if found else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument(
        "--instructions", action="store_true", help="also count instructions (callgrind)"
    )
    args = parser.parse_args()
    script = Path(sys.executable).with_name("xxgk")
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.txt"
        report.write_text(render_text(random_report(random.Random(1))), encoding="utf-8")
        compiled = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        compiled["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "bytecode")
        check = [sys.executable, "-m", "xxgk", "check", str(report)]
        child_cpu_ms(check, 1, compiled)  # compiles the bytecode
        rows = [
            ("python -c pass", child_cpu_ms([sys.executable, "-c", "pass"], args.runs, compiled)),
            ("python -m xxgk check FILE", child_cpu_ms(check, args.runs, compiled)),
        ]
        if script.is_file():
            command = [str(script), "check", str(report)]
            rows.append(("xxgk check FILE (script)", child_cpu_ms(command, args.runs, compiled)))
        counted = []
        if args.instructions:
            for name, command in (
                ("python -c pass", [sys.executable, "-c", "pass"]),
                ("python -m xxgk check FILE", check),
            ):
                counted.append((name, instructions(command, compiled)))
    for name, ms in rows:
        target = f"   target ≤ {TARGET_MS} ms (issue #19: 316 ms)" if "check" in name else ""
        verdict = f": {'meets' if ms <= TARGET_MS else 'misses'}" if target else ""
        print(f"{name:28s}{ms:6.0f} CPU ms{target}{verdict}")
    for name, millions in counted:
        shown = f"{millions:6.0f} M instructions" if millions is not None else "  (no valgrind)"
        print(f"{name:28s}{shown}")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
