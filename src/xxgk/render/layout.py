"""The three tables of the 30号 template as grids of spanning cells, built from ``model.cells``.

Every graphical renderer (DOCX, HTML, XLSX) draws the same grid, so the merged header cells,
the row order and the 勾稽 note are declared once here, in the shape of
``shared/spec/official-tables.html``: a table is a list of rows, a row lists the cells that
*start* in it (like ``<td>`` elements), each with its row and column span.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from xxgk.model.cells import (
    APPLICANT_HEADER,
    FORMAT_2019,
    FORMAT_2021,
    ITEM_CONTENT_HEADER,
    LEGAL_PERSON_COLUMNS,
    LEGAL_PERSON_GROUP,
    LITIGATION_HEADER,
    REQUEST_COLUMNS,
    REQUESTS_NOTE,
    RESULTS_GROUP,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    SECTION_BY_KEY,
    ActiveBlock,
    Row,
    active_blocks_for,
    request_key,
    request_rows_for,
    review_key,
)
from xxgk.model.report import Report, Value

Role = Literal["corner", "block", "header", "label", "group", "value"]


@dataclass(frozen=True)
class GridCell:
    """One printed cell: its text (empty for value cells), span, role and, for values, key."""

    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    role: Role = "value"
    key: str | None = None


@dataclass(frozen=True)
class TableLayout:
    """One official table: which section it belongs to, its width and its rows of cells."""

    key: str
    heading: str
    columns: int
    rows: tuple[tuple[GridCell, ...], ...]
    header_rows: int
    widths: tuple[float, ...] = ()
    """Share of the table width of each column (sums to 1); empty means equal columns."""

    def column_widths(self) -> tuple[float, ...]:
        return self.widths or (1 / self.columns,) * self.columns

    def positions(self) -> list[tuple[int, int, GridCell]]:
        """Return ``(row, column, cell)`` for every cell, resolving spans like a browser does."""
        taken: set[tuple[int, int]] = set()
        out = []
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while (r, c) in taken:
                    c += 1
                out.append((r, c, cell))
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        taken.add((r + dr, c + dc))
                c += cell.colspan
        return out


def _h(text: str, colspan: int = 1, rowspan: int = 1, role: Role = "header") -> GridCell:
    return GridCell(text, rowspan, colspan, role)


def _v(key: str, colspan: int = 1) -> GridCell:
    return GridCell("", 1, colspan, "value", key)


def active_keys(format_version: str, block: ActiveBlock, row: Row) -> list[str]:
    """Return the keys of a printed Table 二 row's value cells, left to right.

    In the 2021 format only block (一) has a cell per column; in 2019 every block has, and the
    keys are those of ``Report.legacy``.
    """
    if format_version == FORMAT_2019 or block.key == "documents":
        return [f"active.{row.key}.{c.key}" for c in block.columns]
    return [f"active.{row.key}"]


def cell_value(report: Report, key: str) -> Value:
    """Return the value printed for ``key``: a canonical cell, or a 2019 format's own cell."""
    if key in report.values:
        return report.values[key]
    return report.legacy.get(key)


def _active_table(format_version: str = FORMAT_2021) -> TableLayout:
    rows: list[tuple[GridCell, ...]] = []
    for block in active_blocks_for(format_version):
        rows.append((_h(block.header, 4, role="block"),))
        keys_of = [active_keys(format_version, block, row) for row in block.rows]
        if len(keys_of[0]) > 1:
            span = 4 - len(block.columns)
            labels = [_h(c.label) for c in block.columns]
            if span > 1:
                labels[-1] = _h(block.columns[-1].label, span)
            rows.append((_h(ITEM_CONTENT_HEADER), *labels))
            for row, keys in zip(block.rows, keys_of, strict=True):
                values = [_v(k) for k in keys]
                if span > 1:
                    values[-1] = _v(keys[-1], span)
                rows.append((_h(row.label, role="label"), *values))
        else:
            rows.append((_h(ITEM_CONTENT_HEADER), _h(block.columns[0].label, 3)))
            for row, keys in zip(block.rows, keys_of, strict=True):
                rows.append((_h(row.label, role="label"), _v(keys[0], 3)))
    return TableLayout(
        "active", SECTION_BY_KEY["active"].heading, 4, tuple(rows), 0, (0.34, 0.22, 0.22, 0.22)
    )


