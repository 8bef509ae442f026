"""The findings a list page shows per case (``caseload.problems_of``): answered from memory only
while nothing the checks read has changed."""

from __future__ import annotations

import datetime as dt

import pytest

from xxgk.recall import Recall
from xxgk.register import add_event, caseload, queries, register_application
from xxgk.register.caldb import unit_calendar

D = dt.date.fromisoformat
TODAY = D("2025-06-30")


@pytest.fixture
def listed(sqlite_world, monkeypatch):
    """Return ``problems()``: the messages of ``problems_of`` for the town's applications, as a
    list page asks (light events and calendars given), and how many cases were checked."""
    w = sqlite_world
    monkeypatch.setattr(caseload, "_PROBLEMS", Recall(caseload.PROBLEMS_KEPT // 2))
    checked: list[int] = []
    real = caseload.check_application

    def counting(app, calendar, *, today=None):
        checked.append(app.id)
        return real(app, calendar, today=today)

    monkeypatch.setattr(caseload, "check_application", counting)

    def problems() -> tuple[dict[int, list[str]], int]:
        w.session.flush()
        apps = queries.applications(w.session, [w.town.id], events=False)
        events = queries.light_events(w.session, [a.id for a in apps])
        calendars = {w.town.id: unit_calendar(w.session, w.town)}
        before = len(checked)
        found = caseload.problems_of(w.session, apps, TODAY, events=events, calendars=calendars)
        messages = {app_id: [f.message for f in fs] for app_id, fs in found.items()}
        return messages, len(checked) - before

    return problems


def _app(w, received: str = "2025-03-03"):
    return register_application(
        session=w.session,
        unit=w.town,
        actor=w.clerk,
        channel_name="当面",
        arrived_on=D(received),
        applicant_type="natural_person",
    )


def test_unchanged_cases_are_not_checked_again(sqlite_world, listed):
    w = sqlite_world
    late, clean = _app(w), _app(w, "2025-06-20")
    first, checked = listed()
    assert checked == 2
    assert list(first) == [late.id]
    assert "仍未答复" in first[late.id][0]
    again, checked = listed()
    assert (again, checked) == (first, 0)
    add_event(
        session=w.session,
        actor=w.clerk,
        application=late,
        kind="答复",
        on=D("2025-06-10"),
        outcome_name="予以公开",
    )
    replied, checked = listed()
    assert checked == 1  # only the case whose events changed
    assert "晚于答复期限" in replied[late.id][0]
    assert clean.id not in replied


def test_an_event_changed_in_place_is_checked_again(sqlite_world, listed):
    """A letter's delivery sets the notified date of its extension event (the one change an
    event ever sees): the kept answer must not outlive it."""
    w = sqlite_world
    app = _app(w)
    extension = add_event(
        session=w.session,
        actor=w.clerk,
        application=app,
        kind="延期",
        on=D("2025-03-20"),
        days=20,
        approved_on=D("2025-03-20"),
    )
    before, _ = listed()
    assert any("没有告知申请人的记录" in m for m in before[app.id])
    extension.notified_on = D("2025-03-21")
    after, checked = listed()
    assert checked == 1
    assert not any("没有告知申请人的记录" in m for m in after.get(app.id, []))


def test_a_changed_application_or_day_is_checked_again(sqlite_world, listed):
    w = sqlite_world
    app = _app(w, "2025-06-02")
    assert listed() == ({}, 1)
    app.received_on = D("2025-03-03")
    found, checked = listed()
    assert checked == 1
    assert "仍未答复" in found[app.id][0]
    tomorrow = D("2025-07-01")
    apps = queries.applications(w.session, [w.town.id], events=False)
    events = queries.light_events(w.session, [app.id])
    calendar = unit_calendar(w.session, w.town)
    later = caseload.problems_of(
        w.session, apps, tomorrow, events=events, calendars={w.town.id: calendar}
    )
    assert "截至2025-07-01" in later[app.id][0].message
