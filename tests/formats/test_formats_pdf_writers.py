"""Rulings drawn the way different PDF writers draw them give the same table rows."""

from __future__ import annotations

import random

import pytest
from formats_pdfmaker import grid_ops, make_pdf, text_op

from xxgk.errors import InputError
from xxgk.model.cells import ACTIVE_BLOCKS, REQUESTS_NOTE, REVIEW_COLUMNS, REVIEW_GROUPS
from xxgk.parse import ocr_mode
from xxgk.parse.pdf import read_pdf
from xxgk.render.layout import TABLE_BY_SECTION, TableLayout, format_value
from xxgk.synth import random_report

REVIEW = TABLE_BY_SECTION["review_litigation"]
ACTIVE = TABLE_BY_SECTION["active"]
REQUESTS = TABLE_BY_SECTION["requests"]


@pytest.fixture(scope="module")
def report():
    return random_report(random.Random(41), organization="示例市交通运输局", year=2024)


def _rows(pdf: bytes) -> list[list[str]]:
    return [[c.text for c in line.cells] for line in read_pdf(pdf).lines if line.in_table]


@pytest.mark.parametrize("style", ["lines", "rects", "open"])
def test_table_four_is_rebuilt_whatever_draws_its_rulings(report, style):
    rows = _rows(make_pdf([grid_ops(REVIEW, report, style=style)]))
    assert rows[0] == [REVIEW_GROUPS[0].label, "行政诉讼"]
    assert rows[1] == [g.label for g in REVIEW_GROUPS[1:]]
    assert rows[2] == [c.label for _ in REVIEW_GROUPS for c in REVIEW_COLUMNS]
    values = [
        format_value(report.values[f"review_litigation.{g.key}.{c.key}"])
        for g in REVIEW_GROUPS
        for c in REVIEW_COLUMNS
    ]
    assert rows[3] == values


def test_page_numbers_and_running_headers_are_dropped(report):
    pages = []
    for number, table in ((1, ACTIVE), (2, REVIEW)):
        pages.append(
            [
                text_op(250, 800, "示例市交通运输局信息公开年报"),
                text_op(280, 40, f"第 {number} 页 共 2 页"),
                *grid_ops(table, report, style="lines", width=60),
            ]
        )
    texts = [line.text for line in read_pdf(make_pdf(pages)).lines]
    assert not any("年报" in t or "页" in t for t in texts)
    assert any(t.startswith(ACTIVE_BLOCKS[0].rows[0].label) for t in texts)
    assert any(t.startswith("行政复议") for t in texts)


def test_header_rows_repeated_on_the_next_page_are_read_once(report):
    top = TableLayout("requests", "", 10, REQUESTS.rows[:10], 3)
    rest = TableLayout("requests", "", 10, REQUESTS.rows[:3] + REQUESTS.rows[10:], 3)
    pages = [
        grid_ops(top, report, style="rects", width=50),
        grid_ops(rest, report, style="rects", width=50),
    ]
    rows = [line.text for line in read_pdf(make_pdf(pages)).lines if line.in_table]
    assert sum(row.startswith(REQUESTS_NOTE) for row in rows) == 1
    assert len(rows) == 3 + len(REQUESTS.rows) - 3


def test_provenance_is_the_page_and_the_cell_box(report):
    lines = read_pdf(make_pdf([grid_ops(REVIEW, report, style="rects")])).lines
    cell = lines[0].cells[0]
    assert cell.location.page == 1
    x0, top, x1, bottom = cell.location.bbox
    assert (round(x0), round(x1)) == (60, 60 + 5 * 32)
    assert round(bottom - top) == 2 * 22


def test_a_page_stored_rotated_is_read_as_it_is_shown(report):
    ops = [
        text_op(60, 800, "四、政府信息公开行政复议、行政诉讼情况", 10),
        *grid_ops(REVIEW, report, style="lines"),
    ]
    upright = read_pdf(make_pdf([ops])).lines
    rotated = read_pdf(make_pdf([ops], rotate=90)).lines
    assert [line.text for line in rotated] == [line.text for line in upright]
    assert rotated[0].cells[0].location.bbox == upright[0].cells[0].location.bbox


def test_double_borders_make_no_sliver_cells(report):
    single = grid_ops(REVIEW, report, style="rects")
    offset = [
        op
        for op in grid_ops(REVIEW, report, style="rects", x0=57.5, top=762.5)
        if op.endswith(" re S")
    ]
    assert _rows(make_pdf([single + offset])) == _rows(make_pdf([single]))


def test_a_text_layer_without_unicode_mapping_says_ocr_is_needed():
    garbage = "".join(chr(0xE000 + i) for i in range(40))
    pdf = make_pdf([[text_op(60, 700, garbage[:20]), text_op(60, 680, garbage[20:])]])
    with ocr_mode("never"), pytest.raises(InputError, match="OCR"):
        read_pdf(pdf, "garbled.pdf")


def test_a_scanned_page_among_text_pages_is_a_finding(report):
    drawing_only = ["60 60 400 600 re S"]  # a page that shows something but has no text
    pdf = make_pdf([grid_ops(REVIEW, report, style="rects"), drawing_only, []])
    with ocr_mode("never"):  # tests/ocr reads such pages by OCR
        doc = read_pdf(pdf, "mixed.pdf")
    assert [(f.code, f.location.page) for f in doc.findings] == [("parse-pdf-page-without-text", 2)]
    assert "第2页没有文字层" in doc.findings[0].message
