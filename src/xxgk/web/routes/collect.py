"""报告收集 (supervising office, unit admins, administrators): upload many report files or ZIP
packages into the report store, follow the batch file by file, and pick the unit of a report
whose name matched none. The batch runs in the background (``xxgk.campaign.jobs`` on the
shared runner ``xxgk.jobs``), each file parsed in the sandbox pool."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from xxgk.campaign.collect import (
    FileResult,
    Upload,
    match_report,
    unmatched_in_scope,
)
from xxgk.campaign.jobs import KIND, counts_of, results_of
from xxgk.campaign.results import batch_workbook
from xxgk.db.models import Job, Role
from xxgk.limits import MB
from xxgk.web.collecting import jobs, reader
from xxgk.web.deps import ScopeDep, valid_id
from xxgk.web.errors import WebError
from xxgk.web.forms import query_year
from xxgk.web.jobs import cancel, job_in_scope, listed, scope_units
from xxgk.web.pages import OVERVIEW_ROLES, XLSX, download, page, write_flashed
from xxgk.web.security import require_csrf_form

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf_form)])
MAX_FILES = 500
"""Files one upload may carry beside its ZIP packages (a prefecture's whole batch)."""


def allowed(scope: ScopeDep) -> None:
    """Refuse anybody who may not fill the report store (see ``CORPUS_KEEPERS``)."""
    if Role(scope.user.role) not in OVERVIEW_ROLES:
        raise WebError(
            403,
            "forbidden",
            "报告收集仅供督查、单位管理员和系统管理员使用",
            "supervisors, unit admins and admins only",
        )


async def received(request: Request, files: list[UploadFile]) -> list[Upload | FileResult]:
    """Return the uploaded files; one over the size limit, or past the batch's total
    (``unpacked_bytes``), is refused alone, not the batch."""
    limit = request.app.state.settings.max_upload_bytes
    files = [f for f in files if f.filename]
    if not files:
        raise WebError(400, "empty", "请选择要存入报告库的报告文件或压缩包", "nothing uploaded")
    if len(files) > MAX_FILES:
        raise WebError(
            400, "too_many", f"一次最多上传{MAX_FILES}个文件，可打包成ZIP上传", "too many files"
        )
    total = request.app.state.settings.limits.unpacked_bytes
    out: list[Upload | FileResult] = []
    taken = 0
    for upload in files:
        name = upload.filename or "上传文件"
        data = await upload.read(limit + 1)
        if len(data) > limit:
            reason = f"文件超过{limit // MB}MB的上限，未读取"
            out.append(FileResult(file=name, refused=reason))
        elif taken + len(data) > total:
            reason = f"本批上传总量超过{total // MB}MB，此文件未读取，请分批上传"
            out.append(FileResult(file=name, refused=reason))
        else:
            taken += len(data)
            out.append(Upload(name, data))
    return out


@router.get("/collect")
def collect_page(scope: ScopeDep, request: Request) -> HTMLResponse:
    allowed(scope)
    return page(
        request,
        "collect.html",
        jobs=listed(scope, request, KIND),
        unmatched=unmatched_in_scope(scope.session, scope.user),
        units=scope.units(),
    )


@router.post("/collect")
async def collect_upload(
    scope: ScopeDep,
    request: Request,
    files: list[UploadFile] | None = None,
    year: str = Form(""),
) -> RedirectResponse:
    allowed(scope)
    uploads = await received(request, files or [])
    job = jobs(request).start(
        scope.session, scope.user, uploads, read=reader(request), default_year=query_year(year)
    )
    return RedirectResponse(f"/collect/jobs/{job.id}", status_code=303)


def own_job(scope: ScopeDep, request: Request, job_id: str) -> Job:
    """Return the batch ``job_id`` of a unit in the viewer's scope; any other is "not found"."""
    return job_in_scope(scope, request, KIND, job_id, "收集批次")


@router.get("/collect/jobs/{job_id}")
def collect_job(scope: ScopeDep, request: Request, job_id: str) -> HTMLResponse:
    allowed(scope)
    job = own_job(scope, request, job_id)
    return page(
        request,
        "collect_job.html",
        job=job,
        results=results_of(job),
        counts=counts_of(job),
        units=scope.units(),
    )


@router.post("/collect/jobs/{job_id}/cancel")
def collect_job_cancel(scope: ScopeDep, request: Request, job_id: str) -> RedirectResponse:
    """Cancel a queued or running batch (audited); it stores nothing."""
    allowed(scope)
    cancel(scope, request, own_job(scope, request, job_id))
    return RedirectResponse(f"/collect/jobs/{job_id}", status_code=303)


@router.get("/collect/jobs/{job_id}/results.xlsx")
def collect_job_download(scope: ScopeDep, request: Request, job_id: str) -> Response:
    """The batch's per-file table as an XLSX (Chinese headers, formula-safe)."""
    allowed(scope)
    job = own_job(scope, request, job_id)
    return download(batch_workbook(results_of(job)), XLSX, f"报告收集结果-{job.id}.xlsx")


@router.post("/collect/match")
def collect_match(
    scope: ScopeDep,
    request: Request,
    report: str = Form(""),
    unit: str = Form(""),
    back: str = Form(""),
) -> RedirectResponse:
    """Put an unmatched report under the unit a person chose (remembered for its name)."""
    allowed(scope)
    chosen = scope.unit(unit) if unit else None
    if chosen is None:
        raise WebError(400, "unit", "请选择报告所属的单位", "no unit chosen")
    report_id = int(report) if report.isdecimal() and valid_id(int(report)) else 0
    stored = write_flashed(
        scope.session,
        request,
        lambda: match_report(scope.session, scope.user, report_id, chosen),
        lambda stored: f"已将“{stored.organization or stored.source}”的报告归入{chosen.name}",
    )
    if stored is not None:
        jobs(request).note_match(
            scope.session, scope_units(scope), report_id, chosen.id, chosen.name
        )
    target = back if back.startswith("/collect") and "//" not in back else "/collect"
    return RedirectResponse(target, status_code=303)
