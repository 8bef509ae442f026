"""Cells that a spreadsheet must show as text, never run as formulas (CSV/formula injection).

An applicant may call themselves ``=HYPERLINK("http://x","y")``; written as it is into an XLSX
or CSV, Excel or WPS would turn it into a live formula in the officer's hands. Every XLSX and
CSV writer of xxgk passes its text cells through this module (OWASP "CSV injection"):

- XLSX: a text cell beginning with ``= + - @``, tab or CR is stored as a string cell (type
  ``s``, with Excel's quote prefix), so it is shown exactly as typed and never evaluated;
- CSV: such a cell gets a leading apostrophe, which spreadsheets take as "this is text".

Numbers, dates and other non-text values pass unchanged (a negative number stays a number).
Kept free of every other xxgk module so that any layer may use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    """Return True when ``value`` is text a spreadsheet might take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def csv_value(value: Any) -> Any:
    """Return ``value`` as a CSV cell: formula-like text is prefixed with an apostrophe."""
    return "'" + value if looks_like_formula(value) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """Return a CSV row of safe cells."""
    return [csv_value(v) for v in values]


def csv_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """Return a ``csv.DictWriter`` record of safe cells."""
    return {k: csv_value(v) for k, v in row.items()}


def set_cell(cell: Any, value: Any) -> Any:
    """Write ``value`` into an openpyxl ``cell``, as text when it looks like a formula."""
    cell.value = value
    if looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """Append a row to an openpyxl worksheet (normal or write-only) with every formula-like
    text cell kept as text."""
    from openpyxl.cell import WriteOnlyCell

    row = []
    for value in values:
        if looks_like_formula(value):
            cell = WriteOnlyCell(sheet, value)
            cell.data_type = "s"
            cell.quotePrefix = True
            row.append(cell)
        else:
            row.append(value)
    sheet.append(row)


BOM = "\ufeff"
"""Excel and WPS read a CSV as UTF-8 only when it starts with this mark."""


def csv_document(columns: Sequence[tuple[str, str]], rows: Iterable[Iterable[Any]]) -> str:
    """Return a CSV a Chinese reader can open: a BOM, the Chinese headers, the canonical keys
    in a second header row, then ``rows`` with every formula-like cell kept as text.

    ``columns`` are ``(Chinese label, key)`` pairs.
    """
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([label for label, _ in columns])
    writer.writerow([key for _, key in columns])
    writer.writerows(csv_row(row) for row in rows)
    return BOM + buffer.getvalue()


def dictionary_sheet(book: Any, columns: Sequence[tuple[str, str, str]]) -> None:
    """Add a 数据字典 sheet to an openpyxl ``book``: one row per column with its Chinese
    header, its canonical key and what it holds (``columns``: label, key, description)."""
    sheet = book.create_sheet("数据字典")
    append_row(sheet, ["列名", "字段", "说明"])
    for label, key, description in columns:
        append_row(sheet, [label, key, description])
