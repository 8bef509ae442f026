"""Open data: the store as tables — one row per report, the long cell list, the findings.

``reports``: one row per current report, metadata then every canonical cell key as a column.
``cells``: one row per report and cell (unit, year, key, value, source file and place read).
``findings``: one row per finding. Written as CSV, JSONL, Parquet (one file per table) or one
XLSX workbook with a sheet per table. Rows are streamed from the database and written in
batches, so exporting a large store does not hold it in memory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Collection, Iterator
from decimal import Decimal
from itertools import islice
from pathlib import Path, PurePath
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.corpus.codec import cells_from_json, plain, provenance_dict
from xxgk.corpus.models import StoredFinding, StoredReport
from xxgk.db.models import Unit
from xxgk.errors import InputError
from xxgk.findings import Location
from xxgk.model.cells import CELL_BY_KEY, CELL_KEYS
from xxgk.spreadsheet import append_row, csv_row

FORMATS = ("csv", "xlsx", "parquet", "jsonl")
META = (
    "report_id",
    "unit_code",
    "unit",
    "organization",
    "year",
    "version",
    "published",
    "format",
    "source",
    "source_hash",
    "errors",
    "warnings",
    "late",
)
LONG = ("report_id", "unit", "year", "key", "value", "source", "place")
FINDINGS = (
    "report_id",
    "unit",
    "year",
    "code",
    "severity",
    "cross_year",
    "message",
    "cells",
    "expected",
    "actual",
    "place",
)
TABLES: dict[str, tuple[str, ...]] = {
    "reports": META + CELL_KEYS,
    "cells": LONG,
    "findings": FINDINGS,
}
LABELS: dict[str, str] = {
    "report_id": "报告编号",
    "unit_code": "单位代码",
    "unit": "单位",
    "organization": "报告主体（报告所写）",
    "year": "年度",
    "version": "版本",
    "published": "发布日期",
    "format": "格式",
    "source": "来源文件",
    "source_hash": "文件摘要",
    "errors": "错误数",
    "warnings": "警告数",
    "late": "逾期",
    "key": "单元格键",
    "value": "数值",
    "place": "原文位置",
    "code": "问题代码",
    "severity": "严重程度",
    "cross_year": "跨年度",
    "message": "说明",
    "cells": "单元格",
    "expected": "应为",
    "actual": "实为",
}
"""The Chinese header of every non-cell column; a cell column's header is its printed place."""


def header_labels(columns: tuple[str, ...]) -> list[str]:
    """Return the Chinese headers of ``columns`` (the first header row of CSV and XLSX; the
    keys follow in the second, for programs)."""
    from xxgk.model.cells import cell_title

    return [cell_title(c) if c in CELL_BY_KEY else LABELS.get(c, c) for c in columns]


XLSX_MAX_ROWS = 1_048_574
"""Data rows a sheet holds below its two header rows (Excel stops at 1,048,576 rows)."""
Rows = Iterator[dict[str, Any]]


def _units(session: Session) -> dict[int | None, tuple[str, str]]:
    return {r.id: (r.code, r.name) for r in session.execute(select(Unit.id, Unit.code, Unit.name))}


def _reports(
    session: Session, year: int | None, units: Collection[int] | None = None
) -> Iterator[StoredReport]:
    query = select(StoredReport).where(StoredReport.current)
    if year is not None:
        query = query.where(StoredReport.year == year)
    if units is not None:
        query = query.where(StoredReport.unit_id.in_(list(units)))
    yield from session.scalars(query.order_by(StoredReport.id).execution_options(yield_per=500))


def report_rows(
    session: Session, year: int | None = None, scope: Collection[int] | None = None
) -> Rows:
    """Yield the wide rows: metadata and every cell of each current report (of the units in
    ``scope``, when given)."""
    units = _units(session)
    for stored in _reports(session, year, scope):
        code, name = units.get(stored.unit_id, ("", ""))
        row = {
            "report_id": stored.id,
            "unit_code": code,
            "unit": name,
            "organization": stored.organization,
            "year": stored.year,
            "version": stored.version,
            "published": stored.published.isoformat() if stored.published else None,
            "format": stored.format,
            "source": stored.source,
            "source_hash": stored.source_hash,
            "errors": stored.errors,
            "warnings": stored.warnings,
            "late": stored.late,
        }
        row.update(cells_from_json(stored.cells))
        yield row


def cell_rows(
    session: Session, year: int | None = None, scope: Collection[int] | None = None
) -> Rows:
    """Yield the long rows: (unit, year, key, value, source, place) per report and cell."""
    units = _units(session)
    for stored in _reports(session, year, scope):
        unit = units.get(stored.unit_id, ("", stored.organization))[1] or stored.organization
        provenance = provenance_dict((stored.extra or {}).get("provenance"))
        values = cells_from_json(stored.cells)
        for key in CELL_KEYS:
            place = provenance.get(key)
            yield {
                "report_id": stored.id,
                "unit": unit,
                "year": stored.year,
                "key": key,
                "value": values[key],
                "source": stored.source,
                "place": Location.from_dict(place).describe() if place else "",
            }


