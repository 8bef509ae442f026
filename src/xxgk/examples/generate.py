"""Write the bundled example reports: ``python -m xxgk.examples.generate [FOLDER]``.

Seven reports of fictional units of 示例县 (its government, two townships, two departments,
one township in two years so ``--previous`` can be shown) in the text layouts people paste,
one encoded in GB18030, and one with deliberate errors (a broken 勾稽 relation, a late date,
no fee sentence) so ``xxgk demo`` has something to show. The output is byte-for-byte
deterministic; a test regenerates it and compares with the committed files.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from xxgk.model.cells import REQUEST_COLUMNS, request_key
from xxgk.model.report import Report, SectionText
from xxgk.render.text import render_text
from xxgk.synth import FEE_SENTENCE, random_report

COUNTY = "示例县"
YEAR = 2024
ZERO_SHARE = 0.6


@dataclass(frozen=True)
class Example:
    """One example file: its name, unit, year, layout, encoding and random seed."""

    filename: str
    organization: str
    layout: str
    seed: int
    year: int = YEAR
    encoding: str = "utf-8"
    previous: str | None = None
    broken: bool = False


EXAMPLES: tuple[Example, ...] = (
    Example("county-government-2024.txt", f"{COUNTY}人民政府", "tabs", 11),
    Example("qinghe-town-2023.txt", f"{COUNTY}清河镇人民政府", "cells", 21, year=2023),
    Example(
        "qinghe-town-2024.txt",
        f"{COUNTY}清河镇人民政府",
        "pipes",
        22,
        previous="qinghe-town-2023.txt",
    ),
    Example(
        "shiqiao-township-2024.gb18030.txt",
        f"{COUNTY}石桥乡人民政府",
        "cells",
        31,
        encoding="gb18030",
    ),
    Example("transport-bureau-2024.md", f"{COUNTY}交通运输局", "markdown", 41),
    Example("natural-resources-bureau-2024.txt", f"{COUNTY}自然资源局", "pipes", 51),
    Example("education-bureau-2024-errors.txt", f"{COUNTY}教育局", "tabs", 61, broken=True),
)


def build_reports() -> dict[str, Report]:
    """Return the example reports by file name, built in order (a 2024 file may continue 2023)."""
    reports: dict[str, Report] = {}
    for example in EXAMPLES:
        previous = reports.get(example.previous) if example.previous else None
        report = random_report(
            random.Random(example.seed),
            organization=example.organization,
            year=example.year,
            zero_share=ZERO_SHARE,
            previous=previous,
        )
        if example.broken:
            break_report(report)
        reports[example.filename] = report
    return reports


def break_report(report: Report) -> None:
    """Add the deliberate errors: 新收 one too many, published late, no fee sentence."""
    for column in (REQUEST_COLUMNS[0].key, REQUEST_COLUMNS[-1].key):
        key = request_key("new", column)
        report[key] = int(report[key] or 0) + 1
    assert report.year is not None
    report.published = dt.date(report.year + 1, 2, 20)
    other = report.sections["other"]
    text = other.text.replace(FEE_SENTENCE, "").strip()
    report.sections["other"] = SectionText(other.heading, text)


def build_examples() -> dict[str, bytes]:
    """Return the bytes of every example file by name."""
    reports = build_reports()
    return {
        e.filename: render_text(reports[e.filename], e.layout).encode(e.encoding) for e in EXAMPLES
    }


def write_examples(folder: Path) -> list[Path]:
    """Write every example file into ``folder`` and return the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in build_examples().items():
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else Path(__file__).resolve().parent
    for path in write_examples(folder):
        print(path)


if __name__ == "__main__":
    main()