def _request_label_cells(rows: tuple[Row, ...], index: int) -> tuple[GridCell, ...]:
    row = rows[index]
    if not row.group:
        return (_h(row.printed, 3, role="label"),)
    cells: list[GridCell] = []
    results = [r for r in rows if r.group]
    if row is results[0]:
        cells.append(_h(RESULTS_GROUP, 1, len(results), "group"))
    if row.group == RESULTS_GROUP:
        return (*cells, _h(row.printed, 2, role="label"))
    group_rows = [r for r in rows if r.group == row.group]
    if group_rows[0] is row:
        cells.append(_h(row.group, 1, len(group_rows), "group"))
    return (*cells, _h(row.printed, role="label"))


def _requests_table(format_version: str = FORMAT_2021) -> TableLayout:
    rows: list[tuple[GridCell, ...]] = [
        (_h(REQUESTS_NOTE, 3, 3, "corner"), _h(APPLICANT_HEADER, 7)),
        (
            _h(REQUEST_COLUMNS[0].label, 1, 2),
            _h(LEGAL_PERSON_GROUP, 5),
            _h(REQUEST_COLUMNS[-1].label, 1, 2),
        ),
        tuple(_h(c.label) for c in LEGAL_PERSON_COLUMNS),
    ]
    printed = request_rows_for(format_version)
    for i, row in enumerate(printed):
        values = tuple(_v(request_key(row.key, c.key)) for c in REQUEST_COLUMNS)
        rows.append((*_request_label_cells(printed, i), *values))
    widths = (0.07, 0.095, 0.265) + (0.57 / 7,) * 7
    return TableLayout("requests", SECTION_BY_KEY["requests"].heading, 10, tuple(rows), 3, widths)


def _review_table() -> TableLayout:
    review, *litigation = REVIEW_GROUPS
    rows: tuple[tuple[GridCell, ...], ...] = (
        (_h(review.label, 5, 2), _h(LITIGATION_HEADER, 10)),
        tuple(_h(g.label, 5) for g in litigation),
        tuple(_h(c.label) for _ in REVIEW_GROUPS for c in REVIEW_COLUMNS),
        tuple(_v(review_key(g.key, c.key)) for g in REVIEW_GROUPS for c in REVIEW_COLUMNS),
    )
    heading = SECTION_BY_KEY["review_litigation"].heading
    return TableLayout("review_litigation", heading, 15, rows, 3)


TABLES: tuple[TableLayout, ...] = (_active_table(), _requests_table(), _review_table())
"""Table 二, 三 and 四 in the official layout."""
TABLE_BY_SECTION = {t.key: t for t in TABLES}
_TABLE_BY_SECTION_2019 = {
    t.key: t for t in (_active_table(FORMAT_2019), _requests_table(FORMAT_2019), TABLES[2])
}


def tables_for(report: Report) -> dict[str, TableLayout]:
    """Return the three tables as ``report``'s format prints them, keyed by section (shared:
    read, do not change)."""
    return _TABLE_BY_SECTION_2019 if report.format == FORMAT_2019 else TABLE_BY_SECTION


MISSING_TITLE = "缺少数据"
"""Tooltip / comment of a cell whose value is missing; the cell itself stays empty."""


def format_value(value: Value) -> str:
    """Return a value as printed: counts as integers, amounts without trailing zeros."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def report_title(report: Report) -> str:
    """Return the title to print: the report's own, or one built from unit and year."""
    if report.title:
        return report.title
    unit = report.organization or ""
    year = f"{report.year}年" if report.year else ""
    return f"{unit}{year}政府信息公开工作年度报告"


def chinese_date(report: Report) -> str:
    """Return the 落款 date as 2025年1月20日, or ``""`` when the report has none."""
    d = report.published
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def signature_name(report: Report) -> str:
    """Return the 落款 name: the organization unless the report printed another signature."""
    return report.signature or report.organization or ""


def paragraphs(text: str) -> list[str]:
    """Split a section text into its paragraphs, dropping blank lines."""
    return [p.strip() for p in text.splitlines() if p.strip()]
