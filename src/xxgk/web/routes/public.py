"""公开目录 (no login): the published reports and the online application form."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from xxgk.errors import RegisterError
from xxgk.register.vocab import APPLICANT_TYPES
from xxgk.web import portal, report_view
from xxgk.web.deps import SessionDep, optional_user
from xxgk.web.errors import not_found
from xxgk.web.forms import validate_application
from xxgk.web.pages import page
from xxgk.web.routes.check import report_download
from xxgk.web.security import require_csrf_form

router = APIRouter(
    include_in_schema=False, dependencies=[Depends(require_csrf_form), Depends(optional_user)]
)
APPLY_FIELDS = (
    "unit",
    "applicant_type",
    "applicant_name",
    "applicant_contact",
    "request_text",
    "form_wanted",
)


@router.get("/public")
def public_index(
    session: SessionDep,
    request: Request,
):
    return page(request, "public_index.html", reports=portal.published_reports(session))


@router.get("/public/reports/{report_id}")
def public_report(
    session: SessionDep,
    request: Request,
    report_id: int,
):
    found = portal.published_report(session, report_id)
    if found is None:
        raise not_found("报告")
    row, report = found
    return page(
        request,
        "public_report.html",
        row=row,
        title=report_view.title(report),
        tables=report_view.tables(report, []),
        sections=report_view.sections(report),
    )


@router.get("/public/reports/{report_id}/download")
def public_download(
    session: SessionDep,
    report_id: int,
    to: str = "docx",
) -> Response:
    found = portal.published_report(session, report_id)
    if found is None:
        raise not_found("报告")
    return report_download(found[1], to, report_view.title(found[1]) or "年度报告")


def _apply_page(
    request: Request,
    session: Session,
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
):
    return page(
        request,
        "public_apply.html",
        status_code=status_code,
        values=values,
        errors=errors,
        units=portal.public_units(session),
        applicant_types=APPLICANT_TYPES,
    )


@router.get("/public/apply")
def public_apply_form(
    session: SessionDep,
    request: Request,
):
    return _apply_page(request, session, {"applicant_type": "natural_person"}, {})


@router.post("/public/apply")
async def public_apply(
    session: SessionDep,
    request: Request,
):
    submitted = await request.form()
    values = {k: str(submitted.get(k, "")) for k in APPLY_FIELDS}
    today = dt.date.today()
    form = validate_application(
        {**values, "channel": "online", "confirmed_on": today.isoformat()}, today=today
    )
    if not values["applicant_name"].strip():
        form.errors["applicant_name"] = "请填写申请人姓名或名称"
    if not values["applicant_contact"].strip():
        form.errors["applicant_contact"] = "请填写联系方式，以便送达答复"
    unit = next((u for u in portal.public_units(session) if str(u.id) == values["unit"]), None)
    if unit is None:
        form.errors["unit"] = "请选择受理申请的机关"
    if not form.ok:
        return _apply_page(request, session, values, form.errors, 422)
    assert unit is not None
    portal.limit_submissions(request)
    try:
        app, receipt = portal.submit_online(
            session, request.app.state.secret, unit, form.clean, today
        )
    except RegisterError as exc:
        session.rollback()
        return _apply_page(request, session, values, {"form": exc.message_zh}, 422)
    session.commit()
    return page(request, "public_receipt.html", receipt=receipt, app=app, unit=unit)


@router.get("/public/status")
def public_status(
    session: SessionDep,
    request: Request,
    receipt: str = "",
):
    info = portal.status_of(session, request.app.state.secret, receipt) if receipt else None
    return page(
        request,
        "public_status.html",
        receipt=receipt,
        info=info,
        status_code=404 if receipt and info is None else 200,
    )
