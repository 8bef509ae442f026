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

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from xxgk.corpus.codec import finding_row, report_from_row
from xxgk.corpus.models import StoredFinding, StoredReport
from xxgk.corpus.prepare import Payload
from xxgk.findings import Location
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


Key = tuple[Any, ...]


def body_key(unit_id: int | None, name: str, year: int | None) -> Key | None:
    """Return the (body, year) identity of a report; None when it cannot be versioned."""
    if year is None or not (unit_id or name):
        return None
    return ("unit", unit_id, year) if unit_id is not None else ("name", name, year)


def write_batch(session: Session, payloads: Sequence[Payload]) -> BatchResult:
    """Insert the usable payloads (with versions and findings) and run the cross-year checks.

    One query finds the current reports of every body in the batch; versions, the previous
    year of each report and the cross-year findings are then worked out in memory, and the
    rows and findings are inserted in two statements.
    """
    result = BatchResult()
    rows = [dict(p.row, current=True, version=1) for p in payloads]
    if not rows:
        return result
    index = _current_index(session, rows)
    new_at: dict[Key, int] = {}
    for i, (row, payload) in enumerate(zip(rows, payloads, strict=True)):
        key = body_key(row["unit_id"], row["name_key"], row["year"])
        if key is None:
            continue
        change = _new_version(session, key, i, rows, index, new_at, payload.path)
        if change is not None:
            result.versions.append(change)
        new_at[key] = i
    finding_lists = [list(p.findings) for p in payloads]
    later = _cross_year_in_memory(session, rows, finding_lists, index, new_at)
    ids = _insert_reports(session, rows)
    findings = [
        {**f, "report_id": rid} for rid, fl in zip(ids, finding_lists, strict=True) for f in fl
    ]
    if findings:
        session.execute(insert(StoredFinding), findings)
    result.new_ids = ids
    if later:
        refresh_cross_year(session, [], also=later)
    return result


def _current_index(session: Session, rows: list[dict[str, Any]]) -> dict[Key, tuple[int, int]]:
    """Return ``{(body, year): (id, version)}`` of the stored current reports of the batch's
    bodies, for every year."""
    unit_ids = {r["unit_id"] for r in rows if r["unit_id"] is not None}
    names = {r["name_key"] for r in rows if r["unit_id"] is None and r["name_key"]}
    who = []
    if unit_ids:
        who.append(StoredReport.unit_id.in_(sorted(unit_ids)))
    if names:
        who.append(StoredReport.unit_id.is_(None) & StoredReport.name_key.in_(sorted(names)))
    if not who:
        return {}
    query = select(
        StoredReport.id, StoredReport.unit_id, StoredReport.name_key, StoredReport.year,
        StoredReport.version,
    ).where(StoredReport.current & or_(*who))
    index = {}
    for row in session.execute(query):
        key = body_key(row.unit_id, row.name_key, row.year)
        if key is not None:
            index[key] = (row.id, row.version)
    return index


def _new_version(
    session: Session,
    key: Key,
    i: int,
    rows: list[dict[str, Any]],
    index: dict[Key, tuple[int, int]],
    new_at: dict[Key, int],
    path: str,
) -> VersionChange | None:
    """Make ``rows[i]`` the next version when its body and year already have a report."""
    row = rows[i]
    if key in new_at:  # an earlier file of this batch: compare with it
        earlier = rows[new_at[key]]
        earlier["current"] = False
        row["version"] = earlier["version"] + 1
        old_cells = earlier["cells"]
    elif key in index:
        old_id, _version = index[key]
        where = identity(row)
        top = session.scalar(select(func.max(StoredReport.version)).where(where)) or 1
        row["version"] = top + 1
        old_cells = session.scalar(select(StoredReport.cells).where(StoredReport.id == old_id))
        session.execute(update(StoredReport).where(where).values(current=False))
    else:
        return None
    changed = [k for k, v in row["cells"].items() if (old_cells or {}).get(k) != v]
    return VersionChange(row["organization"], row["year"], row["version"], path, changed)


def _cross_year_in_memory(
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
        _add_places(found, rows[i]["extra"].get("provenance") or {})
        finding_lists[i] += found
        rows[i]["errors"] += sum(1 for f in found if f["severity"] == "error")
        rows[i]["warnings"] += sum(1 for f in found if f["severity"] == "warning")
    return later


def _row_report(row: dict[str, Any]) -> Report:
    """The report of a batch row without provenance (built for the cross-year rules only)."""
    return report_from_row(
        organization=row["organization"], year=row["year"], published=row["published"],
        format=row["format"], source=row["source"], cells=row["cells"],
        sections=row["sections"], extra={},
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
        StoredReport.id, StoredReport.organization, StoredReport.year, StoredReport.published,
        StoredReport.format, StoredReport.source, StoredReport.cells, StoredReport.sections,
    ).where(StoredReport.id.in_(ids))
    return {
        r.id: report_from_row(
            organization=r.organization, year=r.year, published=r.published, format=r.format,
            source=r.source, cells=r.cells, sections=r.sections, extra={},
        )
        for r in session.execute(query)
    }


def _cross_year_rows(report: Report, previous: Report, unit_id: int | None) -> list[dict]:
    from xxgk.rules import validate

    settings = _kind_settings(unit_id)
    found = validate(report, previous=previous, settings=settings, select=CROSS_YEAR_SELECT)
    return [finding_row(f, cross_year=True) for f in found.findings]


_KINDS: dict[int, Any] = {}


def _kind_settings(unit_id: int | None) -> dict[str, Any] | None:
    """The validator settings naming the unit's kind (remembered from ingest's unit list)."""
    kind = _KINDS.get(unit_id) if unit_id is not None else None
    return {"unit_kind": kind} if kind is not None else None


def remember_kinds(units: dict[int, tuple[str, str]]) -> None:
    """Remember the kinds of the units for the cross-year checks of this process."""
    from xxgk.model.units import UnitKind

    _KINDS.clear()
    for unit_id, (_name, kind) in units.items():
        try:
            _KINDS[unit_id] = UnitKind.parse(kind)
        except ValueError:
            continue


def _insert_reports(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    stmt = insert(StoredReport).returning(StoredReport.id, sort_by_parameter_order=True)
    return [r[0] for r in session.execute(stmt, rows)]


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
