"""Reading reports kept in Excel: XLSX → ``SourceDocument``.

Officers keep the three tables on sheets, one per table or all on one, often with the section
heading in the first row; the workbook ``render.xlsx`` writes adds a first sheet with the
report's text. Each sheet's rows become lines: a row with one cell that is not merged across
columns is a paragraph, any other row a table row (cells under a merge are skipped, so a merged
cell appears once). When a text sheet carries the section headings, each table sheet is put
back after the text of the section it belongs to, so the lines read like the printed report.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from typing import TYPE_CHECKING

from xxgk.errors import InputError
from xxgk.findings import Location
from xxgk.limits import check
from xxgk.model.cells import SECTIONS
from xxgk.ooxml import check_workbook
from xxgk.parse.document import SourceCell, SourceDocument, SourceLine
from xxgk.parse.reader_common import clean_text

if TYPE_CHECKING:  # openpyxl is imported when a workbook is read: text-only runs start faster
    from openpyxl.worksheet.worksheet import Worksheet

_HEADINGS = {
    h.replace(" ", ""): s.key
    for s in SECTIONS
    for h in (s.heading, *(f"{s.number}、{a}" for a in s.aliases))
}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return clean_text(str(value))


def _wide_anchors(sheet: Worksheet) -> set[tuple[int, int]]:
    """Return the (row, column) of merged cells that span more than one column."""
    return {(m.min_row, m.min_col) for m in sheet.merged_cells.ranges if m.max_col > m.min_col}


def _is_paragraph(texts: list[str], cells: list, wide: set[tuple[int, int]]) -> bool:
    filled = [i for i, t in enumerate(texts) if t]
    return len(filled) == 1 and (cells[filled[0]].row, cells[filled[0]].column) not in wide


def _blocks(rows: list[list], wide: set[tuple[int, int]]) -> list[tuple[list, bool]]:
    """Split a sheet's rows into paragraphs and tables; a table is a run of rows that are
    neither blank nor a lone unmerged cell, so each table gets its own width."""
    blocks: list[tuple[list, bool]] = []
    for row in rows:
        texts = [_text(c.value) for c in row]
        if not any(texts):
            blocks.append(([], False))
        elif _is_paragraph(texts, row, wide):
            blocks.append(([row], False))
        elif blocks and blocks[-1][1]:
            blocks[-1][0].append(row)
        else:
            blocks.append(([row], True))
    return [b for b in blocks if b[0]]


class _Blank:
    """A cell the file does not have (what ``iter_rows`` would have created, without
    storing it in the sheet)."""

    __slots__ = ("column", "row")
    value = None

    def __init__(self, row: int, column: int) -> None:
        self.row = row
        self.column = column


def _present_rows(sheet: Worksheet) -> list[list]:
    """Return the cells present in each row that has any, in column order, and one empty
    row where rows are missing (a gap ends a table as blank rows do).

    ``iter_rows`` walks the rectangle from A1 to the farthest cell: one cell at XFD1048576
    made it create 17 billion cells. Only the cells present are walked here; a table's rows
    are filled out to its width later (``_dense``), within the cells budget.
    """
    by_row: dict[int, list] = {}
    for (r, _), cell in sorted(sheet._cells.items()):  # what the file holds, merged cells too
        by_row.setdefault(r, []).append(cell)
    rows: list[list] = []
    previous = None
    for r, cells in by_row.items():
        if previous is not None and r > previous + 1:
            rows.append([])
        rows.append(cells)
        previous = r
    return rows


def _dense(row: list, first: int, count: int) -> list:
    """Return ``count`` cells of ``row`` from column ``first``, blanks where it has none."""
    at = {c.column: c for c in row}
    number = row[0].row
    cells = [at.get(c) for c in range(first, first + count)]
    return [_Blank(number, first + i) if c is None else c for i, c in enumerate(cells)]


def _sheet_lines(sheet: Worksheet, name: str | None = None) -> list[SourceLine]:
    from openpyxl.cell.cell import MergedCell

    wide = _wide_anchors(sheet)
    lines = []
    first = min((c for _, c in sheet._cells), default=1)
    last = max((c for _, c in sheet._cells), default=1)
    for rows, is_table in _blocks(_present_rows(sheet), wide):
        if not is_table:
            cell = next(c for c in rows[0] if _text(c.value))
            text = _text(cell.value)
            location = Location(
                sheet=sheet.title, row=cell.row - 1, cell=cell.column - 1, text=text
            )
            lines.append(SourceLine([SourceCell(text, location)]))
            continue
        width = max(c.column for row in rows for c in row if _text(c.value))
        count = min(width, last - first + 1)  # as iter_rows' rows cut at ``width`` had
        check("cells", count * len(rows), path=name)
        for row in rows:
            cells = [c for c in _dense(row, first, count) if not isinstance(c, MergedCell)]
            line = []
            for c in cells:
                t = _text(c.value)
                line.append(
                    SourceCell(
                        t, Location(sheet=sheet.title, row=c.row - 1, cell=c.column - 1, text=t)
                    )
                )
            lines.append(SourceLine(line, in_table=True))
    return lines


def _heading_key(line: SourceLine) -> str | None:
    if line.in_table or len(line.cells) != 1:
        return None
    return _HEADINGS.get(line.cells[0].text.replace(" ", ""))


def _splice(sheets: list[list[SourceLine]]) -> list[SourceLine]:
    """Put each table sheet after its section's text on a text sheet, when there is one."""
    text_index = next(
        (
            i
            for i, lines in enumerate(sheets)
            if not any(ln.in_table for ln in lines)
            and sum(_heading_key(ln) is not None for ln in lines) >= 2
        ),
        None,
    )
    if text_index is None:
        return [line for lines in sheets for line in lines]
    text = list(sheets[text_index])
    rest: list[SourceLine] = []
    for i, lines in enumerate(sheets):
        if i == text_index:
            continue
        key = _heading_key(lines[0]) if lines else None
        heads = [j for j, ln in enumerate(text) if _heading_key(ln) == key] if key else []
        if not heads:
            rest += lines
            continue
        end = next((j for j in range(heads[0] + 1, len(text)) if _heading_key(text[j])), len(text))
        text[end:end] = lines[1:]
    return text + rest


def read_xlsx(data: bytes, name: str | None = None) -> SourceDocument:
    """Read every sheet of an XLSX workbook into lines, sheets in reading order."""
    from openpyxl import load_workbook

    check_workbook(data, name)
    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise InputError(
            "不是可读的 Excel（XLSX）文件", f"not a readable XLSX workbook: {exc}", path=name
        ) from exc
    sheets = [
        _sheet_lines(sheet, name) for sheet in book.worksheets if sheet.sheet_state == "visible"
    ]
    lines = _splice([s for s in sheets if s])
    if not lines:
        raise InputError("Excel 文件中没有数据", "the workbook contains no data", path=name)
    return SourceDocument(lines, source=name, format_name="xlsx")
