"""Correcting a registered application (a typo in a name) or voiding it (a duplicate), each
with its reason kept in the audit record — a page and ``/api/v1`` operations calling
``update_application`` and ``void_application``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from xxgk.db import audit
from xxgk.errors import RegisterError
from xxgk.register.applications import EDITABLE, update_application, void_application
from xxgk.register.models import Application
from xxgk.register.vocab import APPLICANT_TYPES, Channel
from xxgk.web.deps import MAX_ID, ScopeDep
from xxgk.web.errors import WebError
from xxgk.web.forms import validate_application
from xxgk.web.pages import page, write_flashed
from xxgk.web.security import require_csrf_api, require_csrf_form

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf_form)])
api = APIRouter(prefix="/api/v1", tags=["applications"], dependencies=[Depends(require_csrf_api)])
IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="记录编号")]


def _changes(values: dict[str, str]) -> dict[str, Any]:
    """Return the library's keyword arguments for the edited fields (checked like a new form)."""
    form = validate_application(values, today=dt.date.today())
    if not form.ok:
        first = next(iter(form.errors.values()))
        raise RegisterError(first, "invalid application fields")
    clean = dict(form.clean)
    clean["channel"] = clean.pop("channel_name")
    return {k: v for k, v in clean.items() if k in EDITABLE}


@router.get("/register/applications/{app_id}/edit")
def edit_page(scope: ScopeDep, request: Request, app_id: int):
    app = scope.application(app_id)
    if not scope.can_write(app.unit):
        raise WebError(403, "forbidden", "您无权修改该申请", "no write access")
    history = [
        {
            "at": e.at.isoformat(timespec="minutes"),
            "who": e.actor_name,
            "action": e.action,
            "reason": e.reason,
        }
        for e in audit.history(scope.session, "application", app.id)
    ]
    values = {k: ("" if getattr(app, k) is None else str(getattr(app, k))) for k in EDITABLE}
    return page(
        request,
        "application_edit.html",
        app=app,
        values=values,
        channels=[(c.value, c.label) for c in Channel],
        applicant_types=APPLICANT_TYPES,
        history=history,
    )


@router.post("/register/applications/{app_id}/edit")
async def edit_save(scope: ScopeDep, request: Request, app_id: int):
    app = scope.application(app_id)
    form = await request.form()
    values = {k: str(form.get(k, "")) for k in EDITABLE}
    reason = str(form.get("reason", "")).strip()

    def correct() -> Application:
        if not reason:
            raise RegisterError("修改申请必须说明理由", "a correction needs a reason")
        update_application(
            session=scope.session,
            actor=scope.user,
            application=app,
            reason=reason,
            **_changes(values),
        )
        return app

    done = write_flashed(
        scope.session, request, correct, lambda a: f"已更正申请{a.number}，答复期限{a.due_on}"
    )
    return _after(app_id, done)


@router.post("/register/applications/{app_id}/void")
def void_save(scope: ScopeDep, request: Request, app_id: int, reason: Annotated[str, Form()] = ""):
    app = scope.application(app_id)

    def void() -> Application:
        void_application(session=scope.session, actor=scope.user, application=app, reason=reason)
        return app

    done = write_flashed(
        scope.session,
        request,
        void,
        lambda a: f"已作废申请{a.number}（理由：{reason}），其文书与附件仍予保留",
    )
    return _after(app_id, done)


def _after(app_id: int, done: Application | None) -> RedirectResponse:
    """Return to the application page after a change, to the edit page after a refusal."""
    target = f"/register/applications/{app_id}" + ("" if done else "/edit")
    return RedirectResponse(target, status_code=303)


class Correction(BaseModel):
    changes: dict[str, str] = Field(description="要更正的登记字段，如 applicant_name")
    reason: str = Field(min_length=1, description="更正理由")


class Voiding(BaseModel):
    reason: str = Field(min_length=1, description="作废理由，如“重复登记”")


@api.patch("/applications/{app_id}", summary="更正申请登记信息（须说明理由）")
def api_edit(scope: ScopeDep, app_id: IdPath, body: Correction) -> dict[str, Any]:
    app = scope.application(app_id)
    unknown = set(body.changes) - set(EDITABLE)
    if unknown:
        raise WebError(422, "invalid_request", f"不能修改的字段：{sorted(unknown)}", "not editable")
    current = {k: ("" if getattr(app, k) is None else str(getattr(app, k))) for k in EDITABLE}
    changes = _changes({**current, **body.changes})
    update_application(
        session=scope.session, actor=scope.user, application=app, reason=body.reason, **changes
    )
    scope.session.commit()
    return {"id": app.id, "number": app.number, "due_on": str(app.due_on)}


@api.post("/applications/{app_id}/void", summary="作废申请（须说明理由）")
def api_void(scope: ScopeDep, app_id: IdPath, body: Voiding) -> dict[str, Any]:
    app = scope.application(app_id)
    void_application(session=scope.session, actor=scope.user, application=app, reason=body.reason)
    scope.session.commit()
    return {"id": app.id, "void": app.void, "reason": app.void_reason}
