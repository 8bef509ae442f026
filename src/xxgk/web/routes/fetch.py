"""网上采集 (supervising office, unit admins, administrators): paste URLs or start the fetch of
the units' 年报 columns; the job runs in the background (``xxgk.fetch.background`` on the
shared runner ``xxgk.jobs``) and its page shows the progress, then what was found and stored;
a queued or running job can be cancelled."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from xxgk.db.models import Role
from xxgk.db.units import update_unit
from xxgk.fetch.background import KIND
from xxgk.fetch.store import this_year, unit_columns
from xxgk.web.deps import ScopeDep
from xxgk.web.errors import WebError
from xxgk.web.forms import query_year
from xxgk.web.jobs import cancel, fetch_jobs, job_in_scope, listed
from xxgk.web.pages import OVERVIEW_ROLES, flash, page, write_flashed
from xxgk.web.security import require_csrf_form

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf_form)])


def _allowed(scope: ScopeDep) -> None:
    if Role(scope.user.role) not in OVERVIEW_ROLES:
        raise WebError(
            403,
            "forbidden",
            "网上采集仅供督查、单位管理员和系统管理员使用",
            "supervisors, unit admins and admins only",
        )


@router.get("/fetch")
def fetch_page(scope: ScopeDep, request: Request) -> HTMLResponse:
    _allowed(scope)
    columns = unit_columns(scope.session, sorted(scope.unit_ids))
    return page(
        request,
        "fetch.html",
        columns=columns,
        units_in_scope=len(scope.unit_ids),
        units=scope.units(),
        year=this_year(),
        jobs=listed(scope, request, KIND),
    )


@router.post("/fetch")
def fetch_urls(scope: ScopeDep, request: Request, urls: str = Form("")) -> RedirectResponse:
    _allowed(scope)
    job = fetch_jobs(request).start_urls(scope.session, scope.user, urls)
    flash(request, f"已开始抓取{job.what}")
    return RedirectResponse(f"/fetch/jobs/{job.id}", status_code=303)


@router.post("/fetch/column")
def fetch_column(
    scope: ScopeDep, request: Request, unit: str = Form(""), url: str = Form("")
) -> RedirectResponse:
    """Set or clear one unit's 年报 column URL (unit administrators; audited by update_unit)."""
    _allowed(scope)
    chosen = scope.unit(unit)
    write_flashed(
        scope.session,
        request,
        lambda: update_unit(
            session=scope.session,
            actor=scope.user,
            unit=chosen,
            reason="设置年报栏目地址",
            report_column_url=url.strip() or None,
        ),
        lambda _: f"已保存{chosen.name}的年报栏目地址",
    )
    return RedirectResponse("/fetch", status_code=303)


@router.post("/fetch/units")
def fetch_units(scope: ScopeDep, request: Request, year: str = Form("")) -> RedirectResponse:
    _allowed(scope)
    job = fetch_jobs(request).start_units(
        scope.session, scope.user, sorted(scope.unit_ids), query_year(year)
    )
    flash(request, f"已开始抓取{job.what}")
    return RedirectResponse(f"/fetch/jobs/{job.id}", status_code=303)


@router.get("/fetch/jobs/{job_id}")
def fetch_job(scope: ScopeDep, request: Request, job_id: str) -> HTMLResponse:
    _allowed(scope)
    job = job_in_scope(scope, request, KIND, job_id, "抓取任务")
    return page(request, "fetch_job.html", job=job)


@router.post("/fetch/jobs/{job_id}/cancel")
def fetch_job_cancel(scope: ScopeDep, request: Request, job_id: str) -> RedirectResponse:
    """Cancel a queued or running fetch job (audited); what it downloaded stays for a rerun."""
    _allowed(scope)
    cancel(scope, request, job_in_scope(scope, request, KIND, job_id, "抓取任务"))
    return RedirectResponse(f"/fetch/jobs/{job_id}", status_code=303)
