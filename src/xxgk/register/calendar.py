"""Working days: the national calendar of ``chinesecalendar`` plus regional overlays.

A working day is a Monday–Friday that is not a holiday, plus the 调休 make-up Saturdays and
Sundays (domain-rules.md §4). Regional overlays (Xinjiang's 肉孜节 and 古尔邦节) add holidays and
working days; each overlay day carries its source. For a year the national data do not cover,
the calendar computes the statutory holidays from 《全国年节及纪念日放假办法》 (``statutory``) and
marks every answer that used such a day as provisional (the 调休 swaps are unknown) instead of
failing; when the installed ``chinesecalendar`` knows the year, its data win. A region whose
overlay lists the years its closures are confirmed for (``confirmed_years``) flags every answer
that crosses an unconfirmed year. This module is pure: no database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.metadata import version

import chinese_calendar

from xxgk.errors import InputError
from xxgk.register.statutory import statutory_holidays

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}
ONE_DAY = dt.timedelta(days=1)
MAX_CACHED_VERSIONS = 64
"""Calendar versions whose answers are kept (each administrator change makes a new version)."""


@dataclass(frozen=True)
class RegionalDay:
    """A day a regional government closes (``holiday``) or opens (``workday``) its agencies."""

    day: dt.date
    kind: str
    name: str
    source: str

    def key(self) -> str:
        return f"{self.day.isoformat()}:{self.kind}:{self.name}"


@dataclass(frozen=True)
class Region:
    """A regional overlay as shipped in ``register/data/regions.json``."""

    code: str
    name: str
    version: str
    days: tuple[RegionalDay, ...]
    confirmed_years: frozenset[int] | None = None
    """Years whose regional closures are known from a cited notice (None: not tracked)."""


@cache
def national_range() -> tuple[int, int]:
    """Return the first and last year the installed ``chinesecalendar`` knows."""
    years = [d.year for d in chinese_calendar.holidays]
    return min(years), max(years)


@cache
def national_version() -> str:
    """Return the version of the installed national data (read once: metadata is slow)."""
    first, last = national_range()
    return f"chinesecalendar {version('chinesecalendar')}（{first}–{last}）"


@dataclass
class DayAnswers:
    """Answers already computed for one calendar version.

    ``chinese_calendar`` validates every date against its whole table (a min and max over
    all holidays per call), which made the register pages spend most of their CPU there.
    The version string names the national data, the regional overlay and the administrator's
    changes, so answers keyed on it can be shared by every request and never go stale.
    """

    workday: dict[dt.date, bool]
    holiday: dict[dt.date, str | None]


_ANSWERS: dict[str, DayAnswers] = {}


def answers_for(calendar_version: str) -> DayAnswers:
    """Return the shared answer cache of ``calendar_version`` (dict operations are atomic
    under the GIL, so concurrent requests at worst compute a day twice)."""
    found = _ANSWERS.get(calendar_version)
    if found is None:
        if len(_ANSWERS) >= MAX_CACHED_VERSIONS:
            _ANSWERS.clear()
        found = _ANSWERS.setdefault(calendar_version, DayAnswers({}, {}))
    return found


@cache
def regions() -> dict[str, Region]:
    """Return the shipped regional overlays by region code."""
    raw = json.loads(resources.files("xxgk.register").joinpath("data/regions.json").read_text())
    return {
        code: Region(
            code,
            data["name"],
            data["version"],
            tuple(
                RegionalDay(dt.date.fromisoformat(d["date"]), d["kind"], d["name"], d["source"])
                for d in data["days"]
            ),
            frozenset(data["confirmed_years"]) if "confirmed_years" in data else None,
        )
        for code, data in raw.items()
    }


class Calendar:
    """Answers "is this a working day?" for one region, and counts working days."""

    def __init__(
        self,
        region: str | None = None,
        extra_days: Iterable[RegionalDay] = (),
        confirmed_years: Iterable[int] = (),
    ):
        """``extra_days``: an administrator's changes; ``confirmed_years``: years for which the
        administrator entered the region's closures from a cited notice."""
        self.region = region.upper() if region else None
        shipped: tuple[RegionalDay, ...] = ()
        if self.region:
            if self.region not in regions():
                known = "、".join(regions())
                raise InputError(
                    f"未知的地区日历“{region}”，可选：{known}",
                    f"unknown calendar region {region!r}",
                )
            shipped = regions()[self.region].days
        self.extra_days = tuple(extra_days)
        self.overrides = {d.day: d for d in (*shipped, *self.extra_days)}
        self.confirmed_years = self._confirmed(confirmed_years)
        self.version = self._version()
        self._answers = answers_for(self.version)

    def _confirmed(self, entered: Iterable[int]) -> frozenset[int] | None:
        if not self.region or regions()[self.region].confirmed_years is None:
            return None
        shipped = regions()[self.region].confirmed_years or frozenset()
        return shipped | frozenset(entered)

    def _version(self) -> str:
        parts = [national_version()]
        if self.region:
            parts.append(f"{self.region} {regions()[self.region].version}")
        if self.extra_days:
            digest = hashlib.sha1(
                "|".join(sorted(d.key() for d in self.extra_days)).encode()
            ).hexdigest()[:8]
            parts.append(f"本地调整 {digest}")
        return " + ".join(parts)

    def is_known(self, day: dt.date) -> bool:
        """Return True when ``day`` lies in a year of the national data."""
        first, last = national_range()
        return first <= day.year <= last

    def is_workday(self, day: dt.date) -> bool:
        """Return True for a working day; outside the data, Monday–Friday less the statutory
        holidays (an estimate). Answers are cached per calendar version."""
        known = self._answers.workday.get(day)
        if known is None:
            known = self._answers.workday[day] = self._compute_workday(day)
        return known

    def _compute_workday(self, day: dt.date) -> bool:
        override = self.overrides.get(day)
        if override is not None:
            return override.kind == "workday"
        if not self.is_known(day):
            return day.weekday() < 5 and day not in statutory_holidays(day.year)
        return chinese_calendar.is_workday(day)

    def holiday_name(self, day: dt.date) -> str | None:
        """Return the Chinese name of the holiday on ``day``, or None (cached per version)."""
        answers = self._answers.holiday
        if day not in answers:
            answers[day] = self._compute_holiday_name(day)
        return answers[day]

    def _compute_holiday_name(self, day: dt.date) -> str | None:
        override = self.overrides.get(day)
        if override is not None:
            return override.name if override.kind == "holiday" else None
        if not self.is_known(day):
            return statutory_holidays(day.year).get(day)
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        return HOLIDAY_NAMES.get(name, name) if on_holiday and name else None

    def working_days(self, after: dt.date, until: dt.date) -> list[dt.date]:
        """Return the working days ``d`` with ``after < d <= until``."""
        days = []
        day = after + ONE_DAY
        while day <= until:
            if self.is_workday(day):
                days.append(day)
            day += ONE_DAY
        return days

    def add_working_days(
        self, start: dt.date, count: int, skip: frozenset = frozenset()
    ) -> dt.date:
        """Return the ``count``-th working day after ``start``, not counting days in ``skip``.

        Counting begins the day after ``start`` (民法典 art. 201); ``count`` 0 returns ``start``.
        """
        day = start
        left = count
        while left > 0:
            day += ONE_DAY
            if self.is_workday(day) and day not in skip:
                left -= 1
        return day

    def provisional_between(self, start: dt.date, end: dt.date) -> bool:
        """Return True when any day in ``[start, end]`` lies outside the national data."""
        return not (self.is_known(start) and self.is_known(end))

    def unconfirmed_years(self, start: dt.date, end: dt.date) -> list[int]:
        """Return the years in ``[start, end]`` whose regional closures are not confirmed."""
        if self.confirmed_years is None:
            return []
        return [y for y in range(start.year, end.year + 1) if y not in self.confirmed_years]
