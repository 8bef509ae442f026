"""年报检查: upload report files (or paste text) and see the tables with their findings.

Nothing is stored: the result page carries the canonical JSON in its download forms, and a
download renders it again. A visitor checks one file at a time; signed-in users many.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from xxgk.batch import (
    REPORT_SUFFIXES,
    CheckOptions,
    Outcome,
    check_data,
    time_budget,
    validate_report,
)
from xxgk.campaign.collect import unreadable_cells
from xxgk.campaign.results import CheckedFile, results_workbook
from xxgk.db.models import Role, User
from xxgk.errors import InputError, XxgkError
from xxgk.examples import example_paths
from xxgk.limits import LimitError, Limits, use_limits
from xxgk.model.report import Report
from xxgk.parse import parse_bytes, parse_text
from xxgk.render import render
from xxgk.sandbox import shared_pool
from xxgk.web import report_view
from xxgk.web.collecting import jobs, reader
from xxgk.web.deps import SessionDep, UserDep
from xxgk.web.errors import WebError, not_found
from xxgk.web.pages import OVERVIEW_ROLES, XLSX, download, page
from xxgk.web.security import require_csrf_form

T = TypeVar("T")
MAX_POSTED = 500
"""Results one page may post back for download or storing."""
router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf_form)])
DOWNLOADS = {
    "json": ("application/json", ".json"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xlsx": (XLSX, ".xlsx"),
    "pdf": ("application/pdf", ".pdf"),
}


@dataclass
class Checked:
    """One checked input: its name, the report and findings, or why it could not be read."""

    name: str
    report: Report | None = None
    findings: list[Any] = field(default_factory=list)
    error: str = ""
    over_budget: bool = False

    def view(self) -> dict[str, Any]:
        if self.report is None:
            return {"name": self.name, "error": self.error}
        counts = {
            s: sum(f.severity.value == s for f in self.findings)
            for s in ("error", "warning", "info")
        }
        return {
            "name": self.name,
            "error": "",
            "organization": self.report.organization or "",
            "year": self.report.year or "",
            "unreadable": unreadable_cells(self.report, None),
            "title": report_view.title(self.report),
            "counts": counts,
            "tables": report_view.tables(self.report, self.findings),
            "findings": report_view.finding_rows(self.findings),
            "sections": report_view.sections(self.report),
            "canonical": json.dumps(self.report.to_dict(), ensure_ascii=False),
        }


def check_bytes(data: bytes, name: str) -> Checked:
    """Parse and validate one trusted input here (the bundled examples); uploads go through
    ``check_upload``, in the worker pool."""
    try:
        report = parse_bytes(data, source=name, name=name)
        result = validate_report(report, CheckOptions())
    except XxgkError as exc:
        return Checked(name, error=exc.describe())
    report.findings = list(result.findings)
    return Checked(name, report, list(result.findings))


def checked(outcome: Outcome) -> Checked:
    """Return the page's form of a batch outcome."""
    if outcome.report is None or not outcome.usable:
        return Checked(outcome.path, error=outcome.error or "", over_budget=outcome.over_budget)
    findings = outcome.findings
    outcome.report.findings = findings
    return Checked(outcome.path, outcome.report, findings)


