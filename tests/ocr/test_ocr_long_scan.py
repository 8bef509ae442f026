"""A scan longer than the budget allows to read whole: its title and table pages are read
first and exactly, and the pages left unread are named in a finding (instead of the whole
file being refused up front, as scans of more than 4 pages were before)."""

from __future__ import annotations

import ocr_scans as scans
import pytest
from test_ocr_reading import _check_cells

from xxgk.limits import Limits, use_limits
from xxgk.model.cells import CELL_KEYS
from xxgk.model.report import Report
from xxgk.parse import ocr, parse_bytes

pytestmark = pytest.mark.skipif(not ocr.ocr_available(), reason="the ocr extra is not installed")

PAGES = 10
STEP = 125.0
"""Seconds each reading of the pacing clock advances (a page "takes" 125 s): with 900 s of
budget less the 3 s reserve, three pages fit (6 × 125 ≤ 897 < 8 × 125) whatever the speed of
the machine running the test."""


def test_a_long_scan_yields_its_tables_and_names_the_pages_not_read(
    monkeypatch, source: Report, source_pdf: bytes
):
    data = scans.long_scan(source_pdf, 150, PAGES)
    ticks = iter(range(10_000))
    monkeypatch.setattr(ocr, "clock", lambda: next(ticks) * STEP)
    with use_limits(Limits(ocr_seconds=900)):
        report = parse_bytes(data, name="扫描件.pdf")
    # the tables (pages 1–3, Table 一 begins under the title) are read, every cell exact
    assert _check_cells(report, source, list(CELL_KEYS)) >= 0.99
    assert (report.organization, report.year) == (source.organization, source.year)
    read = next(f for f in report.findings if f.code == "parse-ocr-pages")
    assert read.params["pages"] == "第1–3页"
    skipped = next(f for f in report.findings if f.code == "parse-ocr-skipped")
    assert skipped.params["pages"] == "第4–10页"
    assert "第4–10页未能在“扫描件文字识别时间”的上限900秒内完成文字识别" in skipped.message
    assert "XXGK_LIMIT_OCR_SECONDS" in skipped.message


def test_the_default_budget_accepts_the_long_scan_for_its_table_pages(source_pdf: bytes):
    """The old rule refused any scan over 4 pages; now only the title and table pages (here
    3 of 10, found from the ruling lines of a small copy) must fit in the default 30 s."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(scans.long_scan(source_pdf, 150, PAGES))
    try:
        numbers = list(range(1, len(doc) + 1))
        first = ocr.first_pages(numbers, lambda n: ocr.pdf_thumbnail(doc[n - 1]))
    finally:
        doc.close()
    assert first == [1, *(n + 1 for n in scans.table_pages(source_pdf))]
    with use_limits(Limits()):
        ocr.check_ocr_pages(len(first), "扫描件.pdf", PAGES)
