"""Triage and roll-up for the supervising office: marking a unit's findings 确认 / 驳回, the
findings with their marks as XLSX/CSV, and the 汇总表 of the chosen unit with its members'
status, downloadable as DOCX, XLSX and PDF, with the unit's declared report scope."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from xxgk.aggregate import ReportScope, ScopedCell, scope_of
from xxgk.campaign.drilldown import mark_finding
from xxgk.campaign.exports import findings_csv, findings_xlsx
from xxgk.campaign.rollup import campaign_rollup, rollup_file, set_report_scope
from xxgk.db.access import in_subtree
from xxgk.db.models import Role, Unit
from xxgk.model.cells import cell_title
from xxgk.render.layout import format_value
from xxgk.web import report_view
from xxgk.web.deps import ScopeDep
from xxgk.web.errors import WebError
from xxgk.web.forms import query_year
from xxgk.web.pages import XLSX, download, page, write_flashed
from xxgk.web.routes.campaign import allowed
from xxgk.web.security import require_csrf_form

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf_form)])
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEDIA = {"docx": DOCX, "xlsx": XLSX, "pdf": "application/pdf"}
CSV = "text/csv; charset=utf-8"


def _year(text: str) -> int:
    return query_year(text) or dt.date.today().year - 1


def _members(scope: ScopeDep, root: Unit) -> list[Unit]:
    """Return the chosen unit and the units below it that the user may see."""
    return [u for _, u in scope.units() if in_subtree(u, root.id)]


@router.post("/overview/units/{unit_id}/marks")
def mark(
    scope: ScopeDep,
    request: Request,
    unit_id: str,
    year: str = Form(""),
    key: str = Form(""),
    verdict: str = Form(""),
    reason: str = Form(""),
):
    allowed(scope)
    unit = scope.unit(unit_id)
    y = _year(year)
    write_flashed(
        scope.session,
        request,
        lambda: mark_finding(
            session=scope.session,
            actor=scope.user,
            unit=unit,
            year=y,
            key=key[:600],
            verdict=verdict,
            reason=reason,
        ),
        lambda m: f"已将该问题标记为{'确认' if m.verdict == 'confirmed' else '驳回'}",
    )
    return RedirectResponse(f"/overview/units/{unit.id}?year={y}#findings-heading", 303)


@router.get("/overview/units/{unit_id}/findings.{fmt}")
def unit_findings(scope: ScopeDep, unit_id: str, fmt: str, year: str = "") -> Response:
    allowed(scope)
    unit = scope.unit(unit_id)
    return _findings_file(scope, [unit], _year(year), fmt, unit.name)


@router.get("/overview/findings.{fmt}")
def subtree_findings(scope: ScopeDep, fmt: str, unit: str = "", year: str = "") -> Response:
    allowed(scope)
    root = scope.unit(unit)
    return _findings_file(scope, _members(scope, root), _year(year), fmt, f"{root.name}及下级")


def _findings_file(scope: ScopeDep, units: list[Unit], year: int, fmt: str, name: str):
    if fmt == "csv":
        return download(findings_csv(scope.session, units, year), CSV, f"{name}{year}问题清单.csv")
    if fmt == "xlsx":
        body = findings_xlsx(scope.session, units, year)
        return download(body, XLSX, f"{name}{year}问题清单.xlsx")
    raise WebError(404, "not_found", "没有这种下载格式", f"unknown format {fmt!r}")


@router.get("/overview/rollup")
def rollup_page(scope: ScopeDep, request: Request, unit: str = "", year: str = ""):
    allowed(scope)
    root = scope.unit(unit)
    y = _year(year)
    rolled = campaign_rollup(scope.session, root, y, {u.id for u in _members(scope, root)})
    result = rolled.result
    findings = result.report.findings
    return page(
        request,
        "campaign_rollup.html",
        unit=root,
        year=y,
        units=scope.units(),
        rolled=rolled,
        scope_label=result.scope.label,
        scopes=list(ReportScope),
        can_set_scope=Role(scope.user.role) in (Role.SUPERVISOR, Role.UNIT_ADMIN, Role.ADMIN),
        scoped=_scoped_rows(result.scoped()),
        tables=report_view.tables(result.report, findings),
        findings=report_view.finding_rows(findings),
        overview=result.report.section_text("overview"),
    )


def _scoped_rows(cells: list[ScopedCell]) -> list[dict[str, str]]:
    """Return the like-with-like comparison as the page lists it (cells with any figure)."""
    return [
        {
            "key": c.key,
            "title": cell_title(c.key),
            "own": format_value(c.own),
            "members": format_value(c.members),
            "share": format_value(c.share),
        }
        for c in cells
        if c.own or c.members
    ]


@router.get("/overview/rollup.{fmt}")
def rollup_download(scope: ScopeDep, fmt: str, unit: str = "", year: str = "") -> Response:
    allowed(scope)
    if fmt not in MEDIA:
        raise WebError(404, "not_found", "汇总表只能下载为 DOCX、XLSX 或 PDF", f"bad {fmt!r}")
    root = scope.unit(unit)
    y = _year(year)
    body = rollup_file(scope.session, root, y, fmt, {u.id for u in _members(scope, root)})
    return download(body, MEDIA[fmt], f"{root.name}{y}年度汇总表.{fmt}")


@router.post("/overview/rollup/scope")
def rollup_scope(
    scope: ScopeDep,
    request: Request,
    unit: str = Form(""),
    year: str = Form(""),
    report_scope: str = Form(""),
):
    allowed(scope)
    chosen = scope.unit(unit)
    write_flashed(
        scope.session,
        request,
        lambda: set_report_scope(
            session=scope.session, actor=scope.user, unit=chosen, scope=report_scope
        ),
        lambda u: f"已将{u.name}本级报告的口径设为{scope_of(u.report_scope).label}",
    )
    return RedirectResponse(f"/overview/rollup?unit={chosen.id}&year={_year(year)}", 303)
