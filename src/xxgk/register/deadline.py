"""The statutory reply deadline of one application, with its explanation (domain-rules.md §2.9).

``compute_deadline`` is pure: it takes the facts of an application (date of receipt, the day a
corrected application came in, consultation or fee pauses, an extension, an art. 35 deadline)
and a :class:`Calendar`, and returns the deadline with every step explained in Chinese and the
calendar version used, so that the result can be reproduced and shown to an applicant.

While the agency waits for the applicant's 补正 (art. 30) there is no reply deadline at all: the
period runs anew from the day the corrected application is received, so the result carries the
applicant's correction period instead (``Deadline.waiting``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from xxgk.errors import RegisterError
from xxgk.register.calendar import Calendar, national_range, regions

NEW_REGULATION = dt.date(2019, 5, 15)
"""The 2019 条例 applies to applications received from this day (20 + 20 working days)."""
CONSULTATION_LIMIT = 15
"""Working days a consulted third party (art. 32) or agency (art. 34) has to answer."""
FEE_PAYMENT_LIMIT = 20
"""Working days to pay, from the day after the fee notice is received (109号; domain-rules §2.7)."""
CORRECTION_PERIOD_DEFAULT = 15
"""Working days to correct when the 补正告知书 states no period. Art. 30 asks only for a
"reasonable" period; this default is a setting, stated in every explanation that uses it."""


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
class CorrectionWait:
    """A 补正 notice (art. 30) not yet answered: sent on ``requested_on``; the applicant has
    until ``until`` (the period stated in the notice, else the default)."""

    requested_on: dt.date
    until: dt.date
    stated: bool = True


@dataclass(frozen=True)
class ApplicationFacts:
    """What decides the deadline of one application.

    ``notes`` are explanation lines the caller adds (e.g. which fee rule applies).
    """

    received_on: dt.date
    receipt_rule: str = ""
    restarted_on: dt.date | None = None
    pauses: tuple[Pause, ...] = ()
    extension: Extension | None = None
    custom: CustomDeadline | None = None
    waiting: CorrectionWait | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Deadline:
    """The computed deadline: the date, whether it is an estimate, and why.

    ``date`` is None while the application waits for 补正 (``waiting`` says until when);
    ``warnings`` say why a date is provisional, for every place that shows it.
    """

    date: dt.date | None
    provisional: bool
    explanation: tuple[str, ...]
    calendar_version: str
    base: dt.date
    extension_days: int = 0
    paused_days: int = 0
    waiting: CorrectionWait | None = None
    warnings: tuple[str, ...] = ()

    def text(self) -> str:
        """Return the ISO date (or 待补正) alone on the first line, then the explanation."""
        head = self.date.isoformat() if self.date else "待补正"
        return "\n".join((head, *self.explanation))

    @property
    def warning(self) -> str:
        """The warnings in one line, for lists and exports ("" when the date is certain)."""
        return "；".join(self.warnings)


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
    if facts.waiting is not None:
        return _waiting(facts, facts.waiting, calendar, lines, period)
    if facts.restarted_on:
        lines.append(f"补正：{base}收到补正后的申请，答复期限自该日重新起算（条例第三十条）")
    lines.append(f"法定期限：自{base}的次日起算{period}个工作日（条例第三十三条）")
    without_extension, _, _ = _with_pauses(facts, calendar, base, period, quiet=True)
    extra, ext_line = _extension(facts.extension, without_extension, longest)
    due, paused, pause_lines = _with_pauses(facts, calendar, base, period + extra, quiet=False)
    lines += pause_lines
    lines += facts.notes
    if ext_line:
        lines.append(ext_line)
    lines.append(_skipped_line(calendar, base, due))
    if facts.custom is not None:
        due, custom_line = _custom(facts.custom, due)
        lines.append(custom_line)
    warnings = calendar_warnings(calendar, base, due)
    lines += [f"注意：{w}" for w in warnings]
    lines.append(f"答复期限：{due}{'（暂定）' if warnings else ''}")
    lines.append(f"日历版本：{calendar.version}")
    return Deadline(
        due,
        bool(warnings),
        tuple(lines),
        calendar.version,
        base,
        extra,
        len(paused),
        warnings=tuple(warnings),
    )


def calendar_warnings(calendar: Calendar, start: dt.date, end: dt.date) -> list[str]:
    """Return why a period from ``start`` to ``end`` is only provisional (empty: it is not).

    Beyond the national data the statutory holidays are computed from the 办法 but the 调休
    swaps are unknown; a region's closures are unknown for the years not confirmed.
    """
    warnings = []
    if calendar.provisional_between(start, end):
        first, last = national_range()
        years = "、".join(str(y) for y in range(start.year, end.year + 1) if not first <= y <= last)
        warnings.append(
            f"{years}年的放假安排尚未公布（日历数据覆盖{first}–{last}年），已按《全国年节及"
            "纪念日放假办法》推算法定节假日，调休安排未知，本期限为暂定"
        )
    unconfirmed = calendar.unconfirmed_years(start, end)
    if unconfirmed and calendar.region:
        name = regions()[calendar.region].name
        years = "、".join(str(y) for y in unconfirmed)
        warnings.append(
            f"{name}{years}年的区域节假日（如肉孜节、古尔邦节）尚未核实录入，本期限未计入，"
            "为暂定；请管理员按自治区通知录入"
        )
    return warnings


def _waiting(
    facts: ApplicationFacts,
    wait: CorrectionWait,
    calendar: Calendar,
    lines: list[str],
    period: int,
) -> Deadline:
    """The deadline while waiting for 补正: none; the correction period instead (art. 30)."""
    stated = (
        ""
        if wait.stated
        else f"（补正告知未载明期限，按默认{CORRECTION_PERIOD_DEFAULT}个工作日计）"
    )
    lines += [
        f"补正：{wait.requested_on}发出补正告知，申请人应于{wait.until}前补正{stated}",
        f"待补正：在收到补正后的申请之前不计算答复期限；收到之日起重新计算{period}个工作日"
        "（条例第三十条）",
        "申请人无正当理由逾期不补正的，视为放弃申请（逾期未补正）",
    ]
    warnings = calendar_warnings(calendar, wait.requested_on, wait.until)
    lines += [f"注意：{w}" for w in warnings]
    lines.append(f"日历版本：{calendar.version}")
    return Deadline(
        None,
        bool(warnings),
        tuple(lines),
        calendar.version,
        facts.received_on,
        waiting=wait,
        warnings=tuple(warnings),
    )


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
