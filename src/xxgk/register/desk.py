"""The desk: what is due for one person, counted in working days — overdue and due-soon cases,
letters not yet delivered, 补正 periods running out, consultations unanswered after 15 working
days, disclosure items waiting for their step, the year's report and what blocks it — and the
e-mail reminders (a daily digest and the 5- and 1-working-day warnings) where a unit has set
up SMTP.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from xxgk.db import audit
from xxgk.db.models import AuditEntry, Unit, User
from xxgk.disclosure.models import Item
from xxgk.disclosure.workflow import actionable_states, waiting_for
from xxgk.errors import RegisterError
from xxgk.register.caldb import kept_calendar
from xxgk.register.calendar import Calendar
from xxgk.register.caseload import DUE_SOON as DUE_SOON  # the desk's 即将到期, named here too
from xxgk.register.casework_models import Letter, LetterSettings
from xxgk.register.filing import STATE_LABELS, filing_gate, state_of
from xxgk.register.letters import KIND_LABELS, LetterKind, period_end
from xxgk.register.models import Application
from xxgk.register.numbering import settings_for
from xxgk.register.queries import calendar_change_ids
from xxgk.register.state import live_events, status
from xxgk.register.unit_cases import PERIOD_SOON, CaseLine, UnitCases, unit_cases
from xxgk.register.views import working_days_left
from xxgk.register.vocab import EventKind

WARN_DAYS = (5, 1)
"""The working days before a deadline on which an e-mail warning goes out."""
REMINDER_ACTION = "reminder"
"""The audit action of a digest sent (the record the scheduled run reads to send once a day)."""


@dataclass
class Desk:
    """Everything due for one person, most urgent first in each list."""

    overdue: list[CaseLine] = field(default_factory=list)
    due_soon: list[CaseLine] = field(default_factory=list)
    letters_to_send: list[CaseLine] = field(default_factory=list)
    corrections_ending: list[CaseLine] = field(default_factory=list)
    consultations_unanswered: list[CaseLine] = field(default_factory=list)
    disclosure_waiting: list[tuple[int, str, str]] = field(default_factory=list)
    reports: list[tuple[Unit, int, str, int]] = field(default_factory=list)
    findings: list[CaseLine] = field(default_factory=list)

    @property
    def badge(self) -> int:
        """The number shown on the in-page badge: things needing action now."""
        return (
            len(self.overdue)
            + len(self.due_soon)
            + len(self.letters_to_send)
            + len(self.corrections_ending)
            + len(self.consultations_unanswered)
            + len(self.disclosure_waiting)
        )

    def add_cases(self, cases: UnitCases) -> None:
        """Add one unit's cases (in register order; the lists are sorted once all are in)."""
        self.overdue += cases.overdue
        self.due_soon += cases.due_soon
        self.consultations_unanswered += cases.consultations
        self.findings += cases.findings


_LETTERS = (
    select(Letter, Application)
    .join(Application, Letter.application_id == Application.id)
    .where(
        Letter.unit_id == bindparam("unit_id"),
        Letter.superseded_by.is_(None),
        # what the desk can show: a letter not yet delivered, or a 补正 notice (whose period
        # may be running out); a delivered letter of another kind never shows
        or_(Letter.delivered_on.is_(None), Letter.kind == LetterKind.CORRECTION.value),
    )
    .order_by(Letter.id)
)


def _letters(
    session: Session, unit: Unit, calendar: Calendar, today: dt.date, desk: Desk
) -> set[int]:
    """Add the unit's letters to deliver and the 补正 periods its notices set running out;
    return the cases that have a 补正 notice in xxgk (their period is the letter's)."""
    noticed: set[int] = set()
    for letter, app in session.execute(_LETTERS, {"unit_id": unit.id}):
        if letter.kind == LetterKind.CORRECTION:
            noticed.add(app.id)
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
        end = period_end(letter, session, unit, calendar)
        if end is not None:
            left = working_days_left(calendar, today, end)
            if left <= PERIOD_SOON:
                desk.corrections_ending.append(
                    CaseLine(
                        app.id, unit.name, app.number, f"补正期限（{letter.number}）", end, left
                    )
                )
    return noticed


def _recorded_corrections(cases: UnitCases, noticed: set[int], desk: Desk) -> None:
    """Add the 补正 periods running out of cases whose notice has no letter in xxgk (recorded
    as an event only, or imported with the register): a case with its letter is listed by the
    letter, whose period runs from its delivery."""
    desk.corrections_ending += [line for line in cases.corrections if line.app_id not in noticed]


def _disclosure(session: Session, user: User, unit_ids: Iterable[int], desk: Desk) -> None:
    states = [s.value for s in actionable_states(user)]
    if not states:
        return
    query = select(Item).where(Item.unit_id.in_(list(unit_ids)), Item.state.in_(states))
    for item in session.scalars(query.order_by(Item.id)):
        if waiting_for(item, user):
            desk.disclosure_waiting.append((item.id, item.title, item.status.label))


