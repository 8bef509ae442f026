"""Importing the unit tree from CSV or XLSX (one unit per row, parents before children).

Headers (Chinese or English): 代码/code, 名称/name, 类型/kind, 上级/parent (code or name),
行政区划代码/division_code, 日历地区/calendar_region, 年报栏目/report_column_url. Every row is
checked before anything is written; an error names the row and the column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from xxgk.db.models import Unit, User
from xxgk.db.units import add_unit, get_unit, update_unit
from xxgk.errors import InputError, RegisterError, XxgkError
from xxgk.limits import LimitError, check, current_limits
from xxgk.ooxml import check_workbook

HEADERS = {
    "代码": "code",
    "code": "code",
    "名称": "name",
    "name": "name",
    "类型": "kind",
    "kind": "kind",
    "上级": "parent",
    "parent": "parent",
    "行政区划代码": "division_code",
    "division_code": "division_code",
    "日历地区": "calendar_region",
    "calendar_region": "calendar_region",
    "年报栏目": "report_column_url",
    "report_column_url": "report_column_url",
}
REQUIRED = ("code", "name", "kind")


def read_table(
    path: Path, headers: dict[str, str] = HEADERS, required: tuple[str, ...] = REQUIRED
) -> list[dict[str, str]]:
    """Return the rows of a CSV (UTF-8, with or without BOM) or XLSX file as field dicts.

    ``headers`` maps printed headers to field names; ``required`` fields must have a column.
    Also used for the register's other table imports. The file is refused before it is read
    when it is over the bytes budget (``xxgk.limits``).
    """
    try:
        check("upload_bytes", path.stat().st_size, path=str(path))
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"无法读取文件：{exc.strerror or exc}", f"cannot read the file: {exc}", path=str(path)
        ) from None
    return read_table_data(data, str(path), headers, required)


def read_table_data(
    data: bytes, name: str, headers: dict[str, str] = HEADERS, required: tuple[str, ...] = REQUIRED
) -> list[dict[str, str]]:
    """Return the rows of an uploaded CSV or XLSX table (``name`` says which) as field dicts,
    within the budgets of ``xxgk.limits``: the bytes, the workbook's package (zip members,
    decompressed size) and the rows and cells its sheets really hold are checked before
    openpyxl reads it. This is the job the web runs in its worker pool."""
    check("upload_bytes", len(data), path=name)
    if name.lower().endswith((".xlsx", ".xlsm")):
        lines = _workbook_lines(data, name)
    else:
        lines = _csv_lines(data, name)
    if not lines:
        raise InputError("文件为空", "the file is empty", path=name)
    header = [headers.get(h.strip(), h.strip()) for h in lines[0]]
    missing = [h for h in required if h not in header]
    if missing:
        raise InputError(f"缺少列：{'、'.join(missing)}", f"missing columns {missing}", path=name)
    return [
        dict(zip(header, (c.strip() for c in line), strict=False))
        for line in lines[1:]
        if any(line)
    ]


def _workbook_lines(data: bytes, name: str) -> list[list[str]]:
    from openpyxl import load_workbook

    check_workbook(data, name)
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        return _sheet_lines(sheet, name)
    except XxgkError:
        raise
    except Exception as exc:  # any reading failure: the file is not a usable workbook
        raise InputError(
            f"文件已损坏或格式不受支持（无法读取Excel文件：{exc}）",
            f"not a readable workbook: {exc}",
            path=name,
        ) from exc


def _csv_lines(data: bytes, name: str) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"无法读取CSV文件（应为UTF-8）：{exc}", str(exc), path=name) from exc
    check("text_chars", len(text), path=name)
    try:
        return list(csv.reader(text.splitlines()))
    except csv.Error as exc:
        raise InputError(f"无法读取CSV文件：{exc}", str(exc), path=name) from exc


TABLE_COLUMNS = 64
"""Columns read of an imported table (the widest import has a dozen): openpyxl pads every
row to the declared width, which a hostile workbook sets to 16,384."""


def _sheet_lines(sheet: Any, path: str) -> list[list[str]]:
    """Return the sheet's rows as text, bounded: at most ``TABLE_COLUMNS`` columns and the
    ``rows`` budget of ``xxgk.limits`` (a far-away cell makes openpyxl walk every row up to
    it, so the walk stops at the budget instead of trusting the declared dimension)."""
    budget = current_limits().rows
    lines: list[list[str]] = []
    for number, row in enumerate(
        sheet.iter_rows(max_col=TABLE_COLUMNS, max_row=budget + 1, values_only=True), start=1
    ):
        if number > budget:
            raise LimitError("rows", budget, path=path)
        lines.append([_cell(v) for v in row])
    return lines


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value)


def all_or_nothing(
    session: Session,
    rows: list[dict[str, str]],
    add: Callable[[dict[str, str]], object],
    path: Path,
    nothing: tuple[str, str] = ("未导入任何数据", "nothing imported"),
) -> None:
    """Apply ``add`` to every row; when any row fails, roll the session back and raise one
    error naming each wrong row (numbered as in the file, below its header line)."""
    errors = []
    for number, row in enumerate(rows, start=2):
        try:
            add(row)
        except RegisterError as exc:
            errors.append(f"第{number}行：{exc.message_zh}")
    if errors:
        session.rollback()
        raise RegisterError(nothing[0] + "：" + "；".join(errors[:20]), nothing[1], path=str(path))


UNIT_TABLE_SUFFIXES = (".csv", ".xlsx", ".xlsm")


def read_unit_file(data: bytes, name: str) -> list[dict[str, str]]:
    """Return the rows of an uploaded unit table (``data`` named ``name``), refusing anything
    but .xlsx/.csv by name first: the job the web runs in its worker pool."""
    base = Path(name.replace("\\", "/")).name or "units.csv"
    if not base.lower().endswith(UNIT_TABLE_SUFFIXES):
        raise InputError(
            "单位表应为 .xlsx 或 .csv 文件（列：代码、名称、类型、上级、行政区划代码）",
            "a unit table is an .xlsx or .csv file",
            path=base,
        )
    return read_table_data(data, base)


def import_units(
    *, session: Session, actor: User, path: Path, rows: list[dict[str, str]] | None = None
) -> list[Unit]:
    """Create the units listed in ``path`` (or its ``rows``, read already within the
    ceilings by the caller); nothing is created when any row is wrong."""
    created: dict[str, Unit] = {}

    def add(row: dict[str, str]) -> None:
        unit = _add(session, actor, row, created)
        created[unit.code] = unit

    table = read_table(path) if rows is None else rows
    all_or_nothing(session, table, add, path, ("未导入任何单位", "no unit imported"))
    return list(created.values())


def _add(session: Session, actor: User, row: dict[str, Any], new: dict[str, Unit]) -> Unit:
    for column in REQUIRED:
        if not row.get(column):
            raise RegisterError(f"“{column}”列为空", f"column {column} is empty")
    parent_ref = row.get("parent") or ""
    parent = new.get(parent_ref) or (get_unit(session, parent_ref) if parent_ref else None)
    unit = add_unit(
        session=session,
        actor=actor,
        code=row["code"],
        name=row["name"],
        kind=row["kind"],
        parent=parent,
        division_code=row.get("division_code") or None,
        calendar_region=row.get("calendar_region") or None,
    )
    if row.get("report_column_url"):
        update_unit(
            session=session,
            actor=actor,
            unit=unit,
            report_column_url=row["report_column_url"],
            reason="导入单位时填写年报栏目",
        )
    return unit
