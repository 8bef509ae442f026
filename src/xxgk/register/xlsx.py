"""The Excel 台账: one row per application with the columns an officer expects.

Import checks every row first and names the row and the column of each problem; nothing is
written when any row is wrong unless the caller asks for the valid rows only. Export writes the
same columns (plus the computed 收到日期 and 答复期限), so an exported file imports again.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from sqlalchemy.orm import Session

from xxgk.db.access import can_see_personal_data
from xxgk.db.models import Unit, User
from xxgk.errors import InputError, RegisterError, XxgkError
from xxgk.limits import LimitError, current_limits
from xxgk.records.vocab import parse_date
from xxgk.register.applications import list_applications, register_application
from xxgk.register.events import add_event
from xxgk.register.models import Application
from xxgk.register.state import live_events, status
from xxgk.register.vocab import (
    APPLICANT_TYPES,
    CHANNEL_LABELS,
    DELIVERIES,
    OUTCOMES,
    EventKind,
    channel,
    outcome,
    pick,
)
from xxgk.spreadsheet import append_row

SHEET = "申请台账"
MASK = "（仅本单位可见）"


@dataclass(frozen=True)
class Column:
    """A column of the template: header, field name, and how to read a cell."""

    header: str
    field: str
    read: Callable[[Any, str], Any]
    export_only: bool = False


def _text(value: Any, _: str) -> str:
    return "" if value is None else str(value).strip()


def _date(value: Any, header: str) -> dt.date | None:
    return parse_date(value if value not in (None, "") else None, header)


def _int(value: Any, header: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise RegisterError(f"“{value}”不是整数", f"{header}: not an integer: {value!r}") from None


COLUMNS: tuple[Column, ...] = (
    Column("申请编号", "number", _text),
    Column("收到方式", "channel", lambda v, h: channel(_text(v, h)).value),
    Column("到达日期", "arrived_on", _date),
    Column("签收日期", "signed_on", _date),
    Column("确认日期", "confirmed_on", _date),
    Column("收到日期", "received_on", _date, export_only=True),
    Column("申请人类型", "applicant_type", lambda v, h: pick(_text(v, h), APPLICANT_TYPES, h)),
    Column("申请人姓名或名称", "applicant_name", _text),
    Column("联系方式", "applicant_contact", _text),
    Column("申请内容", "request_text", _text),
    Column("获取方式", "form_wanted", _text),
    Column("补正告知日期", "correction_requested", _date),
    Column("补正收到日期", "correction_received", _date),
    Column("延期工作日数", "extension_days", _int),
    Column("延期批准日期", "extension_approved", _date),
    Column("延期告知日期", "extension_notified", _date),
    Column("办理结果", "outcome", lambda v, h: outcome(_text(v, h)) if _text(v, h) else None),
    Column("办结日期", "closed_on", _date),
    Column("送达方式", "delivery", lambda v, h: pick(_text(v, h), DELIVERIES, h) if v else None),
    Column("答复期限", "due_on", _date, export_only=True),
    Column("备注", "note", _text),
)
HEADERS = tuple(c.header for c in COLUMNS)
REQUIRED = ("收到方式", "申请人类型")
HEADER_ALIASES = {
    "编号": "申请编号",
    "申请方式": "收到方式",
    "收件方式": "收到方式",
    "申请人类别": "申请人类型",
    "申请人": "申请人姓名或名称",
    "申请人姓名": "申请人姓名或名称",
    "申请人名称": "申请人姓名或名称",
    "联系电话": "联系方式",
    "所需信息": "申请内容",
    "所需信息内容": "申请内容",
    "处理结果": "办理结果",
    "答复结果": "办理结果",
    "答复日期": "办结日期",
    "受理日期": "收到日期",
    "登记日期": "收到日期",
}
"""Headers seen in hand-kept 台账, read as the template's own headers."""


@dataclass
class ImportResult:
    """What an import did: rows written, and the problems of the rows left out."""

    imported: int = 0
    errors: list[str] = field(default_factory=list)


