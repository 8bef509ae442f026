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
from pathlib import PurePath
from typing import Any

from sqlalchemy import ColumnElement, func, insert, or_, select, update
from sqlalchemy.orm import Session

from xxgk.corpus.codec import cells_dict
from xxgk.corpus.crossyear import cross_year_in_memory, refresh_cross_year
from xxgk.corpus.identity import Key, body_key, identity
from xxgk.corpus.models import StoredFinding, StoredReport
from xxgk.corpus.prepare import Payload
from xxgk.db import audit
from xxgk.db.chain import lock_writes
from xxgk.db.models import User


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


def write_batch(
    session: Session, payloads: Sequence[Payload], actor: User | None = None
) -> BatchResult:
    """Insert the usable payloads (with versions and findings) and run the cross-year checks.

    One query finds the current reports of every body in the batch; versions, the previous
    year of each report and the cross-year findings are then worked out in memory, and the
    rows and findings are inserted in two statements. The batch is written under the write
    lock (two ingests never take the same version number) and leaves one audit entry naming
    ``actor`` (the system when None), the files and the reports it stored.
    """
    result = BatchResult()
    rows = [dict(p.row, current=True, version=1) for p in payloads]
    if not rows:
        return result
    lock_writes(session)
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
    later = cross_year_in_memory(session, rows, finding_lists, index, new_at)
    ids = _insert_reports(session, rows)
    findings = [
        {**f, "report_id": rid} for rid, fl in zip(ids, finding_lists, strict=True) for f in fl
    ]
    if findings:
        session.execute(insert(StoredFinding), findings)
    result.new_ids = ids
    if later:
        refresh_cross_year(session, [], also=later)
    audit.record(
        session=session,
        actor=actor,
        action="ingest",
        entity="corpus",
        entity_id=None,
        after={
            "reports": ids,
            "files": [PurePath(p.path).name for p in payloads],
            "new_versions": [f"{v.organization} {v.year} v{v.version}" for v in result.versions],
        },
    )
    return result


def _current_index(session: Session, rows: list[dict[str, Any]]) -> dict[Key, tuple[int, int]]:
    """Return ``{(body, year): (id, version)}`` of the stored current reports of the batch's
    bodies, for every year."""
    unit_ids = {r["unit_id"] for r in rows if r["unit_id"] is not None}
    names = {r["name_key"] for r in rows if r["unit_id"] is None and r["name_key"]}
    who: list[ColumnElement[bool]] = []
    if unit_ids:
        who.append(StoredReport.unit_id.in_(sorted(unit_ids)))
    if names:
        who.append(StoredReport.unit_id.is_(None) & StoredReport.name_key.in_(sorted(names)))
    if not who:
        return {}
    query = select(
        StoredReport.id,
        StoredReport.unit_id,
        StoredReport.name_key,
        StoredReport.year,
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
    old = cells_dict(old_cells) if old_cells is not None else {}
    changed = [k for k, v in cells_dict(row["cells"]).items() if old.get(k) != v]
    return VersionChange(row["organization"], row["year"], row["version"], path, changed)


def _insert_reports(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    stmt = insert(StoredReport).returning(StoredReport.id, sort_by_parameter_order=True)
    return [r[0] for r in session.execute(stmt, rows)]
