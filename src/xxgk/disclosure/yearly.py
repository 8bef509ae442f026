"""What the annual report takes from proactive disclosure.

Section 一 总体情况 opens with the year's 主动公开 work: how many items were published, through
which channels, under which catalogue categories. Table 二 block (一) (规章, 行政规范性文件) is
counted by the register's compiler from the documents register, which a published document item
enters by itself (see ``workflow``), so nothing here is typed twice.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.db.models import Unit
from xxgk.disclosure.catalogue import catalogue_tree
from xxgk.disclosure.models import Item
from xxgk.disclosure.vocab import CHANNELS, State


@dataclass
class ProactiveSummary:
    """The year's published items of one unit, counted the ways section 一 tells them."""

    unit: str
    year: int
    published: int = 0
    withdrawn: int = 0
    by_channel: Counter[str] = field(default_factory=Counter)
    by_category: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, object]:
        return {
            "unit": self.unit,
            "year": self.year,
            "published": self.published,
            "withdrawn": self.withdrawn,
            "by_channel": {CHANNELS[k]: v for k, v in self.by_channel.items()},
            "by_category": dict(self.by_category),
        }


def proactive_summary(session: Session, unit: Unit, year: int) -> ProactiveSummary:
    """Count ``unit``'s items published in ``year`` (withdrawn later or not: they were public)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    items = session.scalars(
        select(Item).where(
            Item.unit_id == unit.id,
            Item.published_on.between(start, end),
            Item.state.in_((State.PUBLISHED.value, State.WITHDRAWN.value)),
        )
    )
    roots = _top_categories(session, unit)
    summary = ProactiveSummary(unit=unit.name, year=year)
    for item in items:
        summary.published += 1
        if item.status is State.WITHDRAWN:
            summary.withdrawn += 1
        summary.by_channel.update(c for c in item.channels if c in CHANNELS)
        summary.by_category[roots.get(item.category_id or 0, "未分类")] += 1
    return summary


def summary_paragraph(summary: ProactiveSummary) -> str:
    """Return the opening paragraph of section 一 for ``summary`` (empty with nothing published)."""
    if not summary.published:
        return ""
    text = f"（一）主动公开。{summary.year}年，本单位主动公开政府信息{summary.published}条"
    channels = [
        f"{CHANNELS[k]}发布{summary.by_channel[k]}条" for k in CHANNELS if summary.by_channel[k]
    ]
    if channels:
        text += "（" + "、".join(channels) + "，同一信息可经多个渠道发布）"
    categories = [f"{name}{count}条" for name, count in summary.by_category.most_common()]
    text += "；按公开目录分：" + "、".join(categories) + "。"
    if summary.withdrawn:
        text += f"年内撤回已发布信息{summary.withdrawn}条。"
    return text


def _top_categories(session: Session, unit: Unit) -> dict[int, str]:
    """Map each category id of ``unit`` (retired ones too) to the name of its top-level
    category; the tree lists a parent before its children, so its top is known already."""
    tops: dict[int, str] = {}
    for entry in catalogue_tree(session, unit, include_inactive=True):
        parent = entry.node.parent_id
        tops[entry.node.id] = tops[parent] if parent is not None else entry.node.name
    return tops
