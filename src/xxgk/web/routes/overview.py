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

from xxgk.db.models import Role
from xxgk.spreadsheet import csv_row
from xxgk.web import corpus_view, supervision
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
    root = scope.unit(unit)
    ids = set(scope.unit_ids)
    units = [u for _, u in scope.units()]
    register_trend = supervision.rollup(scope.session, units, [y - 2, y - 1, y])
    top = max(t["sums"]["requests.new.total"] for t in register_trend) or 1
    return page(
        request,
        "overview.html",
        year=y,
        top=top,
        root=root,
        units=scope.units(),
        rows=supervision.status_table(scope.session, units, y),
        trend=register_trend,
        labels=supervision.rollup_labels(),
        keys=supervision.ROLLUP_KEYS,
        rates=RATES,
        ranking=corpus_view.ranking(scope.session, root, y, ids, _rate(rank), _min_n(min_n)),
        **corpus_view.store_context(scope.session, root, y, ids),
    )


@router.get("/overview/trend.svg")
def overview_chart(scope: ScopeDep) -> Response:
    _allowed(scope)
    svg = corpus_view.trend_svg(scope.session, set(scope.unit_ids))
    return Response(svg, media_type="image/svg+xml")


@router.get("/overview/mix.svg")
def overview_mix_chart(scope: ScopeDep) -> Response:
    _allowed(scope)
    svg = corpus_view.mix_svg(scope.session, set(scope.unit_ids))
    return Response(svg, media_type="image/svg+xml")


@router.get("/overview/ranking.svg")
def overview_ranking_chart(
    scope: ScopeDep, year: str = "", unit: str = "", rank: str = "", min_n: str = ""
) -> Response:
    _allowed(scope)
    root = scope.unit(unit)
    svg = corpus_view.ranking_svg(
        scope.session, root, _year(year), set(scope.unit_ids), _rate(rank), _min_n(min_n)
    )
    return Response(svg, media_type="image/svg+xml")


@router.get("/overview/export.csv")
def overview_export(scope: ScopeDep, year: str = "") -> Response:
    _allowed(scope)
    y = _year(year)
    rows = supervision.status_table(scope.session, [u for _, u in scope.units()], y)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["单位", "年度", "状态", "应发布日期", "发布日期", "错误数"])
    for r in rows:
        writer.writerow(
            csv_row(
                [
                    r["unit"],
                    y,
                    r["label"],
                    r["due"],
                    r["published_on"],
                    "" if r["errors"] is None else r["errors"],
                ]
            )
        )
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename=xxgk-{y}.csv"},
    )


@router.get("/overview/opendata.xlsx")
def overview_open_data(scope: ScopeDep, year: str = "") -> Response:
    """The report store's open data (reports, cells, findings of published reports) of the
    units in the user's scope, with file names but no server paths."""
    from xxgk.corpus.export import export

    _allowed(scope)
    y = _year(year)
    with tempfile.TemporaryDirectory() as folder:
        paths = export(
            scope.session, "xlsx", Path(folder), year=y, units=scope.unit_ids, full_paths=False
        )
        body = paths[0].read_bytes()
    return Response(
        body,
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename=xxgk-open-data-{y}.xlsx"},
    )
