"""The readers turn each published shape into the lines the interpreter expects."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from xxgk.errors import InputError
from xxgk.model.cells import (
    ACTIVE_BLOCKS,
    REQUEST_ROW_BY_KEY,
    RESULTS_GROUP,
    REVIEW_COLUMNS,
)
from xxgk.office import soffice_path
from xxgk.parse import ocr_mode, parse_path
from xxgk.parse.docx import read_docx
from xxgk.parse.html import decode_markup, read_html
from xxgk.parse.legacy_office import read_ole2
from xxgk.parse.pdf import read_pdf
from xxgk.parse.reader_common import clean_text
from xxgk.parse.readers import detect_format
from xxgk.parse.xlsx import read_xlsx

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
GOLDEN = sorted(
    p
    for p in HERE.iterdir()
    if p.with_name(f"{p.stem}.truth.json").is_file() and p.suffix != ".json"
)
NEW = REQUEST_ROW_BY_KEY["new"]


def _texts(doc) -> list[list[str]]:
    return [[c.text for c in line.cells] for line in doc.lines]


def _flat(data: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        elif isinstance(value, list):
            out.update({f"{prefix}{key}[{i}]": v for i, v in enumerate(value)})
        else:
            out[prefix + key] = value
    return out


# Golden: every fixture parses to its truth


def _converts(suffix: str) -> bool:
    """Return True when LibreOffice can convert this legacy format here (.xls needs Calc)."""
    if soffice_path() is None:
        return False
    return suffix != ".xls" or Path("/usr/lib/libreoffice/program/libsclo.so").exists()


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.name)
def test_fixture_parses_to_its_truth(path: Path):
    if path.suffix in (".doc", ".xls") and not _converts(path.suffix):
        pytest.skip("LibreOffice (with Calc for .xls) is not installed: scripts/setup-system.sh")
    truth = _flat(json.loads(path.with_name(f"{path.stem}.truth.json").read_text("utf-8")))
    got = _flat(parse_path(path).canonical())
    assert {k: got.get(k) for k in truth if got.get(k) != truth[k]} == {}


# HTML


def test_gbk_page_is_decoded_from_its_meta_charset_and_chrome_is_dropped():
    data = (HERE / "html_chrome_gbk.html").read_bytes()
    text, encoding, guessed = decode_markup(data)
    assert (encoding, guessed) == ("gb18030", False)
    lines = _texts(read_html(data, "page.html"))
    flat = "".join("".join(line) for line in lines)
    for chrome in ("首页", "当前位置", "备案号", "分享到", "政府信息公开指南", "长者模式"):
        assert chrome not in flat
    assert lines[1][0].endswith("政府信息公开工作年度报告")


def test_br_inside_labels_joins_and_nbsp_cells_are_trimmed():
    doc = read_html((HERE / "html_chrome_gbk.html").read_bytes())
    upheld, corrected = REVIEW_COLUMNS[0].label, REVIEW_COLUMNS[1].label
    rows = [line for line in _texts(doc) if upheld in line]
    assert rows
    assert rows[0][:2] == [upheld, corrected]  # printed as 结果<br>维持
    licensing = ACTIVE_BLOCKS[1].rows[0].label
    values = [line for line in _texts(doc) if line and line[0] == licensing]
    assert values[0][1].isdigit()


def test_layout_table_around_the_article_is_walked_not_read_as_a_grid():
    doc = read_html((HERE / "html_chrome_gbk.html").read_bytes())
    assert {c.location.table for line in doc.lines if line.in_table for c in line.cells} == {
        0,
        1,
        2,
    }


def test_word_export_drops_the_hidden_width_row_and_office_markup():
    doc = read_html((HERE / "html_word_export.html").read_bytes())
    table_rows = [line for line in doc.lines if line.in_table]
    assert all(any(c.text for c in line.cells) for line in table_rows)
    assert not any(
        "mso" in c.text or "WordDocument" in c.text for line in doc.lines for c in line.cells
    )


def test_report_inside_an_escaped_script_string_is_read():
    doc = read_html((HERE / "html_script_escaped.html").read_bytes())
    assert sum(line.in_table for line in doc.lines) > 40
    assert any(line.cells[0].text == NEW.printed for line in doc.lines)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("\xa0 12\u3000", "12"),
        ("自然\u200b人", "自然人"),  # prints as nothing: dropped, not a space (1\u200b309)
        ("行政\u00ad许可", "行政许可"),
        ("a\r\n\tb", "a b"),
    ],
)
def test_clean_text_folds_odd_spaces(raw, clean):
    assert clean_text(raw) == clean


def test_an_empty_page_is_an_input_error():
    with pytest.raises(InputError, match="网页中没有可读的文字"):
        read_html(b"<html><body><script>var a = 1;</script></body></html>", "blank.html")


# DOCX


def test_docx_split_table_keeps_rows_in_order_and_ignores_the_text_box():
    doc = read_docx((HERE / "docx_split_table.docx").read_bytes())
    flat = "".join(line.text for line in doc.lines)
    assert "文本框" not in flat
    tables = [line.cells[0].location.table for line in doc.lines if line.in_table]
    assert sorted(set(tables)) == [0, 1, 2, 3]
    continued = next(line for line in doc.lines if line.cells[0].location.table == 2)
    assert continued.cells[-1].text.isdigit()


def test_docx_vertical_merge_appears_once():
    doc = read_docx((HERE / "docx_split_table.docx").read_bytes())
    group = [c for line in doc.lines for c in line.cells if c.text == RESULTS_GROUP]
    assert len(group) == 1


def test_a_broken_docx_is_an_input_error():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("word/document.xml", "<w:document><w:body>")
    with pytest.raises(InputError, match="Word"):
        read_docx(buffer.getvalue(), "broken.docx")


# XLSX


def test_officer_workbook_reads_tables_as_rows_and_the_title_as_a_paragraph():
    doc = read_xlsx((HERE / "xlsx_officer.xlsx").read_bytes(), "book.xlsx")
    assert not doc.lines[0].in_table
    row = next(line for line in doc.lines if line.cells[0].text == NEW.printed)
    assert len(row.cells) == 8
    assert row.cells[1].location.sheet == "2024年数据"


def test_rendered_workbook_puts_each_table_after_its_section_text():
    doc = read_xlsx((HERE / "xlsx_rendered.xlsx").read_bytes())
    texts = [line.cells[0].text for line in doc.lines]
    heading = texts.index("三、收到和处理政府信息公开申请情况")
    assert doc.lines[heading + 1].in_table
    assert texts.index("四、政府信息公开行政复议、行政诉讼情况") > heading + 25


def test_an_unknown_legacy_office_file_is_refused_with_advice():
    data = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 512
    assert detect_format(data, "report.xls") == "ole2"
    with pytest.raises(InputError, match="另存为"):
        parse_path_bytes(data)


def parse_path_bytes(data: bytes):
    from xxgk.parse import parse_bytes

    return parse_bytes(data, name="report.xls")


# PDF


def test_pdf_drops_running_header_and_page_numbers_and_keeps_boxes():
    doc = read_pdf((HERE / "pdf_paged_header.pdf").read_bytes())
    texts = [line.text for line in doc.lines]
    assert not any("信息公开年报" in t for t in texts)
    assert not any(t.strip("- ").isdigit() for t in texts)
    cell = doc.lines[-1].cells[0]
    assert cell.location.page >= 3
    assert cell.location.bbox[0] < cell.location.bbox[2]


def test_pdf_table_three_over_two_pages_is_read_as_one_table():
    doc = read_pdf((HERE / "pdf_paged_header.pdf").read_bytes())
    rows = [line for line in doc.lines if line.in_table and len(line.cells) >= 8]
    assert len({line.cells[0].location.page for line in rows}) == 2


def test_pdf_wrapped_and_vertical_labels_are_read_in_one_piece():
    texts = [
        c.text
        for line in read_pdf((HERE / "pdf_paged_header.pdf").read_bytes()).lines
        for c in line.cells
    ]
    assert RESULTS_GROUP in texts
    assert REQUEST_ROW_BY_KEY["partially_granted"].printed in texts


def test_scanned_pdf_says_ocr_is_needed():
    with ocr_mode("never"), pytest.raises(InputError, match="OCR"):
        read_pdf((HERE / "pdf_scan.pdf").read_bytes(), "scan.pdf")


# detection by content


@pytest.mark.parametrize(
    ("fixture", "fmt"),
    [
        ("html_chrome_gbk.html", "html"),
        ("html_word_export.html", "html"),
        ("docx_split_table.docx", "docx"),
        ("xlsx_officer.xlsx", "xlsx"),
        ("pdf_paged_header.pdf", "pdf"),
        ("legacy_word97.doc", "ole2"),
        ("legacy_excel97.xls", "ole2"),
    ],
)
def test_format_is_detected_by_content_not_extension(fixture, fmt):
    assert detect_format((HERE / fixture).read_bytes(), "misnamed.txt") == fmt


def test_a_one_cell_layout_table_around_running_text_is_read_as_paragraphs():
    paragraph = "（一）主动公开。" + "本机关按照条例要求，及时主动公开政府信息。" * 12
    page = f"<html><body><table><tr><td><p>一、总体情况</p><p>{paragraph}</p></td></tr></table>"
    lines = read_html(page.encode()).lines
    assert [(line.in_table, line.text) for line in lines] == [
        (False, "一、总体情况"),
        (False, paragraph),
    ]


def test_a_docx_framed_in_a_one_cell_table_reads_like_the_plain_one():
    from docx import Document
    from docx.oxml import parse_xml

    data = (HERE / "docx_split_table.docx").read_bytes()
    document = Document(io.BytesIO(data))
    body = document.element.body
    frame = parse_xml(
        '<w:tbl xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:tblPr/><w:tblGrid><w:gridCol/></w:tblGrid><w:tr><w:tc><w:tcPr/></w:tc></w:tr>"
        "</w:tbl>"
    )
    cell = frame[-1][0]
    for child in [c for c in body if not c.tag.endswith("sectPr")]:
        cell.append(child)
    body.insert(0, frame)
    buffer = io.BytesIO()
    document.save(buffer)
    framed = [line.text for line in read_docx(buffer.getvalue()).lines]
    assert framed == [line.text for line in read_docx(data).lines]


def test_legacy_files_without_libreoffice_ask_to_save_as_new_formats(monkeypatch):
    import xxgk.office as office

    monkeypatch.setattr(office, "soffice_path", lambda: None)
    with pytest.raises(InputError, match="另存为 .docx 或 .xlsx"):
        read_ole2((HERE / "legacy_word97.doc").read_bytes(), "old.doc")
