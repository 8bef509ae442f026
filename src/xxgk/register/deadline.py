"""The statutory reply deadline of one application, with its explanation (domain-rules.md §2.9).

``compute_deadline`` is pure: it takes the facts of an application (date of receipt, the day a
corrected application came in, consultation or fee pauses, an extension, an art. 35 deadline)
and a :class:`Calendar`, and returns the deadline with every step explained in Chinese and the
calendar version used, so that the result can be reproduced and shown to an applicant.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from xxgk.errors import RegisterError
from xxgk.register.calendar import Calendar, national_range

NEW_REGULATION = dt.date(2019, 5, 15)
"""The 2019 条例 applies to applications received from this day (20 + 20 working days)."""
CONSULTATION_LIMIT = 15
FEE_PAYMENT_LIMIT = 20


@dataclass(frozen=True)
class Pause:
    """Days not counted: a consultation (arts. 32, 34) or, if so configured, a fee notice.

    The working days after ``start`` up to ``end`` are left out, but never more than ``limit``
    working days; an unanswered consultation pauses for the whole window.
    """

    start: dt.date
    end: dt.date | None = None
    limit: int = CONSULTATION_LIMIT
    label: str = "征求意见"


@dataclass(frozen=True)
class Extension:
    """An extension of ``days`` working days, approved and notified on the given days."""

    days: int
    approved_on: dt.date | None
    notified_on: dt.date | None


@dataclass(frozen=True)
class CustomDeadline:
    """An art. 35 deadline set by the agency, valid once the applicant is told."""

    due_on: dt.date
    notified_on: dt.date | None


@dataclass(frozen=True)
class ApplicationFacts:
    """What decides the deadline of one application."""

    received_on: dt.date
    receipt_rule: str = ""
    restarted_on: dt.date | None = None
    pauses: tuple[Pause, ...] = ()
    extension: Extension | None = None
    custom: CustomDeadline | None = None


@dataclass(frozen=True)
class Deadline:
    """The computed deadline: the date, whether it is an estimate, and why."""

    date: dt.date
    provisional: bool
    explanation: tuple[str, ...]
    calendar_version: str
    base: dt.date
    extension_days: int = 0
    paused_days: int = 0

    def text(self) -> str:
        """Return the ISO date alone on the first line, then the explanation."""
        return "\n".join((self.date.isoformat(), *self.explanation))


def periods(received_on: dt.date) -> tuple[int, int]:
    """Return (reply period, longest extension) in working days for an application."""
    return (20, 20) if received_on >= NEW_REGULATION else (15, 15)


def compute_deadline(facts: ApplicationFacts, calendar: Calendar) -> Deadline:
    """Return the reply deadline of the application described by ``facts``."""
    base = facts.restarted_on or facts.received_on
    if base < facts.received_on:
        raise RegisterError(
            f"补正收到日期{base}早于申请收到日期{facts.received_on}",
            f"corrected application received {base}, before the application {facts.received_on}",
        )
    period, longest = periods(facts.received_on)
    lines = [_receipt_line(facts)]
    if facts.restarted_on:
        lines.append(f"补正：{base}收到补正后的申请，答复期限自该日重新起算（条例第三十条）")
    lines.append(f"法定期限：自{base}的次日起算{period}个工作日（条例第三十三条）")
    without_extension, _, _ = _with_pauses(facts, calendar, base, period, quiet=True)
    extra, ext_line = _extension(facts.extension, without_extension, longest)
    due, paused, pause_lines = _with_pauses(facts, calendar, base, period + extra, quiet=False)
    lines += pause_lines
    if ext_line:
        lines.append(ext_line)
    lines.append(_skipped_line(calendar, base, due))
    if facts.custom is not None:
        due, custom_line = _custom(facts.custom, due)
        lines.append(custom_line)
    provisional = calendar.provisional_between(base, due)
    if provisional:
        first, last = national_range()
        lines.append(
            f"注意：日历数据只覆盖{first}–{last}年，超出部分按周一至周五估算，本期限为暂定"
        )
    lines.append(f"答复期限：{due}")
    lines.append(f"日历版本：{calendar.version}")
    return Deadline(due, provisional, tuple(lines), calendar.version, base, extra, len(paused))


def _receipt_line(facts: ApplicationFacts) -> str:
    rule = f"（{facts.receipt_rule}）" if facts.receipt_rule else ""
    return f"收到日期：{facts.received_on}{rule}"


def _with_pauses(
    facts: ApplicationFacts, calendar: Calendar, base: dt.date, total: int, *, quiet: bool
) -> tuple[dt.date, frozenset[dt.date], list[str]]:
    paused: set[dt.date] = set()
    lines: list[str] = []
    due = calendar.add_working_days(base, total)
    for pause in sorted(facts.pauses, key=lambda p: p.start):
        if pause.start < base or pause.start > due:
            when = "在期限重新起算之前" if pause.start < base else "在期限届满之后"
            lines.append(f"{pause.label}：{pause.start}发出，{when}，不影响期限")
            continue
        window_end = calendar.add_working_days(pause.start, pause.limit)
        end = min(pause.end, window_end) if pause.end else window_end
        days = set(calendar.working_days(pause.start, end)) - paused
        paused |= days
        due = calendar.add_working_days(base, total, frozenset(paused))
        answered = f"{pause.end}收到答复" if pause.end else "未收到答复"
        capped = "（以" + str(pause.limit) + "个工作日为限）" if end == window_end else ""
        lines.append(
            f"{pause.label}：{pause.start}发出，{answered}，其间{len(days)}个工作日不计入期限{capped}"
        )
    return due, frozenset(paused), [] if quiet else lines


def _extension(ext: Extension | None, due: dt.date, longest: int) -> tuple[int, str]:
    if ext is None or ext.days <= 0:
        return 0, ""
    if ext.approved_on is None or ext.notified_on is None:
        missing = "批准" if ext.approved_on is None else "告知申请人"
        return 0, f"延期：缺少{missing}的记录，延期无效，不计入期限（条例第三十三条）"
    if max(ext.approved_on, ext.notified_on) > due:
        return 0, f"延期：批准或告知晚于原答复期限{due}，延期无效，不计入期限"
    days = min(ext.days, longest)
    capped = (
        f"（申请延长{ext.days}个工作日，超过{longest}个工作日的部分不计）"
        if ext.days > longest
        else ""
    )
    return days, (
        f"延期：{ext.approved_on}经批准、{ext.notified_on}告知申请人，"
        f"延长{days}个工作日{capped}（条例第三十三条）"
    )


def _custom(custom: CustomDeadline, due: dt.date) -> tuple[dt.date, str]:
    if custom.notified_on is None:
        return due, f"第三十五条：另定期限{custom.due_on}未告知申请人，不予采用"
    return custom.due_on, (
        f"第三十五条：另行确定答复期限为{custom.due_on}，已于{custom.notified_on}告知申请人"
    )


def _skipped_line(calendar: Calendar, base: dt.date, due: dt.date) -> str:
    span = (due - base).days
    holidays: Counter[str] = Counter()
    weekend = 0
    makeup: list[str] = []
    day = base + dt.timedelta(days=1)
    while day <= due:
        working = calendar.is_workday(day)
        name = calendar.holiday_name(day)
        if not working and name:
            holidays[name] += 1
        elif not working:
            weekend += 1
        elif day.weekday() >= 5:
            makeup.append(day.isoformat())
        day += dt.timedelta(days=1)
    parts = [f"计数期间{base + dt.timedelta(days=1)}至{due}共{span}天，跳过周末{weekend}天"]
    if holidays:
        parts.append("节假日" + "、".join(f"{n}{c}天" for n, c in holidays.items()))
    if makeup:
        parts.append("调休上班日" + "、".join(makeup) + "计为工作日")
    return "；".join(parts)
