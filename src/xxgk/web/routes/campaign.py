"""The supervising office's drill-down from the overview: one unit's report of the year with
the findings on its cells and their triage marks, where it came from, two of its versions
compared, and last year's report beside it with the cross-year findings."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request

from xxgk.campaign.drilldown import drilldown
from xxgk.campaign.triage import TRIAGERS
from xxgk.db.models import Role
from xxgk.web import report_view
from xxgk.web.deps import ScopeDep
from xxgk.web.errors import WebError
from xxgk.web.forms import query_year
from xxgk.web.pages import OVERVIEW_ROLES, page

router = APIRouter(include_in_schema=False)


def allowed(scope: ScopeDep) -> None:
    """Refuse users who do not supervise (the drill-down and its exports are theirs)."""
    if Role(scope.user.role) not in OVERVIEW_ROLES:
        raise WebError(
            403,
            "forbidden",
            "单位报告详情仅供督查、单位管理员和系统管理员使用",
            "supervisors, unit admins and admins only",
        )


def _version(text: str) -> int | None:
    return int(text) if text.isdecimal() and len(text) < 6 else None


@router.get("/overview/units/{unit_id}")
def unit_drilldown(
    scope: ScopeDep, request: Request, unit_id: str, year: str = "", a: str = "", b: str = ""
):
    allowed(scope)
    unit = scope.unit(unit_id)
    y = query_year(year) or dt.date.today().year - 1
    found = drilldown(scope.session, unit, y, _version(a), _version(b))
    view = found.year_view
    report = view.report
    previous = view.previous
    return page(
        request,
        "campaign_unit.html",
        unit=unit,
        year=y,
        status=view.status,
        versions=view.versions,
        provenance=found.provenance,
        tables=report_view.tables(report, found.open_findings) if report else [],
        findings=found.findings,
        can_mark=Role(scope.user.role) in TRIAGERS,
        versions_diff=found.versions_diff,
        year_diff=found.year_diff,
        cross_year=found.cross_year,
        previous_tables=report_view.tables(previous, []) if previous else [],
    )