def export_xlsx(session: Session, unit: Unit, path: Path, *, viewer: User | None) -> int:
    """Write ``unit``'s applications to ``path``; return the number of rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    visible = can_see_personal_data(viewer, unit)
    apps = list_applications(session, unit)
    for app in apps:
        row = _row(app, visible)
        append_row(sheet, [row.get(c.field) for c in COLUMNS])
    for letter, width in zip("ABCDEFGHIJKLMNOPQRSTU", [12, 10] + [12] * 19, strict=False):
        sheet.column_dimensions[letter].width = width
    book.save(path)
    return len(apps)


def _row(app: Application, visible: bool) -> dict[str, Any]:
    events = {EventKind(e.kind): e for e in live_events(app)}
    state = status(app)
    ext = events.get(EventKind.EXTENSION)
    closing = state.closing
    row: dict[str, Any] = {
        "number": app.number,
        "channel": CHANNEL_LABELS[channel(app.channel)],
        "arrived_on": app.arrived_on,
        "signed_on": app.signed_on,
        "confirmed_on": app.confirmed_on,
        "received_on": app.received_on,
        "applicant_type": APPLICANT_TYPES[app.applicant_type],
        "applicant_name": app.applicant_name if visible else MASK,
        "applicant_contact": app.applicant_contact if visible else MASK,
        "request_text": app.request_text,
        "form_wanted": app.form_wanted,
        "correction_requested": _on(events.get(EventKind.CORRECTION_REQUESTED)),
        "correction_received": _on(events.get(EventKind.CORRECTION_RECEIVED)),
        "extension_days": ext.days if ext else None,
        "extension_approved": ext.approved_on if ext else None,
        "extension_notified": ext.notified_on if ext else None,
        "outcome": OUTCOMES[state.outcome] if state.outcome else None,
        "closed_on": state.closed_on,
        "delivery": DELIVERIES[closing.delivery] if closing and closing.delivery else None,
        "due_on": app.due_on,
        "note": closing.note if closing else "",
    }
    return row


def _on(event: Any) -> dt.date | None:
    return event.on if event is not None else None


Rows = list[tuple[int, dict[str, Any]]]


def import_xlsx(
    *,
    session: Session,
    unit: Unit,
    actor: User,
    path: Path,
    valid_only: bool = False,
    rows: Rows | None = None,
) -> ImportResult:
    """Import the applications of ``path`` into ``unit``'s register.

    ``rows`` are those ``read_rows`` already read from the file (the web application reads
    uploads in its worker pool); ``path`` then only names the file in messages.
    """
    if rows is None:
        rows = read_rows(path.read_bytes(), str(path))
    result = ImportResult()
    parsed: list[tuple[int, dict[str, Any]]] = []
    for number, raw in rows:
        values, errors = _parse(number, raw)
        result.errors += errors
        if not errors:
            parsed.append((number, values))
    if result.errors and not valid_only:
        raise RegisterError(
            f"{len(result.errors)}处错误，未导入任何数据：" + "；".join(result.errors[:20]),
            "nothing imported: rows have errors",
            path=str(path),
        )
    for number, values in parsed:
        try:
            _write(session, unit, actor, values)
        except RegisterError as exc:
            session.rollback()
            raise RegisterError(
                f"第{number}行：{exc.message_zh}；未导入任何数据", exc.message_en, path=str(path)
            ) from exc
        result.imported += 1
    return result


MAX_COLUMNS = 64
"""Columns read from a 台账 sheet (the template has fewer than 30): the declared dimension
of a hostile file could otherwise pad every row to 16,384 columns."""


def read_rows(data: bytes, name: str) -> Rows:
    """Return the numbered rows of a 台账 workbook, within the budgets of ``xxgk.limits``."""
    from xxgk.ooxml import check_workbook

    path = name
    check_workbook(data, name)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        lines = _bounded_rows(sheet, name)
    except XxgkError:
        raise
    except Exception as exc:  # any reading failure: the file is not a usable workbook
        raise InputError(
            f"无法读取Excel文件：{exc}", f"cannot read workbook: {exc}", path=str(path)
        ) from exc
    if not lines:
        raise InputError("Excel文件为空", "the workbook is empty", path=str(path))
    header = [_header(h) for h in lines[0]]
    missing = [h for h in REQUIRED if h not in header]
    if not {"到达日期", "收到日期"} & set(header):
        missing.append("到达日期（或收到日期）")
    if missing:
        raise InputError(
            f"缺少列：{'、'.join(missing)}（第1行应为表头）",
            f"missing columns: {missing}",
            path=str(path),
        )
    return [
        (i, dict(zip(header, line, strict=False)))
        for i, line in enumerate(lines[1:], start=2)
        if any(v not in (None, "") for v in line)
    ]


def _bounded_rows(sheet: Any, name: str) -> list[tuple[Any, ...]]:
    """Return the sheet's rows; read-only openpyxl pads missing rows up to the declared
    dimension, so the rows budget counts those too (a far cell is refused, not walked)."""
    budget = current_limits().rows
    lines = []
    for line in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
        lines.append(line)
        if len(lines) > budget:
            raise LimitError("rows", budget, path=name)
    return lines


def _header(value: Any) -> str:
    text = "" if value is None else "".join(str(value).split())
    return HEADER_ALIASES.get(text, text)


def _parse(number: int, raw: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    values: dict[str, Any] = {}
    errors = []
    for column in COLUMNS:
        if column.export_only:
            continue
        try:
            values[column.field] = column.read(raw.get(column.header), column.header)
        except RegisterError as exc:
            errors.append(f"第{number}行“{column.header}”列：{exc.message_zh}")
    if "到达日期" not in raw and not errors:
        _legacy_receipt(number, raw, values, errors)
    if not errors and bool(values["outcome"]) != bool(values["closed_on"]):
        errors.append(f"第{number}行“办理结果”列：办理结果和办结日期必须同时填写")
    return values, errors


def _legacy_receipt(
    number: int, raw: dict[str, Any], values: dict[str, Any], errors: list[str]
) -> None:
    """A sheet with only 收到日期 (no 到达/签收/确认日期): that day is the date of receipt."""
    try:
        received = _date(raw.get("收到日期"), "收到日期")
    except RegisterError as exc:
        errors.append(f"第{number}行“收到日期”列：{exc.message_zh}")
        return
    if received is None:
        errors.append(f"第{number}行“收到日期”列：未填写")
        return
    for key in ("arrived_on", "signed_on", "confirmed_on"):
        values[key] = values[key] or received


def _write(session: Session, unit: Unit, actor: User, v: dict[str, Any]) -> None:
    app = register_application(
        session=session,
        unit=unit,
        actor=actor,
        channel_name=v["channel"],
        applicant_type=v["applicant_type"],
        arrived_on=v["arrived_on"],
        signed_on=v["signed_on"],
        confirmed_on=v["confirmed_on"],
        applicant_name=v["applicant_name"],
        applicant_contact=v["applicant_contact"],
        request_text=v["request_text"],
        form_wanted=v["form_wanted"],
        number=v["number"] or None,
    )

    def event(kind: EventKind, on: dt.date | None, **extra: Any) -> None:
        if on is not None:
            add_event(session=session, actor=actor, application=app, kind=kind, on=on, **extra)

    event(EventKind.CORRECTION_REQUESTED, v["correction_requested"])
    event(EventKind.CORRECTION_RECEIVED, v["correction_received"])
    if v["extension_days"]:
        first = v["extension_approved"] or v["extension_notified"] or app.received_on
        event(
            EventKind.EXTENSION,
            first,
            days=v["extension_days"],
            approved_on=v["extension_approved"],
            notified_on=v["extension_notified"],
        )
    if v["outcome"]:
        event(
            EventKind.REPLY,
            v["closed_on"],
            outcome_name=v["outcome"],
            delivery=v["delivery"],
            note=v["note"],
        )
