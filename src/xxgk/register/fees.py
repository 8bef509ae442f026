"""The 信息处理费 calculator of 国办函〔2020〕109号 (domain-rules.md §2.7).

Two methods, each progressive on the excess; one method per application. 按件: the n-th
application of the same applicant in one calendar month; 按量: the number of pages supplied.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from xxgk.errors import RegisterError

FREE_ITEMS = 10
FREE_PAGES = 30
PAGE_TIERS = ((30, 0), (100, 10), (200, 20), (None, 40))
"""(upper page of the tier, yuan per page); the last tier has no upper bound."""
FEES_START = dt.date(2021, 1, 1)


@dataclass(frozen=True)
class Fee:
    """A computed fee in yuan with its explanation lines."""

    amount: int
    lines: tuple[str, ...]


def item_fee(n: int) -> Fee:
    """Return the fee for an applicant's ``n``-th application in a calendar month (按件)."""
    if n < 1:
        raise RegisterError(f"申请序号应为正整数：{n}", f"the item number must be positive: {n}")
    if n <= FREE_ITEMS:
        amount = 0
    elif n <= 30:
        amount = 100
    else:
        amount = 100 + 100 * -(-(n - 30) // 10)
    band = "免费" if amount == 0 else f"{amount}元/件"
    return Fee(amount, (f"按件计收：同一申请人本月第{n}件申请，适用“{band}”档，收费{amount}元",))


def page_fee(pages: int) -> Fee:
    """Return the fee for ``pages`` pages supplied (按量), progressive on the excess."""
    if pages < 0:
        raise RegisterError(f"页数不能为负：{pages}", f"pages cannot be negative: {pages}")
    lines, amount, lower = [], 0, 0
    for upper, rate in PAGE_TIERS:
        top = pages if upper is None else min(pages, upper)
        count = max(0, top - lower)
        if count and rate:
            lines.append(f"第{lower + 1}–{top}页：{count}页×{rate}元={count * rate}元")
        amount += count * rate
        if upper is None or pages <= upper:
            break
        lower = upper
    head = f"按量计收：共{pages}页，前{FREE_PAGES}页免费"
    return Fee(amount, (head, *lines, f"合计{amount}元"))


def month_sequence(dates: Iterable[dt.date]) -> list[tuple[dt.date, int]]:
    """Number one applicant's applications within each calendar month: (date, n-th)."""
    seen: Counter[tuple[int, int]] = Counter()
    out = []
    for day in sorted(dates):
        seen[day.year, day.month] += 1
        out.append((day, seen[day.year, day.month]))
    return out
