"""The statutory clock: check values, regional days, provisional years, and a naive oracle."""

from __future__ import annotations

import datetime as dt

import pytest
import register_oracle
from hypothesis import given
from hypothesis import strategies as st

from xxgk.register.calendar import Calendar, national_range
from xxgk.register.deadline import (
    ApplicationFacts,
    CustomDeadline,
    Extension,
    Pause,
    compute_deadline,
)

D = dt.date.fromisoformat
NATIONAL = Calendar()


def naive_workday(day: dt.date, closed: set[dt.date] = frozenset()) -> bool:
    """An independent reading of the rule: chinesecalendar, else the 办法's days off typed in
    by hand (``register_oracle``); minus closures."""
    return register_oracle.workday(day, closed)


def naive_add(start: dt.date, n: int, closed: set[dt.date] = frozenset()) -> dt.date:
    """Walk day by day from ``start`` and stop on the n-th working day."""
    day = start
    while n:
        day += dt.timedelta(days=1)
        if naive_workday(day, closed):
            n -= 1
    return day


@pytest.mark.parametrize(
    ("received", "due"),
    [("2025-01-20", "2025-02-21"), ("2025-09-26", "2025-10-30"), ("2025-12-22", "2026-01-20")],
)
def test_deadline_check_values(received, due):
    deadline = compute_deadline(ApplicationFacts(D(received)), NATIONAL)
    assert deadline.date == D(due)
    assert not deadline.provisional
    assert deadline.calendar_version.startswith("chinesecalendar 1.11.0")


def test_deadline_extension_check_value():
    ext = Extension(20, D("2025-02-10"), D("2025-02-11"))
    deadline = compute_deadline(ApplicationFacts(D("2025-01-20"), extension=ext), NATIONAL)
    assert deadline.date == D("2025-03-21")
    assert deadline.extension_days == 20
    assert any("延长20个工作日" in line for line in deadline.explanation)


def test_deadline_explanation_names_the_skipped_holidays():
    deadline = compute_deadline(ApplicationFacts(D("2025-01-20"), "当面提交"), NATIONAL)
    text = deadline.text()
    assert text.splitlines()[0] == "2025-02-21"
    assert "春节8天" in text
    assert "调休上班日2025-01-26、2025-02-08计为工作日" in text


def test_extension_without_approval_does_not_count():
    ext = Extension(20, None, D("2025-02-11"))
    deadline = compute_deadline(ApplicationFacts(D("2025-01-20"), extension=ext), NATIONAL)
    assert deadline.date == D("2025-02-21")
    assert any("延期无效" in line for line in deadline.explanation)


def test_extension_notified_after_the_deadline_does_not_count():
    ext = Extension(20, D("2025-02-20"), D("2025-02-24"))
    deadline = compute_deadline(ApplicationFacts(D("2025-01-20"), extension=ext), NATIONAL)
    assert deadline.date == D("2025-02-21")


def test_extension_is_capped_at_twenty_days():
    ext = Extension(30, D("2025-02-10"), D("2025-02-11"))
    deadline = compute_deadline(ApplicationFacts(D("2025-01-20"), extension=ext), NATIONAL)
    assert deadline.date == D("2025-03-21")


def test_correction_restarts_the_clock():
    facts = ApplicationFacts(D("2025-03-03"), restarted_on=D("2025-03-10"))
    assert compute_deadline(facts, NATIONAL).date == naive_add(D("2025-03-10"), 20)


def test_art35_custom_deadline_needs_notice():
    told = ApplicationFacts(
        D("2025-03-03"), custom=CustomDeadline(D("2025-06-30"), D("2025-03-05"))
    )
    untold = ApplicationFacts(D("2025-03-03"), custom=CustomDeadline(D("2025-06-30"), None))
    assert compute_deadline(told, NATIONAL).date == D("2025-06-30")
    assert compute_deadline(untold, NATIONAL).date == naive_add(D("2025-03-03"), 20)


def test_unanswered_consultation_pauses_fifteen_days():
    facts = ApplicationFacts(D("2025-03-03"), pauses=(Pause(D("2025-03-10")),))
    assert compute_deadline(facts, NATIONAL).date == naive_add(D("2025-03-03"), 35)


