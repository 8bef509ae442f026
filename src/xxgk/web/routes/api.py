"""The JSON API under ``/api/v1`` (OpenAPI at ``/api/v1/openapi.json``).

It uses the same session cookie as the pages (``POST /api/v1/session`` signs in and returns
the CSRF token to send as ``X-CSRF-Token`` on every change) and the same scope and library
calls; errors are the envelope of ``xxgk.web.errors``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response, UploadFile
from pydantic import BaseModel, Field

from xxgk.db.models import Role, User
from xxgk.register.applications import register_application
from xxgk.register.caldb import kept_calendar
from xxgk.register.caseload import case_findings
from xxgk.register.events import add_event
from xxgk.web import portal
from xxgk.web import register_view as rv
from xxgk.web.deps import MAX_ID, Scope, ScopeDep, SessionDep, required_user
from xxgk.web.errors import WebError, not_found
from xxgk.web.forms import event_arguments, validate_application
from xxgk.web.routes.auth import authenticate, end_session, start_session
from xxgk.web.routes.check import check_in_pool, checked, read_upload
from xxgk.web.routes.compile import compiled
from xxgk.web.security import csrf_token, require_csrf_api

router = APIRouter(prefix="/api/v1", tags=["api"], dependencies=[Depends(require_csrf_api)])
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "请求被拒绝（错误信封）"},
    401: {"description": "需要登录"},
    403: {"description": "无权操作"},
    404: {"description": "不存在或不在权限范围内"},
    422: {"description": "字段校验失败（fields 给出各字段的说明）"},
}
IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="记录编号")]
YEAR_MIN, YEAR_MAX = 1991, 2199


class Credentials(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=200)


class NewApplication(BaseModel):
    unit_id: int = Field(ge=1, le=MAX_ID)
    channel: str = Field(description="in_person/post_signed/post_plain/online/fax/other 或中文")
    arrived_on: str = ""
    signed_on: str = ""
    confirmed_on: str = ""
    applicant_type: str = Field(description="申请人类型键，如 natural")
    applicant_name: str = ""
    applicant_contact: str = ""
    request_text: str = ""
    form_wanted: str = ""


class NewEvent(BaseModel):
    kind: str = Field(description="事件类型：键或中文，如 correction_requested / 补正告知")
    on: str = Field(description="日期 YYYY-MM-DD")
    outcome: str = ""
    delivery: str = ""
    days: str = ""
    approved_on: str = ""
    notified_on: str = ""
    due_on: str = ""
    amount: str = ""
    party: str = ""
    ref_id: str = ""
    note: str = ""


class OnlineApplication(BaseModel):
    unit_id: int = Field(ge=1, le=MAX_ID)
    applicant_type: str
    applicant_name: str = Field(min_length=1, max_length=200)
    applicant_contact: str = Field(min_length=1, max_length=200)
    request_text: str = Field(min_length=1, max_length=4000)
    form_wanted: str = ""


def _user(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "role": user.role,
        "role_label": Role(user.role).label,
        "unit_id": user.unit_id,
    }


@router.post("/session", responses=ERRORS)
def api_login(
    session: SessionDep,
    body: Credentials,
    request: Request,
) -> dict[str, Any]:
    """登录：设置会话Cookie，返回CSRF令牌（此后的修改请求须带 X-CSRF-Token 头）。"""
    user = authenticate(request, session, body.username.strip(), body.password)
    start_session(request, session, user)
    return {"user": _user(user), "csrf_token": csrf_token(request)}


@router.delete("/session")
def api_logout(session: SessionDep, request: Request) -> dict[str, Any]:
    """退出登录（会话立即失效，复制的Cookie也不能再用）。"""
    end_session(request, session)
    return {"ok": True}


@router.get("/me", responses=ERRORS)
def api_me(
    user: Annotated[User, Depends(required_user)],
    request: Request,
) -> dict[str, Any]:
    """当前用户与CSRF令牌。"""
    return {"user": _user(user), "csrf_token": csrf_token(request)}


@router.post("/check", responses=ERRORS)
async def api_check(request: Request, file: UploadFile) -> dict[str, Any]:
    """检查一份报告文件：返回规范JSON与检查发现（不保存任何内容）。"""
    data = await read_upload(file, request.app.state.settings.max_upload_bytes)
    name = file.filename or "upload"
    outcome = await check_in_pool(request, data, name, trusted=False)
    result = checked(outcome)
    if result.report is None:
        status, code = (413, "over_budget") if outcome.over_budget else (400, "unreadable")
        raise WebError(status, code, result.error, "the file cannot be read as a report")
    return {
        "name": result.name,
        "report": result.report.to_dict(),
        "findings": [f.to_dict() for f in result.findings],
    }


@router.get("/units", responses=ERRORS)
def api_units(
    scope: ScopeDep,
) -> list[dict[str, Any]]:
    """权限范围内的单位（树形顺序）。"""
    return [
        {
            "id": u.id,
            "code": u.code,
            "name": u.name,
            "kind": u.kind,
            "depth": d,
            "parent_id": u.parent_id,
            "writable": scope.can_write(u),
        }
        for d, u in scope.units()
    ]


@router.get("/applications", responses=ERRORS)
def api_applications(
    scope: ScopeDep,
    response: Response,
    unit_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    year: Annotated[int | None, Query(ge=YEAR_MIN, le=YEAR_MAX)] = None,
    state: Literal["", "all", "open", "closed", "overdue", "due_soon", "void", "problems"] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[
        int | None, Query(ge=1, le=100000, description="页码（每页50条）；不给则返回全部")
    ] = None,
) -> list[dict[str, Any]]:
    """申请台账列表：按单位、年度、状态（open/closed/overdue/due_soon/void，problems 为台账检查
    发现问题的）筛选并搜索；每行的 problems 列出检查发现的问题。

    给出 page 时只返回该页，响应头 X-Total-Count 为符合条件的总条数、X-Page-Count 为总页数。
    """
    unit = scope.unit(unit_id) if unit_id is not None else None
    if page is not None:
        listing = rv.list_page(
            scope, unit, year, today=dt.date.today(), state=state, query=q, page=page
        )
        response.headers["X-Total-Count"] = str(listing.total)
        response.headers["X-Page-Count"] = str(listing.pages)
        return listing.rows
    apps = scope.applications(unit, year, events=False)
    read = rv.Reading()
    rows = rv.list_rows(
        scope.session,
        apps,
        personal=scope.personal,
        today=dt.date.today(),
        state="" if state == "problems" else state,
        query=q,
        reading=read,
    )
    rows = rv.with_problems(scope.session, rows, apps, dt.date.today(), read)
    return [r for r in rows if r["problems"]] if state == "problems" else rows


def _detail(scope: Scope, app_id: int) -> dict[str, Any]:
    app = scope.application(app_id)
    today = dt.date.today()
    calendar = kept_calendar(scope.session, app.unit)
    personal = scope.personal(app.unit)
    deadline = rv.current_deadline(app, calendar)
    steps = rv.next_steps(app, calendar, today) if scope.can_write(app.unit) else []
    return {
        **rv.application_row(app, rv.due_mark(app, calendar, today), personal),
        "applicant_contact": app.applicant_contact if personal else "***",
        "form_wanted": app.form_wanted,
        "deadline": {
            "date": deadline.date.isoformat() if deadline.date else None,
            "provisional": deadline.provisional,
            "warnings": list(deadline.warnings),
            "correction_due": deadline.waiting.until.isoformat() if deadline.waiting else None,
            "explanation": list(deadline.explanation),
        },
        "open_letters": rv.open_letters(app),
        "findings": case_findings(app, calendar, today),
        "events": rv.timeline(app),
        "next_steps": [
            {
                "kind": s.kind.value,
                "label": s.kind.label,
                "hint": s.hint,
                "closes": s.closes,
                "deadline_if_today": s.preview.date.isoformat()
                if s.preview and s.preview.date
                else None,
            }
            for s in steps
        ],
    }


@router.get("/applications/{app_id}", responses=ERRORS)
def api_application(
    scope: ScopeDep,
    app_id: IdPath,
) -> dict[str, Any]:
    """一件申请：记录、事件时间线、答复期限及其说明、可办理的下一步。"""
    return _detail(scope, app_id)


@router.post("/applications", status_code=201, responses=ERRORS)
def api_register(
    scope: ScopeDep,
    body: NewApplication,
) -> dict[str, Any]:
    """登记一件申请；字段错误以 422 返回，fields 给出各字段的说明。"""
    unit = scope.unit(body.unit_id)
    values = {k: str(v) for k, v in body.model_dump().items() if k != "unit_id"}
    form = validate_application(values, today=dt.date.today())
    if not scope.can_write(unit):
        raise WebError(403, "forbidden", "您无权向该单位的台账登记申请", "no write access")
    if not form.ok:
        raise WebError(
            422, "invalid_fields", "申请信息有误，请按字段说明修改", "invalid fields", form.errors
        )
    app = register_application(session=scope.session, unit=unit, actor=scope.user, **form.clean)
    scope.session.commit()
    return _detail(scope, app.id)


@router.post("/applications/{app_id}/events", status_code=201, responses=ERRORS)
def api_event(
    scope: ScopeDep,
    app_id: IdPath,
    body: NewEvent,
) -> dict[str, Any]:
    """追加一个办理事件（补正告知、征求意见、延期、答复……），返回重新计算的期限。"""
    app = scope.application(app_id)
    args = event_arguments(body.model_dump())
    add_event(session=scope.session, actor=scope.user, application=app, **args)
    scope.session.commit()
    return _detail(scope, app.id)


@router.get("/reports/compiled", responses=ERRORS)
def api_compiled(
    scope: ScopeDep,
    unit_id: Annotated[int, Query(ge=1, le=MAX_ID)],
    year: Annotated[int, Query(ge=YEAR_MIN, le=YEAR_MAX)],
) -> dict[str, Any]:
    """由台账生成的年度报告（规范JSON，含校验发现）。"""
    report, _ = compiled(scope, str(unit_id), year)
    return report.to_dict()


@router.get("/public/reports")
def api_public_reports(
    session: SessionDep,
) -> list[dict[str, Any]]:
    """已发布的年度报告目录（无需登录）。"""
    return portal.published_reports(session)


@router.get("/public/reports/{report_id}", responses=ERRORS)
def api_public_report(
    session: SessionDep,
    report_id: IdPath,
) -> dict[str, Any]:
    """一份已发布报告的规范JSON（无需登录）。"""
    found = portal.published_report(session, report_id)
    if found is None:
        raise not_found("报告")
    return found[1].to_dict()


@router.post("/public/applications", status_code=201, responses=ERRORS)
def api_public_apply(
    session: SessionDep,
    body: OnlineApplication,
    request: Request,
) -> dict[str, Any]:
    """网上提交政府信息公开申请（渠道“网络”），返回回执号。"""
    today = dt.date.today()
    unit = next((u for u in portal.public_units(session) if u.id == body.unit_id), None)
    if unit is None:
        raise not_found("机关")
    values = {k: str(v) for k, v in body.model_dump().items() if k != "unit_id"}
    form = validate_application(
        {**values, "channel": "online", "confirmed_on": today.isoformat()}, today=today
    )
    if not form.ok:
        raise WebError(422, "invalid_fields", "申请信息有误", "invalid fields", form.errors)
    portal.limit_submissions(request)
    app, receipt = portal.submit_online(session, request.app.state.secret, unit, form.clean, today)
    session.commit()
    return {
        "receipt": receipt,
        "received_on": app.received_on.isoformat(),
        "due_on": app.due_on.isoformat() if app.due_on else None,
        "provisional": app.due_provisional,
        "due_note": app.due_note,
    }


@router.get("/public/applications/{receipt}", responses=ERRORS)
def api_public_status(
    session: SessionDep,
    receipt: str,
    request: Request,
) -> dict[str, Any]:
    """凭回执号查询办理状态（不含任何个人信息）。"""
    info = portal.status_of(session, request.app.state.secret, receipt)
    if info is None:
        raise not_found("申请")
    return info
