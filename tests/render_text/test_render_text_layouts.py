"""The text writers: golden files per layout, merged-cell empties, missing values, errors."""

from __future__ import annotations

import datetime as dt
import os
import random
from decimal import Decimal
from pathlib import Path

import pytest

from xxgk.errors import RenderError
from xxgk.model.cells import (
    CELL_KEYS,
    G_DENIED,
    LITIGATION_HEADER,
    REQUEST_ROW_BY_KEY,
    REQUEST_ROWS,
    RESULTS_GROUP,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    SECTIONS,
    request_key,
)
from xxgk.render.text import (
    LAYOUTS,
    format_value,
    render_markdown,
    render_text,
    requests_grid,
    review_grid,
    table_grids,
)
from xxgk.synth import random_report

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("XXGK_UPDATE_GOLDEN") == "1"


def golden_report():
    return random_report(random.Random(7), organization="示例市交通运输局", year=2024)


# Golden files


@pytest.mark.parametrize("layout", LAYOUTS)
def test_render_text_matches_golden_file(layout):
    text = render_text(golden_report(), layout)
    path = GOLDEN / f"report.{layout}.txt"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_render_markdown_is_the_markdown_layout():
    report = golden_report()
    assert render_markdown(report) == render_text(report, "markdown")


# Content


@pytest.mark.parametrize("layout", LAYOUTS)
def test_render_text_prints_title_headings_and_signature(layout):
    report = golden_report()
    text = render_text(report, layout)
    assert report.title in text.splitlines()[0]
    for section in SECTIONS:
        assert section.heading in text
    published = report.published
    assert text.rstrip("\n").endswith(f"{published.year}年{published.month}月{published.day}日")
    assert report.organization in text.splitlines()[-2]


def test_render_text_tabs_rows_have_the_official_width():
    lines = render_text(golden_report(), "tabs").splitlines()
    first_row = next(line for line in lines if line.startswith(REQUEST_ROWS[0].printed))
    assert len(first_row.split("\t")) == 10
    labels = next(i for i, line in enumerate(lines) if line.startswith(REVIEW_COLUMNS[0].label))
    review_values = lines[labels + 1]
    assert len(review_values.split("\t")) == 15


def test_requests_grid_shows_merged_group_labels_once():
    grid = requests_grid(golden_report())
    firsts = [row[0] for row in grid[3:]]
    assert firsts.count(RESULTS_GROUP) == 1
    middles = [row[1] for row in grid[3:]]
    assert middles.count(G_DENIED) == 1
    assert all(len(row) == 10 for row in grid)


def test_review_grid_has_three_header_rows_and_fifteen_values():
    grid = review_grid(golden_report())
    assert [len(row) for row in grid] == [15, 15, 15, 15]
    assert grid[0][0] == REVIEW_GROUPS[0].label
    assert grid[0][5] == LITIGATION_HEADER


def test_render_text_prints_a_missing_value_as_an_empty_cell_never_zero():
    report = random_report(random.Random(3), zero_share=0.0)
    key = request_key("granted", "commercial")
    report[key] = None
    grid = table_grids(report)["requests"]
    granted = REQUEST_ROW_BY_KEY["granted"].printed
    row = next(r for r in grid if r[1] == granted)
    assert row[4] == ""
    line = next(line for line in render_text(report, "tabs").splitlines() if granted in line)
    assert line.split("\t")[4] == ""


def test_render_text_of_an_empty_report_has_no_zero():
    from xxgk.model.report import Report

    text = render_text(Report(), "tabs")
    values = [cell for line in text.splitlines() for cell in line.split("\t")]
    assert "0" not in values
    assert len(CELL_KEYS) == 200


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        (None, ""),
        (0, "0"),
        (12, "12"),
        (Decimal("1.50"), "1.5"),
        (Decimal("21613.91"), "21613.91"),
        (Decimal("0.00"), "0"),
        (Decimal("100"), "100"),
    ],
)
def test_format_value(value, printed):
    assert format_value(value) == printed


def test_render_text_pipes_cells_end_with_a_pipe():
    lines = render_text(golden_report(), "pipes").splitlines()
    start = lines.index(SECTIONS[1].heading)
    end = lines.index(SECTIONS[4].heading)
    table_lines = [line for line in lines[start + 1 : end] if line and "、" not in line[:2]]
    assert all(line.endswith("|") for line in table_lines)


def test_render_text_cells_indents_every_cell_with_a_tab():
    lines = render_text(golden_report(), "cells").splitlines()
    start = lines.index(SECTIONS[2].heading)
    end = lines.index(SECTIONS[3].heading)
    assert all(line == "" or line.startswith("\t") for line in lines[start + 1 : end])


def test_render_text_markdown_tables_have_a_separator_row():
    lines = render_text(golden_report(), "markdown").splitlines()
    assert sum(1 for line in lines if line.startswith("|---|")) == 3
    assert lines[0].startswith("# ")


def test_render_text_unknown_layout_is_a_render_error():
    with pytest.raises(RenderError, match="tabs"):
        render_text(golden_report(), "columns")


# Title, preamble and 落款 of parsed reports


def test_render_text_prints_a_preamble_without_repeating_the_title():
    from xxgk.model.report import SectionText

    report = golden_report()
    report.sections["preamble"] = SectionText("", f"{report.title[:6]}\n{report.title[6:]}\n前言。")
    lines = render_text(report, "tabs").splitlines()
    assert lines[:3] == [report.title, "", "前言。"]


def test_render_text_prints_the_signature_as_read():
    report = golden_report()
    report.signature = "示例市交通运输局办公室\n2025年1月9日"
    report.published = dt.date(2025, 1, 9)
    lines = render_text(report, "tabs").splitlines()
    assert lines[-2:] == ["示例市交通运输局办公室", "2025年1月9日"]


def test_render_text_invents_no_signature_without_a_date():
    report = golden_report()
    report.signature = None
    report.published = None
    lines = render_text(report, "tabs").splitlines()
    assert report.organization not in lines[-1]
    assert lines[-1] != ""
