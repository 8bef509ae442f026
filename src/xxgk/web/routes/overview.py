"""汇总与对比 (supervising office, unit admins, administrators): the report status of the
units in scope for a year, the roll-up from the report store with member status, the trend
with its charts (applications, outcome mix), the ranking of the units by a rate with its
chart, near-identical sections, and the open-data exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from xxgk.campaign import trend
from xxgk.campaign.status import count_statuses, unit_statuses
from xxgk.db.access import in_subtree
from xxgk.db.models import Role, Unit
from xxgk.spreadsheet import csv_row
from xxgk.web import corpus_view
from xxgk.web.deps import ScopeDep
from xxgk.web.errors import WebError
from xxgk.web.forms import query_year
from xxgk.web.pages import OVERVIEW_ROLES, XLSX, page

router = APIRouter(include_in_schema=False)


def _allowed(scope: ScopeDep) -> None:
    if Role(scope.user.role) not in OVERVIEW_ROLES:
        raise WebError(
            403,
            "forbidden",
            "汇总与对比仅供督查、单位管理员和系统管理员使用",
            "supervisors, unit admins and admins only",
        )


def _year(text: str) -> int:
    return query_year(text) or dt.date.today().year - 1


def _chosen(scope: ScopeDep, unit: str) -> tuple[Unit, list[Unit], set[int]]:
    """Return the chosen unit, the units of its subtree within the scope (the chosen unit
    first) and their ids: every figure of the page follows this choice."""
    root = scope.unit(unit)
    members = [u for _, u in scope.units() if in_subtree(u, root.id)]
    return root, members, {u.id for u in members}


def _rate(text: str) -> str:
    from xxgk.corpus.stats import RATES

    return text if text in RATES else "granted"


def _min_n(text: str) -> int:
    from xxgk.corpus.stats import MIN_N

    return int(text) if text.isdecimal() and 0 < int(text) < 100000 else MIN_N


@router.get("/overview")
def overview(
    scope: ScopeDep,
    request: Request,
    year: str = "",
    unit: str = "",
    rank: str = "",
    min_n: str = "",
):
    from xxgk.corpus.stats import RATES

    _allowed(scope)
    y = _year(year)
    root, units, ids = _chosen(scope, unit)
    statuses = unit_statuses(scope.session, units, y)
    register_trend = trend.register_trend(scope.session, units, [y - 2, y - 1, y])
    top = max(t["sums"]["requests.new.total"] for t in register_trend) or 1
    return page(
        request,
        "overview.html",
        year=y,
        top=top,
        root=root,
        units=scope.units(),
        rows=statuses,
        status_counts=count_statuses(statuses),
        trend=register_trend,
        labels=trend.rollup_labels(),
        keys=trend.ROLLUP_KEYS,
        rates=RATES,
        ranking=corpus_view.ranking(scope.session, root, y, ids, _rate(rank), _min_n(min_n)),
        **corpus_view.store_context(scope.session, root, y, ids),
    )


@router.get("/overview/trend.svg")
def overview_chart(scope: ScopeDep, unit: str = "") -> Response:
    _allowed(scope)
    svg = corpus_view.trend_svg(scope.session, _chosen(scope, unit)[2])
    return Response(svg, media_type="image/svg+xml")


@router.get("/overview/mix.svg")
def overview_mix_chart(scope: ScopeDep, unit: str = "") -> Response:
    _allowed(scope)
    svg = corpus_view.mix_svg(scope.session, _chosen(scope, unit)[2])
    return Response(svg, media_type="image/svg+xml")


@router.get("/overview/ranking.svg")
def overview_ranking_chart(
    scope: ScopeDep, year: str = "", unit: str = "", rank: str = "", min_n: str = ""
) -> Response:
    _allowed(scope)
    root, _, ids = _chosen(scope, unit)
    svg = corpus_view.ranking_svg(scope.session, root, _year(year), ids, _rate(rank), _min_n(min_n))
    return Response(svg, media_type="image/svg+xml")


EXPORT_COLUMNS = (
    ("单位", "unit"),
    ("年度", "year"),
    ("状态", "status"),
    ("依据", "source"),
    ("说明", "detail"),
    ("应发布日期", "due"),
    ("发布日期", "published_on"),
    ("错误数", "errors"),
)


@router.get("/overview/export.csv")
def overview_export(scope: ScopeDep, year: str = "", unit: str = "") -> Response:
    """The status list of the chosen unit's members as the page shows it: Chinese headers,
    the canonical keys in a second header row, a BOM for spreadsheet programs."""
    _allowed(scope)
    y = _year(year)
    _, units, _ = _chosen(scope, unit)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([label for label, _ in EXPORT_COLUMNS])
    writer.writerow([key for _, key in EXPORT_COLUMNS])
    for s in unit_statuses(scope.session, units, y):
        writer.writerow(
            csv_row(
                [
                    s.unit,
                    y,
                    s.label,
                    s.source,
                    s.detail,
                    s.due.isoformat(),
                    s.published_on.isoformat() if s.published_on else "",
                    "" if s.errors is None else s.errors,
                ]
            )
        )
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename=xxgk-{y}.csv"},
    )


@router.get("/overview/opendata.xlsx")
def overview_open_data(scope: ScopeDep, year: str = "", unit: str = "") -> Response:
    """The report store's open data (reports, cells, findings of published reports) of the
    units in the user's scope, with file names but no server paths."""
    from xxgk.corpus.export import export

    _allowed(scope)
    y = _year(year)
    ids = sorted(_chosen(scope, unit)[2])
    with tempfile.TemporaryDirectory() as folder:
        paths = export(scope.session, "xlsx", Path(folder), year=y, units=ids, full_paths=False)
        body = paths[0].read_bytes()
    return Response(
        body,
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename=xxgk-open-data-{y}.xlsx"},
    )
