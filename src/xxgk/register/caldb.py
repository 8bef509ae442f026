"""Calendars backed by the database: shipped overlays plus an administrator's changes.

Changing a regional calendar recomputes the stored deadline of every application that uses it
(open ones, and closed ones too, whose stored deadline lists and exports show), and the audit
log says, for each, what changed and why. Regional days an administrator enters with a source
confirm that year's regional closures.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.db import audit
from xxgk.db.access import require
from xxgk.db.models import Role, Unit, User
from xxgk.errors import RegisterError
from xxgk.register.calendar import Calendar, RegionalDay, regions
from xxgk.register.deadline import compute_deadline
from xxgk.register.models import Application, CalendarDay
from xxgk.register.queries import calendar_change_ids
from xxgk.register.state import facts

NATIONAL = "CN"
"""Region code for changes to the national calendar itself (all units)."""


def calendar_for(session: Session, region: str | None) -> Calendar:
    """Return the calendar of ``region`` (None: national) with the administrator's changes."""
    wanted = [NATIONAL] + ([region.upper()] if region else [])
    rows = list(
        session.scalars(
            select(CalendarDay)
            .where(CalendarDay.region.in_(wanted), CalendarDay.active.is_(True))
            .order_by(CalendarDay.id)
        )
    )
    extra = [RegionalDay(r.day, r.kind, r.name, r.source) for r in rows]
    shipped = region if region and region.upper() in regions() else None
    confirmed = {r.day.year for r in rows if r.region != NATIONAL}
    return Calendar(shipped, extra, confirmed)


def unit_calendar(session: Session, unit: Unit) -> Calendar:
    """Return the calendar that applies to ``unit``."""
    return calendar_for(session, unit.calendar_region)


_CALENDARS: dict[tuple[str, str | None, tuple[int, ...]], Calendar] = {}


def kept_calendar(session: Session, unit: Unit, days: tuple[int, ...] | None = None) -> Calendar:
    """Return ``unit``'s calendar, built once per region and set of calendar changes.

    Building a calendar reads package metadata and the region's overlay (about a millisecond);
    the administrator's changes are rows that are only ever added, so the ids of the active
    rows (``days``, one small query, shared by the units of one request) say when a kept
    calendar is out of date.
    """
    return kept_region_calendar(session, unit.calendar_region, days)


def kept_region_calendar(
    session: Session, region: str | None, days: tuple[int, ...] | None = None
) -> Calendar:
    """Return the calendar of ``region`` as :func:`kept_calendar` keeps it (for a caller that
    has a unit's region but not the unit)."""
    if days is None:
        days = calendar_change_ids(session)
    # the database is part of the key: row ids of two databases (tests, several apps in one
    # process) say nothing about each other
    key = (str(session.get_bind().engine.url), region, days)
    found = _CALENDARS.get(key)
    if found is None:
        if len(_CALENDARS) > 256:
            _CALENDARS.clear()
        found = _CALENDARS[key] = calendar_for(session, region)
    return found


def refresh_deadline(session: Session, app: Application) -> None:
    """Store the current deadline of ``app`` with the calendar version used: the reply deadline,
    or, while waiting for 补正, none and the applicant's correction period instead."""
    calendar = unit_calendar(session, app.unit)
    deadline = compute_deadline(facts(app, calendar=calendar), calendar)
    app.due_on = deadline.date
    app.correction_due = deadline.waiting.until if deadline.waiting else None
    app.due_provisional = deadline.provisional
    app.due_note = deadline.warning[:500]
    app.calendar_version = deadline.calendar_version


def set_calendar_day(
    *,
    session: Session,
    actor: User,
    region: str,
    day: dt.date,
    kind: str,
    name: str,
    source: str,
    reason: str,
) -> tuple[CalendarDay, int]:
    """Add a closure (``holiday``) or make-up day (``workday``) and recompute the deadlines.

    Return the new calendar row and how many stored deadlines changed.
    """
    require(actor, frozenset({Role.ADMIN}))
    if kind not in ("holiday", "workday"):
        raise RegisterError(f"日历调整类型“{kind}”应为 holiday 或 workday", f"bad kind {kind!r}")
    if not source.strip():
        raise RegisterError(
            "日历调整必须注明来源（通知文号或网址）", "a calendar change needs a source"
        )
    row = CalendarDay(region=region.upper(), day=day, kind=kind, name=name, source=source)
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="create",
        entity="calendar_day",
        entity_id=row.id,
        after={"region": row.region, "day": day, "kind": kind, "name": name, "source": source},
        reason=reason,
    )
    changed = recompute_deadlines(
        session=session,
        actor=actor,
        region=row.region,
        reason=f"日历调整：{row.region} {day} {name or kind}（{reason}）",
    )
    return row, changed


def recompute_deadlines(
    *, session: Session, actor: User | None, region: str | None, reason: str
) -> int:
    """Recompute the stored deadline of every application in ``region``; return changes.

    Closed applications are recomputed too: their stored deadline is what lists, exports and
    the lateness check show, and it must follow the calendar in force.
    """
    query = select(Application).join(Unit).where(Application.void.is_(False))
    if region and region != NATIONAL:
        query = query.where(Unit.calendar_region == region)
    changed = 0
    for app in session.scalars(query):
        before = {"due_on": app.due_on, "calendar_version": app.calendar_version}
        refresh_deadline(session, app)
        after = {"due_on": app.due_on, "calendar_version": app.calendar_version}
        if before != after:
            changed += 1
            audit.record(
                session=session,
                actor=actor,
                action="recompute-deadline",
                entity="application",
                entity_id=app.id,
                before=before,
                after=after,
                reason=reason,
            )
    return changed


recompute_open_deadlines = recompute_deadlines
"""The former name (it recomputed open applications only)."""
