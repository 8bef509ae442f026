"""Appending events to an application: the only way its handling moves on.

``add_event`` refuses what cannot have happened (a reply before receipt, an answer to a
consultation never sent or dated before its letter, anything after the reply except voiding)
and a closing the law does not yet allow (逾期未缴费 before the 20 working days to pay have run,
逾期未补正 before the correction period ends); things that did happen but break the law (a late
补正 notice, an extension without approval) are recorded as they were and reported by the
register checks (A01–A05).

An answer belongs to its own letter (arts. 32, 34): with several consultations open it is
matched by the letter's id or by the consulted party, never guessed.
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
from xxgk.register.caldb import refresh_deadline, unit_calendar
from xxgk.register.calendar import Calendar
from xxgk.register.deadline import FEE_PAYMENT_LIMIT, periods
from xxgk.register.models import Application, Event
from xxgk.register.state import correction_period_end, live_events, status
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
    ref = _reference(app, what, ref_id, party)
    _refuse_before_letter(app, what, on, ref)
    _refuse_premature(app, what, on, unit_calendar(session, app.unit))
    result = outcome(outcome_name) if what is EventKind.REPLY and outcome_name else None
    _refuse_incomplete(what, result, days, due_on)
    _refuse_forbidden(app, what, days)
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


def _reference(
    app: Application, what: EventKind, ref_id: int | None, party: str = ""
) -> int | None:
    """Return the event an answer or a voiding refers to.

    An answer names its letter by id or by party; with one open letter it may name neither.
    """
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
    pending = pending_letters(app, ANSWERS[what], what)
    letter = _choose(app, what, pending, ref_id, party.strip())
    return letter.id


def pending_letters(app: Application, sent: EventKind, answer: EventKind) -> list[Event]:
    """Return the letters of kind ``sent`` (consultations, fee notices) not yet answered."""
    live = live_events(app)
    answered = {e.ref_id for e in live if e.kind == answer}
    return [e for e in live if e.kind == sent and e.id not in answered]


def letter_label(letter: Event) -> str:
    """Return how a letter is offered to choose from: #id, party, date."""
    party = f" {letter.party}" if letter.party else ""
    return f"#{letter.id}{party}（{letter.on}发出）"


def _choose(
    app: Application, what: EventKind, pending: list[Event], ref_id: int | None, party: str
) -> Event:
    sent = ANSWERS[what]
    if not pending:
        raise RegisterError(
            f"申请{app.number}没有待答复的“{sent.label}”",
            f"no pending {sent.value} to answer",
        )
    offered = "、".join(letter_label(e) for e in pending)
    if ref_id is not None:
        chosen = [e for e in pending if e.id == ref_id]
        problem = f"编号#{ref_id}不是申请{app.number}待答复的“{sent.label}”"
    elif party:
        chosen = [e for e in pending if e.party == party]
        problem = f"申请{app.number}没有发给“{party}”的待答复“{sent.label}”"
        if len(chosen) > 1:
            problem = f"发给“{party}”的待答复“{sent.label}”有{len(chosen)}份，请指明编号"
            chosen = []
    else:
        chosen = pending if len(pending) == 1 else []
        problem = f"申请{app.number}有{len(pending)}份待答复的“{sent.label}”，请指明对象或编号"
    if len(chosen) != 1:
        raise RegisterError(
            f"{problem}；待答复：{offered}", f"which {sent.value} does this answer? {offered}"
        )
    return chosen[0]


def _refuse_premature(app: Application, what: EventKind, on: dt.date, calendar: Calendar) -> None:
    """Refuse closing as 逾期未缴费/逾期未补正 before the applicant's period has run out."""
    live = live_events(app)
    if what is EventKind.FEE_UNPAID:
        notices = pending_letters(app, EventKind.FEE_NOTICE, EventKind.FEE_PAID)
        if notices:
            end = calendar.add_working_days(notices[-1].on, FEE_PAYMENT_LIMIT)
            if on <= end:
                raise RegisterError(
                    f"收费通知{notices[-1].on}发出，缴费期限为次日起{FEE_PAYMENT_LIMIT}个工作日"
                    f"（至{end}），{on}尚未逾期，不能按逾期未缴费办结（国办函〔2020〕109号）",
                    f"the fee is not overdue before {end}",
                )
    if what is EventKind.CORRECTION_LAPSED:
        notices = [e for e in live if e.kind == EventKind.CORRECTION_REQUESTED]
        if notices:
            end, _ = correction_period_end(notices[0], calendar)
            if on <= end:
                raise RegisterError(
                    f"补正期限至{end}，{on}尚未逾期，不能按逾期未补正办结（条例第三十条）",
                    f"the correction period runs until {end}",
                )


def _refuse_before_letter(app: Application, what: EventKind, on: dt.date, ref: int | None) -> None:
    """Refuse an answer (or payment) dated before the letter it answers."""
    if ref is None or what not in ANSWERS:
        return
    letter = next(e for e in app.events if e.id == ref)
    if on < letter.on:
        raise RegisterError(
            f"{what.label}日期{on}早于{letter_label(letter)}的发出日期",
            f"{what.value} on {on} is before its letter of {letter.on}",
        )


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


def _refuse_forbidden(app: Application, what: EventKind, days: int | None) -> None:
    """Refuse a value the law does not allow, with the article: an extension longer than the
    longest the regulation permits (20 working days; 15 before the 2019 regulation), or of
    no day at all. What did happen wrongly but lawfully-shaped (a late approval, no notice)
    is still recorded and reported by check A03."""
    if what is not EventKind.EXTENSION or days is None:
        return
    _, longest = periods(app.received_on)
    if not 1 <= days <= longest:
        raise RegisterError(
            f"延长答复期限最长不得超过{longest}个工作日（条例第三十三条第二款），不能填写{days}",
            f"an extension is 1 to {longest} working days, not {days}",
        )


def _refuse_locked_target(session: Session, app: Application, ref_id: int | None) -> None:
    target = next(e for e in app.events if e.id == ref_id)
    ensure_unlocked(session, app.unit, [target.on])
