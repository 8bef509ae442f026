"""Plain-text views of the register for people: application lines, details, the due list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from xxgk.db.access import can_see_personal_data
from xxgk.db.models import Unit, User
from xxgk.register.applications import list_applications
from xxgk.register.caldb import unit_calendar
from xxgk.register.calendar import Calendar
from xxgk.register.deadline import compute_deadline
from xxgk.register.models import Application
from xxgk.register.state import Status, facts, status
from xxgk.register.vocab import APPLICANT_TYPES, CHANNEL_LABELS, OUTCOMES, Channel, EventKind

MASK = "***"


def state_label(app: Application, known: Status | None = None) -> str:
    """Return 办理中 / 待补正（补正期限至…） / 已办结（结果） / 已作废 (``known``: the
    application's ``status``, when the caller has already worked it out)."""
    if app.void:
        return "已作废"
    state = status(app) if known is None else known
    if state.is_open:
        until = getattr(app, "correction_due", None)
        return f"待补正（补正期限至{until}）" if until else "办理中"
    return f"已办结（{OUTCOMES.get(state.outcome or '', '无结果')}）"


def due_text(app: Application) -> str:
    """Return the stored deadline as people read it: the date with （暂定） and why, or, while
    waiting for 补正, that no reply period runs."""
    if app.due_on is None:
        return "待补正，暂不计算答复期限" if getattr(app, "correction_due", None) else "—"
    note = getattr(app, "due_note", "") or ""
    if app.due_provisional:
        return f"{app.due_on}（暂定：{note}）" if note else f"{app.due_on}（暂定）"
    return str(app.due_on)


def application_line(app: Application) -> str:
    """Return one line: number, received, applicant type, deadline, state."""
    return (
        f"{app.number}  收到{app.received_on}  {APPLICANT_TYPES[app.applicant_type]}  "
        f"期限{due_text(app)}  {state_label(app)}"
    )


def application_detail(session: Session, app: Application, viewer: User | None) -> str:
    """Return the full record with events and the explained deadline."""
    visible = can_see_personal_data(viewer, app.unit)
    lines = [
        f"申请编号：{app.number}（{app.unit.name}）",
        f"收到方式：{CHANNEL_LABELS[Channel(app.channel)]}；收到日期：{app.received_on}",
        f"申请人：{app.applicant_name if visible else MASK}"
        f"（{APPLICANT_TYPES[app.applicant_type]}）；联系方式："
        f"{app.applicant_contact if visible else MASK}",
        f"申请内容：{app.request_text}",
        f"获取方式：{app.form_wanted}",
        f"状态：{state_label(app)}",
        "事件：",
    ]
    for event in app.events:
        extra = OUTCOMES.get(event.outcome or "", "")
        lines.append(
            f"  #{event.id} {event.on} {EventKind(event.kind).label} {extra} "
            f"{event.note} （{event.actor_name}）".rstrip()
        )
    calendar = unit_calendar(session, app.unit)
    deadline = compute_deadline(facts(app, calendar=calendar), calendar)
    lines.append("答复期限：")
    lines += [f"  {line}" for line in deadline.explanation]
    return "\n".join(lines)


@dataclass(frozen=True)
class DueItem:
    """An open application with its deadline and the working days left (negative: overdue).

    While it waits for 补正, ``due`` is the applicant's correction period and ``waiting`` True:
    no reply period runs then (art. 30), so it is never overdue.
    """

    app: Application
    due: dt.date
    left: int
    provisional: bool
    waiting: bool = False
    warning: str = ""


_LEFT_CACHE: dict[tuple[str, dt.date, dt.date], int] = {}


def working_days_left(calendar: Calendar, today: dt.date, due: dt.date) -> int:
    """Return the working days from ``today`` to ``due`` (negative once overdue).

    Counting walks the calendar day by day, so results are kept per calendar version, day and
    deadline: a list of a thousand applications shares a few dozen deadlines.
    """
    key = (calendar.version, today, due)
    if key not in _LEFT_CACHE:
        if len(_LEFT_CACHE) > 20000:
            _LEFT_CACHE.clear()
        if due >= today:
            _LEFT_CACHE[key] = len(calendar.working_days(today, due))
        else:
            _LEFT_CACHE[key] = -len(calendar.working_days(due, today)) or -1
    return _LEFT_CACHE[key]


def due_list(
    session: Session, units: list[Unit], today: dt.date, within: int | None
) -> list[DueItem]:
    """Return open applications, most urgent first; only those due within ``within`` days."""
    items = []
    for unit in units:
        calendar = unit_calendar(session, unit)
        for app in list_applications(session, unit):
            if not status(app).is_open:
                continue
            deadline = compute_deadline(facts(app, calendar=calendar), calendar)
            waiting = deadline.waiting is not None
            due = deadline.waiting.until if deadline.waiting else deadline.date
            assert due is not None
            left = working_days_left(calendar, today, due)
            if within is None or left <= within:
                items.append(
                    DueItem(app, due, left, deadline.provisional, waiting, deadline.warning)
                )
    return sorted(items, key=lambda i: (i.due, i.app.number))


def due_line(item: DueItem) -> str:
    """Return a line of the due list."""
    if item.waiting:
        passed = "已过，可按逾期未补正办结" if item.left < 0 else f"剩余{item.left}个工作日"
        return (
            f"{item.app.unit.name}  {item.app.number}  待补正（补正期限{item.due}，{passed}）"
            "  暂不计算答复期限"
        )
    if item.left < 0:
        state = f"已逾期{-item.left}个工作日"
    elif item.left == 0:
        state = "今日到期"
    else:
        state = f"剩余{item.left}个工作日"
    mark = f"（暂定：{item.warning}）" if item.warning else "（暂定）" if item.provisional else ""
    return f"{item.app.unit.name}  {item.app.number}  期限{item.due}{mark}  {state}"
