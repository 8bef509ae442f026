"""The findings of the units' reports for a year with their triage marks, as CSV and XLSX.

One row per finding of each unit's current report (the one its campaign status was read from):
unit, version, severity, what the rule found, the cells, the supervisor's mark, reason, who and
when. Chinese headers for the office, the canonical keys in a second header row (CSV) or a 数据字典
sheet (XLSX); every text cell through ``xxgk.spreadsheet`` so nothing runs as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy.orm import Session

from xxgk.campaign.drilldown import CROSS_YEAR_TAG, current_findings
from xxgk.campaign.triage import Triaged
from xxgk.db.models import Unit
from xxgk.model.cells import CELL_BY_KEY, cell_title
from xxgk.spreadsheet import append_row, csv_document, dictionary_sheet

COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("单位", "unit", "报告主体名称"),
    ("年度", "year", "报告年度"),
    ("状态", "status", "该单位本年度报告的状态（与汇总与对比页一致）"),
    ("版本", "version", "发现问题的报告版本"),
    ("严重程度", "severity", "错误、警告或提示"),
    ("问题", "title", "问题类别"),
    ("说明", "message", "发现的具体情况"),
    ("单元格", "cells", "问题所在单元格（表、行、列）"),
    ("单元格键", "cell_keys", "问题所在单元格的规范键名"),
    ("跨年度", "cross_year", "是否为与上年度报告对比发现的问题"),
    ("标记", "verdict", "督查标记：确认、驳回、需重新核对或未标记"),
    ("标记理由", "reason", "标记时填写的理由"),
    ("标记人", "marked_by", "作出标记的用户"),
    ("标记时间", "marked_at", "标记时间（UTC）"),
    ("问题代码", "code", "规则代码（供技术人员查阅）"),
)
HEADERS = [(label, key) for label, key, _ in COLUMNS]


def _cells(keys: Sequence[str]) -> str:
    return "；".join(cell_title(k) for k in keys if k in CELL_BY_KEY)


def _row(unit: Unit, year: int, status: str, item: Triaged) -> list[Any]:
    mark = item.mark or item.stale
    f = item.finding
    return [
        unit.name,
        year,
        status,
        item.version if item.version is not None else "",
        f.severity.label,
        f.kind.title,
        f.message,
        _cells(f.cells),
        " ".join(f.cells),
        "是" if CROSS_YEAR_TAG in f.kind.tags else "",
        item.describe(),
        mark.reason if mark else "",
        mark.marked_by if mark else "",
        mark.marked_at.strftime("%Y-%m-%d %H:%M") if mark else "",
        f.code,
    ]


def finding_rows(session: Session, units: Sequence[Unit], year: int) -> Iterator[list[Any]]:
    """Yield one row (``COLUMNS`` order) per finding of each unit's report for ``year``."""
    for unit in units:
        view, findings = current_findings(session, unit, year)
        label = view.status.label
        for item in findings:
            yield _row(unit, year, label, item)


def findings_csv(session: Session, units: Sequence[Unit], year: int) -> bytes:
    """Return the findings with their marks as CSV (BOM, Chinese headers, keys row)."""
    return csv_document(HEADERS, finding_rows(session, units, year)).encode("utf-8")


def findings_xlsx(session: Session, units: Sequence[Unit], year: int) -> bytes:
    """Return the findings with their marks as an XLSX workbook with a 数据字典 sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "问题清单"
    append_row(sheet, [label for label, _ in HEADERS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in finding_rows(session, units, year):
        append_row(sheet, row)
    sheet.freeze_panes = "A2"
    dictionary_sheet(book, COLUMNS)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
