"""Benchmark 雷同 detection: ``python benchmarks/similarity.py [--reports 5000]``.

Builds the narrative sections of fictional reports in memory (``xxgk.synth``; one body in
fifty copies a paragraph of another) and times the section- and paragraph-level index of
``xxgk.corpus.similarity`` without a database. Target: linear in the number of reports (no
pairwise comparison), a year of 20,000 reports in about a minute on 2 cores.
"""

from __future__ import annotations

import argparse
import random
import resource
import time

from xxgk.corpus.similarity import Side, _Finder
from xxgk.synth import random_report

PLACE_CHARS = "东西南北中上下前后新老大小青白红黄金银石木水火山河湖海桥林柳松梅兰竹菊"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", "-n", type=int, default=5000)
    args = parser.parse_args()
    rng = random.Random(7)
    texts = []
    for _ in range(args.reports):
        place = "".join(rng.choice(PLACE_CHARS) for _ in range(3))
        report = random_report(rng, organization=f"示例市{place}镇人民政府", year=2024)
        texts.append({k: s.text for k, s in report.sections.items()})
    for i in range(0, args.reports - 1, 50):  # a copied paragraph every fifty bodies
        lines = texts[i]["overview"].splitlines()
        other = texts[i + 1]["overview"].splitlines()
        other[3] = lines[3]
        texts[i + 1]["overview"] = "\n".join(other)
    finder = _Finder(2024, 0.8, 64)
    start = time.perf_counter()
    for i, sections in enumerate(texts):
        finder.add(i, (i,), Side(i, f"第{i}镇", ""), sections)  # type: ignore[arg-type]
    pairs = finder.pairs()
    took = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    per_20k = took / args.reports * 20_000
    paragraph = sum(1 for p in pairs if not p.whole_section)
    print(
        f"reports: {args.reports}; pairs: {len(pairs)}, of which {paragraph} by paragraph only "
        f"(copies planted: {args.reports // 50}; synth sections 五 repeat a few templates)"
    )
    rate = args.reports / took
    print(f"time: {took:.1f} s ({rate:.0f} reports/s); 20,000 reports ≈ {per_20k:.0f} s")
    print("target: 20,000 reports in about 60 s, linear")
    print(f"peak memory: {peak:.0f} MB")


if __name__ == "__main__":
    main()
