"""What an application's events add up to: open or closed, outcome, deadline facts.

Pure functions over an application and its events (no queries), shared by the repository, the
checks, the compiler and the due list, so all of them read the register the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from xxgk.errors import RegisterError
from xxgk.register.calendar import Calendar
from xxgk.register.deadline import (
    CORRECTION_PERIOD_DEFAULT,
    FEE_PAYMENT_LIMIT,
    ApplicationFacts,
    CorrectionWait,
    CustomDeadline,
    Extension,
    Pause,
)
from xxgk.register.models import Application, Event
from xxgk.register.vocab import CLOSING, IMPLIED_OUTCOME, Channel, EventKind

FEE_PAUSES_CLOCK_DEFAULT = True
"""109号 leaves the time from the fee notice to payment out of the reply period (domain-rules
§2.7); a unit may switch this off (``Unit.fee_pauses_clock``), and the explanation says which."""
RECEIPT_RULES = {
    Channel.IN_PERSON: ("arrived_on", "当面提交，以提交之日为收到日期"),
    Channel.POST_SIGNED: ("signed_on", "邮寄需签收，以签收之日为收到日期"),
    Channel.POST_PLAIN: ("confirmed_on", "平常信函，以与申请人确认之日为收到日期"),
    Channel.ONLINE: ("confirmed_on", "网络渠道，以双方确认之日为收到日期"),
    Channel.FAX: ("confirmed_on", "传真，以双方确认之日为收到日期"),
    Channel.OTHER: ("confirmed_on", "其他方式，以确认之日为收到日期"),
}
DATE_LABELS = {"arrived_on": "到达日期", "signed_on": "签收日期", "confirmed_on": "确认日期"}


def receipt_date(
    channel: Channel,
    arrived_on: dt.date | None,
    signed_on: dt.date | None,
    confirmed_on: dt.date | None,
) -> tuple[dt.date, str]:
    """Return the date of receipt under art. 31 for ``channel`` and the rule applied."""
    field, rule = RECEIPT_RULES[channel]
    dates = {"arrived_on": arrived_on, "signed_on": signed_on, "confirmed_on": confirmed_on}
    chosen = dates[field]
    if chosen is None and channel is Channel.OTHER and arrived_on is not None:
        return arrived_on, "其他方式，未记录确认日期，以到达之日为收到日期"
    if chosen is None:
        raise RegisterError(
            f"收到方式为“{channel.label}”时必须填写{DATE_LABELS[field]}（条例第三十一条）",
            f"channel {channel.value} needs {field} to fix the date of receipt (art. 31)",
        )
    if arrived_on is not None and chosen < arrived_on:
        raise RegisterError(
            f"{DATE_LABELS[field]}{chosen}早于到达日期{arrived_on}",
            f"{field} {chosen} is before the arrival {arrived_on}",
        )
    return chosen, rule


def live_events(app: Application) -> list[Event]:
    """Return the events that count: not voided, and not the voiding events themselves."""
    voided = {e.ref_id for e in app.events if e.kind == EventKind.VOIDED}
    return [e for e in app.events if e.kind != EventKind.VOIDED and e.id not in voided]


@dataclass(frozen=True)
class Status:
    """The state of one application as its live events say."""

    closing: Event | None
    outcome: str | None
    closed_on: dt.date | None

    @property
    def is_open(self) -> bool:
        return self.closing is None


def status(app: Application) -> Status:
    """Return whether ``app`` is closed, when, and with which Table 三 outcome."""
    closing = [e for e in live_events(app) if e.kind in CLOSING]
    if not closing:
        return Status(None, None, None)
    last = closing[-1]
    outcome = last.outcome or IMPLIED_OUTCOME.get(EventKind(last.kind))
    return Status(last, outcome, last.on)


def open_on(app: Application, day: dt.date) -> bool:
    """Return True when ``app`` had been received by ``day`` and was not closed by then."""
    if app.void or app.received_on > day:
        return False
    closed = status(app).closed_on
    return closed is None or closed > day


def fee_pauses_clock(app: Any) -> bool:
    """Return whether the fee period is left out of ``app``'s reply period (the unit's setting,
    else the 109号 default)."""
    unit = getattr(app, "unit", None)
    setting = getattr(unit, "fee_pauses_clock", None)
    return FEE_PAUSES_CLOCK_DEFAULT if setting is None else bool(setting)


def facts(
    app: Application, *, fee_pauses: bool | None = None, calendar: Calendar | None = None
) -> ApplicationFacts:
    """Return the deadline facts of ``app`` from its live events.

    ``fee_pauses`` overrides the unit's fee setting; ``calendar`` (the unit's) is needed to
    count the default correction period of a 补正 notice that states none.
    """
    pausing = fee_pauses_clock(app) if fee_pauses is None else fee_pauses
    events = live_events(app)
    kinds = {k: [e for e in events if e.kind == k] for k in EventKind}
    restarted = max((e.on for e in kinds[EventKind.CORRECTION_RECEIVED]), default=None)
    pauses = list(_consultations(kinds))
    notes = []
    if kinds[EventKind.FEE_NOTICE]:
        if pausing:
            pauses += _fee_pauses(kinds)
            notes.append(
                "收费：收费通知至缴费的时间不计入答复期限（国办函〔2020〕109号；本单位按默认设置）"
            )
        else:
            notes.append("收费：本单位设置为收费通知至缴费的时间计入答复期限（不扣除）")
    ext = kinds[EventKind.EXTENSION]
    custom = kinds[EventKind.ART35_DEADLINE]
    _, rule = receipt_date(Channel(app.channel), app.arrived_on, app.signed_on, app.confirmed_on)
    return ApplicationFacts(
        received_on=app.received_on,
        receipt_rule=rule,
        restarted_on=restarted,
        pauses=tuple(pauses),
        extension=_extension(ext[-1]) if ext else None,
        custom=CustomDeadline(custom[-1].due_on, custom[-1].notified_on)
        if custom and custom[-1].due_on
        else None,
        waiting=correction_wait(app, calendar or Calendar(), events),
        notes=tuple(notes),
    )


def correction_period_end(notice: Any, calendar: Calendar) -> tuple[dt.date, bool]:
    """Return the last day to correct after the 补正 notice ``notice`` and whether the notice
    stated it (its ``due_on`` date or ``days`` working days; else the default period)."""
    if notice.due_on is not None:
        return notice.due_on, True
    if notice.days:
        return calendar.add_working_days(notice.on, notice.days), True
    return calendar.add_working_days(notice.on, CORRECTION_PERIOD_DEFAULT), False


def correction_wait(
    app: Any, calendar: Calendar, events: list[Event] | None = None
) -> CorrectionWait | None:
    """Return the pending 补正 of an open application, or None (art. 30).

    The application waits from the first 补正 notice until the corrected application arrives
    or the applicant's period lapses (a closing event); a closed application waits for nothing.
    """
    live = live_events(app) if events is None else events
    if any(e.kind in CLOSING for e in live):
        return None
    notices = [e for e in live if e.kind == EventKind.CORRECTION_REQUESTED]
    if not notices or any(e.kind == EventKind.CORRECTION_RECEIVED for e in live):
        return None
    until, stated = correction_period_end(notices[0], calendar)
    return CorrectionWait(notices[0].on, until, stated)


def _extension(event: Event) -> Extension:
    return Extension(event.days or 0, event.approved_on, event.notified_on)


def _consultations(kinds: dict[EventKind, list[Event]]) -> list[Pause]:
    answers = {e.ref_id: e.on for e in kinds[EventKind.CONSULTATION_ANSWERED]}
    return [
        Pause(
            e.on, answers.get(e.id), label=f"征求意见{('（' + e.party + '）') if e.party else ''}"
        )
        for e in kinds[EventKind.CONSULTATION_SENT]
    ]


def _fee_pauses(kinds: dict[EventKind, list[Event]]) -> list[Pause]:
    paid = {e.ref_id: e.on for e in kinds[EventKind.FEE_PAID]}
    return [
        Pause(e.on, paid.get(e.id), FEE_PAYMENT_LIMIT, "收费通知至缴费")
        for e in kinds[EventKind.FEE_NOTICE]
    ]
