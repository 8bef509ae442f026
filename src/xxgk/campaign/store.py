"""A report published through the register enters the report store as that unit's version.

The register (``xxgk.register``) and the store (``xxgk.corpus``) may not import each other, so
the step that joins them lives here: ``publish_into_store`` publishes through the filing gate
and writes the published snapshot into the store in the same transaction, so the store's
roll-up, trend, ranking and 雷同 see the unit's own published report without a separate
upload. An uploaded or fetched copy of the same unit and year is then simply another version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.corpus.models import StoredReport
from xxgk.corpus.prepare import prepare_report
from xxgk.corpus.writer import write_batch
from xxgk.db.models import Unit, User
from xxgk.model.report import Report
from xxgk.records.models import PublishedReport
from xxgk.register.filing import publish_filed

SOURCE_PREFIX = "申请台账发布"
"""The ``source`` of a stored report that came from the register (no file behind it)."""


def register_source(unit: Unit, published: PublishedReport) -> str:
    """Return the store's source label of a register publication (shown as provenance)."""
    return f"{SOURCE_PREFIX}/{unit.code}/{published.year}年度/第{published.version}版"


def store_published(
    session: Session, unit: Unit, published: PublishedReport, actor: User | None
) -> int | None:
    """Write ``published`` into the store as ``unit``'s version; return the new row id, or
    None when that very publication is stored already (publishing is idempotent here)."""
    report = Report.from_dict(published.snapshot_json)
    report.organization = report.organization or unit.name
    report.year = report.year or published.year
    report.published = published.published_on
    body = json.dumps(published.snapshot_json, sort_keys=True, ensure_ascii=False, default=str)
    digest = hashlib.sha256(f"register:{published.id}:{body}".encode()).hexdigest()
    if session.scalar(select(StoredReport.id).where(StoredReport.source_hash == digest)):
        return None
    payload = prepare_report(report, register_source(unit, published), digest, unit)
    result = write_batch(session, [payload], actor)
    return result.new_ids[0] if result.new_ids else None


def publish_into_store(
    *,
    session: Session,
    actor: User,
    unit: Unit,
    year: int,
    today: dt.date,
    published_on: dt.date | None = None,
    date_reason: str = "",
    correction_reason: str = "",
) -> PublishedReport:
    """Publish ``unit``'s report for ``year`` through the filing gate (``publish_filed``) and
    put the published version into the report store."""
    published = publish_filed(
        session=session,
        actor=actor,
        unit=unit,
        year=year,
        today=today,
        published_on=published_on,
        date_reason=date_reason,
        correction_reason=correction_reason,
    )
    store_published(session, unit, published, actor)
    return published
