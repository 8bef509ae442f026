"""Calendars backed by the database: shipped overlays plus an administrator's changes.

Changing a regional calendar recomputes the deadline of every open application that uses it,
and the audit log says, for each, what changed and why.
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
from xxgk.register.state import facts, status

NATIONAL = "CN"
"""Region code for changes to the national calendar itself (all units)."""


def calendar_for(session: Session, region: str | None) -> Calendar:
    """Return the calendar of ``region`` (None: national) with the administrator's changes."""
    wanted = [NATIONAL] + ([region.upper()] if region else [])
    rows = session.scalars(
        select(CalendarDay)
        .where(CalendarDay.region.in_(wanted), CalendarDay.active.is_(True))
        .order_by(CalendarDay.id)
    )
    extra = [RegionalDay(r.day, r.kind, r.name, r.source) for r in rows]
    shipped = region if region and region.upper() in regions() else None
    return Calendar(shipped, extra)


def unit_calendar(session: Session, unit: Unit) -> Calendar:
    """Return the calendar that applies to ``unit``."""
    return calendar_for(session, unit.calendar_region)


def refresh_deadline(session: Session, app: Application) -> None:
    """Store the current deadline of ``app`` with the calendar version used."""
    deadline = compute_deadline(facts(app), unit_calendar(session, app.unit))
    app.due_on = deadline.date
    app.due_provisional = deadline.provisional
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
    """Add a closure (``holiday``) or make-up day (``workday``) and recompute open deadlines.

    Return the new calendar row and how many open deadlines changed.
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
    changed = recompute_open_deadlines(
        session=session,
        actor=actor,
        region=row.region,
        reason=f"日历调整：{row.region} {day} {name or kind}（{reason}）",
    )
    return row, changed


def recompute_open_deadlines(
    *, session: Session, actor: User | None, region: str | None, reason: str
) -> int:
    """Recompute the stored deadline of every open application in ``region``; return changes."""
    query = select(Application).join(Unit).where(Application.void.is_(False))
    if region and region != NATIONAL:
        query = query.where(Unit.calendar_region == region)
    changed = 0
    for app in session.scalars(query):
        if not status(app).is_open:
            continue
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
