"""Real clients: LibreOffice opens the rendered DOCX, and its pages show the three tables."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from xxgk.model.cells import (
    ACTIVE_BLOCKS,
    APPLICANT_HEADER,
    LITIGATION_HEADER,
    REQUEST_ROW_BY_KEY,
    SECTIONS,
)
from xxgk.parse.pdf import read_pdf
from xxgk.render.docx import render_docx
from xxgk.render.pdf import convert_to_pdf, soffice_path
from xxgk.synth import random_report

RULES, FEES = ACTIVE_BLOCKS[0].rows[0], ACTIVE_BLOCKS[-1].rows[0]
TOTAL = REQUEST_ROW_BY_KEY["total_handled"]
pytestmark = pytest.mark.skipif(
    soffice_path() is None or shutil.which("pdftoppm") is None,
    reason="LibreOffice or pdftoppm is not installed: run scripts/setup-system.sh",
)


@pytest.fixture(scope="module")
def pdf() -> bytes:
    report = random_report(random.Random(2024), organization="示例市交通运输局", year=2024)
    return convert_to_pdf([render_docx(report)])[0]  # the DOCX as a user gets it


def test_libreoffice_converts_the_docx_without_error(pdf):
    assert pdf.startswith(b"%PDF-")
    assert 3 <= len(pdfium.PdfDocument(pdf)) <= 6


def test_every_page_renders_to_a_png_with_ink(pdf, tmp_path: Path):
    source = tmp_path / "report.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", str(source), str(tmp_path / "page")],
        check=True,
        timeout=120,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(pdfium.PdfDocument(pdf))
    for page in pages:
        with Image.open(page) as image:
            lo, hi = image.convert("L").getextrema()
        assert lo < 100 < hi  # black text and ruling on white paper


def test_each_table_is_present_as_a_ruled_grid(pdf):
    doc = read_pdf(pdf, "report.pdf")
    rows = [line for line in doc.lines if line.in_table]
    labels = {c.text for line in rows for c in line.cells}
    expected = {RULES.label, FEES.label, APPLICANT_HEADER, TOTAL.printed, LITIGATION_HEADER}
    assert expected <= labels
    widths = {len(line.cells) for line in rows}
    assert {4, 8, 15} <= widths  # Table 二 documents, a Table 三 item row, Table 四 values
    headings = [line.text for line in doc.lines if not line.in_table]
    assert all(section.heading in headings for section in SECTIONS)
