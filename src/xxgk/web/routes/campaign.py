"""The supervising office's drill-down from the overview: one unit's report of the year with
the findings on its cells, its versions in the store, and last year's report beside it."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request

from xxgk.campaign.queries import unit_year
from xxgk.db.models import Role
from xxgk.web import report_view
from xxgk.web.deps import ScopeDep
from xxgk.web.errors import WebError
from xxgk.web.forms import query_year
from xxgk.web.pages import OVERVIEW_ROLES, page

router = APIRouter(include_in_schema=False)


@router.get("/overview/units/{unit_id}")
def unit_drilldown(scope: ScopeDep, request: Request, unit_id: str, year: str = ""):
    if Role(scope.user.role) not in OVERVIEW_ROLES:
        raise WebError(
            403,
            "forbidden",
            "单位报告详情仅供督查、单位管理员和系统管理员使用",
            "supervisors, unit admins and admins only",
        )
    unit = scope.unit(unit_id)
    y = query_year(year) or dt.date.today().year - 1
    found = unit_year(scope.session, unit, y)
    report = found.report
    previous = found.previous
    return page(
        request,
        "campaign_unit.html",
        unit=unit,
        year=y,
        status=found.status,
        versions=found.versions,
        tables=report_view.tables(report, found.findings) if report else [],
        findings=report_view.finding_rows(found.findings),
        previous_tables=report_view.tables(previous, []) if previous else [],
    )
