"""The DOCX, HTML and XLSX renderers: official layout, fonts, marks for missing cells."""

from __future__ import annotations

import io
import random
import re
import zipfile

import pytest
from openpyxl import load_workbook

from xxgk.errors import RenderError
from xxgk.findings import Finding
from xxgk.model.cells import REQUESTS_NOTE, SECTIONS
from xxgk.render import FORMATS, render
from xxgk.render.docx import render_docx
from xxgk.render.fonts import OFFICIAL_FONTS, FontSet
from xxgk.render.html import render_html
from xxgk.render.layout import MISSING_TITLE, TABLES
from xxgk.render.xlsx import SHEET_NAMES, TEXT_SHEET, render_xlsx
from xxgk.synth import random_report

MISSING_KEY = "requests.new.research"


@pytest.fixture
def report():
    report = random_report(random.Random(11), organization="示例县清河镇人民政府", year=2024)
    report.values[MISSING_KEY] = None
    return report


def _document_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read("word/document.xml").decode("utf-8")


# DOCX


def test_docx_is_a4_with_the_title_headings_tables_and_signature(report):
    xml = _document_xml(render_docx(report))
    assert re.search(r'<w:pgSz w:w="11906" w:h="16838"', xml)
    text = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))
    assert text.startswith(f"{report.organization}2024年政府信息公开工作年度报告")
    positions = [text.index(s.heading) for s in SECTIONS]
    assert positions == sorted(positions)
    assert xml.count("<w:tbl>") == 3
    assert REQUESTS_NOTE in text
    assert text.endswith(
        f"{report.organization}{report.published.year}年"
        f"{report.published.month}月{report.published.day}日"
    )


def test_docx_merges_exactly_the_template_spans(report):
    xml = _document_xml(render_docx(report))
    spans = [int(n) for n in re.findall(r'<w:gridSpan w:val="(\d+)"/>', xml)]
    expected = []
    for table in TABLES:
        for _, _, cell in table.positions():
            if cell.colspan > 1:
                expected += [cell.colspan] * cell.rowspan  # continuation cells keep the span
    assert sorted(spans) == sorted(expected)
    restarts = xml.count('<w:vMerge w:val="restart"/>')
    assert restarts == sum(1 for t in TABLES for _, _, c in t.positions() if c.rowspan > 1)


def test_docx_sets_east_asian_fonts_with_fallbacks(report):
    data = render_docx(report)
    xml = _document_xml(data)
    for face in (OFFICIAL_FONTS.title, OFFICIAL_FONTS.heading, OFFICIAL_FONTS.body):
        assert f'w:eastAsia="{face}"' in xml
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        fonts = package.read("word/fontTable.xml").decode("utf-8")
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts
    custom = _document_xml(render_docx(report, fonts=FontSet("A", "B", "C", "D")))
    assert 'w:eastAsia="A"' in custom
    assert 'w:eastAsia="仿宋_GB2312"' not in custom


def test_docx_marks_a_missing_cell_and_never_prints_zero_for_it(report):
    xml = _document_xml(render_docx(report))
    shaded = re.findall(r"<w:tc><w:tcPr>(?:(?!</w:tc>).)*diagStripe(?:(?!</w:tc>).)*</w:tc>", xml)
    assert len(shaded) == 1
    assert "<w:t>" not in shaded[0]
    assert "<w:t " not in shaded[0]


def test_docx_opens_with_python_docx(report):
    from docx import Document

    document = Document(io.BytesIO(render_docx(report)))
    assert len(document.tables) == 3
    assert document.tables[1].cell(0, 0).text == REQUESTS_NOTE
    assert document.core_properties.title.endswith("年度报告")


# HTML


def test_html_is_one_self_contained_page_with_a_print_stylesheet(report):
    page = render_html(report).decode("utf-8")
    assert page.count("<table") == 3
    assert "@media print" in page
    assert "@page" in page
    assert not re.search(r"<link|<script|\bsrc=", page)


def test_html_highlights_findings_on_their_cells_with_the_message(report):
    from xxgk import parse_findings as finding_kinds

    finding = Finding(
        finding_kinds.CELL_BLANK,
        cells=("requests.granted.total",),
        params={"place": "", "cell": "总计"},
    )
    page = render_html(report, findings=[finding]).decode("utf-8")
    cell = re.search(r'<td[^>]*data-cell="requests.granted.total"[^>]*>', page).group(0)
    assert 'class="warning"' in cell
    assert "parse-cell-blank" in cell
    assert "按无数值处理" in cell
    plain = render_html(report, findings=[finding], highlight=False).decode("utf-8")
    assert "parse-cell-blank" not in plain


def test_html_marks_a_missing_cell_empty(report):
    page = render_html(report).decode("utf-8")
    cell = re.search(rf'<td[^>]*data-cell="{MISSING_KEY}"[^>]*>([^<]*)</td>', page)
    assert 'class="missing"' in cell.group(0)
    assert MISSING_TITLE in cell.group(0)
    assert cell.group(1) == ""


# XLSX


def test_xlsx_has_a_text_sheet_and_one_sheet_per_table_with_numbers(report):
    book = load_workbook(io.BytesIO(render_xlsx(report)))
    assert book.sheetnames == [TEXT_SHEET, *SHEET_NAMES.values()]
    requests = book[SHEET_NAMES["requests"]]
    assert requests["A2"].value == REQUESTS_NOTE
    assert "A2:C4" in {str(r) for r in requests.merged_cells.ranges}
    assert isinstance(requests["D5"].value, int)
    missing = requests["F5"]  # 一、 row, 科研机构 column
    assert missing.value is None
    assert missing.comment.text == MISSING_TITLE
    fee = book[SHEET_NAMES["active"]]
    assert any(isinstance(c.value, int | float) for row in fee.iter_rows() for c in row)


# dispatch


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "pdf"])
def test_render_dispatches_every_format(report, fmt):
    data = render(report, fmt)
    assert isinstance(data, bytes)
    assert len(data) > 1000


def test_render_refuses_an_unknown_format_in_both_languages(report):
    with pytest.raises(RenderError, match="不支持的输出格式.*unknown output format"):
        render(report, "odt")


def test_pdf_without_libreoffice_is_a_clear_error(report, monkeypatch):
    import xxgk.render.pdf as pdf

    monkeypatch.setattr(pdf, "soffice_path", lambda: None)
    with pytest.raises(RenderError, match="LibreOffice"):
        pdf.render_pdf(report)
