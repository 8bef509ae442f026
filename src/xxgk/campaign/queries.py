"""What the supervising office opens from a unit's row: its report of the year with the
findings, every version of it in the store, and last year's report beside it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from xxgk.campaign.status import UnitStatus, unit_statuses
from xxgk.corpus.codec import stored_report
from xxgk.corpus.models import StoredReport
from xxgk.corpus.prepare import unit_settings
from xxgk.corpus.queries import unit_report, versions
from xxgk.db.models import Unit
from xxgk.findings import Finding
from xxgk.model.report import Report
from xxgk.records.models import PublishedReport
from xxgk.rules import validate


@dataclass(frozen=True)
class UnitYear:
    """A unit's report for a year as the status names it, with its findings and history."""

    status: UnitStatus
    report: Report | None
    findings: list[Finding]
    versions: list[StoredReport]
    previous: Report | None
    """Last year's current report in the store, for the side-by-side view."""


def _report_of(session: Session, status: UnitStatus) -> Report | None:
    if status.published_report_id is not None:
        row = session.get(PublishedReport, status.published_report_id)
        return Report.from_dict(row.snapshot_json) if row else None
    if status.stored_report_id is not None:
        stored = session.get(StoredReport, status.stored_report_id)
        return stored_report(stored) if stored else None
    return None


def unit_year(session: Session, unit: Unit, year: int) -> UnitYear:
    """Return ``unit``'s report for ``year`` (the one its status was read from), the
    validator's findings on it (against last year's report, so the cross-year ones too), its
    stored versions and last year's report."""
    status = unit_statuses(session, [unit], year)[0]
    report = _report_of(session, status)
    last = unit_report(session, unit, year - 1)
    previous = stored_report(last) if last is not None else None
    findings: list[Finding] = []
    if report is not None:
        result = validate(report, settings=unit_settings(unit), previous=previous)
        findings = list(result.findings)
    return UnitYear(status, report, findings, versions(session, unit, year), previous)
