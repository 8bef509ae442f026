"""Publishing a year's report: the snapshot, the year lock, and later corrections.

Publishing stores the compiled report as a numbered version and locks the year. A correction
reopens the year with a reason; the next publication is a new version, and the audit log keeps
why the published figures changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xxgk.db import audit
from xxgk.db.access import APPROVERS, require
from xxgk.db.chain import lock_writes
from xxgk.db.models import AuditEntry, Role, Unit, User
from xxgk.errors import RegisterError
from xxgk.records.lock import locked_version
from xxgk.records.models import PublishedReport
from xxgk.register.compile import compile_report

REOPENERS = frozenset({Role.LEADER})
"""Who may reopen a published year: the unit's leader only."""


def publish_report(
    *,
    session: Session,
    unit: Unit,
    actor: User,
    year: int,
    published_on: dt.date,
    reason: str = "",
) -> PublishedReport:
    """Publish ``unit``'s report for ``year`` as of ``published_on`` and lock the year."""
    require(actor, APPROVERS, unit)
    lock_writes(session)  # two publishers never both find the year open or take one version
    current = locked_version(session, unit, year)
    if current is not None:
        raise RegisterError(
            f"{year}年度报告已发布（第{current.version}版），如需更正请由分管领导先重新打开该年度",
            f"the {year} report is already published (version {current.version})",
        )
    if published_on.year <= year:
        raise RegisterError(
            f"发布日期{published_on}应在报告年度{year}结束之后",
            f"publication date {published_on} must be after the year {year}",
        )
    version = (session.scalar(_versions(unit, year)) or 0) + 1
    if version > 1 and not reason.strip():
        raise RegisterError("更正后重新发布必须说明理由", "a corrected version needs a reason")
    report = compile_report(session, unit, year)
    report.published = published_on
    row = PublishedReport(
        unit_id=unit.id,
        year=year,
        version=version,
        published_on=published_on,
        reason=reason,
        snapshot_json=report.to_dict(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="publish",
        entity="report",
        entity_id=row.id,
        after={"unit": unit.code, "year": year, "version": version, "published_on": published_on},
        reason=reason,
    )
    return row


def reopen_year(
    *, session: Session, unit: Unit, actor: User, year: int, reason: str
) -> PublishedReport:
    """Unlock ``year`` for a correction; the published version stays as it was.

    Only the unit's 分管领导 may (a published report is the unit's official word; reopening it
    is the leader's decision, with a reason that the audit log and the year's history keep).
    """
    require(actor, REOPENERS, unit)
    if not reason.strip():
        raise RegisterError("重新打开已发布年度必须说明理由", "reopening a year needs a reason")
    current = locked_version(session, unit, year)
    if current is None:
        raise RegisterError(f"{year}年度尚未发布，无需重新打开", f"{year} is not locked")
    current.locked = False
    audit.record(
        session=session,
        actor=actor,
        action="reopen",
        entity="report",
        entity_id=current.id,
        before={"locked": True},
        after={"locked": False},
        reason=reason,
    )
    return current


def published_versions(session: Session, unit: Unit, year: int) -> list[PublishedReport]:
    """Return every published version of ``unit``'s report for ``year``, oldest first."""
    query = select(PublishedReport).where(
        PublishedReport.unit_id == unit.id, PublishedReport.year == year
    )
    return list(session.scalars(query.order_by(PublishedReport.version)))


def _versions(unit: Unit, year: int):  # type: ignore[no-untyped-def]
    return select(func.max(PublishedReport.version)).where(
        PublishedReport.unit_id == unit.id, PublishedReport.year == year
    )


@dataclass
class PublishedYear:
    """One unit's published year: its versions (oldest first) and the publish/reopen entries
    of the audit log (who, when, why)."""

    unit_id: int
    year: int
    versions: list[PublishedReport] = field(default_factory=list)
    history: list[AuditEntry] = field(default_factory=list)

    @property
    def latest(self) -> PublishedReport:
        return self.versions[-1]

    @property
    def locked(self) -> bool:
        return any(v.locked for v in self.versions)


def year_history(session: Session, unit_ids: list[int]) -> list[PublishedYear]:
    """Return every published year of the units ``unit_ids``, newest year first: the page
    where a leader reopens a year and everyone sees why it was."""
    rows = session.scalars(
        select(PublishedReport)
        .where(PublishedReport.unit_id.in_(unit_ids))
        .order_by(PublishedReport.year.desc(), PublishedReport.unit_id, PublishedReport.version)
    )
    years: dict[tuple[int, int], PublishedYear] = {}
    for row in rows:
        key = (row.unit_id, row.year)
        years.setdefault(key, PublishedYear(row.unit_id, row.year)).versions.append(row)
    by_report = {v.id: y for y in years.values() for v in y.versions}
    query = select(AuditEntry).where(
        AuditEntry.entity == "report",
        AuditEntry.entity_id.in_(sorted(by_report)),
        AuditEntry.action.in_(("publish", "reopen")),
    )
    for entry in session.scalars(query.order_by(AuditEntry.id)):
        by_report[entry.entity_id or 0].history.append(entry)
    return list(years.values())
