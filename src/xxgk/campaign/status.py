"""One truth per unit and year: the status the whole overview page agrees on.

A unit's annual report can be known to xxgk three ways: filed (报送) through the register and
decided by the supervisor, published through the register (a locked version), or put into the
report store (uploaded, fetched from the unit's site). Before this module the overview showed
the store's table and the register's table side by side and they could contradict each other.
``unit_statuses`` reads all three and returns a single status per unit, with where it came
from, so every table, figure and export of the page is computed from the same answer.

Precedence (a later step of the year's life wins over an earlier one):

1. a report published through the register (the unit's own signed-off version);
2. the current report in the store (uploaded or fetched published report);
3. the latest filing (submitted/accepted → 已报送待审, returned → 退回);
4. nothing → 未报送.

A published report is 逾期 when published after the due date of 条例第四十九条 (as the
validator reckons it for the unit's kind) or with no date: lateness is the breach of the law
and is shown first, its error count stays in the row. An on-time report with validation
errors is 有错误, else 已发布按时.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.corpus.models import StoredReport
from xxgk.corpus.prepare import unit_settings
from xxgk.db.models import Unit
from xxgk.model.report import Report
from xxgk.records.models import PublishedReport
from xxgk.register.casework_models import ReportFiling
from xxgk.rules import validate
from xxgk.rules.context import RuleContext
from xxgk.rules.settings import RuleSettings


class CampaignStatus(StrEnum):
    """The six states a unit's report can be in during the campaign."""

    NOT_FILED = "not_filed"
    AWAITING = "awaiting"
    RETURNED = "returned"
    ON_TIME = "on_time"
    LATE = "late"
    ERRORS = "errors"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    CampaignStatus.NOT_FILED: "未报送",
    CampaignStatus.AWAITING: "已报送待审",
    CampaignStatus.RETURNED: "退回",
    CampaignStatus.ON_TIME: "已发布按时",
    CampaignStatus.LATE: "逾期",
    CampaignStatus.ERRORS: "有错误",
}

SOURCE_REGISTER = "申请台账发布"
SOURCE_STORE = "报告库"
SOURCE_FILING = "报送记录"


@dataclass(frozen=True)
class UnitStatus:
    """A unit's single status for the year and the record it was read from."""

    unit_id: int
    unit: str
    year: int
    status: CampaignStatus
    source: str
    """Where the status came from (申请台账发布 / 报告库 / 报送记录, empty when nothing)."""
    detail: str
    due: dt.date
    published_on: dt.date | None
    errors: int | None
    version: int | None
    published_report_id: int | None
    stored_report_id: int | None

    @property
    def label(self) -> str:
        return self.status.label

    @property
    def has_report(self) -> bool:
        """True when a published report (register or store) is behind the status."""
        return self.published_on is not None or self.stored_report_id is not None


def due_date(unit: Unit, year: int) -> dt.date:
    """Return the day ``unit``'s report for ``year`` is due, as the ``published-late`` rule
    reckons it for the unit's kind (条例第四十九条: 每年1月31日前)."""
    settings = RuleSettings.resolve(unit_settings(unit))
    return RuleContext(Report(organization=unit.name), settings).deadline(year)


def _published(session: Session, ids: list[int], year: int) -> dict[int, PublishedReport]:
    query = select(PublishedReport).where(
        PublishedReport.unit_id.in_(ids), PublishedReport.year == year
    )
    return {r.unit_id: r for r in session.scalars(query.order_by(PublishedReport.version))}


def _stored(session: Session, ids: list[int], year: int) -> dict[int, StoredReport]:
    query = select(StoredReport).where(
        StoredReport.unit_id.in_(ids), StoredReport.year == year, StoredReport.current
    )
    return {
        r.unit_id: r for r in session.scalars(query.order_by(StoredReport.version)) if r.unit_id
    }


def _filings(session: Session, ids: list[int], year: int) -> dict[int, ReportFiling]:
    query = select(ReportFiling).where(ReportFiling.unit_id.in_(ids), ReportFiling.year == year)
    return {r.unit_id: r for r in session.scalars(query.order_by(ReportFiling.version))}


def _published_status(errors: int, published_on: dt.date | None, due: dt.date) -> CampaignStatus:
    if published_on is None or published_on > due:
        return CampaignStatus.LATE
    if errors:
        return CampaignStatus.ERRORS
    return CampaignStatus.ON_TIME


def _blank(unit: Unit, year: int) -> UnitStatus:
    """Return the status of a unit xxgk knows nothing about for ``year``: 未报送."""
    return UnitStatus(
        unit_id=unit.id,
        unit=unit.name,
        year=year,
        status=CampaignStatus.NOT_FILED,
        source="",
        detail="",
        due=due_date(unit, year),
        published_on=None,
        errors=None,
        version=None,
        published_report_id=None,
        stored_report_id=None,
    )


def _one(
    unit: Unit,
    year: int,
    published: PublishedReport | None,
    stored: StoredReport | None,
    filing: ReportFiling | None,
) -> UnitStatus:
    blank = _blank(unit, year)
    if published is not None:
        report = Report.from_dict(published.snapshot_json)
        errors = len(validate(report, settings=unit_settings(unit)).errors)
        return replace(
            blank,
            status=_published_status(errors, published.published_on, blank.due),
            source=SOURCE_REGISTER,
            detail=f"第{published.version}版，{published.published_on}发布",
            published_on=published.published_on,
            errors=errors,
            version=published.version,
            published_report_id=published.id,
            stored_report_id=stored.id if stored else None,
        )
    if stored is not None:
        when = f"{stored.published}发布" if stored.published else "未注明发布日期"
        return replace(
            blank,
            status=_published_status(stored.errors, stored.published, blank.due),
            source=SOURCE_STORE,
            detail=f"第{stored.version}版，{when}",
            published_on=stored.published,
            errors=stored.errors,
            version=stored.version,
            stored_report_id=stored.id,
        )
    if filing is not None and filing.state == "returned":
        return replace(
            blank,
            status=CampaignStatus.RETURNED,
            source=SOURCE_FILING,
            detail=f"第{filing.version}版退回：{filing.decision_reason}",
            version=filing.version,
        )
    if filing is not None and filing.state in ("submitted", "accepted"):
        waiting = "待审核" if filing.state == "submitted" else "审核通过，待发布"
        return replace(
            blank,
            status=CampaignStatus.AWAITING,
            source=SOURCE_FILING,
            detail=f"第{filing.version}版{waiting}",
            version=filing.version,
        )
    return blank


def unit_statuses(session: Session, units: list[Unit], year: int) -> list[UnitStatus]:
    """Return one status per unit of ``units`` for ``year``, in the order given."""
    ids = [u.id for u in units]
    published = _published(session, ids, year)
    stored = _stored(session, ids, year)
    filings = _filings(session, ids, year)
    return [_one(u, year, published.get(u.id), stored.get(u.id), filings.get(u.id)) for u in units]


def count_statuses(statuses: list[UnitStatus]) -> dict[CampaignStatus, int]:
    """Return how many units are in each status (every status listed, zeros included)."""
    counts = dict.fromkeys(CampaignStatus, 0)
    for s in statuses:
        counts[s.status] += 1
    return counts
