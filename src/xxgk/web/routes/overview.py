"""汇总与对比 (supervising office, unit admins, administrators): report status of the units in
scope for a year, the roll-up and the trend, and the open-data export."""

from __future__ import annotations

import csv
import datetime as dt
import io

from fastapi import APIRouter, Request
from fastapi.responses import Response

from xxgk.db.models import Role
from xxgk.web import supervision
from xxgk.web.deps import Scope, ScopeDep
from xxgk.web.errors import WebError
from xxgk.web.pages import OVERVIEW_ROLES, page

router = APIRouter(include_in_schema=False)


def _allowed(scope: Scope) -> None:
    if Role(scope.user.role) not in OVERVIEW_ROLES:
        raise WebError(
            403,
            "forbidden",
            "汇总与对比仅供督查、单位管理员和系统管理员使用",
            "supervisors, unit admins and admins only",
        )


def _year(text: str) -> int:
    return int(text) if text.isdigit() and 1990 < int(text) < 2200 else dt.date.today().year - 1


@router.get("/overview")
def overview(
    scope: ScopeDep,
    request: Request,
    year: str = "",
):
    _allowed(scope)
    y = _year(year)
    units = [u for _, u in scope.units()]
    trend = supervision.rollup(scope.session, units, [y - 2, y - 1, y])
    top = max(t["sums"]["requests.new.total"] for t in trend) or 1
    return page(
        request,
        "overview.html",
        year=y,
        top=top,
        rows=supervision.status_table(scope.session, units, y),
        trend=trend,
        labels=supervision.rollup_labels(),
        keys=supervision.ROLLUP_KEYS,
    )


@router.get("/overview/export.csv")
def overview_export(
    scope: ScopeDep,
    year: str = "",
) -> Response:
    _allowed(scope)
    y = _year(year)
    rows = supervision.status_table(scope.session, [u for _, u in scope.units()], y)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["单位", "年度", "状态", "应发布日期", "发布日期", "错误数"])
    for r in rows:
        writer.writerow(
            [
                r["unit"],
                y,
                r["label"],
                r["due"],
                r["published_on"],
                "" if r["errors"] is None else r["errors"],
            ]
        )
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename=xxgk-{y}.csv"},
    )
