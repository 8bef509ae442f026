"""Importing the unit tree from CSV or XLSX (one unit per row, parents before children).

Headers (Chinese or English): 代码/code, 名称/name, 类型/kind, 上级/parent (code or name),
行政区划代码/division_code, 日历地区/calendar_region, 年报栏目/report_column_url. Every row is
checked before anything is written; an error names the row and the column.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from xxgk.db.models import Unit, User
from xxgk.db.units import add_unit, get_unit, update_unit
from xxgk.errors import InputError, RegisterError
from xxgk.limits import LimitError, current_limits

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
    Also used for the register's other table imports.
    """
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # not a readable workbook
            raise InputError(f"无法读取Excel文件：{exc}", str(exc), path=str(path)) from exc
        lines = _sheet_lines(sheet, str(path))
    else:
        try:
            lines = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(
                f"无法读取CSV文件（应为UTF-8）：{exc}", str(exc), path=str(path)
            ) from exc
    if not lines:
        raise InputError("文件为空", "the file is empty", path=str(path))
    header = [headers.get(h.strip(), h.strip()) for h in lines[0]]
    missing = [h for h in required if h not in header]
    if missing:
        raise InputError(
            f"缺少列：{'、'.join(missing)}", f"missing columns {missing}", path=str(path)
        )
    return [
        dict(zip(header, (c.strip() for c in line), strict=False))
        for line in lines[1:]
        if any(line)
    ]


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


def import_units(*, session: Session, actor: User, path: Path) -> list[Unit]:
    """Create the units listed in ``path``; nothing is created when any row is wrong."""
    return import_unit_rows(session=session, actor=actor, rows=read_table(path), path=path)


UNIT_TABLE_SUFFIXES = (".csv", ".xlsx", ".xlsm")


def read_unit_file(data: bytes, name: str) -> list[dict[str, str]]:
    """Return the rows of an uploaded unit table (``data`` named ``name``): the parse the web
    runs in the worker pool, within the budgets of ``xxgk.limits``."""
    import tempfile

    base = Path(name.replace("\\", "/")).name or "units.csv"
    if not base.lower().endswith(UNIT_TABLE_SUFFIXES):
        raise InputError(
            "单位表应为 .xlsx 或 .csv 文件（列：代码、名称、类型、上级、行政区划代码）",
            "a unit table is an .xlsx or .csv file",
            path=base,
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / base
        path.write_bytes(data)
        try:
            return read_table(path)
        except InputError as exc:
            raise InputError(exc.message_zh, exc.message_en, path=base) from None


def import_unit_rows(
    *, session: Session, actor: User, rows: list[dict[str, str]], path: Path
) -> list[Unit]:
    """Create the units of ``rows`` (read by :func:`read_table`); all or nothing."""
    created: dict[str, Unit] = {}

    def add(row: dict[str, str]) -> None:
        unit = _add(session, actor, row, created)
        created[unit.code] = unit

    all_or_nothing(session, rows, add, path, ("未导入任何单位", "no unit imported"))
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
