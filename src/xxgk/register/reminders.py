"""The scheduled reminders: once a day, every unit that has set up SMTP gets its digest with the
5- and 1-working-day warnings — from ``xxgk register remind`` (cron or a systemd timer) or from
the daily task of ``xxgk serve``.

``xxgk serve --remind-as USER`` runs the same in a daemon thread of the server (``DailyReminders``),
followed by the day's full verification of the audit chain (``xxgk.db.chain.verify_full``).
Running it again the same day sends nothing (the audit log records each digest sent), and a
warning already sent is never repeated, so a timer that fires twice or a restarted server does
not mail anyone twice.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from xxgk.db.access import WRITERS, AccessError, require
from xxgk.db.chain import verify_full
from xxgk.db.models import Unit, User
from xxgk.db.units import list_units
from xxgk.errors import RegisterError, XxgkError
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


# --- the daily task of ``xxgk serve`` -------------------------------------------------------


def run_due(now: dt.datetime, at: dt.time, last_day: dt.date | None) -> bool:
    """Return True when the daily run is due at ``now``: past ``at`` and not yet run today."""
    return now.time() >= at and last_day != now.date()


def remind_once(sessions: Callable[[], Session], username: str, today: dt.date) -> list[Reminder]:
    """Run the reminders of ``today`` as ``username`` in a session of its own (committed)."""
    from xxgk.db.users import get_user

    with sessions() as session:
        results = send_reminders(session, get_user(session, username), today)
        session.commit()
    return results


class DailyReminders(threading.Thread):
    """The in-process scheduler of ``xxgk serve --remind-as USER``: a daemon thread that, once
    a day after ``at``, sends the reminders as ``username``. Several server processes or a cron
    job besides it do no harm: the run is idempotent per unit and day (see the module)."""

    def __init__(
        self,
        sessions: Callable[[], Session],
        username: str,
        at: dt.time,
        *,
        every_seconds: float = 300.0,
        report: Callable[[str], None] = print,
        clock: Callable[[], dt.datetime] = dt.datetime.now,
    ):
        super().__init__(name="xxgk-reminders", daemon=True)
        self.sessions, self.username, self.at = sessions, username, at
        self.every_seconds, self.report, self.clock = every_seconds, report, clock
        self.stopped = threading.Event()
        self.last_day: dt.date | None = None

    def run(self) -> None:
        while not self.stopped.is_set():
            now = self.clock()
            if run_due(now, self.at, self.last_day):
                self.last_day = now.date()
                self._run(now.date())
                self._verify_chain(now.date())
            self.stopped.wait(self.every_seconds)

    def _run(self, today: dt.date) -> None:
        try:
            results = remind_once(self.sessions, self.username, today)
        except Exception as exc:  # noqa: BLE001 (a failed day is reported; the server stays up)
            message = exc.message_zh if isinstance(exc, XxgkError) else repr(exc)
            self.report(f"每日提醒未能运行（{today}）：{message}")
            return
        for result in results:
            self.report(f"每日提醒 {today} {result.unit}：{result.note}")

    def _verify_chain(self, today: dt.date) -> None:
        """The daily full verification of the audit chain (its time and result are shown on
        the audit page); only a break or a failure is reported here."""
        try:
            with self.sessions() as session:
                report = verify_full(session)
        except Exception as exc:  # noqa: BLE001 (reported; the server stays up)
            self.report(f"审计日志全面校验未能运行（{today}）：{exc!r}")
            return
        if report.broken is not None:
            self.report(f"审计日志全面校验未通过（{today}）：{report.broken.message}")

    def stop(self) -> None:
        """Ask the thread to end after its current step."""
        self.stopped.set()
