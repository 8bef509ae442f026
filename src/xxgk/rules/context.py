"""What every rule may read besides the report: the previous year, settings, derived facts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, overload

from xxgk.findings import Location
from xxgk.model.report import Report
from xxgk.model.units import UnitKind, guess_unit_kind
from xxgk.parse_findings import pages_left_unread
from xxgk.rules.settings import RuleSettings

LAST_YEAR_OF_OLD_REGULATION = 2018
"""Reports on this year and before follow the 2007 条例 (国务院令第492号), art. 31."""
OLD_REGULATION_DEADLINE = (3, 31)
"""The 2007 条例 gave every agency until 3月31日 (domain-rules §1.1, S21)."""
ASSUMED_TOWNSHIP_DEADLINE = (1, 31)
"""The common local rule for 乡镇/街道, assumed until the supervising office sets one."""


T = TypeVar("T")


class cached_property(Generic[T]):  # noqa: N801 - used as the functools decorator it replaces
    """``functools.cached_property`` without its lock: Python 3.11 takes an ``RLock`` on the
    first read of each property, and every report makes a new context whose properties are
    each read once or twice (a tenth of the validation). A context serves one validation in
    one thread, so there is nothing to lock against."""

    def __init__(self, compute: Callable[[Any], T]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    @overload
    def __get__(self, context: None, owner: type) -> cached_property[T]: ...

    @overload
    def __get__(self, context: object, owner: type) -> T: ...

    def __get__(self, context: object | None, owner: type) -> T | cached_property[T]:
        if context is None:
            return self
        value = context.__dict__[self.name] = self.compute(context)
        return value


@dataclass
class RuleContext:
    """Facts derived once per validation and shared by the rules."""

    report: Report
    settings: RuleSettings
    previous: Report | None = None
    memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    """Results shared between rules of one validation (e.g. broken relations)."""
    _texts: dict[tuple[str, ...], str] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @cached_property
    def unit_kind(self) -> UnitKind | None:
        """The kind of the 报告主体: the setting, else a guess from the organization name."""
        return self.settings.unit_kind or guess_unit_kind(self.report.organization)

    @property
    def kind_guessed(self) -> bool:
        return self.settings.unit_kind is None and self.unit_kind is not None

    @cached_property
    def kind_note(self) -> str:
        """A sentence for messages saying where the kind came from."""
        kind = self.unit_kind
        if kind is None:
            return "（未能确定报告主体类别，可在设置中指定）"
        if self.kind_guessed:
            name = self.report.organization
            return f"（报告主体类别“{kind.label}”系根据名称“{name}”推测，可在设置中指定）"
        return f"（报告主体类别：{kind.label}）"

    @cached_property
    def has_text(self) -> bool:
        """True when the report carries section text (a parsed report; not a bare table JSON)."""
        return any(s.text.strip() for s in self.report.sections.values())

    @cached_property
    def text_whole(self) -> bool:
        """True when the report carries section text and none of its pages was left unread
        (a long scan whose recognition ran out of time: ``parse-ocr-skipped``). Rules that
        say something is *absent* from the text hold only then: what the unread pages say
        is unknown, and the parser's finding already says they were not checked."""
        return self.has_text and not pages_left_unread(self.report.findings)

    def text(self, *keys: str) -> str:
        """Return the text of the named sections joined by newlines (missing ones skipped)."""
        text = self._texts.get(keys)
        if text is None:
            sections = self.report.sections
            text = "\n".join(sections[k].text for k in keys if k in sections)
            self._texts[keys] = text
        return text

    def location(self, key: str) -> Location | None:
        """Where section ``key`` was read, for findings about a whole section."""
        section = self.report.sections.get(key)
        return section.location if section else None

    @cached_property
    def front_text(self) -> str:
        """Title, preamble and section 一: where the year and statistics period are stated."""
        return "\n".join([self.report.title or "", self.text("preamble", "overview")])

    def deadline(self, year: int) -> dt.date:
        """The publication deadline of a report on ``year`` for this body.

        Reports on 2018 and earlier fall under the 2007 条例 (art. 31): every agency by 3月31日.
        """
        month, day = self.deadline_month_day
        if year <= LAST_YEAR_OF_OLD_REGULATION and self.settings.deadline is None:
            month, day = OLD_REGULATION_DEADLINE
        date = dt.date(min(year + 1, dt.MAXYEAR), month, day)
        return next_workday(date) if self.settings.roll_to_workday else date

    def deadline_is_assumed(self, year: int) -> bool:
        """True when the deadline of a township-level body is only the assumed 1月31日: the
        supervising office has not set the local rule (条例 art. 49 names no date)."""
        kind = self.unit_kind
        return (
            year > LAST_YEAR_OF_OLD_REGULATION
            and self.settings.deadline is None
            and self.settings.township_deadline is None
            and kind is not None
            and kind.township_level
        )

    @cached_property
    def deadline_month_day(self) -> tuple[int, int]:
        if self.settings.deadline is not None:
            return self.settings.deadline
        kind = self.unit_kind
        if kind is None:
            return (3, 31)
        if kind.township_level:
            return self.settings.township_deadline or ASSUMED_TOWNSHIP_DEADLINE
        return kind.deadline


def next_workday(date: dt.date) -> dt.date:
    """Return ``date`` or the first working day after it (national calendar).

    Outside the years chinesecalendar knows, the date is returned unchanged: the statutory
    calendar date is the safe reading.
    """
    import chinese_calendar

    try:
        while not chinese_calendar.is_workday(date):
            date += dt.timedelta(days=1)
    except NotImplementedError:
        pass
    return date
