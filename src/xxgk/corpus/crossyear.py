"""The cross-year checks of the store: each report against its body's report of the year before.

The fast path (``cross_year_in_memory``) serves ingest: the previous years of a whole batch are
found with one query (or in the batch itself) and the rules run before the rows are inserted.
The slow path (``refresh_cross_year``) redoes stored reports one by one: after a rematch, or for
a following year that was stored before the year it follows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from xxgk.corpus.codec import finding_row, provenance_dict, report_from_row, stored_report
from xxgk.corpus.identity import Key, identity
from xxgk.corpus.models import StoredFinding, StoredReport
from xxgk.corpus.prepare import UnitInfo, unit_settings
from xxgk.findings import Location
from xxgk.model.report import Report

CROSS_YEAR_SELECT = ("#previous",)


def cross_year_in_memory(
    session: Session,
    rows: list[dict[str, Any]],
    finding_lists: list[list[dict[str, Any]]],
    index: dict[Key, tuple[int, int]],
    new_at: dict[Key, int],
) -> list[int]:
    """Add the cross-year findings of the new reports; return stored reports of the following
    year (not in this batch) whose cross-year findings must be redone."""
    stored_prev: dict[Key, int] = {}
    for key in new_at:
        before = (*key[:2], key[2] - 1)
        if before not in new_at and before in index:
            stored_prev[before] = index[before][0]
    loaded = _load_light(session, list(stored_prev.values()))
    later = []
    for key, i in new_at.items():
        before = (*key[:2], key[2] - 1)
        after = (*key[:2], key[2] + 1)
        if after in index and after not in new_at:
            later.append(index[after][0])
        if before in new_at:
            previous = _row_report(rows[new_at[before]])
        elif before in stored_prev:
            previous = loaded[stored_prev[before]]
        else:
            continue
        found = _cross_year_rows(_row_report(rows[i]), previous, rows[i]["unit_id"])
        _add_places(found, provenance_dict(rows[i]["extra"].get("provenance")))
        finding_lists[i] += found
        rows[i]["errors"] += sum(1 for f in found if f["severity"] == "error")
        rows[i]["warnings"] += sum(1 for f in found if f["severity"] == "warning")
    return later


def _row_report(row: Mapping[Any, Any]) -> Report:
    """The report of a batch row without provenance (built for the cross-year rules only)."""
    return report_from_row(
        organization=row["organization"],
        year=row["year"],
        published=row["published"],
        format=row["format"],
        source=row["source"],
        cells=row["cells"],
        sections=row["sections"],
        extra={},
    )


def _add_places(found: list[dict[str, Any]], provenance: dict[str, Any]) -> None:
    """Say where the first cell of each finding was read (provenance kept as plain data)."""
    for row in found:
        place = provenance.get(row["cells"][0]) if row["cells"] else None
        if place and not row["place"]:
            row["place"] = Location.from_dict(place).describe()[:200]


def _load_light(session: Session, ids: list[int]) -> dict[int, Report]:
    """Return reports (cells and sections, no provenance) of stored ids, in one query."""
    if not ids:
        return {}
    query = select(
        StoredReport.id,
        StoredReport.organization,
        StoredReport.year,
        StoredReport.published,
        StoredReport.format,
        StoredReport.source,
        StoredReport.cells,
        StoredReport.sections,
    ).where(StoredReport.id.in_(ids))
    return {r.id: _row_report(r._mapping) for r in session.execute(query)}


def _cross_year_rows(report: Report, previous: Report, unit_id: int | None) -> list[dict]:
    from xxgk.rules import validate

    settings = _unit_settings(unit_id)
    found = validate(report, previous=previous, settings=settings, select=CROSS_YEAR_SELECT)
    return [finding_row(f, cross_year=True) for f in found.findings]


_UNITS: dict[int, UnitInfo] = {}


def _unit_settings(unit_id: int | None) -> dict[str, Any] | None:
    """The validator settings of the unit: its kind and local deadline (remembered from
    ingest's unit list)."""
    unit = _UNITS.get(unit_id) if unit_id is not None else None
    return unit_settings(unit) if unit is not None else None


def remember_kinds(units: dict[int, UnitInfo]) -> None:
    """Remember the kinds and deadlines of the units for the cross-year checks of this
    process."""
    _UNITS.clear()
    _UNITS.update(units)


def current_report(session: Session, like: StoredReport, year: int) -> StoredReport | None:
    """Return the current stored report of the same unit (or name) as ``like`` for ``year``."""
    probe = {"unit_id": like.unit_id, "name_key": like.name_key, "year": year}
    return session.scalar(select(StoredReport).where(identity(probe) & StoredReport.current))


def refresh_cross_year(
    session: Session, report_ids: Sequence[int], *, also: Sequence[int] = ()
) -> None:
    """Recompute the cross-year findings of the given reports, of their following years and
    of the reports ``also`` (the slow path, one report at a time: rematch, late arrivals)."""
    touched: set[int] = set(also)
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
        _cross_year(session, session.get_one(StoredReport, rid))
    _recount(session, touched)


def _cross_year(session: Session, stored: StoredReport) -> None:
    from xxgk.rules import validate

    session.execute(
        delete(StoredFinding).where(
            (StoredFinding.report_id == stored.id) & StoredFinding.cross_year
        )
    )
    assert stored.year is not None  # reports without a year are never cross-checked
    previous = current_report(session, stored, stored.year - 1)
    if previous is None:
        return
    report = stored_report(stored)
    settings = _settings(session, stored)
    found = validate(
        report,
        previous=stored_report(previous),
        settings=settings,
        select=CROSS_YEAR_SELECT,
    ).findings
    rows = [{**finding_row(f, cross_year=True), "report_id": stored.id} for f in found]
    if rows:
        session.execute(insert(StoredFinding), rows)


def _settings(session: Session, stored: StoredReport) -> dict[str, Any] | None:
    if stored.unit_id is None:
        return None
    from xxgk.db.models import Unit

    unit = session.get(Unit, stored.unit_id)
    return unit_settings(unit) if unit else None


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
