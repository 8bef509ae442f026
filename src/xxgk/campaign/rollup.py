"""The 汇总表 of a unit for the campaign: the members' sum in the official layout, with the one
status per member that the overview shows, downloadable as DOCX, XLSX and PDF.

The sum and the like-with-like comparison with the unit's own report (本级 / 全口径, see
``xxgk.aggregate.scope``) come from ``xxgk.corpus.rollup``; this module replaces the store's
own member states with the campaign status (``xxgk.campaign.status``), so the roll-up, the
overview and the exports never disagree about who is missing, late or wrong, and it appends
the member status list to the documents.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.aggregate import ReportScope
from xxgk.campaign.status import CampaignStatus, UnitStatus, count_statuses, unit_statuses
from xxgk.corpus.queries import subtree
from xxgk.corpus.rollup import RollUp, own_report_line, rollup
from xxgk.db import audit
from xxgk.db.access import in_subtree
from xxgk.db.models import Role, Unit, User
from xxgk.errors import RegisterError
from xxgk.model.report import Report
from xxgk.spreadsheet import append_row

DOCUMENT_FORMATS = ("docx", "xlsx", "pdf")
STATUS_SHEET = "下级单位报送情况"
STATUS_COLUMNS = ("单位", "状态", "依据", "说明", "应发布日期", "发布日期", "错误数")
SCOPE_SETTERS = frozenset({Role.SUPERVISOR, Role.UNIT_ADMIN, Role.ADMIN})


@dataclass(frozen=True)
class CampaignRollUp:
    """The roll-up of a unit for a year with its members' campaign status."""

    unit: Unit
    year: int
    result: RollUp
    statuses: list[UnitStatus]

    @property
    def report(self) -> Report:
        return self.result.report

    def counts(self) -> dict[CampaignStatus, int]:
        return count_statuses(self.statuses)


def _members(session: Session, unit: Unit, allowed: set[int] | None) -> list[Unit]:
    ids = [t.id for t in subtree(session, unit) if allowed is None or t.id in allowed]
    by_id = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    return [by_id[i] for i in ids if i in by_id]


def overview_text(rolled: CampaignRollUp) -> str:
    """The 总体情况 of the 汇总表: how many members in each status, and who is not on time."""
    counts = rolled.counts()
    parts = "，".join(f"{s.label}{counts[s]}个" for s in CampaignStatus if counts[s])
    lines = [
        f"本表汇总{rolled.unit.name}所属{len(rolled.statuses)}个单位{rolled.year}年度政府信息公开"
        f"工作年度报告（{parts or '无下级单位'}）。只有已存入报告库的报告计入合计；"
        "未报送的单位不计入合计，不按零计算。"
    ]
    for status in CampaignStatus:
        if status is CampaignStatus.ON_TIME:
            continue
        names = [s.unit for s in rolled.statuses if s.status is status]
        if names:
            lines.append(f"{status.label}：{'、'.join(names)}。")
    if rolled.result.own is not None:
        lines.append(own_report_line(rolled.result))
    return "\n".join(lines)


def campaign_rollup(
    session: Session, unit: Unit, year: int, allowed: set[int] | None = None
) -> CampaignRollUp:
    """Return the roll-up of ``unit``'s members (those in ``allowed`` when given) for
    ``year`` with each member's campaign status."""
    result = rollup(session, unit, year)
    members = _members(session, unit, allowed)
    rolled = CampaignRollUp(unit, year, result, unit_statuses(session, members, year))
    result.report.sections["overview"].text = overview_text(rolled)
    return rolled


def status_rows(statuses: Sequence[UnitStatus]) -> list[list[object]]:
    """Return the member status list as rows of ``STATUS_COLUMNS``."""
    return [
        [
            s.unit,
            s.label,
            s.source,
            s.detail,
            s.due.isoformat(),
            s.published_on.isoformat() if s.published_on else "",
            "" if s.errors is None else s.errors,
        ]
        for s in statuses
    ]


def _with_status_table(document: bytes, statuses: Sequence[UnitStatus]) -> bytes:
    """Return the DOCX ``document`` with the member status list appended as a table."""
    from docx import Document

    doc = Document(io.BytesIO(document))
    doc.add_paragraph(STATUS_SHEET)
    table = doc.add_table(rows=1, cols=len(STATUS_COLUMNS))
    table.style = "Table Grid" if "Table Grid" in [s.name for s in doc.styles] else None
    for cell, text in zip(table.rows[0].cells, STATUS_COLUMNS, strict=True):
        cell.text = text
    for row in status_rows(statuses):
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = str(value)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _xlsx(rolled: CampaignRollUp) -> bytes:
    from openpyxl import load_workbook

    from xxgk.render import render

    book = load_workbook(io.BytesIO(render(rolled.report, "xlsx")))
    sheet = book.create_sheet(STATUS_SHEET)
    append_row(sheet, STATUS_COLUMNS)
    for row in status_rows(rolled.statuses):
        append_row(sheet, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rollup_document(rolled: CampaignRollUp, fmt: str) -> bytes:
    """Return the 汇总表 in ``fmt`` (docx, xlsx or pdf) with the member status list."""
    if fmt == "xlsx":
        return _xlsx(rolled)
    if fmt not in DOCUMENT_FORMATS:
        raise RegisterError(
            f"汇总表只能下载为 {'、'.join(DOCUMENT_FORMATS)}", f"unknown format {fmt!r}"
        )
    from xxgk.render.docx import render_docx

    if fmt == "docx":
        return _with_status_table(render_docx(rolled.report), rolled.statuses)
    from xxgk.office import missing_office, soffice_path
    from xxgk.render.fonts import machine_fonts
    from xxgk.render.pdf import convert_to_pdf

    if soffice_path() is None:
        raise missing_office()
    document = render_docx(rolled.report, fonts=machine_fonts())
    return convert_to_pdf([_with_status_table(document, rolled.statuses)])[0]


def rollup_file(
    session: Session, unit: Unit, year: int, fmt: str, allowed: set[int] | None = None
) -> bytes:
    """Return the 汇总表 of ``unit`` for ``year`` in ``fmt`` (what the web downloads and
    ``xxgk aggregate --to`` writes)."""
    if fmt not in DOCUMENT_FORMATS:
        raise RegisterError(
            f"汇总表只能下载为 {'、'.join(DOCUMENT_FORMATS)}", f"unknown format {fmt!r}"
        )
    return rollup_document(campaign_rollup(session, unit, year, allowed), fmt)


def set_report_scope(
    *, session: Session, actor: User | None, unit: Unit, scope: ReportScope | str
) -> Unit:
    """Declare what ``unit``'s own report covers (本级 / 全口径); audited. Allowed to the
    supervising office, unit administrators (within their subtree) and administrators."""
    try:
        chosen = ReportScope(scope)
    except ValueError:
        raise RegisterError("报告口径只能是本级或全口径", f"unknown scope {scope!r}") from None
    if actor is None or not actor.active or Role(actor.role) not in SCOPE_SETTERS:
        raise RegisterError("只有督查、单位管理员和系统管理员可以设置报告口径", "not allowed")
    if Role(actor.role) is not Role.ADMIN and not in_subtree(unit, actor.unit_id):
        raise RegisterError(f"单位“{unit.name}”不在您的管理范围内", "outside the scope")
    before = unit.snapshot()
    unit.report_scope = chosen.value
    audit.record(
        session=session,
        actor=actor,
        action="update",
        entity="unit",
        entity_id=unit.id,
        before=before,
        after=unit.snapshot(),
        reason="设置本级报告口径",
    )
    return unit
