"""What the desk and the menu badge show of each unit's register, kept per unit until the
register changes: the cases overdue and due soon, consultations unanswered, the register
checks' findings and the report year's Table 三 counts (the desk), and the stored deadlines of
the open cases (the badge).

Worked out afresh they cost a read of every application and event of the unit (about 50 ms at
1,500 applications); kept, a page costs one statement of each unit's *revision stamp*
(``queries.revision_stamps``: its count of applications and sum of their revisions, raised by
the database on every write, see ``register.revision``). An answer is kept with everything it
was worked out from and reused only while all of it is the same: the stamp, the unit's name and
fee setting, its calendar (version and confirmed years) and the day. Nothing is kept or reused
by a session whose open transaction has written the register (``revision.
written_in_transaction``): its stamps are not yet committed and may be rolled back.

The badge counts each unit's cases with that unit's own calendar (a unit admin's or the system
administrator's scope may hold units with different regional calendars).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from xxgk.db.models import Unit
from xxgk.errors import RegisterError
from xxgk.model.report import Report
from xxgk.recall import MISSING, Recall
from xxgk.register.caldb import kept_region_calendar
from xxgk.register.calendar import Calendar
from xxgk.register.caseload import DUE_SOON, due_soon_horizon, problems_of
from xxgk.register.compile import count_requests
from xxgk.register.letters import ANSWER_DAYS
from xxgk.register.queries import (
    RevisionStamp,
    calendar_change_ids,
    light_applications,
    open_deadlines,
    revision_stamps,
)
from xxgk.register.revision import written_in_transaction
from xxgk.register.state import live_events, status
from xxgk.register.views import working_days_left
from xxgk.register.vocab import EventKind

UNITS_KEPT = 512
"""Units whose desk answers are kept (two generations of half as many): a county's units."""
DEADLINES_KEPT = 4096
"""Units whose open deadlines are kept for the badge (two generations of half as many)."""
PERIOD_SOON = 3
"""Working days ahead that count as a 补正 period running out (and every period run out)."""


@dataclass(frozen=True)
class CaseLine:
    """One application on the desk with what is due and when."""

    app_id: int
    unit: str
    number: str
    what: str
    due: dt.date
    left: int
    findings: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnitCases:
    """The desk's lines of one unit's cases, in register order, and its Table 三 counts.

    ``requests`` holds the Table 三 cells counted for ``year`` (or the error counting raised,
    raised again where the report's gate needs them); None when they were not asked for.
    ``corrections`` are the cases waiting for 补正 whose period ends within PERIOD_SOON working
    days or has ended, by the period the register keeps (``correction_due``)."""

    overdue: tuple[CaseLine, ...]
    due_soon: tuple[CaseLine, ...]
    consultations: tuple[CaseLine, ...]
    findings: tuple[CaseLine, ...]
    year: int | None = None
    requests: Mapping[str, Any] | RegisterError | None = None
    corrections: tuple[CaseLine, ...] = ()

    def counted(self) -> Mapping[str, Any]:
        """Return the Table 三 cells (raise what counting them raised)."""
        if isinstance(self.requests, RegisterError):
            raise self.requests
        assert self.requests is not None, "Table 三 was not counted"
        return self.requests


