"""Issue 13, the law exactly: each case a regression test with its legal reason."""

from __future__ import annotations

import datetime as dt

import pytest
import register_oracle

from xxgk.errors import RegisterError
from xxgk.register import add_event, check_register, register_application
from xxgk.register.caldb import set_calendar_day
from xxgk.register.calendar import Calendar
from xxgk.register.deadline import ApplicationFacts, compute_deadline
from xxgk.register.models import Event
from xxgk.register.views import due_line, due_list, state_label

D = dt.date.fromisoformat


@pytest.fixture
def case(sqlite_world):
    w = sqlite_world

    def make(received="2025-03-03"):
        return register_application(
            session=w.session,
            unit=w.town,
            actor=w.clerk,
            channel_name="当面",
            arrived_on=D(received),
            applicant_type="自然人",
        )

    def event(app, kind, on, **extra):
        return add_event(
            session=w.session, actor=w.clerk, application=app, kind=kind, on=D(on), **extra
        )

    def codes(today):
        return sorted(f.code for f in check_register(w.session, w.town, today=D(today)))

    return make, event, codes


# --- 1. 补正 (art. 30) ---------------------------------------------------------------------


def test_waiting_for_correction_has_no_reply_deadline_and_is_never_overdue_art30(
    case, sqlite_world
):
    """Art. 30: after the 补正 notice the reply period runs anew only from the corrected
    application; while waiting there is no deadline, so no register-open-overdue."""
    make, event, codes = case
    app = make()
    event(app, "补正告知", "2025-03-05", due_on=D("2025-03-20"))
    assert app.due_on is None
    assert app.correction_due == D("2025-03-20")
    assert state_label(app) == "待补正（补正期限至2025-03-20）"
    assert codes("2025-03-19") == []
    assert codes("2025-06-30") == ["register-correction-period-passed"]
    assert "register-open-overdue" not in codes("2025-12-31")
    items = due_list(sqlite_world.session, [sqlite_world.town], D("2025-06-30"), None)
    assert "待补正" in due_line(items[0])
    assert "逾期" not in due_line(items[0]).split("，")[0]
    event(app, "补正收到", "2025-03-18")
    assert app.correction_due is None
    assert app.due_on == register_oracle.add(D("2025-03-18"), 20, {D("2025-03-31")})  # 肉孜节


def test_correction_period_default_is_stated_when_the_notice_gives_none_art30(case):
    """Art. 30 asks for a reasonable period; without one the default (15 working days) is used
    and the explanation says it is a default."""
    make, event, _ = case
    app = make()
    event(app, "补正告知", "2025-03-05")
    assert app.correction_due == Calendar("XJ").add_working_days(D("2025-03-05"), 15)


def test_lapse_before_the_correction_period_ends_is_refused_art30(case):
    """Art. 30: the application counts as abandoned only when the correction period has run."""
    make, event, codes = case
    app = make()
    event(app, "补正告知", "2025-03-05", due_on=D("2025-03-20"))
    with pytest.raises(RegisterError, match="补正期限至2025-03-20"):
        event(app, "逾期未补正", "2025-03-20")
    event(app, "逾期未补正", "2025-03-21")
    assert codes("2025-12-31") == []


def test_imported_early_lapse_and_early_unpaid_are_flagged_art30_109hao(case, sqlite_world):
    """Records that bypassed the refusal (imports) are flagged: closing early is unlawful."""
    make, event, codes = case
    s = sqlite_world.session
    app = make()
    event(app, "补正告知", "2025-03-05", due_on=D("2025-03-20"))
    s.add(Event(application=app, kind="correction_lapsed", on=D("2025-03-10"), actor_name="x"))
    other = make("2025-04-01")
    event(other, "收费通知", "2025-04-02", amount=100)
    s.add(Event(application=other, kind="fee_unpaid", on=D("2025-04-20"), actor_name="x"))
    s.flush()
    s.expire_all()
    assert codes("2025-12-31") == [
        "register-closed-before-period",
        "register-closed-before-period",
    ]


# --- 2. consultations (arts. 32, 34) -------------------------------------------------------


def test_answers_match_their_own_letter_by_party_or_id_arts32_34(case):
    """Arts. 32/34: each answer belongs to its own letter; with two open it is never guessed."""
    make, event, _ = case
    app = make()
    third = event(app, "征求意见", "2025-03-04", party="某公司")
    agency = event(app, "征求意见", "2025-03-06", party="县自然资源局")
    with pytest.raises(RegisterError, match="请指明对象或编号") as err:
        event(app, "征求意见答复", "2025-03-10")
    assert f"#{third.id}" in str(err.value)
    assert f"#{agency.id}" in str(err.value)
    answer = event(app, "征求意见答复", "2025-03-10", party="某公司")
    assert answer.ref_id == third.id
    with pytest.raises(RegisterError, match="不是申请"):
        event(app, "征求意见答复", "2025-03-12", ref_id=third.id)
    assert event(app, "征求意见答复", "2025-03-12", ref_id=agency.id).ref_id == agency.id


def test_an_answer_dated_before_its_letter_is_refused_art32(case):
    """An answer cannot come before the letter it answers."""
    make, event, _ = case
    app = make()
    event(app, "征求意见", "2025-03-04", party="某公司")
    late = event(app, "征求意见", "2025-03-10", party="县自然资源局")
    with pytest.raises(RegisterError, match="早于"):
        event(app, "征求意见答复", "2025-03-07", ref_id=late.id)