def test_applications_before_2019_05_15_have_fifteen_days():
    deadline = compute_deadline(ApplicationFacts(D("2019-03-01")), NATIONAL)
    assert deadline.date == naive_add(D("2019-03-01"), 15)


def test_xinjiang_overlay_closes_corban_days():
    xj = Calendar("XJ")
    assert NATIONAL.is_workday(D("2025-06-09"))
    assert not xj.is_workday(D("2025-06-09"))
    assert xj.holiday_name(D("2025-03-31")) == "肉孜节"
    received = D("2025-05-26")
    closed = {D("2025-06-06"), D("2025-06-09"), D("2025-06-10")}
    assert compute_deadline(ApplicationFacts(received), xj).date == naive_add(received, 20, closed)
    assert "XJ" in xj.version


def test_year_beyond_the_data_is_provisional_not_a_crash():
    last = national_range()[1]
    received = dt.date(last, 12, 20)
    deadline = compute_deadline(ApplicationFacts(received), NATIONAL)
    assert deadline.provisional
    assert deadline.date == naive_add(received, 20)
    assert any("暂定" in line for line in deadline.explanation)


def test_unknown_region_is_an_input_error():
    from xxgk.errors import InputError

    with pytest.raises(InputError, match="未知的地区日历"):
        Calendar("ZZ")


dates = st.dates(dt.date(2019, 5, 15), dt.date(2027, 6, 30))


@given(received=dates, extension=st.integers(0, 20))
def test_deadline_matches_a_naive_day_counter(received, extension):
    ext = Extension(extension, received, received) if extension else None
    deadline = compute_deadline(ApplicationFacts(received, extension=ext), NATIONAL)
    assert deadline.date == naive_add(received, 20 + extension)
    assert deadline.provisional == (deadline.date.year > national_range()[1])


@given(
    received=dates,
    restart=st.integers(0, 30),
    pauses=st.lists(
        st.tuples(st.integers(1, 25), st.one_of(st.none(), st.integers(0, 25))), max_size=3
    ),
)
def test_pauses_and_restarts_match_a_naive_counter(received, restart, pauses):
    base = received + dt.timedelta(days=restart)
    pause_list = tuple(
        Pause(base + dt.timedelta(days=s), None if e is None else base + dt.timedelta(days=s + e))
        for s, e in pauses
    )
    facts = ApplicationFacts(received, restarted_on=base if restart else None, pauses=pause_list)
    assert compute_deadline(facts, NATIONAL).date == naive_deadline(base, pause_list)


def naive_deadline(base: dt.date, pauses: tuple[Pause, ...]) -> dt.date:
    """Independent oracle: take pauses in order; each adds its working days if it starts in time."""
    skipped: set[dt.date] = set()
    due = naive_add(base, 20)
    for pause in sorted(pauses, key=lambda p: p.start):
        if pause.start > due:
            continue
        window = naive_add(pause.start, 15)
        end = min(pause.end, window) if pause.end else window
        day = pause.start
        while day < end:
            day += dt.timedelta(days=1)
            if naive_workday(day):
                skipped.add(day)
        due = _add_skipping(base, 20, skipped)
    return due


def _add_skipping(start: dt.date, n: int, skipped: set[dt.date]) -> dt.date:
    day = start
    while n:
        day += dt.timedelta(days=1)
        if naive_workday(day) and day not in skipped:
            n -= 1
    return day


def test_a_deadline_passed_on_a_weekend_is_overdue_not_due_today() -> None:
    """The due list (CLI) and the register page count days left with one function."""
    from xxgk.register.views import DueItem, due_line, working_days_left

    calendar = Calendar()
    saturday, sunday = dt.date(2026, 11, 21), dt.date(2026, 11, 22)
    assert working_days_left(calendar, sunday, saturday) == -1
    assert working_days_left(calendar, saturday, saturday) == 0

    class _Unit:
        name = "示例县清河镇人民政府"

    class _App:
        unit, number = _Unit(), "2026-0001"

    line = due_line(DueItem(_App(), saturday, working_days_left(calendar, sunday, saturday), False))
    assert "已逾期1个工作日" in line
