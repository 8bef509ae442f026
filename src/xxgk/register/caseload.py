"""What is wrong, case by case, read in as few statements as a page allows: the register
checks' findings of the applications on a page of the register list, a case page or the desk,
and the horizon of "due within five working days" (the badge's, see ``unit_cases``).

Above ``queries`` (which the repository itself uses): this module reads through the checks
and the calendars, which read through the repository.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, selectinload

from xxgk.findings import Finding, Severity
from xxgk.recall import MISSING, Recall
from xxgk.register.caldb import unit_calendar
from xxgk.register.calendar import Calendar
from xxgk.register.checks import check_application
from xxgk.register.models import Application
from xxgk.register.queries import CHUNK, light_row
from xxgk.register.views import working_days_left

DUE_SOON = 5
"""Working days ahead that count as due soon (the desk's and the list's 即将到期)."""
_HORIZONS: Recall[tuple[str, dt.date, int], dt.date] = Recall(1000)
"""A bounded cache that keeps what recurs (``Recall``): the calendars in use stay, old days go."""


def due_soon_horizon(calendar: Calendar, today: dt.date, days: int = DUE_SOON) -> dt.date:
    """Return the last date whose deadline is at most ``days`` working days after ``today``
    (kept per calendar version and day: one walk of a few weeks a day)."""
    key = (calendar.version, today, days)
    found = _HORIZONS.lookup(key)
    if found is MISSING:
        found = today
        while working_days_left(calendar, today, found + dt.timedelta(days=1)) <= days:
            found += dt.timedelta(days=1)
        _HORIZONS.keep(key, found)
    return found


PROBLEMS_KEPT = 20_000
"""At most this many applications' findings are kept (two generations of half as many)."""
_PROBLEMS: Recall[tuple[object, ...], list[Finding]] = Recall(PROBLEMS_KEPT // 2)
"""The findings of applications already checked, by everything the checks read (see
``_problem_key``): a list page shows the same cases again and again."""


def _problem_key(
    app: Application, events: Sequence[Any], calendar: Calendar, today: dt.date
) -> tuple[object, ...]:
    """Return everything the checks of ``app`` read: its columns, its events' columns (rows
    of ``light_events``), its unit's fee setting, the calendar's version and the day (equal
    keys, equal findings, whichever database they come from)."""
    columns = tuple(getattr(app, name) for name in _APP_COLUMNS)
    unit_setting = app.unit.fee_pauses_clock if app.unit is not None else None
    rows = tuple(tuple(row) for row in events)
    return (columns, rows, unit_setting, calendar.version, today)


_APP_COLUMNS = tuple(
    attr.key for attr in inspect(Application).column_attrs if attr.key != "revision"
)
"""The columns the checks may read: all but ``revision``, which changes with every write and
says nothing the checks read (a case seen again after a write elsewhere is still kept)."""


def problems_of(
    session: Session,
    apps: Sequence[Application],
    today: dt.date,
    *,
    events: Mapping[int, Sequence[Any]] | None = None,
    calendars: Mapping[int, Calendar] | None = None,
) -> dict[int, list[Finding]]:
    """Return the register checks' errors and warnings (A01–A05) of each of ``apps`` that has
    any, by application id: the marker of a row in the register list and its 有问题 filter.

    ``events`` (the apps' events as ``queries.light_events`` reads them) and ``calendars``
    (by unit id), when the caller has them, let an application checked before with the same
    columns, events, calendar and day be answered from memory; the others' events are read
    in one statement (a list's applications come without them), each unit's calendar once.
    """
    if not apps:
        return {}
    calendars = dict(calendars or {})
    found: dict[int, list[Finding]] = {}
    missing = []
    for app in apps:
        calendar = calendars.get(app.unit_id)
        if calendar is None:
            calendar = calendars[app.unit_id] = unit_calendar(session, app.unit)
        if events is not None:
            key = _problem_key(app, events.get(app.id, ()), calendar, today)
            kept = _PROBLEMS.lookup(key)
            if kept is not MISSING:
                if kept:
                    found[app.id] = kept
                continue
        missing.append(app.id)
    for app in _with_events(session, missing):
        calendar = calendars.get(app.unit_id) or unit_calendar(session, app.unit)
        problems = [
            f
            for f in check_application(app, calendar, today=today)
            if f.severity in (Severity.ERROR, Severity.WARNING)
        ]
        if problems:
            found[app.id] = problems
        # keyed on what was just checked (not on the rows the caller read earlier)
        rows = [light_row(event) for event in app.events]
        _PROBLEMS.keep(_problem_key(app, rows, calendar, today), problems)
    return found


def app_problems(app: Application, calendar: Calendar, today: dt.date) -> list[Finding]:
    """Return the register checks' errors and warnings of ``app``, whose events are loaded
    (the desk's cases): kept like :func:`problems_of`'s, so a desk seen again with the same
    cases, calendar and day does not work out every deadline again."""
    key = _problem_key(app, [light_row(event) for event in app.events], calendar, today)
    kept = _PROBLEMS.lookup(key)
    if kept is not MISSING:
        return kept
    problems = [
        f
        for f in check_application(app, calendar, today=today)
        if f.severity in (Severity.ERROR, Severity.WARNING)
    ]
    _PROBLEMS.keep(key, problems)
    return problems


def _with_events(session: Session, ids: list[int]) -> list[Application]:
    """Return the applications ``ids`` with their events, read afresh, in the order given."""
    loaded: dict[int, Application] = {}
    for start in range(0, len(ids), CHUNK):
        query = (
            select(Application)
            .where(Application.id.in_(ids[start : start + CHUNK]))
            .options(selectinload(Application.events))
            .execution_options(populate_existing=True)
        )
        loaded.update((app.id, app) for app in session.scalars(query))
    return [loaded[app_id] for app_id in ids]


def case_findings(app: Application, calendar: Calendar, today: dt.date) -> list[dict[str, str]]:
    """Return every register finding of ``app`` (errors, warnings and notes) as the case page
    shows them: the message, its severity and the legal basis."""
    return [
        {"severity": f.severity.value, "message": f.message, "basis": f.kind.basis}
        for f in check_application(app, calendar, today=today)
    ]
