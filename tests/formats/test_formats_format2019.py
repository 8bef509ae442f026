"""The 2019 trial format is printed in its own layout, so rendering it loses nothing.

Table 二 of a 2019 report has other rows and columns (its values live in ``Report.legacy``) and
Table 三 prints （六）其他处理 as one row. Rendered in any format and parsed back, such a report
keeps its format, its legacy cells and its canonical cells.
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xxgk.model.cells import (
    CELL_KEYS,
    FORMAT_2019,
    LEGACY_ABSENT_REQUEST_ROWS,
    LEGACY_ACTIVE_BLOCKS,
    LEGACY_AMOUNT_KEYS,
    REQUEST_COLUMNS,
    request_key,
)
from xxgk.parse import parse_bytes
from xxgk.render import render
from xxgk.render.text import LAYOUTS, render_text
from xxgk.synth import random_report

FORMATS = ("txt", "md", "html", "docx", "xlsx")
SAME_MEANING = {"licensing": "decisions", "punishment": "decisions", "enforcement": "decisions"}


def random_2019_report(rng: random.Random):
    """A consistent report of 2020 in the trial format, with random legacy Table 二 cells."""
    report = random_report(rng, year=2020)
    report.format = FORMAT_2019
    for column in REQUEST_COLUMNS:
        merged = sum(
            report[request_key(row, column.key)] or 0
            for row in (*LEGACY_ABSENT_REQUEST_ROWS, "other_other")
        )
        report[request_key("other_other", column.key)] = merged
        for row in LEGACY_ABSENT_REQUEST_ROWS:
            report[request_key(row, column.key)] = None
    for key in CELL_KEYS:
        if key.startswith("active."):
            report[key] = None
    for block in LEGACY_ACTIVE_BLOCKS:
        for row in block.rows:
            for column in block.columns:
                key = f"active.{row.key}.{column.key}"
                if key in LEGACY_AMOUNT_KEYS:
                    value = Decimal(rng.randrange(0, 100_000)) / 100
                elif column.key == "change":
                    value = rng.randrange(-20, 20)
                else:
                    value = rng.randrange(0, 5000)
                report.legacy[key] = value
                if SAME_MEANING.get(row.key) == column.key:
                    report[f"active.{row.key}"] = value
    return report


def comparable(report):
    data = report.canonical()
    data["legacy"] = {k: str(v) for k, v in sorted(report.legacy.items())}
    data["format"] = report.format
    return data


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_2019_report_comes_back_whole_from_every_format(fmt):
    @settings(max_examples=6, deadline=None)
    @given(seed=st.integers(0, 2**32 - 1))
    def check(seed: int) -> None:
        report = random_2019_report(random.Random(seed))
        back = parse_bytes(render(report, fmt), name=f"report.{fmt}")
        assert comparable(back) == comparable(report)

    check()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_text_layout_prints_the_2019_tables(layout):
    report = random_2019_report(random.Random(7))
    text = render_text(report, layout)
    assert "本年新制作数量" in text
    assert "政府集中采购" in text
    assert "逾期不补正" not in text
    back = parse_bytes(text.encode(), name="report.txt")
    assert comparable(back) == comparable(report)


def test_a_2021_report_keeps_the_2021_layout():
    text = render_text(random_report(random.Random(3)), "tabs")
    assert "本年制发件数" in text
    assert "本年新制作数量" not in text
