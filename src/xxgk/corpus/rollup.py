"""The roll-up of a unit's subtree for a year, from the store.

Finds the members (every active unit below the unit), their current reports and their status,
sums the reports with ``xxgk.aggregate.combine`` and, when the unit published its own report,
lists the cells where it differs from the sum. Reads the reports of one year in one streamed
query, so a tree of ten thousand units rolls up in about a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from xxgk.aggregate import (
    MISSING,
    Member,
    MemberStatus,
    ReportScope,
    ScopedCell,
    Status,
    Submission,
    combine,
    compare_scoped,
    count_by_status,
    member_status,
    named,
    scope_of,
    scoped_cells,
    summary_sections,
)
from xxgk.corpus.codec import stored_report
from xxgk.corpus.queries import cells_report, current_cells, subtree, unit_report
from xxgk.db.models import Unit
from xxgk.findings import Finding
from xxgk.model.report import Report


@dataclass
class RollUp:
    """The summed report, the members' status and the comparison with the unit's own report."""

    unit: str
    year: int
    report: Report
    statuses: list[MemberStatus]
    own: Report | None = None
    differences: list[Finding] = field(default_factory=list)
    scope: ReportScope = ReportScope.OWN
    """What the unit's own report covers (本级 / 全口径): the comparison follows it."""

    def scoped(self) -> list[ScopedCell]:
        """Return the like-with-like cells: 本级 share (全口径) or 全口径 total (本级)."""
        return scoped_cells(self.own, self.report, self.scope) if self.own else []

    def counts(self) -> dict[Status, int]:
        return count_by_status(self.statuses)

    def to_dict(self) -> dict[str, object]:
        return {
            "unit": self.unit,
            "year": self.year,
            "report": self.report.to_dict(),
            "members": [s.to_dict() for s in self.statuses],
            "counts": {k.value: v for k, v in self.counts().items()},
            "own_report": self.own is not None,
            "own_scope": self.scope.value,
            "differences": [f.to_dict() for f in self.differences],
        }


def rollup(session: Session, unit: Unit, year: int) -> RollUp:
    """Return the roll-up of ``unit``'s subtree for ``year``."""
    tree = subtree(session, unit)
    ids = {t.id for t in tree}
    reports: dict[int, Report] = {}
    submissions: dict[int, Submission] = {}
    for row in current_cells(session, year=year, unit_ids=ids):
        reports[row.unit_id] = cells_report(row)
        submissions[row.unit_id] = Submission(
            row.errors, row.late, row.published, row.source, row.version
        )
    members = [Member(t.id, t.name, t.kind, t.depth) for t in tree]
    statuses = member_status(members, submissions)
    ordered = [reports[m.unit_id] for m in members if m.unit_id in reports]
    combined = combine(ordered, organization=f"{unit.name}（汇总）", year=year)
    missing = [s.member.name for s in statuses if Status.MISSING in s.statuses]
    if missing:
        params = {"count": str(len(missing)), "year": str(year), "members": named(missing)}
        combined.findings.append(Finding(MISSING.code, params=params))
    own_stored = unit_report(session, unit, year)
    own = stored_report(own_stored) if own_stored is not None else None
    scope = scope_of(unit.report_scope)
    differences = compare_scoped(own, combined, scope) if own is not None else []
    combined.findings += differences
    result = RollUp(unit.name, year, combined, statuses, own, differences, scope)
    combined.sections = summary_sections({"overview": overview_text(result)})
    combined.title = f"{unit.name}{year}年度政府信息公开工作年度报告汇总表"
    return result


def overview_text(result: RollUp) -> str:
    """The 总体情况 of a roll-up: what was summed and who is missing, late or erroneous."""
    counts = result.counts()
    lines = [
        f"本表汇总{result.unit}所属{len(result.statuses)}个单位{result.year}年度政府信息公开工作"
        f"年度报告：已报送{counts[Status.REPORTED]}个，缺报{counts[Status.MISSING]}个，"
        f"逾期{counts[Status.LATE]}个，有错误{counts[Status.ERRORS]}个。缺报单位不计入合计，不按零计算。",
    ]
    for status in (Status.MISSING, Status.LATE, Status.ERRORS):
        names = [s.member.name for s in result.statuses if status in s.statuses]
        if names:
            lines.append(f"{status.label}单位：{'、'.join(names)}。")
    if result.own is not None:
        lines.append(own_report_line(result))
    return "\n".join(lines)


def own_report_line(result: RollUp) -> str:
    """One sentence on the unit's own report against the sum, by the scope it declared."""
    if result.scope is ReportScope.OWN:
        return (
            f"{result.unit}本级报告只含本级数据，不与下级合计逐格比较；"
            "全口径数为本级报告加下级合计。"
        )
    if result.differences:
        return f"全口径报告中有{len(result.differences)}个单元格小于下级合计，需要核对。"
    return "全口径报告各单元格均不小于下级合计，差额为本级数。"
