"""年报编制: the year's tables compiled from the register, the narrative sections edited in the
page, the validator's findings, export, and publishing (which locks the year)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from xxgk.campaign.store import publish_into_store
from xxgk.db.access import APPROVERS
from xxgk.db.models import Role
from xxgk.model.report import Report
from xxgk.records.lock import locked_version
from xxgk.register.compile import compile_report
from xxgk.register.inputs import set_narrative
from xxgk.register.publish import published_versions
from xxgk.web import report_view
from xxgk.web.deps import Scope, ScopeDep
from xxgk.web.forms import query_year
from xxgk.web.pages import flash, page, write_flashed
from xxgk.web.routes.check import report_download
from xxgk.web.security import require_csrf_form

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf_form)])
NARRATIVE = ("overview", "problems", "other")


def default_year(today: dt.date) -> int:
    """Return the year an officer most likely works on: last year until the end of March."""
    return today.year - 1 if today.month <= 3 else today.year


def compiled(scope: Scope, unit_ref: str, year: int) -> tuple[Report, list]:
    """Return the unit's compiled report for ``year`` with the validator's findings."""
    from xxgk.rules import validate

    unit = scope.unit(unit_ref)
    report = compile_report(scope.session, unit, year)
    findings = list(validate(report).findings)
    report.findings = findings
    return report, findings


def _year(text: str) -> int:
    return query_year(text) or default_year(dt.date.today())


@router.get("/compile")
def compile_page(
    scope: ScopeDep,
    request: Request,
    unit: str = "",
    year: str = "",
):
    chosen = scope.unit(unit)
    y = _year(year)
    report, findings = compiled(scope, str(chosen.id), y)
    locked = locked_version(scope.session, chosen, y)
    return page(
        request,
        "compile.html",
        unit=chosen,
        year=y,
        units=scope.units(),
        title=report_view.title(report),
        tables=report_view.tables(report, findings),
        findings=report_view.finding_rows(findings),
        narrative=[s for s in report_view.sections(report) if s["key"] in NARRATIVE],
        locked=locked,
        versions=published_versions(scope.session, chosen, y),
        writable=scope.can_write(chosen) and locked is None,
        can_publish=Role(scope.user.role) in APPROVERS
        and scope.can_write(chosen)
        and locked is None,
        today=dt.date.today().isoformat(),
    )


@router.post("/compile/narrative")
def compile_narrative(
    scope: ScopeDep,
    request: Request,
    unit: str = Form(...),
    year: int = Form(...),
    section: str = Form(...),
    text: str = Form(""),
) -> Response:
    chosen = scope.unit(unit)
    write_flashed(
        scope.session,
        request,
        lambda: set_narrative(
            session=scope.session,
            unit=chosen,
            actor=scope.user,
            year=year,
            section=section,
            text=text.strip()[:20000],
        ),
        lambda _: "已保存",
    )
    return RedirectResponse(f"/compile?unit={chosen.id}&year={year}", status_code=303)


@router.get("/compile/export")
def compile_export(
    scope: ScopeDep,
    unit: str = "",
    year: str = "",
    to: str = "docx",
) -> Response:
    report, _ = compiled(scope, unit, _year(year))
    return report_download(report, to, report_view.title(report) or "年度报告")


@router.post("/compile/publish")
def compile_publish(
    scope: ScopeDep,
    request: Request,
    unit: str = Form(...),
    year: int = Form(...),
    published_on: str = Form(""),
    reason: str = Form(""),
) -> Response:
    chosen = scope.unit(unit)
    try:
        day = dt.date.fromisoformat(published_on.strip())
    except ValueError:
        flash(request, "发布日期应为YYYY-MM-DD格式", "error")
        return RedirectResponse(f"/compile?unit={chosen.id}&year={year}", status_code=303)
    # Through the filing gate: no missing value, no empty section, acceptance where a
    # supervisor uses xxgk, and an earlier date only with its reason.
    write_flashed(
        scope.session,
        request,
        lambda: publish_into_store(
            session=scope.session,
            actor=scope.user,
            unit=chosen,
            year=year,
            today=dt.date.today(),
            published_on=day,
            date_reason=reason,
            correction_reason=reason,
        ),
        lambda row: f"已发布{year}年度报告（第{row.version}版），该年度台账已锁定",
    )
    return RedirectResponse(f"/compile?unit={chosen.id}&year={year}", status_code=303)
