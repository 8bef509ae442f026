"""What xxgk compiles passes its own validator's title/落款 checks, and its DOCX keeps Table
三's header with the first row and repeats it on the next page, keeps the 落款 with the last
paragraph, and uses 黑体 headings."""

from __future__ import annotations

import io
import zipfile

from xxgk.register.compile import compile_report
from xxgk.render.docx import render_docx
from xxgk.rules import validate


def test_compiled_report_has_title_and_signature(sqlite_world):
    report = compile_report(sqlite_world.session, sqlite_world.town, 2025)
    codes = {f.code for f in validate(report).findings}
    assert "title-missing" not in codes
    assert "signature-missing" not in codes
    assert report.title == "示例县清河镇人民政府2025年政府信息公开工作年度报告"


def test_docx_keeps_header_rows_and_signature_together(sqlite_world):
    report = compile_report(sqlite_world.session, sqlite_world.town, 2025)
    with zipfile.ZipFile(io.BytesIO(render_docx(report))) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    tables = xml.split("<w:tbl>")[1:]
    assert len(tables) == 3
    requests = tables[1]
    first_row = requests.split("<w:tr>")[1]
    assert "<w:keepNext/>" in first_row
    header_rows, body_rows = requests.split("<w:tr>")[1:4], requests.split("<w:tr>")[4:]
    assert all("<w:keepNext/>" not in row for row in body_rows)
    # the three header rows print again atop the next page; no row breaks across pages
    assert all("<w:tblHeader/>" in row for row in header_rows)
    assert all("<w:tblHeader/>" not in row for row in body_rows)
    assert all("<w:cantSplit/>" in row for row in header_rows + body_rows)
    tail = xml.rsplit("</w:tbl>", 1)[1].split("<w:p>")[1:]
    assert all("<w:keepNext/>" in p for p in tail[-3:-1])  # last paragraph, blank line
    assert "<w:keepNext/>" not in tail[-1]
    assert 'w:eastAsia="黑体"' in xml
