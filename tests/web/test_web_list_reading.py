"""The register list's and the desk's fast reading give the same pages as the ORM's: a page
of applications read as plain columns (``queries.listed_applications``), a unit's cases with
their events' light rows (``queries.light_applications``) and the own unit's depth read in one
statement (``units.unit_depth``), against the ORM objects and the parent walk they replaced,
over a register of many random applications (every kind of event, voided events and
applications, two units, the demo's two years), for the clerk, the supervisor and the
administrator."""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from web_support import settings

from xxgk.db.engine import make_engine, make_session_factory
from xxgk.db.models import Unit, User
from xxgk.db.units import list_units, unit_depth
from xxgk.errors import XxgkError
from xxgk.register import queries
from xxgk.register.applications import register_application, void_application
from xxgk.register.events import add_event
from xxgk.register.models import Event
from xxgk.web import register_view as rv
from xxgk.web.deps import Scope

STEPS = (
    {"kind": "correction_requested"},
    {"kind": "correction_received"},
    {"kind": "correction_lapsed"},
    {"kind": "consultation_sent", "party": "第三方"},
    {"kind": "extension", "days": 20},
    {"kind": "fee_notice", "amount": 100},
    {"kind": "reply", "outcome_name": "granted", "delivery": "post"},
    {"kind": "reply", "outcome_name": "unavailable_not_held", "delivery": "email"},
    {"kind": "withdrawal"},
    {"kind": "voided"},
)


def _random_register(session, seed: int, count: int) -> None:
    """Register ``count`` applications of 清河镇 and the transport bureau this year (last year's
    register is locked by its published report), each with up to four random steps (those the
    library refuses are left out)."""
    rng = random.Random(seed)
    today = dt.date.today()
    units = [session.scalar(select(Unit).where(Unit.code == c)) for c in ("qinghe", "jiaotong")]
    admin = session.scalar(select(User).where(User.username == "admin"))
    for i in range(count):
        arrived = today - dt.timedelta(days=rng.randrange(3, max(4, today.timetuple().tm_yday)))
        app = register_application(
            session=session,
            unit=units[i % 2],
            actor=admin,
            channel_name=rng.choice(["in_person", "post_signed", "post_plain", "online"]),
            arrived_on=arrived,
            signed_on=arrived,
            confirmed_on=arrived,
            applicant_type=rng.choice(["natural_person", "commercial"]),
            applicant_name=f"随机申请人{i}",
            request_text=f"随机申请{i}的内容" * rng.randrange(1, 8),
        )
        day = app.received_on
        for _ in range(rng.randrange(5)):
            day += dt.timedelta(days=rng.randrange(1, 25))
            step = dict(rng.choice(STEPS))
            extra = _extra(step, app, day)
            try:
                with session.begin_nested():
                    add_event(session=session, actor=admin, application=app, on=day, **extra)
            except (XxgkError, ValueError):
                continue
        if rng.random() < 0.08:
            void_application(session=session, actor=admin, application=app, reason="重复登记")
    session.commit()


def _extra(step: dict, app, day: dt.date) -> dict:
    if step["kind"] == "extension":
        step.update(approved_on=day, notified_on=day)
    if step["kind"] == "voided":
        live = [e for e in app.events if e.kind not in ("registered", "voided")]
        if not live:
            return {"kind": "registered_again"}  # refused: nothing to void
        step["ref_id"] = live[-1].id
        step["note"] = "登记有误"
    return step


@pytest.fixture
def register(demo):
    """The demo database with 160 random applications, and a session on it."""
    folder, _ = demo
    engine = make_engine(settings(folder).database_url)
    session = make_session_factory(engine)()
    _random_register(session, seed=19, count=160)
    yield session
    session.close()
    engine.dispose()


def _orm_reading(scope: Scope):
    """What the list read before: ORM applications without their events."""

    def listed(unit=None, year=None, include_void=True, *, limit=None, offset=0):
        return scope.applications(
            unit, year, include_void, limit=limit, offset=offset, events=False
        )

    return listed


def test_listed_applications_hold_the_orm_columns(register):
    session = register
    unit_ids = [u.id for u in session.scalars(select(Unit))]
    shapes = [
        {},
        {"year": dt.date.today().year},
        {"include_void": False, "newest_first": True, "limit": 50, "offset": 0},
        {"include_void": False, "newest_first": True, "limit": 50, "offset": 50},
        {"newest_first": True, "limit": 7, "offset": 3},
    ]
    for ids in (None, unit_ids, unit_ids[1:2]):
        for shape in shapes:
            orm = queries.applications(session, ids, events=False, **shape)
            plain = queries.listed_applications(session, ids, **shape)
            assert [a.id for a in plain] == [a.id for a in orm]
            for fast, slow in zip(plain, orm, strict=True):
                for key in queries.APPLICATION_KEYS:
                    assert getattr(fast, key) == getattr(slow, key), (slow.id, key)
                unit = slow.unit
                assert fast.unit == (
                    unit.id,
                    unit.name,
                    unit.calendar_region,
                    unit.fee_pauses_clock,
                )
        for year in (None, dt.date.today().year):
            for include_void in (True, False):
                every = queries.applications(session, ids, year=year, include_void=include_void)
                count = queries.count_applications(
                    session, ids, year=year, include_void=include_void
                )
                assert count == len(every)


