"""工作台: the home page after login — what is due for this person in working days, letters to
deliver, periods running out, disclosure items waiting, the report's state — as a page and as
``GET /api/v1/desk``; and the daily e-mail digest, sent on demand or by ``xxgk`` schedulers."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from xxgk.register.desk import Desk, build_desk, digest_recipients, send_digest
from xxgk.register.numbering import settings_for
from xxgk.web.deps import Scope, ScopeDep, scoped_page
from xxgk.web.errors import WebError
from xxgk.web.pages import flash, page, write_flashed
from xxgk.web.routes.compile import default_year
from xxgk.web.security import require_csrf_api, require_csrf_form

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf_form)])
api = APIRouter(prefix="/api/v1", tags=["desk"], dependencies=[Depends(require_csrf_api)])


def _desk(scope: Scope) -> Desk:
    today = dt.date.today()
    units = [u for _, u in scope.units()]
    return build_desk(scope.session, scope.user, units, today, default_year(today))


@router.get("/desk")
async def desk_page(request: Request):
    return await scoped_page(request, lambda scope: _desk_page(scope, request))


def _desk_page(scope: Scope, request: Request) -> Response:
    desk = _desk(scope)
    return page(request, "desk.html", desk=desk, badge=desk.badge)


@router.post("/desk/digest")
def desk_digest(scope: ScopeDep, request: Request):
    unit = scope.unit(None)
    if not scope.can_write(unit):
        raise WebError(403, "forbidden", "您无权发送本单位的提醒邮件", "no write access")
    if not digest_recipients(settings_for(scope.session, unit)):
        flash(request, "本单位未设置邮件服务器或收件人（见文书模板与设置）", "error")
        return RedirectResponse("/desk", status_code=303)
    today = dt.date.today()
    write_flashed(
        scope.session,
        request,
        lambda: send_digest(scope.session, unit, scope.user, today, default_year(today)),
        lambda n: f"已向{n}个地址发送今日提醒",
    )
    return RedirectResponse("/desk", status_code=303)


def _lines(items: list[Any]) -> list[dict[str, Any]]:
    return [{**asdict(i), "due": i.due.isoformat()} for i in items]


@api.get("/desk", summary="工作台：到期、待办与年报状态")
def api_desk(scope: ScopeDep) -> dict[str, Any]:
    desk = _desk(scope)
    return {
        "badge": desk.badge,
        "overdue": _lines(desk.overdue),
        "due_soon": _lines(desk.due_soon),
        "letters_to_send": _lines(desk.letters_to_send),
        "corrections_ending": _lines(desk.corrections_ending),
        "consultations_unanswered": _lines(desk.consultations_unanswered),
        "disclosure_waiting": [
            {"id": i, "title": t, "state": s} for i, t, s in desk.disclosure_waiting
        ],
        "reports": [
            {"unit": u.name, "year": y, "state": s, "blockers": b} for u, y, s, b in desk.reports
        ],
        "findings": _lines(desk.findings),
    }


@api.post("/desk/digest", summary="立即发送本单位今日提醒邮件")
def api_digest(scope: ScopeDep) -> dict[str, Any]:
    unit = scope.unit(None)
    if not scope.can_write(unit):
        raise WebError(403, "forbidden", "您无权发送本单位的提醒邮件", "no write access")
    if not digest_recipients(settings_for(scope.session, unit)):
        raise WebError(
            409, "not_configured", "本单位未设置邮件服务器或收件人", "no SMTP server or recipients"
        )
    today = dt.date.today()
    sent = send_digest(scope.session, unit, scope.user, today, default_year(today))
    scope.session.commit()
    return {"unit": unit.name, "recipients": sent}
