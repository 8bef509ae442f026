"""Compiling the annual report from the register: Tables 二, 三 and 四 by counting.

Table 三 counts each application once per report year it touches: 新收 (received in Y) or 上年结转
(open on 31 December of Y-1), then either one outcome row (closed in Y) or 结转下年度 (open on 31
December of Y). Every 勾稽 relation therefore holds by construction; totals are sums.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.db.models import Unit
from xxgk.disclosure.models import NormativeDocument
from xxgk.disclosure.yearly import proactive_summary, summary_paragraph
from xxgk.errors import RegisterError
from xxgk.model.cells import (
    APPLICANT_COLUMNS,
    REQUEST_ROWS,
    REVIEW_GROUPS,
    REVIEW_PARTS,
    SECTIONS,
    request_key,
    review_key,
)
from xxgk.model.report import Report, SectionText
from xxgk.records.lock import locked_version
from xxgk.records.vocab import DOCUMENT_KINDS
from xxgk.register.applications import list_applications
from xxgk.register.inputs import YEARLY_KEYS
from xxgk.register.models import (
    Appeal,
    Application,
    NarrativeDraft,
    YearlyCount,
)
from xxgk.register.state import open_on, status
from xxgk.render.layout import report_title


def compile_report(
    session: Session,
    unit: Unit,
    year: int,
    *,
    apps: Sequence[Application] | None = None,
    requests: Mapping[str, Any] | None = None,
) -> Report:
    """Return ``unit``'s report for ``year`` computed from its register (``apps``: the unit's
    applications as ``list_applications`` returns them, when the caller has read them;
    ``requests``: the Table 三 cells :func:`count_requests` counted from them, when the caller
    has them — the desk keeps them per unit until its register changes)."""
    report = Report(organization=unit.name, year=year, source=f"register:{unit.code}")
    if requests is not None:
        for key, value in requests.items():
            report[key] = value
    else:
        count_requests(report, list_applications(session, unit) if apps is None else apps, year)
    count_appeals(report, _rows(session, Appeal, unit), year)
    count_documents(report, _rows(session, NormativeDocument, unit), year)
    _yearly(report, session, unit, year)
    _sections(report, session, unit, year)
    version = locked_version(session, unit, year)
    report.published = version.published_on if version else None
    # What xxgk writes has a title and a 落款 (the unit): its own validator must see them.
    report.title = report_title(report)
    report.signature = unit.name
    return report


def count_requests(report: Report, apps: Iterable[Application], year: int) -> None:
    """Fill Table 三 of ``report`` from ``apps`` for ``year``."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = [r.key for r in REQUEST_ROWS]
    counts = {(r, c.key): 0 for r in rows for c in APPLICANT_COLUMNS}
    for app in apps:
        if app.void:
            continue
        column = app.applicant_type
        if start <= app.received_on <= end:
            counts["new", column] += 1
        elif open_on(app, start - dt.timedelta(days=1)):
            counts["carried_over", column] += 1
        state = status(app)
        if state.closed_on and start <= state.closed_on <= end:
            if state.outcome is None:
                raise RegisterError(
                    f"申请{app.number}已办结但没有办理结果", f"{app.number} closed with no outcome"
                )
            counts[state.outcome, column] += 1
        elif open_on(app, end):
            counts["carried_forward", column] += 1
    outcome_rows = rows[2:23]
    for c in APPLICANT_COLUMNS:
        counts["total_handled", c.key] = sum(counts[r, c.key] for r in outcome_rows)
    for row in rows:
        for c in APPLICANT_COLUMNS:
            report[request_key(row, c.key)] = counts[row, c.key]
        report[request_key(row, "total")] = sum(counts[row, c.key] for c in APPLICANT_COLUMNS)


def count_appeals(report: Report, appeals: Iterable[Appeal], year: int) -> None:
    """Fill Table 四: appeals pending at some time in ``year``, by their state on 31 December."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    counts: dict[tuple[str, str | None], int] = {
        (g.key, p): 0 for g in REVIEW_GROUPS for p in REVIEW_PARTS
    }
    for appeal in appeals:
        if appeal.void or appeal.filed_on > end:
            continue
        if appeal.decided_on is not None and appeal.decided_on < start:
            continue
        decided = appeal.decided_on is not None and appeal.decided_on <= end
        counts[appeal.kind, appeal.outcome if decided else "pending"] += 1
    for g in REVIEW_GROUPS:
        for p in REVIEW_PARTS:
            report[review_key(g.key, p)] = counts[g.key, p]
        report[review_key(g.key, "total")] = sum(counts[g.key, p] for p in REVIEW_PARTS)


def count_documents(report: Report, docs: Iterable[NormativeDocument], year: int) -> None:
    """Fill the 规章 and 行政规范性文件 rows of Table 二 from the documents register."""
    end = dt.date(year, 12, 31)
    counts = {(k, c): 0 for k in DOCUMENT_KINDS for c in ("issued", "repealed", "in_force")}
    for doc in docs:
        if doc.void:
            continue
        if doc.issued_on.year == year:
            counts[doc.kind, "issued"] += 1
        if doc.repealed_on and doc.repealed_on.year == year:
            counts[doc.kind, "repealed"] += 1
        if doc.issued_on <= end and (doc.repealed_on is None or doc.repealed_on > end):
            counts[doc.kind, "in_force"] += 1
    for (kind, column), value in counts.items():
        report[f"active.{kind}.{column}"] = value


def _yearly(report: Report, session: Session, unit: Unit, year: int) -> None:
    rows = session.scalars(
        select(YearlyCount).where(YearlyCount.unit_id == unit.id, YearlyCount.year == year)
    )
    values = {r.key: r.value for r in rows}
    for key in YEARLY_KEYS:
        stored = values.get(key)
        value: Decimal | int | None = stored
        if stored is not None and key != "fees":
            value = int(stored)
        elif stored is not None:
            value = stored.normalize() if stored != stored.to_integral_value() else int(stored)
        report[f"active.{key}"] = value


def _sections(report: Report, session: Session, unit: Unit, year: int) -> None:
    drafts = {
        d.section: d.text
        for d in session.scalars(
            select(NarrativeDraft).where(
                NarrativeDraft.unit_id == unit.id, NarrativeDraft.year == year
            )
        )
    }
    if not drafts.get("overview", "").strip():
        # The year's 主动公开 figures open section 一 until the officer writes it.
        drafts["overview"] = summary_paragraph(proactive_summary(session, unit, year))
    for section in SECTIONS:
        report.sections[section.key] = SectionText(section.heading, drafts.get(section.key, ""))


def _rows(session: Session, model: Any, unit: Unit) -> list[Any]:
    return list(session.scalars(select(model).where(model.unit_id == unit.id)))
