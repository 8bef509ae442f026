"""Reading the store: the unit tree, current reports, unmatched reports, versions, rematch."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from xxgk.corpus.codec import cells_from_json
from xxgk.corpus.crossyear import refresh_cross_year
from xxgk.corpus.models import StoredFinding, StoredReport
from xxgk.corpus.names import UnitMatcher
from xxgk.db import audit
from xxgk.db.access import CORPUS_KEEPERS, require
from xxgk.db.chain import lock_writes
from xxgk.db.models import Unit, User
from xxgk.model.report import Report


@dataclass(frozen=True)
class TreeUnit:
    """A unit of the tree with its depth below the unit asked for."""

    id: int
    name: str
    kind: str
    parent_id: int | None
    depth: int


def subtree(session: Session, root: Unit) -> list[TreeUnit]:
    """Return the active units below ``root`` (not ``root`` itself), parents before children."""
    rows = session.execute(
        select(Unit.id, Unit.name, Unit.kind, Unit.parent_id, Unit.code).where(Unit.active)
    ).all()
    children: dict[int | None, list] = {}
    for row in sorted(rows, key=lambda r: r.code):
        children.setdefault(row.parent_id, []).append(row)
    out: list[TreeUnit] = []
    stack = [(child, 1) for child in reversed(children.get(root.id, []))]
    while stack:
        row, depth = stack.pop()
        out.append(TreeUnit(row.id, row.name, row.kind, row.parent_id, depth))
        stack += [(child, depth + 1) for child in reversed(children.get(row.id, []))]
    return out


CELL_COLUMNS = (
    StoredReport.id,
    StoredReport.unit_id,
    StoredReport.organization,
    StoredReport.year,
    StoredReport.published,
    StoredReport.source,
    StoredReport.version,
    StoredReport.errors,
    StoredReport.warnings,
    StoredReport.late,
    StoredReport.cells,
)


def current_cells(
    session: Session, *, year: int | None = None, unit_ids: set[int] | None = None
) -> Iterator:
    """Yield light rows (``CELL_COLUMNS``) of the current reports (of ``year``, of ``unit_ids``
    when given): no sections, no provenance."""
    query = select(*CELL_COLUMNS).where(StoredReport.current)
    if year is not None:
        query = query.where(StoredReport.year == year)
    rows = session.execute(query.order_by(StoredReport.id).execution_options(yield_per=1000))
    for row in rows:
        if unit_ids is None or row.unit_id in unit_ids:
            yield row


def cells_report(row) -> Report:  # type: ignore[no-untyped-def]
    """Return a report with the metadata and cells of a light row, for sums and stats."""
    return Report(
        organization=row.organization or None,
        year=row.year,
        published=row.published,
        source=row.source,
        values=cells_from_json(row.cells),
    )


def unit_report(session: Session, unit: Unit, year: int) -> StoredReport | None:
    """Return the current stored report of ``unit`` for ``year``, if any."""
    return session.scalar(
        select(StoredReport).where(
            (StoredReport.unit_id == unit.id) & (StoredReport.year == year) & StoredReport.current
        )
    )


def unmatched(session: Session) -> list[StoredReport]:
    """Return the current reports matched to no unit, by name and year."""
    query = select(StoredReport).where(StoredReport.unit_id.is_(None) & StoredReport.current)
    return list(session.scalars(query.order_by(StoredReport.name_key, StoredReport.year)))


def versions(session: Session, unit: Unit, year: int) -> list[StoredReport]:
    """Return every stored version of ``unit``'s report for ``year``, oldest first."""
    query = select(StoredReport).where(
        (StoredReport.unit_id == unit.id) & (StoredReport.year == year)
    )
    return list(session.scalars(query.order_by(StoredReport.version)))


def findings_of(session: Session, stored: StoredReport) -> list[StoredFinding]:
    query = select(StoredFinding).where(StoredFinding.report_id == stored.id)
    return list(session.scalars(query.order_by(StoredFinding.id)))


def cross_year_findings(
    session: Session, year: int | None = None
) -> list[tuple[StoredReport, StoredFinding]]:
    """Return the cross-year findings of current reports (of ``year``), with their reports."""
    query = (
        select(StoredReport, StoredFinding)
        .join(StoredFinding, StoredFinding.report_id == StoredReport.id)
        .where(StoredFinding.cross_year & StoredReport.current)
    )
    if year is not None:
        query = query.where(StoredReport.year == year)
    return [(r, f) for r, f in session.execute(query.order_by(StoredReport.id, StoredFinding.id))]


def rematch(session: Session, actor: User | None = None) -> int:
    """Match unmatched reports again (after units were added); return how many now match.

    ``actor`` (None: the system) must be allowed to keep the store; the change is audited.
    """
    if actor is not None:
        require(actor, CORPUS_KEEPERS)
    lock_writes(session)
    units = {u.id: u.name for u in session.scalars(select(Unit).where(Unit.active))}
    matcher = UnitMatcher(units)
    matched = []
    for stored in unmatched(session):
        found = matcher.match(stored.organization)
        if found.unit_id is None:
            continue
        taken = unit_report(session, session.get_one(Unit, found.unit_id), stored.year or 0)
        if taken is not None:
            continue  # the unit already has a report for the year: a person must decide
        session.execute(
            update(StoredReport)
            .where(
                (StoredReport.name_key == stored.name_key)
                & StoredReport.unit_id.is_(None)
                & (StoredReport.year == stored.year)
            )
            .values(unit_id=found.unit_id)
        )
        matched.append(stored.id)
    refresh_cross_year(session, matched)
    audit.record(
        session=session,
        actor=actor,
        action="rematch",
        entity="corpus",
        entity_id=None,
        after={"reports": matched},
    )
    return len(matched)


def report_owners(session: Session, report_ids: set[int]) -> dict[int, int | None]:
    """Return the unit of each stored report in ``report_ids`` (None: matched to no unit)."""
    if not report_ids:
        return {}
    query = select(StoredReport.id, StoredReport.unit_id).where(StoredReport.id.in_(report_ids))
    return {row.id: row.unit_id for row in session.execute(query)}
