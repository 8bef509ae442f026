"""Queries of the register shared by the pages, the API and the CLI: what a page needs to read
in one statement, kept out of the web layer.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Collection

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from xxgk.register.caldb import calendar_for
from xxgk.register.calendar import Calendar
from xxgk.register.models import Application, Event
from xxgk.register.views import working_days_left
from xxgk.register.vocab import CLOSING, EventKind

DUE_SOON = 5
"""Working days ahead that count as due soon (the desk's and the list's 即将到期)."""
HORIZON_SECONDS = 300
"""How long the menu badge keeps a region's horizon before reading its calendar again (a
calendar change shows on the badge within five minutes; lists and the desk read it at once)."""
_HORIZONS: dict[tuple[str, dt.date, int], dt.date] = {}
_REGION_HORIZONS: dict[tuple[str, str | None, dt.date], tuple[float, dt.date]] = {}


def due_soon_horizon(calendar: Calendar, today: dt.date, days: int = DUE_SOON) -> dt.date:
    """Return the last date whose deadline is at most ``days`` working days after ``today``
    (kept per calendar version and day: one walk of a few weeks a day)."""
    key = (calendar.version, today, days)
    found = _HORIZONS.get(key)
    if found is None:
        if len(_HORIZONS) > 1000:
            _HORIZONS.clear()
        found = today
        while working_days_left(calendar, today, found + dt.timedelta(days=1)) <= days:
            found += dt.timedelta(days=1)
        _HORIZONS[key] = found
    return found


def open_applications_due(session: Session, unit_ids: Collection[int], until: dt.date) -> int:
    """Return how many open applications of ``unit_ids`` are due on or before ``until``.

    One statement: not void, a stored deadline, and no closing event that has not itself been
    voided (the same reading as ``state.status``). It is the count on the menu's badge, read
    on every page, so it never loads an application.
    """
    if not unit_ids:
        return 0
    closing = aliased(Event)
    voiding = aliased(Event)
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
    query = select(func.count(Application.id)).where(
        Application.unit_id.in_(list(unit_ids)),
        Application.void.is_(False),
        Application.due_on.is_not(None),
        Application.due_on <= until,
        ~closed,
    )
    return int(session.scalar(query) or 0)


def region_horizon(session: Session, region: str | None, today: dt.date) -> dt.date:
    """Return ``due_soon_horizon`` for the calendar of ``region``, kept for HORIZON_SECONDS so
    the badge on every page costs one count and not a calendar read."""
    key = (str(session.get_bind().engine.url), region, today)
    now = time.monotonic()
    kept = _REGION_HORIZONS.get(key)
    if kept is not None and now - kept[0] < HORIZON_SECONDS:
        return kept[1]
    if len(_REGION_HORIZONS) > 256:
        _REGION_HORIZONS.clear()
    horizon = due_soon_horizon(calendar_for(session, region), today)
    _REGION_HORIZONS[key] = (now, horizon)
    return horizon


def menu_badge(
    session: Session, unit_ids: Collection[int], region: str | None, today: dt.date
) -> int:
    """Return the number on the menu's badge: open applications of ``unit_ids`` overdue or due
    within DUE_SOON working days (by the calendar of ``region``, the user's own unit's)."""
    return open_applications_due(session, unit_ids, region_horizon(session, region, today))