_CASES: Recall[tuple[str, int], tuple[tuple[Any, ...], UnitCases]] = Recall(UNITS_KEPT // 2)
_DEADLINES: Recall[tuple[str, int], tuple[tuple[Any, ...], tuple[dt.date, ...]]] = Recall(
    DEADLINES_KEPT // 2
)


def _database(session: Session) -> str:
    """The database a kept answer belongs to (ids of two databases say nothing of each other)."""
    return str(session.get_bind().engine.url)


def _stamp_key(stamp: RevisionStamp | None) -> tuple[Any, ...]:
    """What of a stamp says the unit's rows are the same (the creation time tells apart the
    units of a database emptied and filled again, whose ids start over: tests do that)."""
    if stamp is None:
        return ()
    return (stamp.applications, stamp.revisions, stamp.created_at)


def unit_cases(
    session: Session,
    units: Sequence[Unit],
    today: dt.date,
    calendars: Mapping[int, Calendar],
    counted: Mapping[int, int] | None = None,
) -> dict[int, UnitCases]:
    """Return the desk's cases of each of ``units`` by unit id, each counted with its calendar
    in ``calendars`` (by unit id); ``counted`` names the units whose Table 三 is wanted and
    for which year (the units whose report's gate the desk shows)."""
    counted = counted or {}
    stamps = revision_stamps(session, [unit.id for unit in units])
    keep = not written_in_transaction(session)  # after the stamps: reading them flushes
    database = _database(session)
    out: dict[int, UnitCases] = {}
    for unit in units:
        calendar = calendars[unit.id]
        year = counted.get(unit.id)
        key = (database, unit.id)
        stamp = (
            _stamp_key(stamps.get(unit.id)),
            unit.name,
            unit.fee_pauses_clock,
            calendar.version,
            calendar.confirmed_years,
            today,
        )
        if keep:
            kept = _CASES.lookup(key)
            if kept is not MISSING and kept[0] == stamp and (year is None or kept[1].year == year):
                out[unit.id] = kept[1]
                continue
        cases = read_unit_cases(session, unit, calendar, today, year)
        if keep:
            _CASES.keep(key, (stamp, cases))
        out[unit.id] = cases
    return out


def read_unit_cases(
    session: Session, unit: Unit, calendar: Calendar, today: dt.date, year: int | None = None
) -> UnitCases:
    """Return the desk's cases of ``unit`` read afresh (``year``: count its Table 三 too).

    The applications are read as plain rows with their events' light rows (``queries.
    light_applications``); their findings come from the checks' memory (``caseload.
    problems_of``), which checks only a case that changed.
    """
    apps: list[Any] = light_applications(session, [unit.id])
    problems = problems_of(
        session,
        apps,
        today,
        events={app.id: app.events for app in apps},
        calendars={unit.id: calendar},
    )
    return cases_of(unit, apps, problems, calendar, today, year)


def cases_of(
    unit: Unit,
    apps: Sequence[Any],
    problems: Mapping[int, Sequence[Any]],
    calendar: Calendar,
    today: dt.date,
    year: int | None = None,
) -> UnitCases:
    """Return the desk's cases of ``unit`` from its applications ``apps`` (plain rows or ORM
    objects, in register order) and their findings ``problems`` by application id."""
    overdue, due_soon, consultations, findings = [], [], [], []
    corrections: list[CaseLine] = []
    for app in apps:
        found = problems.get(app.id)
        if found:
            messages = tuple(f.message for f in found)
            findings.append(
                CaseLine(
                    app.id, unit.name, app.number, "登记检查发现问题", app.received_on, 0, messages
                )
            )
        if not status(app).is_open:
            continue
        if app.due_on is None:
            corrections += correction_ending(app, unit, calendar, today)
            continue
        left = working_days_left(calendar, today, app.due_on)
        line = CaseLine(app.id, unit.name, app.number, "答复期限", app.due_on, left)
        if left < 0:
            overdue.append(line)
        elif left <= DUE_SOON:
            due_soon.append(line)
        consultations += unanswered_consultations(app, unit, calendar, today)
    requests: Mapping[str, Any] | RegisterError | None = None
    if year is not None:
        requests = _table_three(unit, apps, year)
    return UnitCases(
        tuple(overdue),
        tuple(due_soon),
        tuple(consultations),
        tuple(findings),
        year,
        requests,
        tuple(corrections),
    )


def correction_ending(app: Any, unit: Unit, calendar: Calendar, today: dt.date) -> list[CaseLine]:
    """Return the line of the open case ``app`` waiting for 补正 (art. 30) when its period
    ends within PERIOD_SOON working days or has ended (then it may be closed as 逾期未补正):
    the period the register keeps, whether the notice was issued in xxgk or only recorded."""
    until = app.correction_due
    if until is None:
        return []
    left = working_days_left(calendar, today, until)
    if left > PERIOD_SOON:
        return []
    return [CaseLine(app.id, unit.name, app.number, "补正期限", until, left)]


def unanswered_consultations(
    app: Any, unit: Unit, calendar: Calendar, today: dt.date
) -> list[CaseLine]:
    """Return the consultations of the open case ``app`` unanswered after ANSWER_DAYS working
    days (征求意见逾期未复), in event order."""
    events = live_events(app)
    answered = {e.ref_id for e in events if e.kind == EventKind.CONSULTATION_ANSWERED}
    lines = []
    for sent in events:
        if sent.kind != EventKind.CONSULTATION_SENT or sent.id in answered:
            continue
        end = calendar.add_working_days(sent.on, ANSWER_DAYS)
        if end < today:
            lines.append(
                CaseLine(
                    app.id,
                    unit.name,
                    app.number,
                    f"征求意见（{sent.party}）逾期未复",
                    end,
                    working_days_left(calendar, today, end),
                )
            )
    return lines


def _table_three(unit: Unit, apps: Sequence[Any], year: int) -> Mapping[str, Any] | RegisterError:
    """Return the Table 三 cells ``compile.count_requests`` fills from ``apps`` for ``year``,
    or the error it raises (a case closed without an outcome)."""
    scratch = Report(organization=unit.name, year=year)
    try:
        count_requests(scratch, apps, year)
    except RegisterError as error:
        return error
    return {key: value for key, value in scratch.values.items() if key.startswith("requests.")}


# --- the menu's badge ---------------------------------------------------------------------------


def menu_badge(session: Session, unit_ids: Collection[int], today: dt.date) -> int:
    """Return the number on the menu's badge: the open applications of ``unit_ids`` overdue or
    due within DUE_SOON working days, each unit's counted by its own calendar.

    Two small statements a page (the units' revision stamps and the calendar changes in
    force); a unit's open deadlines are read again only when its register changed.
    """
    stamps = revision_stamps(session, unit_ids)
    if not stamps:
        return 0
    keep = not written_in_transaction(session)
    database = _database(session)
    deadlines: dict[int, Sequence[dt.date]] = {}
    for unit_id, stamp in stamps.items():
        kept = _DEADLINES.lookup((database, unit_id)) if keep else MISSING
        if kept is not MISSING and kept[0] == _stamp_key(stamp):
            deadlines[unit_id] = kept[1]
    missing = [unit_id for unit_id in stamps if unit_id not in deadlines]
    for unit_id, dates in open_deadlines(session, missing).items():
        deadlines[unit_id] = tuple(dates)
        if keep:
            _DEADLINES.keep((database, unit_id), (_stamp_key(stamps[unit_id]), tuple(dates)))
    days = calendar_change_ids(session)
    total = 0
    for unit_id, stamp in stamps.items():
        calendar = kept_region_calendar(session, stamp.calendar_region, days)
        total += bisect_right(deadlines[unit_id], due_soon_horizon(calendar, today))
    return total
