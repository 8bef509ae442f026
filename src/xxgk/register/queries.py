"""Reading the register: applications of a set of units (a page of them, or how many), the
events that decide their state as light rows, the calendar changes in force, an application
by its receipt, the newest published version of each report, the stored deadlines of the open
applications (the menu's badge, see ``unit_cases``) and each unit's revision stamp.

The web's scope decides *which* units a person may read; these functions only read what they
are given, the same for the pages, the API and the CLI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from types import SimpleNamespace
from typing import Any, NamedTuple

from sqlalchemy import Select, and_, bindparam, exists, func, inspect, select
from sqlalchemy.orm import Session, aliased, lazyload
from sqlalchemy.sql.elements import ColumnElement

from xxgk.db.models import Unit
from xxgk.db.queries import plain_rows
from xxgk.records.models import PublishedReport
from xxgk.register.models import Application, CalendarDay, Event
from xxgk.register.vocab import CLOSING, EventKind

CHUNK = 500
"""Ids bound in one ``IN (...)``: well below every database's limit on parameters."""


def applications(
    session: Session,
    unit_ids: Collection[int] | None = None,
    *,
    year: int | None = None,
    include_void: bool = True,
    newest_first: bool = False,
    limit: int | None = None,
    offset: int = 0,
    events: bool = True,
) -> list[Application]:
    """Return the applications of ``unit_ids`` (None: of every unit), received in ``year``,
    by unit and number (``newest_first``: the highest number first, as the register list
    shows them); ``limit``/``offset`` select one page; ``events=False`` leaves their events
    unread (a list reads them as light rows, see :func:`light_events`)."""
    shape = (unit_ids is None, year is None, include_void, newest_first, limit is None, events)
    query = _APPLICATIONS.get(shape)
    if query is None:
        query = _APPLICATIONS[shape] = _applications_statement(*shape)
    params = _parameters(unit_ids, year, limit, offset)
    return list(session.scalars(query, params))


def _applications_statement(
    all_units: bool,
    any_year: bool,
    include_void: bool,
    newest_first: bool,
    unlimited: bool,
    events: bool,
) -> Select[Any]:
    """The statement of :func:`applications` for one combination of its options, with the
    units, year and page as parameters."""
    query = select(Application)
    if not events:
        query = query.options(lazyload(Application.events))
    return _shaped(query, all_units, any_year, include_void, newest_first, unlimited)


def _shaped(
    query: Select[Any],
    all_units: bool,
    any_year: bool,
    include_void: bool,
    newest_first: bool,
    unlimited: bool,
) -> Select[Any]:
    """Add the filters, the register order and the page of :func:`applications` to ``query``
    (shared with :func:`listed_applications`, so both read the same rows in the same order)."""
    if not all_units:
        query = query.where(Application.unit_id.in_(bindparam("unit_ids", expanding=True)))
    if not any_year:
        query = query.where(Application.year == bindparam("year"))
    if not include_void:
        query = query.where(Application.void.is_(False))
    number = Application.number.desc() if newest_first else Application.number
    query = query.order_by(Application.unit_id, number)
    if not unlimited:
        query = query.limit(bindparam("limit")).offset(bindparam("offset"))
    return query


def _parameters(
    unit_ids: Collection[int] | None, year: int | None, limit: int | None, offset: int
) -> dict[str, Any]:
    """The bound values of a statement made by :func:`_shaped`."""
    params: dict[str, Any] = {"year": year, "limit": limit, "offset": offset}
    if unit_ids is not None:
        params["unit_ids"] = list(unit_ids)
    return params


class ListedUnit(NamedTuple):
    """What a list reads of an application's unit: its name, calendar and fee setting."""

    id: int
    name: str
    calendar_region: str | None
    fee_pauses_clock: bool | None


APPLICATION_KEYS = tuple(attr.key for attr in inspect(Application).column_attrs)
"""Every column of an application, by attribute name (what a listed application holds)."""
_LISTED_COLUMNS: tuple[ColumnElement[Any], ...] = (
    *(getattr(Application, key).label(key) for key in APPLICATION_KEYS),
    Unit.name.label("unit_name"),
    Unit.calendar_region.label("unit_calendar_region"),
    Unit.fee_pauses_clock.label("unit_fee_pauses_clock"),
)


