"""What a unit's own report covers, and comparing it with its members' sum like with like.

A unit's own annual report is either 本级 (only the unit's own work: the government office or
department itself) or 全口径 (本级 plus every unit below it, as some county governments
publish). Comparing a 本级 report cell by cell with the members' sum flags every cell, and so
does comparing a 全口径 report with the sum without its 本级 share. So:

- 本级 (the default: 条例第五十条 has each 行政机关 report its own work): nothing to compare
  cell by cell; the unit's 全口径 figure is its own report plus the members' sum;
- 全口径: the own report must be at least the members' sum in every count cell; what is left is
  the 本级 share. A cell where the 全口径 report is *smaller* than its members' sum cannot be
  right and is flagged (``aggregate-whole-below-members``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from xxgk.findings import Finding, FindingKind, Severity, register_kind
from xxgk.model.cells import CELL_KEYS, cell_title
from xxgk.model.report import Report, Value


class ReportScope(StrEnum):
    """What a unit's own report covers; the label is what people read."""

    OWN = "own"
    WHOLE = "whole"

    @property
    def label(self) -> str:
        return "本级" if self is ReportScope.OWN else "全口径（本级加下级）"


DEFAULT_SCOPE = ReportScope.OWN
"""A unit that declared nothing publishes a 本级 report (条例第五十条: each organ its own)."""


def scope_of(value: str | None) -> ReportScope:
    """Return the scope stored on a unit (None or unknown: the default, 本级)."""
    try:
        return ReportScope(value) if value else DEFAULT_SCOPE
    except ValueError:
        return DEFAULT_SCOPE


BELOW_MEMBERS = register_kind(
    FindingKind(
        "aggregate-whole-below-members",
        Severity.WARNING,
        "全口径报告小于下级合计",
        "{name}：全口径报告为{actual}，小于下级报告合计{expected}",
        "单位声明其年度报告为全口径（本级加全部下级），每个计数单元格都应不小于下级报告的合计；"
        "小于合计说明漏计了下级单位，或填错了数字。",
        ("#aggregate",),
    )
)


@dataclass(frozen=True)
class ScopedCell:
    """One cell of the like-with-like comparison."""

    key: str
    own: Value
    members: Value
    share: Value
    """全口径: own minus the members' sum (the 本级 share); 本级: own plus the sum (全口径)."""


def scoped_cells(own: Report, summed: Report, scope: ReportScope) -> list[ScopedCell]:
    """Return every cell read on both sides with the derived figure of ``scope``."""
    out = []
    for key in CELL_KEYS:
        mine, total = own.values.get(key), summed.values.get(key)
        if mine is None or total is None:
            continue
        derived = mine - total if scope is ReportScope.WHOLE else mine + total
        out.append(ScopedCell(key, mine, total, derived))
    return out


def compare_scoped(own: Report, summed: Report, scope: ReportScope) -> list[Finding]:
    """Return the findings of comparing ``own`` with the members' sum, like with like: none for
    a 本级 report; for a 全口径 report, one warning per cell smaller than the sum."""
    if scope is ReportScope.OWN:
        return []
    return [
        Finding(
            BELOW_MEMBERS.code,
            (cell.key,),
            cell.members,
            cell.own,
            own.provenance.get(cell.key),
            {"name": cell_title(cell.key)},
        )
        for cell in scoped_cells(own, summed, scope)
        if cell.share is not None and cell.share < 0
    ]
