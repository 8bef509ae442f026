"""Figures per unit, per region and per year: applications, outcome shares, appeals, quality.

Shares are computed from summed counts, never averaged from rates, and every rate carries its
counts (``12.5%（1/8）``). A rate over fewer than ``min_n`` cases is shown but not ranked:
ranking units by 公开率 on three applications says nothing about them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.corpus.queries import cells_report, current_cells
from xxgk.db.models import Unit
from xxgk.model.cells import OUTCOME_ROWS, REVIEW_GROUPS, request_key, review_key
from xxgk.model.report import Report

MIN_N = 30
"""Default smallest denominator for a rate to be ranked."""

_TOTAL = "total"
OUTCOME_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "granted": ("公开率", ("granted",)),
    "partial": ("部分公开率", ("partially_granted",)),
    "denied": ("不予公开率", tuple(r.key for r in OUTCOME_ROWS if r.key.startswith("denied_"))),
    "unavailable": (
        "无法提供率",
        tuple(r.key for r in OUTCOME_ROWS if r.key.startswith("unavailable_")),
    ),
    "not_processed": (
        "不予处理率",
        tuple(r.key for r in OUTCOME_ROWS if r.key.startswith("not_processed_")),
    ),
    "other": ("其他处理率", tuple(r.key for r in OUTCOME_ROWS if r.key.startswith("other_"))),
}
COUNTS: dict[str, str] = {
    "new": "新收申请",
    "carried_over": "上年结转",
    "handled": "办理总计",
    "carried_forward": "结转下年度",
    "review": "行政复议",
    "litigation": "行政诉讼",
    "corrected": "复议诉讼纠正",
    "decided": "复议诉讼审结",
}
RATES: dict[str, str] = {k: label for k, (label, _rows) in OUTCOME_GROUPS.items()} | {
    "corrected_rate": "纠正率"
}


@dataclass(frozen=True)
class Rate:
    """A share with its counts; ``value`` is None when there is nothing to divide by."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    def text(self) -> str:
        if not self.denominator:
            return "—（0/0）"
        return f"{self.value:.1%}（{self.numerator}/{self.denominator}）"


@dataclass
class Figures:
    """Summed counts of a group of reports, with how many were late or had errors."""

    label: str
    year: int | None = None
    reports: int = 0
    late: int = 0
    with_errors: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOME_GROUPS, 0))
    unreadable: int = 0

    def add(self, report: Report, *, late: bool = False, errors: int = 0) -> None:
        """Add one report's counts (cells it could not read are counted in ``unreadable``)."""
        self.reports += 1
        self.late += int(late)
        self.with_errors += int(bool(errors))
        values = report.values
        for key, cells in _COUNT_CELLS.items():
            self.counts[key] += self._sum(values, cells)
        for key, cells in _OUTCOME_CELLS.items():
            self.outcomes[key] += self._sum(values, cells)

    def _sum(self, values: dict, cells: Iterable[str]) -> int:
        total = 0
        for cell in cells:
            value = values.get(cell)
            if value is None:
                self.unreadable += 1
            else:
                total += int(value)
        return total

    def rate(self, key: str) -> Rate:
        if key == "corrected_rate":
            return Rate(self.counts["corrected"], self.counts["decided"])
        return Rate(self.outcomes[key], self.counts["handled"])

    def sample(self, key: str) -> int:
        return self.rate(key).denominator

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"label": self.label, "year": self.year, "reports": self.reports}
        out |= self.counts
        for key in RATES:
            rate = self.rate(key)
            out[key] = rate.value
            out[f"{key}_n"] = rate.denominator
        out |= {"late": self.late, "with_errors": self.with_errors}
        return out


def _count_cells() -> dict[str, list[str]]:
    groups = [g.key for g in REVIEW_GROUPS]
    return {
        "new": [request_key("new", _TOTAL)],
        "carried_over": [request_key("carried_over", _TOTAL)],
        "handled": [request_key("total_handled", _TOTAL)],
        "carried_forward": [request_key("carried_forward", _TOTAL)],
        "review": [review_key("review", _TOTAL)],
        "litigation": [review_key(g, _TOTAL) for g in groups[1:]],
        "corrected": [review_key(g, "corrected") for g in groups],
        "decided": [review_key(g, c) for g in groups for c in ("upheld", "corrected", "other")],
    }


_COUNT_CELLS = _count_cells()
"""The cells summed into each of ``COUNTS`` (worked out once, not for every report added)."""
_OUTCOME_CELLS = {
    key: [request_key(r, _TOTAL) for r in rows] for key, (_label, rows) in OUTCOME_GROUPS.items()
}
"""The Table 三 total cells summed into each outcome group."""


def by_unit(
    session: Session, year: int | None = None, unit_ids: set[int] | None = None
) -> list[Figures]:
    """Return one row per current report (of ``unit_ids`` when given): its unit and year."""
    names = dict(session.execute(select(Unit.id, Unit.name)).all())
    rows = []
    for row in current_cells(session, year=year, unit_ids=unit_ids):
        label = names.get(row.unit_id) or f"{row.organization}（未匹配）"
        figures = Figures(label, row.year)
        figures.add(cells_report(row), late=row.late, errors=row.errors)
        rows.append(figures)
    return rows


def by_region(session: Session, year: int) -> list[Figures]:
    """Return one row per unit that has units below it: itself plus its whole subtree."""
    units = session.execute(select(Unit.id, Unit.name, Unit.parent_id)).all()
    parent = {u.id: u.parent_id for u in units}
    regions = {u.parent_id for u in units if u.parent_id is not None}
    names = {u.id: u.name for u in units}
    figures = {r: Figures(names[r], year) for r in regions}
    for row in current_cells(session, year=year):
        node = row.unit_id
        report = None
        while node is not None:
            if node in figures:
                report = report or cells_report(row)
                figures[node].add(report, late=row.late, errors=row.errors)
            node = parent.get(node)
    return sorted(figures.values(), key=lambda f: f.label)


def by_year(session: Session, unit_ids: set[int] | None = None) -> list[Figures]:
    """Return one row per year over all current reports (or those of ``unit_ids``): trends."""
    years: dict[int | None, Figures] = defaultdict(lambda: Figures("合计"))
    for row in current_cells(session, unit_ids=unit_ids):
        figures = years[row.year]
        figures.year = row.year
        figures.add(cells_report(row), late=row.late, errors=row.errors)
    return [years[y] for y in sorted(years, key=lambda y: (y is None, y))]


def scope(session: Session, unit: Unit) -> set[int]:
    """Return the ids of ``unit`` and of every unit below it."""
    from xxgk.corpus.queries import subtree

    return {unit.id} | {t.id for t in subtree(session, unit)}


def rank(rows: list[Figures], key: str, min_n: int = MIN_N) -> tuple[list[Figures], list[Figures]]:
    """Return (ranked, too small): rows with at least ``min_n`` cases by rate, then the rest."""
    ranked = [r for r in rows if r.sample(key) >= min_n]
    ranked.sort(key=lambda r: (-(r.rate(key).value or 0.0), r.label))
    small = [r for r in rows if r.sample(key) < min_n]
    return ranked, small