def test_light_events_are_the_events_columns(register):
    session = register
    events = list(session.scalars(select(Event)))
    rows = queries.light_events(session, sorted({e.application_id for e in events}))
    by_id = {row.id: row for chunk in rows.values() for row in chunk}
    assert len(by_id) == len(events)
    for event in events:
        assert tuple(by_id[event.id]) == queries.light_row(event)
        assert by_id[event.id].on == event.on


@pytest.mark.parametrize("username", ["qinghe-clerk", "county-supervisor", "admin"])
def test_register_list_pages_are_those_of_the_orm_reading(register, username):
    session = register
    user = session.scalar(select(User).where(User.username == username))
    today = dt.date.today()
    units = [None, *(u for _, u in Scope(session, user).units())][:3]
    filters = ["", "open", "overdue", "due_soon", "closed", "void", "all", "problems"]
    compared = 0
    for unit in units:
        for year in (None, today.year, today.year - 1):
            for state in filters:
                for query, page in (("", 1), ("", 2), ("", 9), ("随机申请1", 1)):
                    fast = rv.list_page(
                        Scope(session, user), unit, year, today=today,
                        state=state, query=query, page=page,
                    )  # fmt: skip
                    slow_scope = Scope(session, user)
                    slow_scope.listed_applications = _orm_reading(slow_scope)  # type: ignore[method-assign]
                    slow = rv.list_page(
                        slow_scope, unit, year, today=today, state=state, query=query, page=page
                    )
                    assert fast == slow, (unit, year, state, query, page)
                    compared += len(fast.rows)
    assert compared > 300  # the filters showed rows, not only empty pages


def test_own_unit_depth_is_its_depth_in_the_tree(register):
    session = register
    tree = list_units(session)
    for depth, unit in tree:
        assert unit_depth(session, unit.id) == depth
        walked, node = 0, unit.parent
        while node is not None:
            walked, node = walked + 1, node.parent
        assert walked == depth
    assert max(depth for depth, _ in tree) >= 1
    assert unit_depth(session, 10**9) == 0  # a unit that is not there: no depth, no error


def test_register_list_rows_are_plain_for_the_template():
    row = rv.application_row(
        SimpleNamespace(
            id=1, number="2026-0001", unit=SimpleNamespace(name="清河镇"), unit_id=1,
            channel="post_plain", received_on=dt.date(2026, 1, 5), applicant_type="natural_person",
            applicant_name="张三", request_text="x", due_on=None, due_provisional=False,
            due_note="", correction_due=None, void=False, events=[],
        ),
        rv.DueMark("", "", None),
        personal=True,
    )  # fmt: skip
    assert row["unit"] == "清河镇"
    assert row["state"] == "办理中"


def _orm_unit_cases(session, unit, calendar, today, year=None):
    """A unit's desk cases read the way the desk read them before: ORM applications with
    their ORM events, each checked through the checks' memory (``app_problems``)."""
    from xxgk.register.applications import list_applications
    from xxgk.register.caseload import app_problems
    from xxgk.register.unit_cases import cases_of

    apps = list_applications(session, unit)
    problems = {app.id: app_problems(app, calendar, today) for app in apps}
    return cases_of(unit, apps, problems, calendar, today, year)


@pytest.mark.parametrize("username", ["qinghe-clerk", "county-supervisor", "admin"])
def test_desk_is_that_of_the_orm_reading(register, username, monkeypatch):
    from xxgk.recall import Recall
    from xxgk.register import desk as desk_module
    from xxgk.register import unit_cases

    session = register
    user = session.scalar(select(User).where(User.username == username))
    units = [u for _, u in Scope(session, user).units()]
    today = dt.date.today()
    fast = desk_module.build_desk(session, user, units, today, today.year)
    again = desk_module.build_desk(session, user, units, today, today.year)  # from memory
    monkeypatch.setattr(unit_cases, "_CASES", Recall(8))
    monkeypatch.setattr(unit_cases, "read_unit_cases", _orm_unit_cases)
    slow = desk_module.build_desk(session, user, units, today, today.year)
    assert fast == again == slow
    assert fast.findings or fast.overdue or fast.due_soon or username == "admin"
