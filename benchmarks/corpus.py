"""Benchmark the corpus store: ``python benchmarks/corpus.py [--reports 100000]``.

Generates a corpus of fictional units (a prefecture, its counties and their townships), each
with consecutive yearly reports (so the cross-year rules run), written as a mix of text layouts
and HTML, then times ``xxgk.corpus.ingest_paths`` into a fresh SQLite file and prints
reports/second and the peak memory of the main and the worker processes. Then it times the
roll-up of the whole tree for the last year. Targets (issue 5): ≥ 500 reports/s on 2 cores with
memory flat in the corpus size; a 10,000-unit roll-up in < 2 s.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.corpus import ingest_paths
from xxgk.corpus.rollup import rollup
from xxgk.corpus.similarity import similar_sections
from xxgk.db import make_engine, upgrade_to_head
from xxgk.db.models import Unit
from xxgk.render import render
from xxgk.render.text import render_text
from xxgk.synth import random_report

LAYOUTS = ("tabs", "pipes", "plain", "markdown")
FIRST_YEAR = 2021
TOWNSHIPS_PER_COUNTY = 50


def unit_names(count: int) -> list[tuple[str, str, str, int | None]]:
    """Return ``(code, name, kind, parent index)`` of a fictional tree of ``count`` units."""
    units: list[tuple[str, str, str, int | None]] = [("root", "示例市人民政府", "prefecture", None)]
    county = 0
    while len(units) < count:
        county += 1
        parent = len(units)
        units.append((f"c{county}", f"示例市第{county}县人民政府", "county", 0))
        for town in range(1, TOWNSHIPS_PER_COUNTY + 1):
            if len(units) >= count:
                break
            name = f"第{county}县第{town}镇人民政府"
            units.append((f"c{county}t{town}", name, "township", parent))
    return units


def write_unit(args: tuple[Path, str, int, int, float, int]) -> int:
    """Write the yearly reports of one unit; return how many files were written."""
    folder, name, index, years, html_share, seed = args
    rng = random.Random(seed * 100_003 + index)
    previous = None
    for offset in range(years):
        report = random_report(rng, organization=name, year=FIRST_YEAR + offset, previous=previous)
        previous = report
        stem = folder / f"u{index:06d}-{report.year}"
        if rng.random() < html_share:
            stem.with_suffix(".html").write_bytes(render(report, "html"))
        else:
            layout = LAYOUTS[(index + offset) % len(LAYOUTS)]
            stem.with_suffix(".txt").write_text(render_text(report, layout), encoding="utf-8")
    return years


def generate(folder: Path, reports: int, years: int, html_share: float, jobs: int) -> int:
    """Write ``reports`` files for ``reports // years`` units in parallel; return the unit count."""
    count = max(2, reports // years)
    names = unit_names(count)
    work = [(folder, n[1], i, years, html_share, 2026) for i, n in enumerate(names)]
    with ProcessPoolExecutor(jobs) as pool:
        written = sum(pool.map(write_unit, work, chunksize=64))
    print(f"生成：{written}份报告，{count}个单位（HTML约占{html_share:.0%}）", flush=True)
    return count


def add_units(engine, count: int) -> None:  # type: ignore[no-untyped-def]
    names = unit_names(count)
    with Session(engine) as session, session.begin():
        ids: list[int] = []
        for code, name, kind, parent in names:
            unit = Unit(
                code=code,
                name=name,
                kind=kind,
                parent_id=ids[parent] if parent is not None else None,
            )
            session.add(unit)
            session.flush()
            ids.append(unit.id)


def rollup_only(folder: Path, units: int) -> None:
    """Store one year of reports for a tree of ``units`` without parsing; time the roll-up."""
    from xxgk.corpus.prepare import init_worker, prepare_report
    from xxgk.corpus.writer import write_batch

    engine = make_engine(f"sqlite:///{folder / 'rollup.db'}")
    upgrade_to_head(engine)
    add_units(engine, units)
    names = unit_names(units)
    init_worker({i + 1: (name, kind) for i, (_c, name, kind, _p) in enumerate(names)})
    rng = random.Random(7)
    year = FIRST_YEAR + 3
    for start in range(0, len(names), 500):
        payloads = []
        for i, (_c, name, _k, _p) in enumerate(names[start : start + 500], start=start):
            report = random_report(rng, organization=name, year=year)
            payloads.append(prepare_report(report, f"synthetic/{i}.txt", f"{i:064d}"))
        with Session(engine) as session, session.begin():
            write_batch(session, payloads)
    with Session(engine) as session:
        root = session.scalar(select(Unit).where(Unit.code == "root"))
        start_time = time.perf_counter()
        result = rollup(session, root, year)
        seconds = time.perf_counter() - start_time
    reported = sum(1 for s in result.statuses if s.submission is not None)
    print(
        f"汇总：{len(result.statuses)}个下级单位（{reported}份报告），用时{seconds:.2f}秒（目标<2秒）"
    )
    engine.dispose()


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", "-n", type=int, default=100_000, help="corpus size")
    parser.add_argument("--years", type=int, default=5, help="years per unit")
    parser.add_argument("--html-share", type=float, default=0.3, help="share of HTML files")
    parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: temp)")
    parser.add_argument(
        "--rollup-units",
        type=int,
        default=0,
        help="only time the roll-up of a tree of this many units (reports stored unparsed)",
    )
    args = parser.parse_args(argv)
    if args.rollup_units:
        with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
            rollup_only(Path(tmp), args.rollup_units)
        return 0
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        start = time.perf_counter()
        units = generate(folder, args.reports, args.years, args.html_share, args.jobs)
        print(f"生成用时：{time.perf_counter() - start:.1f}秒", flush=True)
        engine = make_engine(f"sqlite:///{Path(tmp) / 'corpus.db'}")
        upgrade_to_head(engine)
        add_units(engine, units)
        before = peak_mb(resource.RUSAGE_SELF)
        start = time.perf_counter()
        summary = ingest_paths(engine, [folder], jobs=args.jobs)
        seconds = time.perf_counter() - start
        rate = summary.added / seconds
        print(
            f"入库：{summary.added}份，用时{seconds:.1f}秒，{rate:.0f}份/秒"
            f"（目标≥500），无法读取{len(summary.failed)}份，未匹配{len(summary.unmatched)}份，"
            f"有错误{summary.with_errors}份"
        )
        store_rate = summary.added / summary.write_seconds if summary.write_seconds else 0.0
        print(
            f"其中写库（主进程：版本、跨年度检查、插入）{summary.write_seconds:.1f}秒，"
            f"相当于{store_rate:.0f}份/秒；其余时间为解析和校验（子进程）"
        )
        print(
            f"峰值内存：主进程{peak_mb(resource.RUSAGE_SELF):.0f} MB（入库前{before:.0f} MB），"
            f"子进程最大{peak_mb(resource.RUSAGE_CHILDREN):.0f} MB"
        )
        with Session(engine) as session:
            root = session.scalar(select(Unit).where(Unit.code == "root"))
            start = time.perf_counter()
            result = rollup(session, root, FIRST_YEAR + args.years - 1)
            seconds = time.perf_counter() - start
        print(f"汇总：{len(result.statuses)}个下级单位，用时{seconds:.2f}秒（目标<2秒，1万个单位）")
        with Session(engine) as session:
            start = time.perf_counter()
            pairs = similar_sections(session, FIRST_YEAR + args.years - 1)
            seconds = time.perf_counter() - start
        print(
            f"雷同检测：{units}份报告，{len(pairs)}对，用时{seconds:.1f}秒"
            "（合成报告的段落取自少量模板，雷同对远多于真实报告）"
        )
        print(f"数据库大小：{(Path(tmp) / 'corpus.db').stat().st_size / 2**20:.0f} MB")
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
