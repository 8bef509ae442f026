"""Writing prepared reports into the store: versions, findings and the cross-year checks.

A report is identified by its unit (or, unmatched, its normalised name) and its year. A file
whose hash is already stored is a no-op (checked before parsing); a different file for the same
unit and year becomes version n+1 and the old version stops being current. After a batch is
written, the cross-year rules (``validate(..., previous=..., select="#previous")``) run for
every new report against the year before it, and for the year after it against the new one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from xxgk.corpus.codec import finding_row, report_from_row
from xxgk.corpus.models import StoredFinding, StoredReport
from xxgk.corpus.prepare import Payload
from xxgk.model.report import Report

CROSS_YEAR_SELECT = ("#previous",)


@dataclass
class VersionChange:
    """A new version of a unit's report for a year, and the cells that changed."""

    organization: str
    year: int | None
    version: int
    path: str
    changed: list[str]


@dataclass
class BatchResult:
    """What one written batch added (ids of the new rows and the new versions)."""

    new_ids: list[int] = field(default_factory=list)
    versions: list[VersionChange] = field(default_factory=list)


def identity(row: dict[str, Any] | StoredReport) -> Any:
    """Return the where-clause naming the same unit and year as ``row``."""
    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k)
    unit_id, year = get("unit_id"), get("year")
    who = (
        StoredReport.unit_id == unit_id
        if unit_id is not None
        else (StoredReport.unit_id.is_(None)) & (StoredReport.name_key == get("name_key"))
    )
    return who & (StoredReport.year == year)


def write_batch(session: Session, payloads: Sequence[Payload]) -> BatchResult:
    """Insert the usable payloads (with versions and findings) and run the cross-year checks."""
    result = BatchResult()
    rows, finding_lists = [], []
    for payload in payloads:
        row = dict(payload.row)
        change = _supersede(session, row, payload.path)
        if change is not None:
            result.versions.append(change)
        rows.append(row)
        finding_lists.append(payload.findings)
    if not rows:
        return result
    ids = _insert_reports(session, rows)
    findings = [
        {**f, "report_id": rid} for rid, fl in zip(ids, finding_lists, strict=True) for f in fl
    ]
    if findings:
        session.execute(insert(StoredFinding), findings)
    result.new_ids = ids
    refresh_cross_year(session, ids)
    return result


def _insert_reports(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    stmt = insert(StoredReport).returning(StoredReport.id, sort_by_parameter_order=True)
    return [r[0] for r in session.execute(stmt, rows)]


def _supersede(session: Session, row: dict[str, Any], path: str) -> VersionChange | None:
    """Set ``row['version']``; mark the current report of the same unit and year superseded."""
    row.setdefault("current", True)
    if row.get("year") is None or not (row.get("unit_id") or row.get("name_key")):
        row["version"] = 1
        return None
    where = identity(row)
    old = session.execute(
        select(StoredReport.id, StoredReport.version, StoredReport.cells)
        .where(where & StoredReport.current)
        .order_by(StoredReport.version.desc())
    ).first()
    if old is None:
        row["version"] = 1
        return None
    top = session.scalar(select(func.max(StoredReport.version)).where(where)) or old.version
    row["version"] = top + 1
    session.execute(update(StoredReport).where(where).values(current=False))
    changed = [k for k, v in row["cells"].items() if old.cells.get(k) != v]
    return VersionChange(row["organization"], row["year"], row["version"], path, changed)


def load_report(session: Session, stored: StoredReport) -> Report:
    """Return the ``Report`` of a stored row (without its findings)."""
    return report_from_row(
        organization=stored.organization,
        year=stored.year,
        published=stored.published,
        format=stored.format,
        source=stored.source,
        cells=stored.cells,
        sections=stored.sections,
        extra=stored.extra,
    )


def current_report(session: Session, like: StoredReport, year: int) -> StoredReport | None:
    """Return the current stored report of the same unit (or name) as ``like`` for ``year``."""
    probe = {"unit_id": like.unit_id, "name_key": like.name_key, "year": year}
    return session.scalar(select(StoredReport).where(identity(probe) & StoredReport.current))


def refresh_cross_year(session: Session, report_ids: Sequence[int]) -> None:
    """Recompute the cross-year findings of the given reports and of their following years."""
    touched: set[int] = set()
    for rid in report_ids:
        stored = session.get(StoredReport, rid)
        if stored is None or stored.year is None:
            continue
        if not (stored.unit_id or stored.name_key):
            continue
        touched.add(stored.id)
        following = current_report(session, stored, stored.year + 1)
        if following is not None:
            touched.add(following.id)
    for rid in sorted(touched):
        _cross_year(session, session.get(StoredReport, rid))
    _recount(session, touched)


def _cross_year(session: Session, stored: StoredReport) -> None:
    from xxgk.rules import validate

    session.execute(
        delete(StoredFinding).where(
            (StoredFinding.report_id == stored.id) & StoredFinding.cross_year
        )
    )
    previous = current_report(session, stored, stored.year - 1)
    if previous is None:
        return
    report = load_report(session, stored)
    settings = _settings(session, stored)
    found = validate(
        report, previous=load_report(session, previous), settings=settings,
        select=CROSS_YEAR_SELECT,
    ).findings
    rows = [{**finding_row(f, cross_year=True), "report_id": stored.id} for f in found]
    if rows:
        session.execute(insert(StoredFinding), rows)


def _settings(session: Session, stored: StoredReport) -> dict[str, Any] | None:
    if stored.unit_id is None:
        return None
    from xxgk.db.models import Unit
    from xxgk.model.units import UnitKind

    unit = session.get(Unit, stored.unit_id)
    try:
        return {"unit_kind": UnitKind.parse(unit.kind)} if unit else None
    except ValueError:
        return None


def _recount(session: Session, ids: set[int]) -> None:
    """Set the error/warning counts of ``ids`` from their findings (cross-year ones included)."""
    for rid in ids:
        counts = dict(
            session.execute(
                select(StoredFinding.severity, func.count())
                .where(StoredFinding.report_id == rid)
                .group_by(StoredFinding.severity)
            ).all()
        )
        session.execute(
            update(StoredReport)
            .where(StoredReport.id == rid)
            .values(errors=counts.get("error", 0), warnings=counts.get("warning", 0))
        )