def build_desk(
    session: Session, user: User, units: list[Unit], today: dt.date, report_year: int
) -> Desk:
    """Return the desk of ``user`` over ``units`` (the units the user may see).

    Each unit's cases, findings and Table 三 counts come from ``unit_cases``, which keeps them
    until the unit's register changes; letters, disclosure items and the rest of the report's
    gate (a handful of rows each) are read on every call.
    """
    desk = Desk()
    days = calendar_change_ids(session)  # one read for every unit's calendar
    calendars = {unit.id: kept_calendar(session, unit, days) for unit in units}
    own = [u for u in units if u.id == user.unit_id] or units[:1]
    cases = unit_cases(session, units, today, calendars, {u.id: report_year for u in own})
    for unit in units:
        desk.add_cases(cases[unit.id])
        noticed = _letters(session, unit, calendars[unit.id], today, desk)
        _recorded_corrections(cases[unit.id], noticed, desk)
    _disclosure(session, user, [u.id for u in units], desk)
    for unit in own:
        state = state_of(session, unit, report_year)
        blockers = 0
        if state != "published":
            counted = cases[unit.id].counted()
            blockers = len(filing_gate(session, unit, report_year, requests=counted).errors)
        desk.reports.append((unit, report_year, STATE_LABELS[state], blockers))
    for lines in (desk.overdue, desk.due_soon, desk.corrections_ending):
        lines.sort(key=lambda line: (line.left, line.number))
    return desk


# --- e-mail reminders -------------------------------------------------------------------------


def warnings_due(desk: Desk) -> list[CaseLine]:
    """Return the cases whose deadline is exactly 5 or 1 working days away (the warnings)."""
    return [line for line in desk.due_soon if line.left in WARN_DAYS]


def digest_text(
    unit: Unit, desk: Desk, today: dt.date, warnings: list[CaseLine] | None = None
) -> str:
    """Return the plain-text daily digest of ``desk`` for ``unit``; ``warnings`` are the 5- and
    1-working-day warnings to add (default: all that fall due today)."""
    lines = [f"{unit.name} 政府信息公开工作提醒（{today.isoformat()}）", ""]
    sections = (
        ("已逾期", desk.overdue),
        ("即将到期（5个工作日内）", desk.due_soon),
        ("待送达的文书", desk.letters_to_send),
        ("补正期限将满或已满", desk.corrections_ending),
        ("征求意见逾期未复", desk.consultations_unanswered),
    )
    for title, items in sections:
        if not items:
            continue
        lines.append(f"【{title}】")
        late = "已逾期{}个工作日"
        if items is desk.corrections_ending:
            late = "已过{}个工作日，可按逾期未补正办结"
        for item in items:
            left = f"剩余{item.left}个工作日" if item.left >= 0 else late.format(-item.left)
            lines.append(f"  {item.number} {item.what} {item.due.isoformat()}，{left}")
        lines.append("")
    for warning in warnings_due(desk) if warnings is None else warnings:
        lines.append(f"※ 申请{warning.number}距答复期限还有{warning.left}个工作日")
    if len(lines) == 2:
        lines.append("今日没有需要处理的事项。")
    return "\n".join(lines)


def warning_key(line: CaseLine) -> str:
    """Return what identifies one warning: the case, its deadline and the days left. A warning
    with the same key is never sent twice (a changed deadline is a new warning)."""
    return f"{line.app_id}:{line.due.isoformat()}:{line.left}"


def sent_reminders(session: Session, unit: Unit) -> tuple[set[str], set[str]]:
    """Return the days on which ``unit``'s digest went out and the keys of the warnings sent.

    Each sending leaves an audit entry (``action="reminder"``), which is also the record that
    makes the scheduled run idempotent: no second table to keep in step.
    """
    query = select(AuditEntry.after).where(
        AuditEntry.entity == "unit",
        AuditEntry.entity_id == unit.id,
        AuditEntry.action == REMINDER_ACTION,
    )
    days: set[str] = set()
    warned: set[str] = set()
    for after in session.scalars(query):
        days.add(str((after or {}).get("day", "")))
        warned.update(str(key) for key in (after or {}).get("warnings", []))
    return days, warned


def digest_recipients(settings: LetterSettings) -> list[str]:
    """Return the digest's addresses (one per line or comma-separated) where SMTP is set up."""
    if not settings.smtp_host:
        return []
    text = settings.digest_to.replace(",", "\n").replace("，", "\n")
    return [a.strip() for a in text.splitlines() if a.strip()]


def send_digest(session: Session, unit: Unit, user: User, today: dt.date, report_year: int) -> int:
    """Send ``unit``'s daily digest to the addresses its settings list; return how many.

    Nothing is sent where the unit has no SMTP server or no recipient configured. A 5- or
    1-working-day warning already sent (by an earlier digest, scheduled or by hand) is not
    repeated. The sending is recorded in the audit log in the caller's transaction, before the
    message goes out: a failed delivery raises and the caller rolls the record back.
    """
    settings = settings_for(session, unit)
    recipients = digest_recipients(settings)
    if not recipients:
        return 0
    desk = build_desk(session, user, [unit], today, report_year)
    _, warned = sent_reminders(session, unit)
    warnings = [w for w in warnings_due(desk) if warning_key(w) not in warned]
    message = EmailMessage()
    subject = f"【政务公开提醒】{unit.name} {today.isoformat()}"
    if warnings:
        subject += f"：{len(warnings)}件申请临近答复期限"
    message["Subject"] = subject
    message["From"] = settings.smtp_sender or f"xxgk@{settings.smtp_host}"
    message["To"] = ", ".join(recipients)
    message.set_content(digest_text(unit, desk, today, warnings))
    audit.record(
        session=session,
        actor=user,
        action=REMINDER_ACTION,
        entity="unit",
        entity_id=unit.id,
        after={
            "day": today,
            "recipients": len(recipients),
            "warnings": [warning_key(w) for w in warnings],
        },
    )
    _deliver(settings, message, unit)
    return len(recipients)


def _deliver(settings: LetterSettings, message: EmailMessage, unit: Unit) -> None:
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port or 25, timeout=30) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise RegisterError(
            f"{unit.name}的提醒邮件未能发出（邮件服务器{settings.smtp_host}：{reason}）",
            f"digest of {unit.code} not sent: {reason}",
        ) from exc
