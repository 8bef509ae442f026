"""Appending events to an application: the only way its handling moves on.

``add_event`` refuses what cannot have happened (a reply before receipt, an answer to a
consultation never sent, anything after the reply except voiding); things that did happen but
break the law (a late 补正 notice, an extension without approval) are recorded as they were and
reported by the register checks (A01–A05).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from xxgk.db import audit
from xxgk.db.access import WRITERS, require
from xxgk.db.models import User
from xxgk.errors import RegisterError
from xxgk.records.lock import ensure_unlocked
from xxgk.records.vocab import pick
from xxgk.register.caldb import refresh_deadline
from xxgk.register.models import Application, Event
from xxgk.register.state import live_events, status
from xxgk.register.vocab import DELIVERIES, EventKind, event_kind, outcome

NEEDS_PRIOR = {
    EventKind.CORRECTION_RECEIVED: EventKind.CORRECTION_REQUESTED,
    EventKind.CORRECTION_LAPSED: EventKind.CORRECTION_REQUESTED,
    EventKind.CONSULTATION_ANSWERED: EventKind.CONSULTATION_SENT,
    EventKind.FEE_PAID: EventKind.FEE_NOTICE,
    EventKind.FEE_UNPAID: EventKind.FEE_NOTICE,
}
ANSWERS = {
    EventKind.CONSULTATION_ANSWERED: EventKind.CONSULTATION_SENT,
    EventKind.FEE_PAID: EventKind.FEE_NOTICE,
}


def add_event(
    *,
    session: Session,
    actor: User,
    application: Application,
    kind: str | EventKind,
    on: dt.date,
    note: str = "",
    outcome_name: str | None = None,
    delivery: str | None = None,
    days: int | None = None,
    approved_on: dt.date | None = None,
    notified_on: dt.date | None = None,
    due_on: dt.date | None = None,
    amount: Decimal | None = None,
    party: str = "",
    ref_id: int | None = None,
) -> Event:
    """Append an event to ``application`` and recompute its deadline."""
    app = application
    require(actor, WRITERS, app.unit)
    what = event_kind(kind)
    _refuse_impossible(app, what, on)
    ensure_unlocked(session, app.unit, [on])
    ref = _reference(app, what, ref_id)
    result = outcome(outcome_name) if what is EventKind.REPLY and outcome_name else None
    _refuse_incomplete(what, result, days, due_on)
    how = pick(delivery, DELIVERIES, "送达方式") if delivery else None
    if what is EventKind.VOIDED:
        _refuse_locked_target(session, app, ref)
    event = Event(
        application=app,
        kind=what.value,
        on=on,
        actor_id=actor.id,
        actor_name=actor.username,
        note=note,
        days=days,
        approved_on=approved_on,
        notified_on=notified_on,
        due_on=due_on,
        amount=amount,
        party=party,
        ref_id=ref,
        outcome=result,
        delivery=how,
    )
    session.add(event)
    session.flush()
    refresh_deadline(session, app)
    audit.record(
        session=session,
        actor=actor,
        action=f"event:{what.value}",
        entity="application",
        entity_id=app.id,
        after=event.snapshot(),
        reason=note,
    )
    return event


def _refuse_impossible(app: Application, what: EventKind, on: dt.date) -> None:
    if app.void:
        raise RegisterError(f"申请{app.number}已作废", f"application {app.number} is void")
    if what is EventKind.REGISTERED:
        raise RegisterError("登记事件由系统在登记申请时自动生成", "registration is automatic")
    if on < app.received_on:
        raise RegisterError(
            f"{what.label}日期{on}早于申请收到日期{app.received_on}",
            f"{what.value} on {on} is before the date of receipt {app.received_on}",
        )
    if what is not EventKind.VOIDED and not status(app).is_open:
        closed = status(app).closing
        assert closed is not None
        raise RegisterError(
            f"申请{app.number}已于{closed.on}办结（{EventKind(closed.kind).label}），"
            f"不能再记录{what.label}；如有错误，请先作废该办结事件",
            f"application {app.number} was closed on {closed.on}; void that event first",
        )
    prior = NEEDS_PRIOR.get(what)
    if prior and not any(e.kind == prior for e in live_events(app)):
        raise RegisterError(
            f"申请{app.number}没有“{prior.label}”记录，不能记录“{what.label}”",
            f"{what.value} needs an earlier {prior.value}",
        )


def _reference(app: Application, what: EventKind, ref_id: int | None) -> int | None:
    """Return the event an answer or a voiding refers to (the latest open one by default)."""
    live = live_events(app)
    if what is EventKind.VOIDED:
        targets = {e.id for e in live if e.kind != EventKind.REGISTERED}
        if ref_id not in targets:
            raise RegisterError(
                f"作废更正必须指明申请{app.number}的一条有效事件（编号）",
                f"voiding needs the id of a live event of {app.number}",
            )
        return ref_id
    if what not in ANSWERS:
        return None
    answered = {e.ref_id for e in live if e.kind == what}
    pending = [e.id for e in live if e.kind == ANSWERS[what] and e.id not in answered]
    if ref_id is not None and ref_id in pending:
        return ref_id
    if not pending:
        raise RegisterError(
            f"申请{app.number}没有待答复的“{ANSWERS[what].label}”",
            f"no pending {ANSWERS[what].value} to answer",
        )
    return pending[-1]


def _refuse_incomplete(
    what: EventKind, result: str | None, days: int | None, due_on: dt.date | None
) -> None:
    """Refuse an event missing what defines it (before it is attached to the application)."""
    missing = None
    if what is EventKind.REPLY and not result:
        missing = "办理结果"
    elif what is EventKind.EXTENSION and not days:
        missing = "延长的工作日数"
    elif what is EventKind.ART35_DEADLINE and not due_on:
        missing = "另行确定的答复期限"
    if missing:
        raise RegisterError(f"{what.label}必须填写{missing}", f"{what.value} needs {missing}")


def _refuse_locked_target(session: Session, app: Application, ref_id: int | None) -> None:
    target = next(e for e in app.events if e.id == ref_id)
    ensure_unlocked(session, app.unit, [target.on])
