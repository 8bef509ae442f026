"""Feeding fetched reports into the report store (``xxgk.corpus``) with their provenance.

The corpus does the matching, checking, versioning and cross-year work; this module only
prepares each fetched report the way ``ingest`` prepares a file, with three differences:

* the store's ``source`` is the URL the report was fetched from, and ``extra["fetch"]`` keeps
  the provenance (every source URL, the fetch time, the page's 发布时间 and 来源);
* the report's publication date is the page's own 发布时间 when the portal prints one: the
  campaign asks whether the report was *on the web* by the deadline (条例第四十九条), and the
  落款 date (kept as ``signed``) only says when it was signed;
* a report fetched from a unit's 年报 column is matched by its 报告主体 as usual (a county's
  column lists its townships and departments too); only a report whose name matches no unit
  is taken as the column's unit's own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from xxgk.corpus.crossyear import remember_kinds
from xxgk.corpus.ingest import IngestSummary, Unmatched, load_units
from xxgk.corpus.models import StoredReport
from xxgk.corpus.prepare import Payload, UnitInfo, init_worker, prepare_report
from xxgk.corpus.writer import write_batch
from xxgk.db.access import CORPUS_KEEPERS, require
from xxgk.db.models import Unit, User
from xxgk.fetch.job import Seed
from xxgk.fetch.reports import FetchedReport


@dataclass
class UnitColumn:
    """A unit and the URL of its 政府信息公开年报 column."""

    unit_id: int
    name: str
    url: str


@dataclass
class StoreResult:
    """The corpus's summary and which fetched reports were new, by primary URL."""

    summary: IngestSummary
    added_urls: list[str] = field(default_factory=list)


def unit_columns(session: Session, unit_ids: Sequence[int] | None = None) -> list[UnitColumn]:
    """The active units with a 年报 column URL (of ``unit_ids`` when given), by name."""
    query = select(Unit).where(Unit.active, Unit.report_column_url.is_not(None))
    if unit_ids is not None:
        query = query.where(Unit.id.in_(list(unit_ids)))
    return [
        UnitColumn(u.id, u.name, u.report_column_url.strip())
        for u in session.scalars(query.order_by(Unit.name))
        if u.report_column_url and u.report_column_url.strip()
    ]


def unit_seeds(columns: Sequence[UnitColumn]) -> list[Seed]:
    return [Seed(c.url, unit_id=c.unit_id, title=c.name) for c in columns]


def store_reports(
    engine: Engine, fetched: Sequence[FetchedReport], actor: User | None = None
) -> StoreResult:
    """Check and write ``fetched`` into the store; a report whose primary source is stored
    already (same bytes) is counted unchanged, so storing a rerun's reports is idempotent.
    Each written chunk is an audit entry naming ``actor`` (None: the system), who must be
    allowed to keep the store."""
    if actor is not None:
        require(actor, CORPUS_KEEPERS)
    with Session(engine) as session:
        units = load_units(session)
        hashes = [f.primary.sha256 for f in fetched]
        known = set(
            session.scalars(
                select(StoredReport.source_hash).where(StoredReport.source_hash.in_(hashes))
            )
        )
    remember_kinds(units)
    init_worker(units)
    result = StoreResult(IngestSummary())
    payloads: list[Payload] = []
    taken: set[str] = set()
    for item in fetched:
        digest = item.primary.sha256
        if digest in known or digest in taken:
            result.summary.unchanged += 1
            continue
        taken.add(digest)
        payload = prepare_fetched(item, units)
        payloads.append(payload)
        result.added_urls.append(item.primary.url)
        _note(payload, result.summary)
    if payloads:
        with Session(engine) as session, session.begin():
            written = write_batch(session, payloads, actor)
        result.summary.added += len(written.new_ids)
        result.summary.versions += written.versions
    return result


def prepare_fetched(item: FetchedReport, units: dict[int, UnitInfo]) -> Payload:
    """The corpus payload of a fetched report, with the URL and provenance filled in."""
    report = item.report
    if item.page_published is not None:
        report.published = item.page_published
    payload = prepare_report(report, item.primary.url, item.primary.sha256)
    if payload.row["unit_id"] is None and item.unit_id is not None and item.unit_id in units:
        unit = units[item.unit_id]
        report.organization = report.organization or unit.name
        payload = prepare_report(report, item.primary.url, item.primary.sha256, unit)
        payload.candidates = ()
    payload.row["source"] = item.primary.url
    payload.row["extra"] = {**payload.row["extra"], "fetch": item.provenance()}
    return payload


def _note(payload: Payload, summary: IngestSummary) -> None:
    row = payload.row
    if row["unit_id"] is None:
        summary.unmatched.append(
            Unmatched(payload.path, row["organization"], row["year"], payload.candidates)
        )
    if row["errors"]:
        summary.with_errors += 1
    if row["late"]:
        summary.late += 1


def this_year() -> int:
    """The report year collected in a campaign: last calendar year (reports of year Y are
    published by 31 January of Y+1)."""
    return dt.date.today().year - 1
