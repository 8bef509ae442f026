"""A frozen copy of the desk and the menu badge as they were before both were kept per unit
(session 8): the oracle the property tests compare the library with.

Written to stay as it was: every application of each unit read and checked afresh on every
call (``check_application`` directly, no memory), the report's gate compiled from those
applications, and the badge's one ``COUNT`` statement as it was. Only the badge's horizon
differs from the code it was copied from: it is worked out with each unit's own calendar
(the fix of session 8), by summing the old count per unit. And one addition of session 8:
the 补正 periods of cases whose notice was recorded without a letter in xxgk
(``_recorded_corrections``), which the old desk missed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, and_, bindparam, exists, func, select
from sqlalchemy.orm import Session, aliased

from xxgk.db.models import Unit, User
from xxgk.disclosure.models import Item
from xxgk.disclosure.workflow import actionable_states, waiting_for
from xxgk.findings import Severity
from xxgk.register.caldb import unit_calendar
from xxgk.register.calendar import Calendar
from xxgk.register.casework_models import Letter
from xxgk.register.checks import check_application
from xxgk.register.desk import DUE_SOON, PERIOD_SOON, CaseLine, Desk
from xxgk.register.filing import STATE_LABELS, filing_gate, state_of
from xxgk.register.letters import ANSWER_DAYS, KIND_LABELS, LetterKind, period_end
from xxgk.register.models import Application, Event
from xxgk.register.queries import light_applications
from xxgk.register.state import live_events, status
from xxgk.register.views import working_days_left
from xxgk.register.vocab import CLOSING, EventKind


def oracle_desk(
    session: Session, user: User, units: list[Unit], today: dt.date, report_year: int
) -> Desk:
    """Return the desk of ``user`` over ``units`` as the code before session 8 built it."""
    desk = Desk()
    read: dict[int, list[Any]] = {}
    for unit in units:
        calendar = unit_calendar(session, unit)
        read[unit.id] = _case_lines(session, unit, calendar, today, desk)
        _letters(session, unit, calendar, today, desk)
        _recorded_corrections(session, unit, calendar, today, desk, read[unit.id])
    _disclosure(session, user, [u.id for u in units], desk)
    own = [u for u in units if u.id == user.unit_id] or units[:1]
    for unit in own:
        state = state_of(session, unit, report_year)
        blockers = 0
        if state != "published":
            gate = filing_gate(session, unit, report_year, apps=read.get(unit.id))
            blockers = len(gate.errors)
        desk.reports.append((unit, report_year, STATE_LABELS[state], blockers))
    for lines in (desk.overdue, desk.due_soon, desk.corrections_ending):
        lines.sort(key=lambda line: (line.left, line.number))
    return desk


def _case_lines(
    session: Session, unit: Unit, calendar: Calendar, today: dt.date, desk: Desk
) -> list[Any]:
    apps: list[Any] = light_applications(session, [unit.id])
    for app in apps:
        found = [
            f
            for f in check_application(app, calendar, today=today)
            if f.severity in (Severity.ERROR, Severity.WARNING)
        ]
        if found:
            desk.findings.append(
                CaseLine(
                    app.id,
                    unit.name,
                    app.number,
                    "登记检查发现问题",
                    app.received_on,
                    0,
                    tuple(f.message for f in found),
                )
            )
        if not status(app).is_open or app.due_on is None:
            continue
        left = working_days_left(calendar, today, app.due_on)
        line = CaseLine(app.id, unit.name, app.number, "答复期限", app.due_on, left)
        if left < 0:
            desk.overdue.append(line)
        elif left <= DUE_SOON:
            desk.due_soon.append(line)
        _consultations(app, calendar, today, desk, unit)
    return apps


def _consultations(app: Any, calendar: Calendar, today: dt.date, desk: Desk, unit: Unit) -> None:
    events = live_events(app)
    answered = {e.ref_id for e in events if e.kind == EventKind.CONSULTATION_ANSWERED}
    for sent in events:
        if sent.kind != EventKind.CONSULTATION_SENT or sent.id in answered:
            continue
        end = calendar.add_working_days(sent.on, ANSWER_DAYS)
        if end < today:
            desk.consultations_unanswered.append(
                CaseLine(
                    app.id,
                    unit.name,
                    app.number,
                    f"征求意见（{sent.party}）逾期未复",
                    end,
                    working_days_left(calendar, today, end),
                )
            )


def _letters(session: Session, unit: Unit, calendar: Calendar, today: dt.date, desk: Desk) -> None:
    query = select(Letter, Application).join(Application, Letter.application_id == Application.id)
    query = query.where(Letter.unit_id == unit.id, Letter.superseded_by.is_(None))
    for letter, app in session.execute(query):
        label = KIND_LABELS[LetterKind(letter.kind)]
        if letter.delivered_on is None and not app.void:
            desk.letters_to_send.append(
                CaseLine(
                    app.id,
                    unit.name,
                    app.number,
                    f"{label}{letter.number}待送达",
                    letter.issued_on,
                    0,
                )
            )
        if letter.kind != LetterKind.CORRECTION or not status(app).is_open:
            continue
        kinds = {e.kind for e in live_events(app) if e.on >= letter.issued_on}
        if EventKind.CORRECTION_RECEIVED in kinds or EventKind.CORRECTION_LAPSED in kinds:
            continue
        end = period_end(letter, session, unit)
        if end is not None:
            left = working_days_left(calendar, today, end)
            if left <= PERIOD_SOON:
                desk.corrections_ending.append(
                    CaseLine(
                        app.id, unit.name, app.number, f"补正期限（{letter.number}）", end, left
                    )
                )


def _recorded_corrections(
    session: Session, unit: Unit, calendar: Calendar, today: dt.date, desk: Desk, apps: list[Any]
) -> None:
    """The addition of session 8: an open case waiting for 补正 whose notice has no letter in
    xxgk, its kept period ending within PERIOD_SOON working days or ended."""
    noticed = set(
        session.scalars(
            select(Letter.application_id).where(
                Letter.unit_id == unit.id,
                Letter.superseded_by.is_(None),
                Letter.kind == LetterKind.CORRECTION.value,
            )
        )
    )
    for app in apps:
        if app.id in noticed or not status(app).is_open or app.due_on is not None:
            continue
        if app.correction_due is None:
            continue
        left = working_days_left(calendar, today, app.correction_due)
        if left <= PERIOD_SOON:
            desk.corrections_ending.append(
                CaseLine(app.id, unit.name, app.number, "补正期限", app.correction_due, left)
            )


def _disclosure(session: Session, user: User, unit_ids: list[int], desk: Desk) -> None:
    states = [s.value for s in actionable_states(user)]
    if not states:
        return
    query = select(Item).where(Item.unit_id.in_(unit_ids), Item.state.in_(states))
    for item in session.scalars(query.order_by(Item.id)):
        if waiting_for(item, user):
            desk.disclosure_waiting.append((item.id, item.title, item.status.label))


# --- the badge -------------------------------------------------------------------------------


def oracle_badge(session: Session, units: list[Unit], today: dt.date) -> int:
    """Return the menu badge over ``units``: the old count, each unit by its own calendar."""
    return sum(
        int(
            session.execute(
                _DUE_COUNT,
                {"unit_ids": [unit.id], "until": _horizon(unit_calendar(session, unit), today)},
            ).scalar()
            or 0
        )
        for unit in units
    )


def _horizon(calendar: Calendar, today: dt.date) -> dt.date:
    found = today
    while working_days_left(calendar, today, found + dt.timedelta(days=1)) <= DUE_SOON:
        found += dt.timedelta(days=1)
    return found


def _due_count_statement() -> Any:
    closing = aliased(Event, name="closing")
    voiding = aliased(Event, name="voiding")
    voided = exists().where(
        and_(voiding.kind == EventKind.VOIDED.value, voiding.ref_id == closing.id)
    )
    closed = exists().where(
        and_(
            closing.application_id == Application.id,
            closing.kind.in_([k.value for k in CLOSING]),
            ~voided,
        )
    )
    return select(func.count(Application.id)).where(
        Application.unit_id.in_(bindparam("unit_ids", expanding=True)),
        Application.void.is_(False),
        Application.due_on.is_not(None),
        Application.due_on <= bindparam("until", type_=Date),
        ~closed,
    )


_DUE_COUNT = _due_count_statement()