async def in_pool(request: Request, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Await ``function(*args, **kwargs)`` in the application's parse pool (``xxgk.sandbox``),
    so a slow or hostile file holds one worker, never the event loop; with
    ``parse_workers=0`` in a thread of this process, within the same budgets."""
    return await _in_pool(request, "parse_seconds", partial(function, *args, **kwargs))


async def check_in_pool(request: Request, data: bytes, name: str, *, trusted: bool) -> Outcome:
    """Check an uploaded file in the pool within its time budget (see ``time_budget``)."""
    job = partial(check_data, data, name, CheckOptions(), convert_legacy=trusted)
    return await _in_pool(request, time_budget(data), job)


async def _in_pool(request: Request, budget: str, job: Callable[[], T]) -> T:
    settings = request.app.state.settings
    if settings.parse_workers <= 0:
        return await run_in_threadpool(_within, settings.limits, job)
    return await shared_pool(settings.parse_workers, settings.limits).run(job, budget=budget)


def _within(limits: Limits, job: Callable[[], T]) -> T:
    with use_limits(limits):
        return job()


async def check_upload(request: Request, data: bytes, name: str, *, trusted: bool) -> Checked:
    """Parse and validate an uploaded file in the pool; over a budget or unreadable, the
    result carries the one-line reason. Legacy .doc/.xls content is converted by LibreOffice
    only for signed-in users (``trusted``): an anonymous visitor's file never reaches it."""
    try:
        outcome = await check_in_pool(request, data, name, trusted=trusted)
    except XxgkError as exc:
        if exc.path is None:
            exc.path = name
        return Checked(name, error=exc.describe(), over_budget=isinstance(exc, LimitError))
    return checked(outcome)


def check_pasted(text: str) -> Checked:
    """Parse and validate pasted text."""
    try:
        report = parse_text(text, source="粘贴的文本")
        result = validate_report(report, CheckOptions())
    except XxgkError as exc:
        return Checked("粘贴的文本", error=exc.describe())
    report.findings = list(result.findings)
    return Checked("粘贴的文本", report, list(result.findings))


async def read_upload(upload: UploadFile, limit: int) -> bytes:
    """Return the bytes of an upload, refusing types xxgk does not read and oversized files."""
    name = upload.filename or "上传文件"
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in REPORT_SUFFIXES:
        allowed = "、".join(sorted(REPORT_SUFFIXES))
        raise WebError(
            415,
            "unsupported_type",
            f"文件“{name}”的类型不受支持，可上传：{allowed}",
            f"unsupported file type {suffix!r}",
        )
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise WebError(
            413, "too_large", f"文件“{name}”超过{limit // (1024 * 1024)}MB的上限", "file too large"
        )
    return data


async def check_uploads(
    request: Request, files: list[UploadFile], text: str, user: User | None
) -> list[Checked]:
    """Check the uploaded files and the pasted text, within the limits of the settings."""
    settings = request.app.state.settings
    files = [f for f in files if f.filename]
    count = len(files) + (1 if text.strip() else 0)
    if count == 0:
        raise WebError(400, "empty", "请选择要检查的报告文件，或粘贴报告全文", "nothing to check")
    most = settings.max_files if user else 1
    if count > most:
        why = "" if user else "（未登录时一次只能检查一份，登录后可批量检查）"
        raise WebError(400, "too_many", f"一次最多检查{most}份报告{why}", "too many files")
    results = [
        await check_upload(
            request,
            await read_upload(f, settings.max_upload_bytes),
            f.filename or "",
            trusted=user is not None,
        )
        for f in files
    ]
    if text.strip():
        results.append(check_pasted(text))
    return results


@router.get("/check")
def check_form(
    user: UserDep,
    request: Request,
):
    examples = [p.name for p in example_paths()]
    return page(
        request,
        "check.html",
        examples=examples,
        multiple=user is not None,
        can_store=may_store(user),
    )


@router.post("/check")
async def check_submit(
    user: UserDep,
    request: Request,
    files: list[UploadFile] | None = None,
    text: str = Form(""),
):
    results = await check_uploads(request, files or [], text, user)
    refused = all(r.over_budget for r in results)  # 413 when every input was over a budget
    return page(
        request,
        "check_result.html",
        status_code=413 if refused else 200,
        results=[r.view() for r in results],
        can_store=may_store(user),
    )


def may_store(user: User | None) -> bool:
    """Return True when ``user`` may put checked reports into the store (存入报告库)."""
    return user is not None and Role(user.role) in OVERVIEW_ROLES


def posted_reports(names: list[str], reports: list[str], errors: list[str]) -> list[CheckedFile]:
    """Return the checked files a result page posts back (name, canonical JSON or the reason
    the file could not be read), in the page's order."""
    if not len(names) == len(reports) == len(errors) or len(names) > MAX_POSTED:
        raise InputError("检查结果数据不完整，请重新检查", "names, reports and errors differ")
    out = []
    for name, body, error in zip(names, reports, errors, strict=True):
        if not body:
            out.append(CheckedFile(name, error=error or "无法读取"))
            continue
        try:
            report = Report.from_dict(json.loads(body))
        except (ValueError, TypeError, KeyError) as exc:
            raise InputError("报告数据无法读取，请重新检查", f"bad canonical JSON: {exc}") from exc
        out.append(CheckedFile(name, report, list(report.findings)))
    return out


@router.get("/check/example/{name}")
def check_example(
    user: UserDep,
    request: Request,
    name: str,
):
    path = next((p for p in example_paths() if p.name == name), None)
    if path is None:
        raise not_found("示例")
    result = check_bytes(path.read_bytes(), path.name)
    return page(request, "check_result.html", results=[result.view()])


def report_download(report: Report, to: str, stem: str) -> Response:
    """Return ``report`` as a file download in format ``to``."""
    if to not in DOWNLOADS:
        raise WebError(400, "format", f"不支持的下载格式“{to}”", f"unknown format {to!r}")
    media, suffix = DOWNLOADS[to]
    if to == "json":
        body = json.dumps(report.to_dict(), ensure_ascii=False, indent=2).encode("utf-8")
    else:
        body = render(report, to)
    return download(body, media, f"{stem}{suffix}")


@router.post("/check/results.xlsx")
def check_results_download(
    name: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI's form list default
    report_json: Annotated[list[str], Form()] = [],  # noqa: B006
    error: Annotated[list[str], Form()] = [],  # noqa: B006
) -> Response:
    """All results of a batch check as one workbook (汇总 and 检查发现 sheets)."""
    files = posted_reports(name, report_json, error)
    return download(results_workbook(files), XLSX, "年报检查结果.xlsx")


@router.post("/check/store")
def check_store(
    user: UserDep,
    session: SessionDep,
    request: Request,
    name: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI's form list default
    report_json: Annotated[list[str], Form()] = [],  # noqa: B006
    error: Annotated[list[str], Form()] = [],  # noqa: B006
) -> RedirectResponse:
    """存入报告库: the checked reports go through the collection batch (matching, scope,
    versions, audit) as their canonical JSON; unreadable files are listed as refused."""
    from xxgk.campaign.collect import FileResult, Upload

    if user is None:
        raise WebError(401, "login_required", "请先登录", "login required")
    if not may_store(user):
        raise WebError(
            403,
            "forbidden",
            "存入报告库仅供督查、单位管理员和系统管理员使用",
            "supervisors, unit admins and admins only",
        )
    items: list[Upload | FileResult] = []
    for checked in posted_reports(name, report_json, error):
        if checked.report is None:
            items.append(FileResult(file=checked.name, refused=checked.error))
        else:
            body = json.dumps(checked.report.to_dict(), ensure_ascii=False).encode("utf-8")
            items.append(Upload(checked.name, body))
    job = jobs(request).start(session, user, items, read=reader(request))
    return RedirectResponse(f"/collect/jobs/{job.id}", status_code=303)


@router.post("/check/download")
def check_download(report_json: str = Form(...), to: str = Form("json")) -> Response:
    try:
        report = Report.from_dict(json.loads(report_json))
    except (ValueError, TypeError, KeyError) as exc:
        raise InputError("报告数据无法读取，请重新检查", f"bad canonical JSON: {exc}") from exc
    stem = report_view.title(report) or "报告"
    return report_download(report, to, stem)
