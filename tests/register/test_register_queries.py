"""The register's read functions shared by the web and the CLI (``xxgk.register.queries``)."""

from __future__ import annotations

import datetime as dt

from xxgk.db.units import add_unit
from xxgk.register import (
    add_event,
    publish_report,
    queries,
    register_application,
    reopen_year,
    void_application,
)
from xxgk.register.caldb import set_calendar_day

D = dt.date.fromisoformat


def _app(world, received: str, unit=None):
    return register_application(
        session=world.session,
        unit=unit or world.town,
        actor=world.admin if unit is not None else world.clerk,
        channel_name="当面",
        arrived_on=D(received),
        applicant_type="natural_person",
        applicant_name="张三",
        applicant_contact="13800000000",
        request_text="示例路改造工程的立项批复",
    )


def _neighbour(world):
    return add_unit(
        session=world.session,
        actor=world.admin,
        code="shiqiao",
        name="示例县石桥乡人民政府",
        kind=world.town.kind,
        parent=world.county,
    )


def test_applications_of_units_by_year_paged_and_counted(sqlite_world):
    w = sqlite_world
    first, second, third = (_app(w, day) for day in ("2025-03-03", "2025-04-01", "2025-05-06"))
    old = _app(w, "2024-12-02")
    other = _app(w, "2025-06-02", unit=_neighbour(w))
    void_application(session=w.session, actor=w.clerk, application=second, reason="重复登记")
    town = [w.town.id]
    assert queries.applications(w.session, town, year=2025) == [first, second, third]
    assert queries.applications(w.session, town, year=2025, include_void=False) == [first, third]
    newest = queries.applications(w.session, town, newest_first=True, limit=2, offset=1)
    assert newest == [second, first]  # of third, second, first, then last year's
    assert queries.applications(w.session, None, year=2025)[-1] is other
    assert queries.applications(w.session, town, year=2024) == [old]
    assert queries.count_applications(w.session, town) == 4
    assert queries.count_applications(w.session, town, year=2025, include_void=False) == 2
    assert queries.count_applications(w.session, []) == 0


def test_light_events_read_in_chunks_per_application(sqlite_world, monkeypatch):
    w = sqlite_world
    apps = [_app(w, "2025-03-03") for _ in range(3)]
    for app in apps[:2]:
        add_event(
            session=w.session,
            actor=w.clerk,
            application=app,
            kind="reply",
            on=D("2025-03-10"),
            outcome_name="granted",
            delivery="post",
        )
    monkeypatch.setattr(queries, "CHUNK", 2)
    rows = queries.light_events(w.session, [a.id for a in apps])
    assert {app_id: len(events) for app_id, events in rows.items()} == {
        a.id: len(a.events) for a in apps
    }
    assert [r.kind for r in rows[apps[2].id]] == [e.kind for e in apps[2].events]
    reply = rows[apps[1].id][-1]
    assert (reply.kind, reply.outcome, reply.on) == ("reply", "granted", D("2025-03-10"))
    assert [r.id for r in rows[apps[0].id]] == sorted(r.id for r in rows[apps[0].id])


def test_application_by_receipt_needs_the_unit_and_the_number(sqlite_world):
    w = sqlite_world
    app = _app(w, "2025-03-03")
    assert queries.application_numbered(w.session, "qinghe", app.number) is app
    assert queries.application_numbered(w.session, "shilixian", app.number) is None
    assert queries.application_numbered(w.session, "qinghe", app.number + "9") is None


def test_newest_published_keeps_one_version_per_unit_and_year(sqlite_world):
    w = sqlite_world
    _app(w, "2025-03-03")
    publish_report(
        session=w.session, unit=w.town, actor=w.reviewer, year=2025, published_on=D("2026-01-20")
    )
    reopen_year(session=w.session, unit=w.town, actor=w.leader, year=2025, reason="更正笔误")
    publish_report(
        session=w.session,
        unit=w.town,
        actor=w.reviewer,
        year=2025,
        published_on=D("2026-02-01"),
        reason="更正一处笔误",
    )
    (row, unit), *rest = queries.newest_published(w.session)
    assert rest == []
    assert (row.version, row.year, unit.code) == (2, 2025, "qinghe")


def test_calendar_change_ids_name_the_changes_in_force(sqlite_world):
    w = sqlite_world
    before = queries.calendar_change_ids(w.session)
    set_calendar_day(
        session=w.session,
        actor=w.admin,
        region="CN",
        day=D("2025-10-11"),
        kind="holiday",
        name="测试调整",
        source="测试通知",
        reason="测试",
    )
    after = queries.calendar_change_ids(w.session)
    assert len(after) == len(before) + 1
    assert after[: len(before)] == before