def test_two_concurrent_consultations_pause_their_union_arts32_34(case):
    """The suspended time is the union of the open intervals (after each letter's day up to its
    answer), so overlapping consultations are not counted twice nor cut short."""
    make, event, _ = case
    app = make("2025-03-03")
    event(app, "征求意见", "2025-03-04", party="甲")
    event(app, "征求意见", "2025-03-06", party="乙")
    event(app, "征求意见答复", "2025-03-14", party="乙")
    event(app, "征求意见答复", "2025-03-11", party="甲")
    xj = {D("2025-03-31")}  # 肉孜节 in Xinjiang
    skipped = {
        d
        for d in (D("2025-03-04") + dt.timedelta(days=i) for i in range(1, 11))
        if register_oracle.workday(d, xj)
    }
    assert app.due_on == _add(D("2025-03-03"), 20, skipped, xj)


def _add(start, n, skipped, closed):
    day = start
    while n:
        day += dt.timedelta(days=1)
        if register_oracle.workday(day, closed) and day not in skipped:
            n -= 1
    return day


# --- 3. fees (109号) -------------------------------------------------------------------------


def test_unpaid_before_twenty_working_days_is_refused_109hao(case):
    """109号 (Sichuan notice, domain-rules §2.7): 20 working days to pay, from the day after the
    notice; closing as 逾期未缴费 before they have run is refused."""
    make, event, codes = case
    app = make()
    event(app, "收费通知", "2025-03-10", amount=100)
    end = Calendar("XJ").add_working_days(D("2025-03-10"), 20)
    with pytest.raises(RegisterError, match="尚未逾期"):
        event(app, "逾期未缴费", end.isoformat())
    event(app, "逾期未缴费", (end + dt.timedelta(days=1)).isoformat())
    assert codes("2025-12-31") == []


# --- 4. holidays beyond the calendar's data ------------------------------------------------


@pytest.mark.parametrize("year", [2027, 2028, 2029, 2030])
def test_new_year_spring_festival_and_national_day_are_never_working_days(year):
    """全国年节及纪念日放假办法 (2024): 元旦, 春节 除夕–初三, 国庆 10/1–10/3 are days off in any
    year, also beyond chinesecalendar's data."""
    calendar = Calendar()
    first = D(register_oracle.LUNAR[year][0])
    days = [dt.date(year, 1, 1), *(first + dt.timedelta(days=i) for i in (-1, 0, 1, 2))]
    days += [dt.date(year, 10, d) for d in (1, 2, 3)]
    assert [d for d in days if calendar.is_workday(d)] == []
    assert calendar.holiday_name(dt.date(year, 10, 1)) == "国庆节"


def test_received_2026_12_21_is_due_2027_01_19_and_provisional():
    """2027-01-01 (元旦, a Friday) is not a working day: counting 20 working days from the day
    after 2026-12-21 ends on 2027-01-19; the 2027 调休 swaps are unknown, so it is provisional."""
    deadline = compute_deadline(ApplicationFacts(D("2026-12-21")), Calendar())
    assert deadline.date == D("2027-01-19")
    assert deadline.provisional
    assert "调休安排未知" in deadline.warning
    assert any("元旦1天" in line for line in deadline.explanation)


def test_chinesecalendar_data_win_where_it_knows_the_year():
    """A known year follows the State Council notice (调休 included), not the computation."""
    calendar = Calendar()
    assert calendar.is_workday(D("2026-02-14"))  # a 调休 Saturday in the 2026 notice
    assert not compute_deadline(ApplicationFacts(D("2025-12-22")), calendar).provisional


# --- 5. Xinjiang regional days --------------------------------------------------------------


def test_xinjiang_deadline_crossing_an_unconfirmed_year_is_flagged():
    """Regional days (放假办法 art. 4) for 2024 and 2026 are not confirmed: a Xinjiang deadline
    crossing them says so and is provisional; a confirmed year (2025) is not flagged."""
    xj = Calendar("XJ")
    flagged = compute_deadline(ApplicationFacts(D("2026-03-02")), xj)
    assert flagged.provisional
    assert "2026年的区域节假日" in flagged.warning
    clean = compute_deadline(ApplicationFacts(D("2025-05-05")), xj)
    assert not clean.provisional
    assert clean.warnings == ()
    assert (
        Calendar("XJ", confirmed_years=[2026]).unconfirmed_years(D("2026-01-01"), D("2026-12-31"))
        == []
    )


def test_entering_regional_days_confirms_the_year_and_recomputes_closed_deadlines(
    case, sqlite_world
):
    """An administrator's days with a source confirm the year; the change recomputes open
    deadlines and closed ones' stored deadlines (lists and exports show them)."""
    make, event, _ = case
    closed = make("2026-03-02")
    assert closed.due_provisional
    assert "2026年" in closed.due_note
    event(closed, "答复", "2026-03-20", outcome_name="予以公开")
    before = closed.due_on
    set_calendar_day(
        session=sqlite_world.session,
        actor=sqlite_world.admin,
        region="XJ",
        day=D("2026-03-20"),
        kind="holiday",
        name="肉孜节",
        source="（测试用虚构来源）",
        reason="测试",
    )
    assert closed.due_on == before + dt.timedelta(days=1)  # one more working day (Mon → Tue)
    assert not closed.due_provisional
    assert closed.due_note == ""
