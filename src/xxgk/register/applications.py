"""Registering applications: numbering, the date of receipt, corrections, voiding.

Every function is keyword-only, checks the actor's rights and the year lock, and writes the
audit entry in the same transaction as the change. Nothing is deleted: ``void_application``
keeps the row, marked, with its reason.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xxgk.db import audit
from xxgk.db.access import WRITERS, require
from xxgk.db.chain import lock_writes
from xxgk.db.models import Unit, User
from xxgk.errors import RegisterError
from xxgk.records.lock import ensure_unlocked
from xxgk.records.vocab import pick
from xxgk.register import queries
from xxgk.register.caldb import refresh_deadline
from xxgk.register.models import Application, Event
from xxgk.register.state import receipt_date, status
from xxgk.register.vocab import APPLICANT_TYPES, EventKind, channel

EDITABLE = (
    "channel",
    "arrived_on",
    "signed_on",
    "confirmed_on",
    "applicant_type",
    "applicant_name",
    "applicant_contact",
    "request_text",
    "form_wanted",
)


def register_application(
    *,
    session: Session,
    unit: Unit,
    actor: User,
    channel_name: str,
    applicant_type: str,
    arrived_on: dt.date | None = None,
    signed_on: dt.date | None = None,
    confirmed_on: dt.date | None = None,
    applicant_name: str = "",
    applicant_contact: str = "",
    request_text: str = "",
    form_wanted: str = "",
    number: str | None = None,
) -> Application:
    """Register a new application of ``unit``; its number is ``YYYY-NNNN`` unless given."""
    require(actor, WRITERS, unit)
    chan = channel(channel_name)
    received, _ = receipt_date(chan, arrived_on, signed_on, confirmed_on)
    ensure_unlocked(session, unit, [received])
    lock_writes(session)  # numbers are read and taken under the one write lock
    year, seq = (
        received.year,
        _seq_of(number, received.year) or _next_seq(session, unit, received.year),
    )
    app = Application(
        unit_id=unit.id,
        number=number or f"{year}-{seq:04d}",
        year=year,
        seq=seq,
        channel=chan.value,
        arrived_on=arrived_on,
        signed_on=signed_on,
        confirmed_on=confirmed_on,
        received_on=received,
        applicant_type=pick(applicant_type, APPLICANT_TYPES, "申请人类型"),
        applicant_name=applicant_name,
        applicant_contact=applicant_contact,
        request_text=request_text,
        form_wanted=form_wanted,
    )
    _refuse_duplicate_number(session, unit, app.number)
    session.add(app)
    session.flush()
    session.add(
        Event(
            application=app,
            kind=EventKind.REGISTERED.value,
            on=received,
            actor_id=actor.id,
            actor_name=actor.username,
        )
    )
    session.flush()
    refresh_deadline(session, app)
    audit.record(
        session=session,
        actor=actor,
        action="create",
        entity="application",
        entity_id=app.id,
        after=app.snapshot(),
    )
    return app


def update_application(
    *, session: Session, actor: User, application: Application, reason: str, **changes: Any
) -> Application:
    """Correct registered fields of ``application`` (the date of receipt follows the channel)."""
    app = application
    require(actor, WRITERS, app.unit)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise RegisterError(f"不能修改申请字段：{sorted(unknown)}", f"cannot change {unknown}")
    before = app.snapshot()
    ensure_unlocked(session, app.unit, _years_counted(app))
    if "applicant_type" in changes:
        changes["applicant_type"] = pick(changes["applicant_type"], APPLICANT_TYPES, "申请人类型")
    if "channel" in changes:
        changes["channel"] = channel(changes["channel"]).value
    for key, value in changes.items():
        setattr(app, key, value)
    app.received_on, _ = receipt_date(
        channel(app.channel), app.arrived_on, app.signed_on, app.confirmed_on
    )
    ensure_unlocked(session, app.unit, _years_counted(app))
    _refuse_events_before_receipt(app)
    refresh_deadline(session, app)
    audit.record(
        session=session,
        actor=actor,
        action="update",
        entity="application",
        entity_id=app.id,
        before=before,
        after=app.snapshot(),
        reason=reason,
    )
    return app


def void_application(
    *, session: Session, actor: User, application: Application, reason: str
) -> Application:
    """Mark ``application`` as registered in error; it stays, excluded from every count."""
    app = application
    require(actor, WRITERS, app.unit)
    if not reason.strip():
        raise RegisterError("作废申请必须说明理由", "voiding an application needs a reason")
    ensure_unlocked(session, app.unit, _years_counted(app))
    before = app.snapshot()
    app.void, app.void_reason = True, reason
    audit.record(
        session=session,
        actor=actor,
        action="void",
        entity="application",
        entity_id=app.id,
        before=before,
        after=app.snapshot(),
        reason=reason,
    )
    return app


def get_application(session: Session, unit: Unit, number: str) -> Application:
    """Return ``unit``'s application numbered ``number``, or raise a RegisterError."""
    app = session.scalar(
        select(Application).where(Application.unit_id == unit.id, Application.number == number)
    )
    if app is None:
        raise RegisterError(
            f"单位“{unit.name}”没有编号为“{number}”的申请", f"no application {number!r}"
        )
    return app


def list_applications(
    session: Session,
    unit: Unit | None = None,
    *,
    year: int | None = None,
    include_void: bool = False,
) -> list[Application]:
    """Return applications (of ``unit``, received in ``year``) in number order."""
    unit_ids = None if unit is None else [unit.id]
    return queries.applications(session, unit_ids, year=year, include_void=include_void)


def _years_counted(app: Application) -> list[int]:
    """Return the report years whose tables count ``app`` (received … closed or still open)."""
    last = status(app).closed_on or max(dt.date.today(), app.received_on)
    return list(range(app.received_on.year, last.year + 1))


def _seq_of(number: str | None, year: int) -> int | None:
    """Return NNNN of a given number ``YYYY-NNNN`` of the same year (kept when importing)."""
    match = re.fullmatch(r"(\d{4})-(\d{1,6})", (number or "").strip())
    return int(match[2]) if match and int(match[1]) == year else None


def _next_seq(session: Session, unit: Unit, year: int) -> int:
    query = select(func.max(Application.seq)).where(
        Application.unit_id == unit.id, Application.year == year
    )
    return (session.scalar(query) or 0) + 1


def _refuse_duplicate_number(session: Session, unit: Unit, number: str) -> None:
    query = select(Application.id).where(
        Application.unit_id == unit.id, Application.number == number
    )
    if session.scalar(query) is not None:
        raise RegisterError(f"申请编号“{number}”已存在", f"application number {number!r} exists")


def _refuse_events_before_receipt(app: Application) -> None:
    early = [e for e in app.events if e.kind != EventKind.REGISTERED and e.on < app.received_on]
    if early:
        raise RegisterError(
            f"收到日期{app.received_on}晚于已记录的事件日期{early[0].on}",
            f"date of receipt {app.received_on} is after an event of {early[0].on}",
        )
