"""Memory of ``xxgk parse DIR`` as the batch grows: ``python benchmarks/parse_stream.py``.

Writes ``n`` synthetic reports (``xxgk.synth``), then runs the CLI's streaming path
(``xxgk.batch.iter_parse`` writing each report as JSON Lines to /dev/null) in a fresh process
per batch size and prints the peak resident set size. Target: flat — the peak at the largest
batch stays within 20 % of the peak at the smallest (issue 14: it was 1.1 GB at 10,000 files).
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from xxgk.render.text import render_text
from xxgk.synth import random_report

_CHILD = """
import json, os, resource, sys
from pathlib import Path
from xxgk.batch import iter_parse
paths = sorted(Path(sys.argv[1]).glob("*.txt"))[: int(sys.argv[2])]
with open(os.devnull, "w") as out:
    for outcome in iter_parse(paths, jobs=1):
        if outcome.report is not None:
            out.write(json.dumps(outcome.report.to_dict(), default=str) + "\\n")
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="200,1000,3000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        rng = random.Random(1)
        for n in range(max(sizes)):
            text = render_text(random_report(rng), "tabs")
            Path(folder, f"{n:06d}.txt").write_text(text, encoding="utf-8")
        peaks = []
        for size in sizes:
            run = [sys.executable, "-c", _CHILD, folder, str(size)]
            peak_kb = int(subprocess.run(run, capture_output=True, text=True, check=True).stdout)
            peaks.append(peak_kb)
            print(f"{size:>7} reports: peak RSS {peak_kb / 1024:7.1f} MiB")
        growth = peaks[-1] / peaks[0] - 1
        print(f"growth {growth:+.0%} (target: within +20%)")


if __name__ == "__main__":
    main()
