"""An independent reading of working days for the clock tests, written apart from the library.

Years chinesecalendar covers: its data. Later years: the 2024 办法 holidays from a table of
lunar dates typed in by hand (not computed with lunar_python), weekends, and art. 6 补假 (a
holiday on a weekend, or on another holiday, is made up on the next weekday that is not off).
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar

DAY = dt.timedelta(days=1)
# (除夕's next day = 春节初一, 清明, 端午, 中秋), from published almanacs.
LUNAR = {
    2027: ("2027-02-06", "2027-04-05", "2027-06-09", "2027-09-15"),
    2028: ("2028-01-26", "2028-04-04", "2028-05-28", "2028-10-03"),
    2029: ("2029-02-13", "2029-04-04", "2029-06-16", "2029-09-22"),
    2030: ("2030-02-03", "2030-04-05", "2030-06-05", "2030-09-12"),
}


def days_off(year: int) -> set[dt.date]:
    """Return the statutory days off of ``year`` (a year of the LUNAR table)."""
    first, qingming, duanwu, zhongqiu = (dt.date.fromisoformat(d) for d in LUNAR[year])
    listed = [dt.date(year, 1, 1), first - DAY, first, first + DAY, first + 2 * DAY]
    listed += [qingming, dt.date(year, 5, 1), dt.date(year, 5, 2), duanwu, zhongqiu]
    listed += [dt.date(year, 10, 1), dt.date(year, 10, 2), dt.date(year, 10, 3)]
    off: set[dt.date] = set()
    owed = []
    for day in sorted(listed):
        if day in off or day.weekday() >= 5:
            owed.append(day)
        off.add(day)
    for day in owed:
        make_up = day + DAY
        while make_up.weekday() >= 5 or make_up in off:
            make_up += DAY
        off.add(make_up)
    return off


def workday(day: dt.date, closed: set[dt.date] = frozenset()) -> bool:
    """chinesecalendar where it knows the year, else weekdays minus the 办法's days off."""
    if day in closed:
        return False
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5 and day not in days_off(day.year)


def add(start: dt.date, n: int, closed: set[dt.date] = frozenset()) -> dt.date:
    """Walk day by day from ``start`` and stop on the n-th working day."""
    day = start
    while n:
        day += DAY
        if workday(day, closed):
            n -= 1
    return day
