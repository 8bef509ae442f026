"""Everything the supervising office sees of one unit's report for a year, in one call.

The report the unit's status was read from with its findings and their triage marks, where the
report came from (file or web page, 发布时间, 来源), two of its stored versions compared cell by
cell and section by section, and last year's report beside it with the cross-year findings.
The web page and the CLI both call :func:`drilldown`, and :func:`mark_finding` (the one write)
finds the finding again in the current report, so a mark is always made on what is shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from xxgk.campaign.diff import ReportDiff, diff_reports
from xxgk.campaign.models import FindingMark
from xxgk.campaign.queries import UnitYear, unit_year
from xxgk.campaign.status import SOURCE_REGISTER
from xxgk.campaign.triage import Triaged, Verdict, check_actor, record_mark, triaged
from xxgk.corpus.codec import stored_report
from xxgk.corpus.models import StoredReport
from xxgk.db.models import Unit, User
from xxgk.errors import RegisterError
from xxgk.findings import Finding

CROSS_YEAR_TAG = "#previous"
"""The tag of the rules that compare a report with the unit's report of the year before."""


@dataclass(frozen=True)
class Provenance:
    """Where the report shown came from, in words an office uses."""

    origin: str
    """申请台账发布 (published through the register) or 报告库 (uploaded or fetched)."""
    source: str
    """The file name or the web address (never a path on the server)."""
    url: str | None
    published: dt.date | None
    """The date printed under the report (落款)."""
    page_published: dt.date | None
    """The 发布时间 the web page gives, when it was fetched from a site."""
    page_source: str | None
    """The 来源 the web page gives."""
    version: int | None
    stored_at: dt.datetime | None


@dataclass(frozen=True)
class Drilldown:
    """One unit's year as the drill-down page shows it."""

    year_view: UnitYear
    findings: list[Triaged]
    provenance: Provenance | None
    versions_diff: ReportDiff | None
    year_diff: ReportDiff | None

    @property
    def open_findings(self) -> list[Finding]:
        """Return the findings not dismissed (驳回): those the report's cells still show."""
        return [t.finding for t in self.findings if t.verdict is not Verdict.DISMISSED]

    @property
    def cross_year(self) -> list[Triaged]:
        """Return the findings made against last year's report."""
        return [t for t in self.findings if CROSS_YEAR_TAG in t.finding.kind.tags]


def shown_source(source: str | None) -> str:
    """Return a stored report's source as people may see it: a web address or a register
    label as it is, a file by its name only."""
    text = (source or "").strip()
    if text.startswith(("http://", "https://")) or text.startswith(SOURCE_REGISTER):
        return text
    return text.replace("\\", "/").rsplit("/", 1)[-1]


def _provenance(session: Session, view: UnitYear) -> Provenance | None:
    status, report = view.status, view.report
    if report is None:
        return None
    stored = session.get(StoredReport, status.stored_report_id) if status.stored_report_id else None
    source = shown_source(stored.source if stored else report.source)
    return Provenance(
        origin=status.source,
        source=source or status.source,
        url=source if source.startswith(("http://", "https://")) else None,
        published=report.published or status.published_on,
        page_published=report.page_published,
        page_source=report.page_source,
        version=status.version,
        stored_at=stored.ingested_at if stored else None,
    )


def _version(rows: list[StoredReport], number: int | None) -> StoredReport | None:
    return next((r for r in rows if r.version == number), None)


def versions_diff(view: UnitYear, first: int | None, second: int | None) -> ReportDiff | None:
    """Return versions ``first`` and ``second`` compared (default: the last two stored)."""
    rows = view.versions
    if len(rows) < 2:
        return None
    before = _version(rows, first) or rows[-2]
    after = _version(rows, second) or rows[-1]
    if before.version == after.version:
        before = rows[-2] if after is rows[-1] else rows[-1]
    return diff_reports(
        stored_report(before),
        stored_report(after),
        f"第{before.version}版",
        f"第{after.version}版",
    )


def current_findings(session: Session, unit: Unit, year: int) -> tuple[UnitYear, list[Triaged]]:
    """Return ``unit``'s year and the findings of its current report with their marks."""
    view = unit_year(session, unit, year)
    report = view.report
    if report is None:
        return view, []
    return view, triaged(session, unit, year, report, view.findings, view.status.version)


def drilldown(
    session: Session, unit: Unit, year: int, first: int | None = None, second: int | None = None
) -> Drilldown:
    """Return ``unit``'s report for ``year`` with triaged findings, provenance, versions
    ``first`` and ``second`` compared, and last year's report compared with it."""
    view, findings = current_findings(session, unit, year)
    report = view.report
    year_diff = (
        diff_reports(view.previous, report, f"{year - 1}年度", f"{year}年度")
        if report is not None and view.previous is not None
        else None
    )
    return Drilldown(
        view, findings, _provenance(session, view), versions_diff(view, first, second), year_diff
    )


def mark_finding(
    *,
    session: Session,
    actor: User | None,
    unit: Unit,
    year: int,
    key: str,
    verdict: Verdict | str,
    reason: str,
) -> FindingMark:
    """Mark the finding ``key`` of ``unit``'s current report for ``year`` as ``verdict``
    with ``reason`` (audited); refused when the current report has no such finding."""
    check_actor(actor, unit)
    chosen = verdict if isinstance(verdict, Verdict) else Verdict.parse(verdict)
    view, findings = current_findings(session, unit, year)
    item = next((t for t in findings if t.key == key), None)
    if item is None:
        raise RegisterError(
            f"{unit.name}{year}年度当前报告中没有这个问题（可能已更正），请刷新后再标记",
            f"no finding {key!r} in the current report",
        )
    status = view.status
    source = f"{status.source}第{status.version}版" if status.version else status.source
    return record_mark(
        session=session,
        actor=actor,
        unit=unit,
        year=year,
        item=item,
        verdict=chosen,
        reason=reason,
        source=source,
    )
