"""The report as an Excel workbook: the text on a first sheet, then one sheet per table.

Numbers are written as numbers (counts as integers, the fee as a decimal), header cells are
merged as in the 30号 template, and a missing value stays an empty cell with a hatched fill and
a comment, so a sum over the sheet never counts an invented zero.
"""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from xxgk.model.cells import SECTIONS
from xxgk.model.report import Report
from xxgk.render.layout import (
    MISSING_TITLE,
    GridCell,
    TableLayout,
    cell_value,
    chinese_date,
    paragraphs,
    report_title,
    signature_name,
    tables_for,
)
from xxgk.spreadsheet import append_row, set_cell

TEXT_SHEET = "报告正文"
SHEET_NAMES = {
    "active": "表二 主动公开",
    "requests": "表三 依申请公开",
    "review_litigation": "表四 复议诉讼",
}
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
CELL_STYLE = "xxgk 表格"
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_MISSING = PatternFill(fill_type="lightUp", fgColor="A6A6A6")
_WIDTHS = {
    "active": (26, 16, 16, 16),
    "requests": (8, 10, 30) + (10,) * 7,
    "review_litigation": (9,) * 15,
}


def _text_sheet(sheet: Worksheet, report: Report) -> None:
    """Write title, the six headings with their text, and the 落款, one paragraph per row."""
    sheet.column_dimensions["A"].width = 100
    lines = [report_title(report)]
    preamble = report.sections.get("preamble")
    if preamble:
        lines += paragraphs(preamble.text)
    for section in SECTIONS:
        lines.append(section.heading)
        lines += paragraphs(report.section_text(section.key))
    lines += [t for t in (signature_name(report), chinese_date(report)) if t]
    for line in lines:
        append_row(sheet, [line])
    sheet["A1"].font = Font(bold=True, size=14)
    for row in sheet.iter_rows(min_row=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


def _number(value: int | Decimal | None) -> int | float | None:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _table_sheet(sheet: Worksheet, layout: TableLayout, report: Report) -> None:
    """Write ``layout`` under its heading (row 1, one unmerged cell: a paragraph when read
    back), merging spans as the template does."""
    set_cell(sheet.cell(1, 1), layout.heading).font = Font(bold=True, size=12)
    for index, width in enumerate(_WIDTHS[layout.key], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for r, c, cell in layout.positions():
        row, col = r + 2, c + 1
        for dr in range(cell.rowspan):
            for dc in range(cell.colspan):
                sheet.cell(row + dr, col + dc).style = CELL_STYLE
        if cell.rowspan > 1 or cell.colspan > 1:
            # added directly: ``merge_cells`` re-styles every edge cell, ten times slower
            sheet.merged_cells.add(
                CellRange(
                    min_row=row,
                    min_col=col,
                    max_row=row + cell.rowspan - 1,
                    max_col=col + cell.colspan - 1,
                )
            )
        _fill(sheet.cell(row, col), cell, report)


def _fill(target: Cell, cell: GridCell, report: Report) -> None:
    """Write a label, or a value as a number; a missing value is hatched, with a comment."""
    if cell.key is None:
        set_cell(target, cell.text)
        return
    value = _number(cell_value(report, cell.key))
    target.value = value
    target.number_format = "0.00" if isinstance(value, float) else "0"
    if value is None:
        target.fill = _MISSING
        target.comment = Comment(MISSING_TITLE, "xxgk")


def render_xlsx(report: Report) -> bytes:
    """Return the report as XLSX bytes: 报告正文, then 表二, 表三 and 表四."""
    book = Workbook()
    book.add_named_style(NamedStyle(CELL_STYLE, border=_BORDER, alignment=_CENTER))
    text = book.active
    assert text is not None
    text.title = TEXT_SHEET
    _text_sheet(text, report)
    for layout in tables_for(report).values():
        _table_sheet(book.create_sheet(SHEET_NAMES[layout.key]), layout, report)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
