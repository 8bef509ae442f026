"""Benchmark the validator alone: ``python benchmarks/validate.py [-n 500]``.

Generates ``n`` reports (``xxgk.synth``), every other one with defects (``spoil_report`` and
``spoil_text``: cells off, blank cells, late dates, lost sections, slips of pasting), a third
with last year's report (used with ``--previous``), renders them in the pasted text layouts
and parses each once. Then it times ``xxgk.rules.validate`` over the parsed reports: reports
per CPU second, best of ``--repeat`` passes (``benchmarks/parse.py`` times the parse and
``xxgk check`` as a whole).

``--dump FILE`` writes every finding (code, severity, message, cells, place, values) as JSON
lines, to compare two versions of the rules finding for finding:

    PYTHONPATH=src python benchmarks/validate.py --corpus c.pickle --dump new.jsonl
    PYTHONPATH=/work/main/src python benchmarks/validate.py --corpus c.pickle --dump old.jsonl
    cmp old.jsonl new.jsonl

``--passes K`` runs exactly K timed passes and prints nothing else: run it under callgrind
with K and with 0 (the warm-up only), and the difference is the instructions of K passes.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import time
from collections.abc import Callable
from typing import Any

from xxgk.model.report import Report
from xxgk.parse import parse_text
from xxgk.render.text import LAYOUTS, render_text
from xxgk.rules import validate


def corpus(count: int, seed: int = 2026) -> list[tuple[Report, Report | None]]:
    """Return ``count`` parsed reports (every other one spoiled), each with last year's
    report for a third of them (else None)."""
    from xxgk.synth import random_report, spoil_report, spoil_text

    rng = random.Random(seed)
    pairs: list[tuple[Report, Report | None]] = []
    for index in range(count):
        previous = random_report(rng) if index % 3 == 0 else None
        report = random_report(rng, previous=previous)
        spoiled = index % 2 == 1
        if spoiled:
            spoil_report(report, rng)
        text = render_text(report, LAYOUTS[index % len(LAYOUTS)])
        if spoiled and rng.random() < 0.5:
            text = spoil_text(text, rng)
        last_year = parse_text(render_text(previous)) if previous is not None else None
        pairs.append((parse_text(text, source=f"report-{index:05d}.txt"), last_year))
    return pairs


def stored_corpus(path: str, count: int) -> list[tuple[Report, Report | None]]:
    """Return the corpus kept in ``path``, made and kept there first when it is missing: two
    versions of the rules can then be given the very same parsed reports."""
    if not os.path.exists(path):
        with open(path, "wb") as out:
            pickle.dump(corpus(count), out)
    with open(path, "rb") as stored:
        pairs: list[tuple[Report, Report | None]] = pickle.load(stored)
    return pairs


def validate_all(pairs: list[tuple[Report, Report | None]]) -> list[Any]:
    """Return the validation of every report, with last year's when there is one."""
    return [validate(report, previous=previous) for report, previous in pairs]


def best_rate(run: Callable[[], object], count: int, repeat: int) -> float:
    """Return the best reports per CPU second of ``repeat`` runs of ``run``."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return count / best


def dump(pairs: list[tuple[Report, Report | None]], path: str) -> int:
    """Write every finding of every report as one JSON line; return how many."""
    written = 0
    with open(path, "w", encoding="utf-8") as out:
        for (report, _), validation in zip(pairs, validate_all(pairs), strict=True):
            for finding in validation.findings:
                row = {"source": report.source, **finding.to_dict()}
                out.write(json.dumps(row, ensure_ascii=False, default=str, sort_keys=True) + "\n")
                written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=500, help="reports (default 500)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dump", metavar="FILE", help="write every finding as JSON lines")
    parser.add_argument("--passes", type=int, help="run K passes quietly (for callgrind)")
    parser.add_argument(
        "--previous",
        action="store_true",
        help="give a third of the reports last year's: else none, as in xxgk check FILE",
    )
    parser.add_argument(
        "--corpus",
        metavar="FILE",
        help="keep the parsed reports in FILE (pickle): read when it exists",
    )
    args = parser.parse_args()
    pairs = stored_corpus(args.corpus, args.n) if args.corpus else corpus(args.n)
    if not args.previous:
        pairs = [(report, None) for report, _ in pairs]
    validate_all(pairs)  # warm-up: caches, first calls
    if args.passes is not None:
        for _ in range(args.passes):
            validate_all(pairs)
        return
    if args.dump:
        print(f"{dump(pairs, args.dump)} findings written to {args.dump}")
        return
    checked = best_rate(lambda: validate_all(pairs), args.n, args.repeat)
    findings = sum(len(v.findings) for v in validate_all(pairs))
    print(f"validate alone: {checked:.0f} reports per CPU second ({findings} findings)")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