def listed_applications(
    session: Session,
    unit_ids: Collection[int] | None = None,
    *,
    year: int | None = None,
    include_void: bool = True,
    newest_first: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[SimpleNamespace]:
    """Return what :func:`applications` returns (without events) as plain objects: every
    column of each application under its attribute name and ``unit`` as a ``ListedUnit``.

    One statement of columns: a page of the register list builds no ORM object (their
    identity map, attribute instrumentation and the lazy load of each ``unit`` cost as much
    as the rest of the page's reading).
    """
    shape = (unit_ids is None, year is None, include_void, newest_first, limit is None)
    query = _LISTED.get(shape)
    if query is None:
        query = _LISTED[shape] = _shaped(
            select(*_LISTED_COLUMNS).join(Unit, Unit.id == Application.unit_id), *shape
        )
    params = _parameters(unit_ids, year, limit, offset)
    units: dict[int, ListedUnit] = {}
    listed = []
    width = len(APPLICATION_KEYS)
    for row in plain_rows(session, query, params):
        app = SimpleNamespace(**dict(zip(APPLICATION_KEYS, row[:width], strict=True)))
        unit = units.get(app.unit_id)
        if unit is None:
            unit = units[app.unit_id] = ListedUnit(app.unit_id, *row[width:])
        app.unit = unit
        listed.append(app)
    return listed


def light_applications(
    session: Session, unit_ids: Collection[int] | None, *, include_void: bool = False
) -> list[SimpleNamespace]:
    """Return the applications of ``unit_ids`` in number order, as ``list_applications``
    reads them, as plain objects (:func:`listed_applications`) whose ``events`` are their
    :func:`light_events` rows: enough for their state, deadline marks, the desk and the
    report's counts, in two statements and no ORM object however long the register."""
    apps = listed_applications(session, unit_ids, include_void=include_void)
    events = light_events(session, [app.id for app in apps])
    for app in apps:
        app.events = events.get(app.id, [])
    return apps


_LISTED: dict[tuple[bool, ...], Select[Any]] = {}
"""The statements of :func:`listed_applications`, built once per combination of options."""


_APPLICATIONS: dict[tuple[bool, ...], Select[Any]] = {}
"""The statements of :func:`applications`, built once per combination of options: building
and hashing a statement cost as much as the rest of a list's query."""


def count_applications(
    session: Session,
    unit_ids: Collection[int] | None = None,
    *,
    year: int | None = None,
    include_void: bool = True,
) -> int:
    """Return how many applications :func:`applications` would return without a limit."""
    shape = (unit_ids is None, year is None, include_void)
    query = _COUNTS.get(shape)
    if query is None:
        query = _COUNTS[shape] = _counted(*shape)
    params: dict[str, Any] = {"year": year}
    if unit_ids is not None:
        params["unit_ids"] = list(unit_ids)
    return int(plain_rows(session, query, params).scalar() or 0)


def _counted(all_units: bool, any_year: bool, include_void: bool) -> Select[Any]:
    """The statement of :func:`count_applications` for one combination of its options."""
    query = select(func.count(Application.id))
    if not all_units:
        query = query.where(Application.unit_id.in_(bindparam("unit_ids", expanding=True)))
    if not any_year:
        query = query.where(Application.year == bindparam("year"))
    if not include_void:
        query = query.where(Application.void.is_(False))
    return query


_COUNTS: dict[tuple[bool, ...], Select[Any]] = {}
"""The statements of :func:`count_applications`, built once per combination of options (the
register list counts its rows on every page when there is more than one)."""


LIGHT_EVENT_COLUMNS = (
    Event.application_id,
    Event.id,
    Event.kind,
    Event.ref_id,
    Event.outcome,
    Event.on,
    Event.days,
    Event.approved_on,
    Event.notified_on,
    Event.due_on,
    Event.party,
)
"""The columns of an event that its application's state, deadline and checks read."""


def light_row(event: Event) -> tuple[Any, ...]:
    """Return ``event``'s LIGHT_EVENT_COLUMNS, as a row of :func:`light_events` holds them."""
    return tuple(getattr(event, column.key) for column in LIGHT_EVENT_COLUMNS)


_LIGHT_EVENTS = (
    select(*(column.label(column.key) for column in LIGHT_EVENT_COLUMNS))
    .where(Event.application_id.in_(bindparam("ids", expanding=True)))
    .order_by(Event.id)
)
"""Built once, like every statement read on each list page."""


def light_events(session: Session, app_ids: Iterable[int]) -> dict[int, list[Any]]:
    """Return the events of the applications ``app_ids`` by application id as plain rows
    (id, kind, ref_id, outcome, on: what the state of an application is decided by, and days,
    approved_on, notified_on, due_on, party: what its deadline and checks read), in event
    order.

    A list shows the state of many applications at once; plain rows cost a fraction of
    building every event as an ORM object.
    """
    out: dict[int, list[Any]] = {}
    ids = list(app_ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for row in plain_rows(session, _LIGHT_EVENTS, {"ids": chunk}):
            out.setdefault(row.application_id, []).append(row)
    return out


def calendar_change_ids(session: Session) -> tuple[int, ...]:
    """Return the ids of the calendar changes in force: they are only ever added or retired,
    so this tuple says whether a calendar built earlier is still the current one."""
    return tuple(plain_rows(session, _CALENDAR_CHANGES).scalars())


_CALENDAR_CHANGES = (
    select(CalendarDay.id).where(CalendarDay.active.is_(True)).order_by(CalendarDay.id)
)


def application_numbered(session: Session, unit_code: str, number: str) -> Application | None:
    """Return the application ``number`` of the unit coded ``unit_code``, or None."""
    query = (
        select(Application)
        .join(Unit, Unit.id == Application.unit_id)
        .where(Unit.code == unit_code, Application.number == number)
    )
    return session.scalar(query)


def newest_published(session: Session) -> list[tuple[PublishedReport, Unit]]:
    """Return the newest published version of every unit's report with its unit, newest
    year first, then by unit code."""
    rows = session.execute(
        select(PublishedReport, Unit)
        .join(Unit, Unit.id == PublishedReport.unit_id)
        .order_by(PublishedReport.year.desc(), Unit.code, PublishedReport.version.desc())
    ).all()
    seen: set[tuple[int, int]] = set()
    out = []
    for row, unit in rows:
        if (row.unit_id, row.year) not in seen:
            seen.add((row.unit_id, row.year))
            out.append((row, unit))
    return out


def _closed() -> ColumnElement[bool]:
    """Whether an application has a closing event that has not itself been voided (the same
    reading as ``state.status``)."""
    closing = aliased(Event, name="closing")
    voiding = aliased(Event, name="voiding")
    voided = exists().where(
        and_(voiding.kind == EventKind.VOIDED.value, voiding.ref_id == closing.id)
    )
    return exists().where(
        and_(
            closing.application_id == Application.id,
            closing.kind.in_([k.value for k in CLOSING]),
            ~voided,
        )
    )


_OPEN_DEADLINES = (
    select(Application.unit_id, Application.due_on)
    .where(
        Application.unit_id.in_(bindparam("unit_ids", expanding=True)),
        Application.void.is_(False),
        Application.due_on.is_not(None),
        ~_closed(),
    )
    .order_by(Application.unit_id, Application.due_on)
)
"""Built once: the aliases of a statement built per call made SQLAlchemy adapt every column
again on each call."""


def open_deadlines(session: Session, unit_ids: Collection[int]) -> dict[int, list[dt.date]]:
    """Return the stored deadlines of the open applications of ``unit_ids`` by unit, earliest
    first: not void, a stored deadline, and no closing event that has not itself been voided.

    What the menu's badge counts (those due by a unit's horizon): one statement that never
    loads an application; whether a closing event was voided is looked up through the index
    on ``application_events.ref_id``.
    """
    out: dict[int, list[dt.date]] = {unit_id: [] for unit_id in unit_ids}
    if not out:
        return out
    rows: Iterable[Any] = plain_rows(session, _OPEN_DEADLINES, {"unit_ids": sorted(out)})
    for unit_id, due_on in rows:
        out[unit_id].append(due_on)
    return out


class RevisionStamp(NamedTuple):
    """What says whether a unit's register changed (``register.revision``): its applications
    and the sum of their revisions; with the unit's creation time and calendar region (read in
    the same statement)."""

    unit_id: int
    created_at: dt.datetime
    calendar_region: str | None
    applications: int
    revisions: int


_STAMPS = (
    select(
        Unit.id,
        Unit.created_at,
        Unit.calendar_region,
        func.count(Application.id),
        func.coalesce(func.sum(Application.revision), 0),
    )
    .outerjoin(Application, Application.unit_id == Unit.id)
    .where(Unit.id.in_(bindparam("unit_ids", expanding=True)))
    .group_by(Unit.id, Unit.created_at, Unit.calendar_region)
)


def revision_stamps(session: Session, unit_ids: Collection[int]) -> dict[int, RevisionStamp]:
    """Return the revision stamp of each unit of ``unit_ids`` that exists, by unit id (one
    statement, answered from the index on the units' applications and their revisions)."""
    if not unit_ids:
        return {}
    rows: Iterable[Any] = plain_rows(session, _STAMPS, {"unit_ids": sorted(unit_ids)})
    return {
        unit_id: RevisionStamp(unit_id, created, region, int(count), int(total))
        for unit_id, created, region, count, total in rows
    }
