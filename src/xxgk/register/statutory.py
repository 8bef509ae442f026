"""Statutory holidays of any year, computed from 《全国年节及纪念日放假办法》 (domain-rules.md §4).

``chinesecalendar`` carries the State Council's yearly notices, 调休 included, but only for the
years up to its release. For a later (or much earlier) year the holidays themselves still follow
from the 办法: fixed solar dates, lunar dates (春节, 端午, 中秋) and the 清明 solar term, all
taken from ``lunar_python``. What cannot be known before the notice is the 调休 swap of
weekend days, so every answer built on these days is provisional.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from lunar_python import Lunar, Solar

REVISION_2024 = 2025
"""The 2024 revision applies from the 2025 calendar: 春节 from 除夕, 劳动节 two days."""
ONE_DAY = dt.timedelta(days=1)


def _solar(solar: Solar) -> dt.date:
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def _lunar(year: int, month: int, day: int) -> dt.date:
    return _solar(Lunar.fromYmd(year, month, day).getSolar())


def _qingming(year: int) -> dt.date:
    table = Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()
    return _solar(table["清明"])


def _festival_days(year: int) -> list[tuple[dt.date, str]]:
    """Return the holiday days the 办法 (art. 2) gives everyone in ``year``, by name."""
    new_year = _lunar(year, 1, 1)
    spring = [new_year + ONE_DAY * i for i in range(3)]
    labour = [dt.date(year, 5, 1)]
    if year >= REVISION_2024:
        spring.insert(0, new_year - ONE_DAY)  # 除夕
        labour.append(dt.date(year, 5, 2))
    days = [(dt.date(year, 1, 1), "元旦")]
    days += [(d, "春节") for d in spring]
    days.append((_qingming(year), "清明节"))
    days += [(d, "劳动节") for d in labour]
    days.append((_lunar(year, 5, 5), "端午节"))
    days.append((_lunar(year, 8, 15), "中秋节"))
    days += [(dt.date(year, 10, d), "国庆节") for d in (1, 2, 3)]
    return days


@cache
def statutory_holidays(year: int) -> dict[dt.date, str]:
    """Return the days off in ``year`` under the 办法, with the 补假 of art. 6.

    A holiday falling on a Saturday or Sunday is made up on the next working day after its
    group of days (art. 6: 适逢星期六、星期日，应当在工作日补假); so is a holiday falling on
    another holiday (中秋 on a 国庆 day, as in 2020, when the break was one day longer). The 调休
    swaps that the State Council announces each year are unknown and not guessed.
    """
    festival = _festival_days(year)
    days = dict(festival)
    seen: set[dt.date] = set()
    for day, name in sorted(festival, key=lambda item: item[0]):
        coincides = day in seen
        seen.add(day)
        if day.weekday() < 5 and not coincides:
            continue
        makeup = day + ONE_DAY
        while makeup.weekday() >= 5 or makeup in days:
            makeup += ONE_DAY
        days[makeup] = f"{name}（补假）"
    return {d: n for d, n in days.items() if d.year == year}
