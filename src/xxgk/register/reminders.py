"""The scheduled reminders: once a day, every unit that has set up SMTP gets its digest with the
5- and 1-working-day warnings — from ``xxgk register remind`` (cron or a systemd timer) or from
the daily task of ``xxgk serve``.

Running it again the same day sends nothing (the audit log records each digest sent), and a
warning already sent is never repeated, so a timer that fires twice or a restarted server does
not mail anyone twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from xxgk.db.access import WRITERS, AccessError, require
from xxgk.db.models import Unit, User
from xxgk.db.units import list_units
from xxgk.errors import RegisterError
from xxgk.register.desk import digest_recipients, send_digest, sent_reminders
from xxgk.register.numbering import settings_for


@dataclass(frozen=True)
class Reminder:
    """What the run did for one unit: ``sent`` addresses, or why nothing went out."""

    unit: str
    sent: int
    note: str


def report_year_for(today: dt.date) -> int:
    """Return the year whose report is being prepared: last year until the end of March."""
    return today.year - 1 if today.month <= 3 else today.year


def _may_remind(actor: User, unit: Unit) -> bool:
    try:
        require(actor, WRITERS, unit)
    except AccessError:
        return False
    return True


def send_reminders(
    session: Session, actor: User, today: dt.date, units: list[Unit] | None = None
) -> list[Reminder]:
    """Send today's digest of each unit (default: every unit ``actor`` may write) that has an
    SMTP server and recipients and has not had today's digest yet; return what happened.

    Each unit is sent in its own savepoint: a mail server that refuses leaves that unit
    unrecorded (tried again on the next run) and the others sent.
    """
    require(actor, WRITERS)
    chosen = units if units is not None else [u for _, u in list_units(session)]
    results = []
    for unit in chosen:
        if not _may_remind(actor, unit):
            if units is not None:
                require(actor, WRITERS, unit)  # a unit named explicitly: say why not
            continue
        if not digest_recipients(settings_for(session, unit)):
            continue
        days, _ = sent_reminders(session, unit)
        if today.isoformat() in days:
            results.append(Reminder(unit.name, 0, "今日提醒已发送，不再重复"))
            continue
        try:
            with session.begin_nested():
                sent = send_digest(session, unit, actor, today, report_year_for(today))
        except RegisterError as exc:
            results.append(Reminder(unit.name, 0, exc.message_zh))
            continue
        results.append(Reminder(unit.name, sent, f"已向{sent}个地址发送"))
    return results