def finding_rows(
    session: Session, year: int | None = None, scope: Collection[int] | None = None
) -> Rows:
    """Yield one row per finding of the current reports."""
    units = _units(session)
    query = (
        select(
            StoredReport.id,
            StoredReport.unit_id,
            StoredReport.organization,
            StoredReport.year,
            StoredFinding,
        )
        .join(StoredFinding, StoredFinding.report_id == StoredReport.id)
        .where(StoredReport.current)
    )
    if year is not None:
        query = query.where(StoredReport.year == year)
    if scope is not None:
        query = query.where(StoredReport.unit_id.in_(list(scope)))
    query = query.order_by(StoredReport.id, StoredFinding.id).execution_options(yield_per=1000)
    for rid, unit_id, organization, report_year, finding in session.execute(query):
        yield {
            "report_id": rid,
            "unit": units.get(unit_id, ("", organization))[1] or organization,
            "year": report_year,
            "code": finding.code,
            "severity": finding.severity,
            "cross_year": finding.cross_year,
            "message": finding.message,
            "cells": ";".join(finding.cells),
            "expected": finding.expected,
            "actual": finding.actual,
            "place": finding.place,
        }


SOURCES: dict[str, Callable[[Session, int | None, Collection[int] | None], Rows]] = {
    "reports": report_rows,
    "cells": cell_rows,
    "findings": finding_rows,
}


def export(
    session: Session,
    to: str,
    out_dir: Path,
    *,
    year: int | None = None,
    units: Collection[int] | None = None,
    full_paths: bool = True,
) -> list[Path]:
    """Write the three tables in format ``to`` into ``out_dir``; return the files written.

    ``units`` limits the export to the reports of those units (the web passes the viewer's
    scope; unmatched reports belong to no unit and are left out); without ``full_paths`` the
    ``source`` column names the file only, never where it lies on the server.
    """
    fmt = to.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError(
            f"不支持的导出格式“{to}”，可选：{'、'.join(FORMATS)}",
            f"unknown export format {to!r}; expected one of {', '.join(FORMATS)}",
        )
    out_dir.mkdir(parents=True, exist_ok=True)

    def rows(table: str) -> Rows:
        found = SOURCES[table](session, year, units)
        return found if full_paths else _file_names(found)

    if fmt == "xlsx":
        return [_write_xlsx(out_dir / "corpus.xlsx", rows)]
    writer = {"csv": _write_csv, "jsonl": _write_jsonl, "parquet": _write_parquet}[fmt]
    paths = []
    for table in SOURCES:
        path = out_dir / f"{table}.{fmt}"
        writer(path, TABLES[table], rows(table))
        paths.append(path)
    return paths


def _file_names(rows: Rows) -> Rows:
    """Yield ``rows`` with the ``source`` column cut to the file name."""
    for row in rows:
        if row.get("source"):
            row["source"] = PurePath(str(row["source"]).replace("\\", "/")).name
        yield row


def _write_csv(path: Path, columns: tuple[str, ...], rows: Rows) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header_labels(columns))
        writer.writerow(columns)
        for row in rows:
            writer.writerow(csv_row("" if row[c] is None else plain(row[c]) for c in columns))


def _write_jsonl(path: Path, columns: tuple[str, ...], rows: Rows) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            record = {c: _json_number(row[c]) for c in columns}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def _json_number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _write_parquet(path: Path, columns: tuple[str, ...], rows: Rows) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(c, _arrow_type(c)) for c in columns])
    with pq.ParquetWriter(path, schema) as writer:
        while batch := list(islice(rows, 2000)):
            data = {c: [_arrow_value(c, r[c]) for r in batch] for c in columns}
            writer.write_table(pa.table(data, schema=schema))


_INT_COLUMNS = {"report_id", "year", "version", "errors", "warnings"}
_BOOL_COLUMNS = {"late", "cross_year"}


def _arrow_type(column: str) -> Any:
    import pyarrow as pa

    if column in _INT_COLUMNS:
        return pa.int64()
    if column in _BOOL_COLUMNS:
        return pa.bool_()
    if column == "value" or (column in CELL_BY_KEY and CELL_BY_KEY[column].kind == "amount"):
        return pa.decimal128(20, 4)
    if column in CELL_BY_KEY:
        return pa.int64()
    return pa.string()


def _arrow_value(column: str, value: Any) -> Any:
    if value is None:
        return None
    if column == "value" or (column in CELL_BY_KEY and CELL_BY_KEY[column].kind == "amount"):
        return Decimal(value).quantize(Decimal("0.0001"))
    if column in CELL_BY_KEY or column in _INT_COLUMNS or column in _BOOL_COLUMNS:
        return value
    return str(value)


def _write_xlsx(path: Path, rows: Callable[[str], Rows]) -> Path:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for table in SOURCES:
        sheet = book.create_sheet(table)
        sheet.append(header_labels(TABLES[table]))
        sheet.append(list(TABLES[table]))
        for count, row in enumerate(rows(table), start=1):
            if count > XLSX_MAX_ROWS:
                raise InputError(
                    f"表“{table}”超过 XLSX 的行数上限（{XLSX_MAX_ROWS}行），请改用 csv 或 parquet",
                    f"table {table} exceeds the XLSX row limit; export as csv or parquet",
                    path=str(path),
                )
            append_row(sheet, (plain(row[c]) for c in TABLES[table]))
    book.save(path)
    return path
