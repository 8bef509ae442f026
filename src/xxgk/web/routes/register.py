"""申请台账 pages: the list with filters, the new-application form, the application page with
its timeline and next steps, and the Excel import/export."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from xxgk.errors import RegisterError
from xxgk.register.applications import EDITABLE, register_application
from xxgk.register.caldb import kept_calendar
from xxgk.register.caseload import case_findings
from xxgk.register.events import add_event
from xxgk.register.models import Event
from xxgk.register.views import due_text
from xxgk.register.vocab import (
    APPLICANT_TYPES,
    DELIVERIES,
    OUTCOMES,
    Channel,
    EventKind,
)
from xxgk.register.xlsx import export_xlsx, import_xlsx, read_rows
from xxgk.web import register_view as rv
from xxgk.web.deps import Scope, ScopeDep, scoped_page
from xxgk.web.errors import WebError
from xxgk.web.forms import event_arguments, query_year, validate_application
from xxgk.web.pages import XLSX, download, flash, page, write_flashed
from xxgk.web.routes.check import in_pool
from xxgk.web.security import require_csrf_form

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf_form)])
FORM_FIELDS = ("unit", *EDITABLE)


@router.get("/register")
async def register_list(
    request: Request,
    unit: str = "",
    year: str = "",
    state: str = "",
    q: str = "",
    page_no: Annotated[str, Query(alias="page")] = "",
):
    return await scoped_page(
        request, lambda scope: _register_list(scope, request, unit, year, state, q, page_no)
    )


def _register_list(
    scope: Scope, request: Request, unit: str, year: str, state: str, q: str, page_no: str
) -> Response:
    chosen = scope.unit(unit) if unit else None
    listing = rv.list_page(
        scope,
        chosen,
        query_year(year),
        today=dt.date.today(),
        state=state,
        query=q,
        page=int(page_no) if page_no.isdecimal() and len(page_no) < 7 else 1,
    )
    units = scope.units()
    filters = {"unit": unit, "year": year, "state": state, "q": q}
    return page(
        request,
        "register_list.html",
        rows=listing.rows,
        listing=listing,
        page_query={k: v for k, v in filters.items() if v},
        units=units,
        writable=rv.writable_units(units, scope.can_write),
        filters=filters,
        states=rv.STATES,
    )


def _form_page(
    request: Request,
    scope: Scope,
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
):
    return page(
        request,
        "register_new.html",
        status_code=status_code,
        values=values,
        errors=errors,
        units=rv.writable_units(scope.units(), scope.can_write),
        channels=[(c.value, c.label) for c in Channel],
        applicant_types=APPLICANT_TYPES,
        today=dt.date.today().isoformat(),
    )


@router.get("/register/new")
def register_new(
    scope: ScopeDep,
    request: Request,
):
    if not rv.writable_units(scope.units(), scope.can_write):
        raise WebError(403, "forbidden", "您的角色不能登记申请（督查为只读）", "read-only role")
    values = {
        "unit": str(scope.user.unit_id or ""),
        "channel": Channel.IN_PERSON.value,
        "arrived_on": dt.date.today().isoformat(),
        "applicant_type": "natural_person",
    }
    return _form_page(request, scope, values, {})


@router.post("/register/new")
async def register_create(
    scope: ScopeDep,
    request: Request,
):
    submitted = await request.form()
    values = {k: str(submitted.get(k, "")) for k in FORM_FIELDS}
    form = validate_application(values, today=dt.date.today())
    unit = scope.unit(values["unit"]) if values["unit"] else None
    if unit is None or not scope.can_write(unit):
        form.errors["unit"] = "请选择您有权登记的单位"
    if not form.ok:
        return _form_page(request, scope, form.values, form.errors, 422)
    assert unit is not None
    try:
        app = register_application(session=scope.session, unit=unit, actor=scope.user, **form.clean)
    except RegisterError as exc:
        return _form_page(request, scope, form.values, {"form": exc.message_zh}, 422)
    scope.session.commit()
    flash(request, f"已登记申请{app.number}，答复期限{due_text(app)}")
    return RedirectResponse(f"/register/applications/{app.id}", status_code=303)


@router.get("/register/applications/{app_id}")
def application_page(
    scope: ScopeDep,
    request: Request,
    app_id: int,
):
    app = scope.application(app_id)
    today = dt.date.today()
    calendar = kept_calendar(scope.session, app.unit)
    row = rv.application_row(app, rv.due_mark(app, calendar, today), scope.personal(app.unit))
    writable = scope.can_write(app.unit)
    return page(
        request,
        "register_app.html",
        app=app,
        row=row,
        contact=app.applicant_contact if scope.personal(app.unit) else "***",
        deadline=rv.current_deadline(app, calendar),
        findings=case_findings(app, calendar, today),
        events=rv.timeline(app),
        steps=rv.next_steps(app, calendar, today) if writable else [],
        letters=rv.open_letters(app),
        writable=writable,
        today=today.isoformat(),
        outcomes=OUTCOMES,
        deliveries=DELIVERIES,
        kinds=EventKind,
    )


@router.post("/register/applications/{app_id}/events")
async def application_event(
    scope: ScopeDep,
    request: Request,
    app_id: int,
):
    app = scope.application(app_id)
    submitted = await request.form()

    def record() -> Event:
        args = event_arguments({k: str(v) for k, v in submitted.items()})
        return add_event(session=scope.session, actor=scope.user, application=app, **args)

    write_flashed(
        scope.session,
        request,
        record,
        lambda event: f"已记录“{EventKind(event.kind).label}”，答复期限{due_text(app)}",
    )
    return RedirectResponse(f"/register/applications/{app_id}", status_code=303)


@router.get("/register/export")
def register_export(
    scope: ScopeDep,
    unit: str = "",
) -> Response:
    chosen = scope.unit(unit)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "taizhang.xlsx"
        export_xlsx(scope.session, chosen, path, viewer=scope.user)
        body = path.read_bytes()
    return download(body, XLSX, f"{chosen.name}申请台账.xlsx")


@router.post("/register/import")
async def register_import(
    scope: ScopeDep,
    request: Request,
    file: UploadFile,
    unit: str = Form(""),
):
    chosen = scope.unit(unit)
    if not scope.can_write(chosen):
        raise WebError(403, "forbidden", "您无权向该单位的台账导入数据", "no write access")
    limit = request.app.state.settings.max_upload_bytes
    data = await file.read(limit + 1)
    if len(data) > limit or not (file.filename or "").lower().endswith(".xlsx"):
        flash(request, "请上传不超过上限的 .xlsx 台账文件", "error")
        return RedirectResponse("/register", status_code=303)
    name = file.filename or "upload.xlsx"
    try:
        rows = await in_pool(request, read_rows, data, name)
    except RegisterError as exc:  # the file is unreadable: nothing was written
        flash(request, exc.message_zh, "error")
        return RedirectResponse("/register", status_code=303)
    result = write_flashed(
        scope.session,
        request,
        lambda: import_xlsx(
            session=scope.session, unit=chosen, actor=scope.user, path=Path(name), rows=rows
        ),
        lambda result: f"已导入{result.imported}条申请",
    )
    target = f"/register?unit={chosen.id}" if result is not None else "/register"
    return RedirectResponse(target, status_code=303)
