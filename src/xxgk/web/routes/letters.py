"""文书与附件: the letters of a case (issue, download as DOCX/PDF, delivery, reissue), the
files kept with it, and the unit's letter templates and settings — as pages and as
operations of ``/api/v1``, each calling one library function.

Letters and files are reached through their application, so the scope decides: another
unit's letter or file is "not found" like one that does not exist.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from xxgk.db.queries import row_by_id
from xxgk.errors import RegisterError, RenderError
from xxgk.limits import Limits, use_limits
from xxgk.office import convert
from xxgk.records.vocab import parse_date
from xxgk.register.attachments import KINDS, FileStore, attach_file, case_files, readable_file
from xxgk.register.caldb import kept_calendar
from xxgk.register.casework_models import Letter
from xxgk.register.checks import check_application
from xxgk.register.letters import (
    DELIVERY_METHODS,
    KIND_LABELS,
    LetterKind,
    Renderer,
    issue_letter,
    letter_kind,
    letters_of,
    period_end,
    record_delivery,
    reissue_letter,
    template_fields,
    template_for,
    update_settings,
    upload_template,
)
from xxgk.register.models import Application
from xxgk.register.numbering import settings_for
from xxgk.register.vocab import OUTCOMES
from xxgk.render.letters import render_letter
from xxgk.sandbox import shared_pool
from xxgk.web.deps import MAX_ID, Scope, ScopeDep
from xxgk.web.errors import WebError, not_found
from xxgk.web.pages import download, page, write_flashed
from xxgk.web.security import require_csrf_api, require_csrf_form

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf_form)])
api = APIRouter(prefix="/api/v1", tags=["letters"], dependencies=[Depends(require_csrf_api)])
IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="记录编号")]
LETTER_VALUES = (
    "items",
    "correction_days",
    "party",
    "party_kind",
    "extension_days",
    "approved_by",
    "approved_on",
    "opinion",
    "reason",
    "custom_due_on",
    "reply_by",
    "fee_method",
    "fee_count",
    "pay_how",
    "outcome",
    "basis",
    "how_to_obtain",
    "holder",
    "withheld_part",
)
SETTING_FIELDS = {
    "issuer": "发文机关署名",
    "office": "政府信息公开工作机构",
    "agency_code": "机关代字（文号用）",
    "number_pattern": "文号格式",
    "review_body": "行政复议机关",
    "court": "人民法院",
    "address": "联系地址",
    "phone": "联系电话",
    "smtp_host": "邮件服务器（SMTP）",
    "smtp_port": "SMTP端口",
    "smtp_sender": "发件人地址",
    "digest_to": "提醒收件人（每行一个）",
}


def file_store(request: Request) -> FileStore:
    """Return the file store of this application (``files`` in the data folder)."""
    return FileStore(request.app.state.settings.data_dir / "files")


def renderer(request: Request) -> Renderer:
    """Render letters in the application's worker pool (``xxgk.sandbox``) within the parse
    time budget: a unit's template is untrusted. The returned callable blocks its thread, so
    an ``async`` route runs the library call with it in Starlette's thread pool; with
    ``parse_workers=0`` it renders in the calling thread under the same budgets."""
    settings = request.app.state.settings
    if settings.parse_workers <= 0:
        return partial(_render_here, settings.limits)
    return partial(shared_pool(settings.parse_workers, settings.limits).call, render_letter)


def _render_here(limits: Limits, template: bytes, context: Any) -> bytes:
    with use_limits(limits):
        return render_letter(template, context)


def _letter(scope: Scope, letter_id: int) -> tuple[Letter, Application]:
    letter = row_by_id(scope.session, Letter, letter_id)
    if letter is None:
        raise not_found("文书")
    try:
        app = scope.application(letter.application_id)
    except WebError:
        raise not_found("文书") from None
    return letter, app


def _writable(scope: Scope, app: Application) -> None:
    if not scope.can_write(app.unit):
        raise WebError(403, "forbidden", "您无权办理该单位的申请", "no write access")


def _today() -> dt.date:
    return dt.date.today()


def _letter_rows(scope: Scope, app: Application) -> list[dict[str, Any]]:
    rows = []
    for letter in letters_of(scope.session, app):
        rows.append(
            {
                "id": letter.id,
                "number": letter.number,
                "kind": letter.kind,
                "label": KIND_LABELS[LetterKind(letter.kind)],
                "issued_on": letter.issued_on.isoformat(),
                "delivery": DELIVERY_METHODS.get(letter.delivery_method or "", ""),
                "delivered_on": letter.delivered_on.isoformat() if letter.delivered_on else "",
                "tracking_number": letter.tracking_number,
                "superseded": letter.superseded_by is not None,
                "superseded_reason": letter.superseded_reason,
                "period_end": (
                    p.isoformat() if (p := period_end(letter, scope.session, app.unit)) else ""
                ),
            }
        )
    return rows


def _file_rows(scope: Scope, app: Application) -> list[dict[str, Any]]:
    return [
        {
            "id": f.id,
            "kind": f.kind,
            "label": KINDS[f.kind],
            "filename": f.filename,
            "size": f.size,
            "sha256": f.sha256,
            "event_id": f.event_id,
            "note": f.note,
            "uploaded_by": f.actor_name,
            "uploaded_at": f.created_at.isoformat(timespec="minutes"),
        }
        for f in case_files(scope.session, app, scope.user)
    ]


# --- pages ---------------------------------------------------------------------------------


@router.get("/register/applications/{app_id}/letters")
def casework_page(scope: ScopeDep, request: Request, app_id: int):
    app = scope.application(app_id)
    return page(
        request,
        "casework.html",
        app=app,
        letters=_letter_rows(scope, app),
        files=_file_rows(scope, app),
        writable=scope.can_write(app.unit),
        kinds=KIND_LABELS,
        outcomes=OUTCOMES,
        methods=DELIVERY_METHODS,
        file_kinds=KINDS,
        events=list(app.events),
        findings=[
            {"code": f.code, "severity": f.severity.value, "message": f.message}
            for f in check_application(app, kept_calendar(scope.session, app.unit), today=_today())
        ],
        today=_today().isoformat(),
    )


@router.post("/register/applications/{app_id}/letters")
async def casework_issue(scope: ScopeDep, request: Request, app_id: int):
    app = scope.application(app_id)
    _writable(scope, app)
    form = await request.form()
    values = {k: str(form.get(k, "")) for k in LETTER_VALUES if form.get(k)}
    target = f"/register/applications/{app_id}/letters"
    render = renderer(request)
    await run_in_threadpool(
        write_flashed,
        scope.session,
        request,
        lambda: issue_letter(
            session=scope.session,
            store=file_store(request),
            actor=scope.user,
            application=app,
            kind=str(form.get("kind", "")),
            on=parse_date(str(form.get("on", "")), "文书日期") or _today(),
            values=values,
            render=render,
        ),
        lambda letter: f"已出具{KIND_LABELS[LetterKind(letter.kind)]}，文号{letter.number}",
    )
    return RedirectResponse(target, status_code=303)


def _letter_file(request: Request, letter: Letter, fmt: str) -> Response:
    data = file_store(request).read(letter.file_sha256)
    name = f"{letter.number}{KIND_LABELS[LetterKind(letter.kind)]}"
    if fmt == "pdf":
        try:
            (pdf,) = convert([data], suffix=".docx", to="pdf")
        except RenderError as exc:
            raise WebError(503, "render", exc.message_zh, exc.message_en) from None
        return download(pdf, "application/pdf", f"{name}.pdf")
    return download(data, DOCX, f"{name}.docx")


@router.get("/register/letters/{letter_id}.{fmt}")
def letter_download(scope: ScopeDep, request: Request, letter_id: int, fmt: str) -> Response:
    letter, _ = _letter(scope, letter_id)
    if fmt not in ("docx", "pdf"):
        raise not_found("文书")
    return _letter_file(request, letter, fmt)


@router.post("/register/letters/{letter_id}/delivery")
def letter_delivery(
    scope: ScopeDep,
    request: Request,
    letter_id: int,
    method: Annotated[str, Form()] = "",
    delivered_on: Annotated[str, Form()] = "",
    tracking_number: Annotated[str, Form()] = "",
):
    letter, app = _letter(scope, letter_id)
    _writable(scope, app)
    write_flashed(
        scope.session,
        request,
        lambda: record_delivery(
            session=scope.session,
            actor=scope.user,
            letter=letter,
            application=app,
            method=method,
            delivered_on=parse_date(delivered_on, "送达日期") or _today(),
            tracking_number=tracking_number,
        ),
        lambda _: f"已记录{letter.number}的送达",
    )
    return RedirectResponse(f"/register/applications/{app.id}/letters", status_code=303)


@router.post("/register/letters/{letter_id}/reissue")
def letter_reissue(
    scope: ScopeDep,
    request: Request,
    letter_id: int,
    reason: Annotated[str, Form()] = "",
    on: Annotated[str, Form()] = "",
):
    letter, app = _letter(scope, letter_id)
    _writable(scope, app)
    write_flashed(
        scope.session,
        request,
        lambda: reissue_letter(
            session=scope.session,
            store=file_store(request),
            actor=scope.user,
            letter=letter,
            application=app,
            reason=reason,
            on=parse_date(on, "日期") or _today(),
            render=renderer(request),
        ),
        lambda new: f"已重新出具，新文号{new.number}（原{letter.number}已标注作废）",
    )
    return RedirectResponse(f"/register/applications/{app.id}/letters", status_code=303)


@router.post("/register/applications/{app_id}/files")
async def casework_upload(
    scope: ScopeDep,
    request: Request,
    app_id: int,
    file: UploadFile,
    kind: Annotated[str, Form()] = "other",
    event_id: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
):
    app = scope.application(app_id)
    _writable(scope, app)
    limit = request.app.state.settings.max_upload_bytes
    data = await file.read(limit + 1)
    write_flashed(
        scope.session,
        request,
        lambda: attach_file(
            session=scope.session,
            store=file_store(request),
            actor=scope.user,
            application=app,
            kind=kind,
            filename=file.filename or "file",
            data=data,
            event_id=int(event_id) if event_id.isdecimal() else None,
            note=note,
            max_bytes=limit,
        ),
        lambda row: f"已保存附件“{row.filename}”",
    )
    return RedirectResponse(f"/register/applications/{app_id}/letters", status_code=303)


def _file_download(scope: Scope, request: Request, app_id: int, file_id: int) -> Response:
    app = scope.application(app_id)
    try:
        row, data = readable_file(scope.session, file_store(request), app, file_id, scope.user)
    except RegisterError:
        raise not_found("附件") from None
    response = download(data, row.content_type, row.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@router.get("/register/applications/{app_id}/files/{file_id}")
def casework_file(scope: ScopeDep, request: Request, app_id: int, file_id: int) -> Response:
    return _file_download(scope, request, app_id, file_id)


@router.get("/letters/templates")
def templates_page(scope: ScopeDep, request: Request, unit: str = ""):
    chosen = scope.unit(unit)
    settings = settings_for(scope.session, chosen)
    return page(
        request,
        "letter_templates.html",
        unit=chosen,
        units=scope.units(),
        kinds=KIND_LABELS,
        fields={k.value: template_fields(k.value) for k in LetterKind},
        settings=settings.snapshot(),
        setting_fields=SETTING_FIELDS,
        writable=scope.can_write(chosen),
    )


@router.get("/letters/templates/{kind}.docx")
def template_download(scope: ScopeDep, kind: str, unit: str = "") -> Response:
    chosen = scope.unit(unit)
    try:
        what = letter_kind(kind)
    except RegisterError:
        raise not_found("模板") from None
    data = template_for(scope.session, chosen, what)
    return download(data, DOCX, f"{chosen.name}{what.label}模板.docx")


@router.post("/letters/templates/{kind}")
async def template_upload(
    scope: ScopeDep,
    request: Request,
    kind: str,
    file: UploadFile,
    unit: Annotated[str, Form()] = "",
):
    chosen = scope.unit(unit)
    if not scope.can_write(chosen):
        raise WebError(403, "forbidden", "您无权修改该单位的文书模板", "no write access")
    data = await file.read(request.app.state.settings.max_upload_bytes + 1)
    render = renderer(request)
    await run_in_threadpool(
        write_flashed,
        scope.session,
        request,
        lambda: upload_template(
            session=scope.session,
            actor=scope.user,
            unit=chosen,
            kind=kind,
            data=data,
            filename=file.filename or "template.docx",
            render=render,
        ),
        lambda _: "已启用上传的模板",
    )
    return RedirectResponse(f"/letters/templates?unit={chosen.id}", status_code=303)


@router.post("/letters/settings")
async def settings_save(scope: ScopeDep, request: Request):
    form = await request.form()
    chosen = scope.unit(str(form.get("unit", "")))
    if not scope.can_write(chosen):
        raise WebError(403, "forbidden", "您无权修改该单位的文书设置", "no write access")
    changes = {k: str(form.get(k, "")) for k in SETTING_FIELDS if k in form}
    write_flashed(
        scope.session,
        request,
        lambda: update_settings(
            session=scope.session, actor=scope.user, unit=chosen, changes=changes
        ),
        lambda _: "已保存文书设置",
    )
    return RedirectResponse(f"/letters/templates?unit={chosen.id}", status_code=303)


# --- API -----------------------------------------------------------------------------------


class NewLetter(BaseModel):
    kind: str = Field(
        description="文书类型：receipt/correction/consultation/extension/art35/fee/reply 或中文"
    )
    on: str = Field(description="文书日期 YYYY-MM-DD")
    values: dict[str, str | list[str]] = Field(default_factory=dict, description="按类型填写的字段")


class Delivery(BaseModel):
    method: str = Field(description="post（邮寄）/in_person（当面）/electronic（电子）")
    delivered_on: str = Field(description="送达日期 YYYY-MM-DD（当面为签收日期）")
    tracking_number: str = ""


class Reissue(BaseModel):
    reason: str = Field(min_length=1)
    on: str


def _api_date(value: str, what: str) -> dt.date:
    day = parse_date(value, what)
    if day is None:
        raise RegisterError(f"请填写{what}", f"{what} is required")
    return day


@api.get("/applications/{app_id}/letters", summary="申请的文书")
def api_letters(scope: ScopeDep, app_id: IdPath) -> list[dict[str, Any]]:
    return _letter_rows(scope, scope.application(app_id))


@api.post("/applications/{app_id}/letters", status_code=201, summary="出具文书（记录相应事件）")
def api_issue(scope: ScopeDep, request: Request, app_id: IdPath, body: NewLetter) -> dict[str, Any]:
    app = scope.application(app_id)
    _writable(scope, app)
    letter = issue_letter(
        session=scope.session,
        store=file_store(request),
        actor=scope.user,
        application=app,
        kind=body.kind,
        on=_api_date(body.on, "文书日期"),
        values=body.values,
        render=renderer(request),
    )
    scope.session.commit()
    return {
        "id": letter.id,
        "number": letter.number,
        "event_id": letter.event_id,
        "due_on": str(app.due_on),
    }


@api.get("/letters/{letter_id}/docx", summary="下载文书（DOCX）", response_class=Response)
def api_letter_docx(scope: ScopeDep, request: Request, letter_id: IdPath) -> Response:
    letter, _ = _letter(scope, letter_id)
    return _letter_file(request, letter, "docx")


@api.post("/letters/{letter_id}/delivery", summary="记录送达")
def api_delivery(scope: ScopeDep, letter_id: IdPath, body: Delivery) -> dict[str, Any]:
    letter, app = _letter(scope, letter_id)
    _writable(scope, app)
    record_delivery(
        session=scope.session,
        actor=scope.user,
        letter=letter,
        application=app,
        method=body.method,
        delivered_on=_api_date(body.delivered_on, "送达日期"),
        tracking_number=body.tracking_number,
    )
    scope.session.commit()
    return {"id": letter.id, "delivered_on": str(letter.delivered_on), "due_on": str(app.due_on)}


@api.post("/letters/{letter_id}/reissue", status_code=201, summary="重新出具文书（新文号）")
def api_reissue(
    scope: ScopeDep, request: Request, letter_id: IdPath, body: Reissue
) -> dict[str, Any]:
    letter, app = _letter(scope, letter_id)
    _writable(scope, app)
    new = reissue_letter(
        session=scope.session,
        store=file_store(request),
        actor=scope.user,
        letter=letter,
        application=app,
        reason=body.reason,
        on=_api_date(body.on, "日期"),
        render=renderer(request),
    )
    scope.session.commit()
    return {"id": new.id, "number": new.number, "replaces": letter.number}


@api.get("/applications/{app_id}/files", summary="申请的附件")
def api_files(scope: ScopeDep, app_id: IdPath) -> list[dict[str, Any]]:
    return _file_rows(scope, scope.application(app_id))


@api.post("/applications/{app_id}/files", status_code=201, summary="上传附件")
async def api_upload(
    scope: ScopeDep,
    request: Request,
    app_id: IdPath,
    file: UploadFile,
    kind: Annotated[str, Form()] = "other",
    event_id: Annotated[int | None, Form()] = None,
    note: Annotated[str, Form()] = "",
) -> dict[str, Any]:
    app = scope.application(app_id)
    _writable(scope, app)
    limit = request.app.state.settings.max_upload_bytes
    row = attach_file(
        session=scope.session,
        store=file_store(request),
        actor=scope.user,
        application=app,
        kind=kind,
        filename=file.filename or "file",
        data=await file.read(limit + 1),
        event_id=event_id,
        note=note,
        max_bytes=limit,
    )
    scope.session.commit()
    return {"id": row.id, "sha256": row.sha256, "size": row.size}


@api.get("/applications/{app_id}/files/{file_id}", summary="下载附件", response_class=Response)
def api_file(scope: ScopeDep, request: Request, app_id: IdPath, file_id: IdPath) -> Response:
    return _file_download(scope, request, app_id, file_id)


class SettingsChange(BaseModel):
    changes: dict[str, str] = Field(description="要修改的设置项：" + "、".join(SETTING_FIELDS))


@api.get("/letters/kinds", summary="文书类型及模板字段说明")
def api_letter_kinds() -> list[dict[str, Any]]:
    return [
        {"kind": k.value, "label": KIND_LABELS[k], "fields": template_fields(k.value)}
        for k in LetterKind
    ]


@api.get(
    "/units/{unit_id}/letter-templates/{kind}",
    summary="下载单位当前的文书模板（DOCX）",
    response_class=Response,
)
def api_template(scope: ScopeDep, unit_id: IdPath, kind: str) -> Response:
    return template_download(scope, kind, str(unit_id))


@api.put("/units/{unit_id}/letter-templates/{kind}", summary="上传单位的文书模板（试填通过后启用）")
async def api_upload_template(
    scope: ScopeDep, request: Request, unit_id: IdPath, kind: str, file: UploadFile
) -> dict[str, Any]:
    chosen = scope.unit(unit_id)
    if not scope.can_write(chosen):
        raise WebError(403, "forbidden", "您无权修改该单位的文书模板", "no write access")
    data = await file.read(request.app.state.settings.max_upload_bytes + 1)
    row = await run_in_threadpool(
        partial(
            upload_template,
            session=scope.session,
            actor=scope.user,
            unit=chosen,
            kind=kind,
            data=data,
            filename=file.filename or "template.docx",
            render=renderer(request),
        )
    )
    scope.session.commit()
    return {"unit_id": chosen.id, "kind": row.kind}


@api.get(
    "/units/{unit_id}/letter-settings",
    summary="单位的文书设置（署名、文号格式、救济机关、邮件提醒）",
)
def api_letter_settings(scope: ScopeDep, unit_id: IdPath) -> dict[str, Any]:
    return settings_for(scope.session, scope.unit(unit_id)).snapshot()


@api.put("/units/{unit_id}/letter-settings", summary="修改单位的文书设置")
def api_save_letter_settings(
    scope: ScopeDep, unit_id: IdPath, body: SettingsChange
) -> dict[str, Any]:
    chosen = scope.unit(unit_id)
    if not scope.can_write(chosen):
        raise WebError(403, "forbidden", "您无权修改该单位的文书设置", "no write access")
    row = update_settings(
        session=scope.session, actor=scope.user, unit=chosen, changes=body.changes
    )
    scope.session.commit()
    return row.snapshot()
