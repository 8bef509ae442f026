"""The calendar's answer cache: cached answers equal fresh ones, and versions never mix."""

from __future__ import annotations

import datetime as dt

from xxgk.register.calendar import Calendar, RegionalDay, national_range

ONE_DAY = dt.timedelta(days=1)


def days_spanning_the_data() -> list[dt.date]:
    """Every day from the year before the national data to two years after (computed years)."""
    first, last = national_range()
    day, end = dt.date(last - 1, 1, 1), dt.date(last + 2, 12, 31)
    days = []
    while day <= end:
        days.append(day)
        day += ONE_DAY
    return days + [dt.date(first, 1, 1), dt.date(first, 10, 1)]


def test_cached_answers_equal_fresh_ones_for_every_day() -> None:
    for region in (None, "XJ"):
        warm = Calendar(region)
        for day in days_spanning_the_data():
            warm.is_workday(day), warm.holiday_name(day)
        cached = Calendar(region)  # a new instance of the same version reads the shared cache
        for day in days_spanning_the_data():
            assert cached.is_workday(day) == cached._compute_workday(day), (region, day)
            assert cached.holiday_name(day) == cached._compute_holiday_name(day), (region, day)


def test_computed_holidays_beyond_the_data_survive_the_cache() -> None:
    _, last = national_range()
    calendar = Calendar()
    new_year = dt.date(last + 1, 1, 1)
    for _ in range(2):  # the second answer comes from the cache
        assert calendar.holiday_name(new_year) == "元旦"
        assert new_year.weekday() >= 5 or not calendar.is_workday(new_year)


def test_an_administrators_change_is_a_new_version_with_its_own_answers() -> None:
    _, last = national_range()
    monday = dt.date(last, 6, 1)
    while monday.weekday() != 0 or not Calendar().is_workday(monday):
        monday += ONE_DAY
    plain = Calendar("XJ")
    assert plain.is_workday(monday)
    closed = Calendar("XJ", [RegionalDay(monday, "holiday", "地方假日", "测试通知")])
    assert closed.version != plain.version
    assert not closed.is_workday(monday)
    assert closed.holiday_name(monday) == "地方假日"
    assert Calendar("XJ").is_workday(monday)  # the shipped calendar's answer is unchanged
    assert Calendar("XJ").holiday_name(monday) is None
