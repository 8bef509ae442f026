"""报送与发布: the year's report submitted to the supervising office (blocked by errors, warnings
acknowledged), accepted or returned there, and published — a page and ``/api/v1`` operations
calling ``xxgk.register.filing``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from xxgk.campaign.store import publish_into_store
from xxgk.db.access import APPROVERS
from xxgk.db.models import Role, Unit
from xxgk.db.queries import row_by_id
from xxgk.records.vocab import parse_date
from xxgk.register.casework_models import ReportFiling
from xxgk.register.filing import (
    PUBLISHED,
    STATE_LABELS,
    decide_filing,
    filing_gate,
    filings,
    state_of,
    submit_report,
    supervisors_of,
)
from xxgk.register.publish import REOPENERS, published_versions, reopen_year
from xxgk.web.deps import MAX_ID, Scope, ScopeDep
from xxgk.web.errors import not_found
from xxgk.web.forms import query_year
from xxgk.web.pages import page, write_flashed
from xxgk.web.routes.compile import default_year
from xxgk.web.security import require_csrf_api, require_csrf_form

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf_form)])
api = APIRouter(prefix="/api/v1", tags=["filing"], dependencies=[Depends(require_csrf_api)])
IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="记录编号")]
YearPath = Annotated[int, Path(ge=1991, le=2199, description="报告年度")]


def filing_summary(scope: Scope, unit: Unit, year: int) -> dict[str, Any]:
    """Return the state of ``unit``'s report for ``year``, its blockers and its history."""
    gate = filing_gate(scope.session, unit, year)
    state = state_of(scope.session, unit, year)
    row = lambda b: {  # noqa: E731
        "code": b.code,
        "message": b.message,
        "fix_url": b.fix_url,
        "fix_label": b.fix_label,
    }
    return {
        "state": state,
        "state_label": STATE_LABELS[state],
        "errors": [row(b) for b in gate.errors],
        "warnings": [row(b) for b in gate.warnings],
        "supervised": bool(supervisors_of(scope.session, unit)),
        "corrected": state != PUBLISHED and bool(published_versions(scope.session, unit, year)),
        "history": [
            {
                "id": f.id,
                "version": f.version,
                "state": f.state,
                "state_label": STATE_LABELS[f.state],
                "submitted_by": f.submitted_by,
                "submitted_at": f.submitted_at.isoformat(timespec="minutes"),
                "decided_by": f.decided_by,
                "decision_reason": f.decision_reason,
                "acknowledged": list(f.acknowledged or []),
            }
            for f in filings(scope.session, unit, year)
        ],
    }


def _filing(scope: Scope, filing_id: int) -> tuple[ReportFiling, Unit]:
    row = row_by_id(scope.session, ReportFiling, filing_id)
    if row is None or row.unit_id not in scope.unit_ids:
        raise not_found("报送记录")
    return row, scope.unit(row.unit_id)


def _back(unit: Unit, year: int) -> RedirectResponse:
    return RedirectResponse(f"/filing?unit={unit.id}&year={year}", status_code=303)


@router.get("/filing")
def filing_page(scope: ScopeDep, request: Request, unit: str = "", year: str = ""):
    chosen = scope.unit(unit)
    y = query_year(year) or default_year(dt.date.today())
    summary = filing_summary(scope, chosen, y)
    role = Role(scope.user.role)
    return page(
        request,
        "filing.html",
        unit=chosen,
        units=scope.units(),
        year=y,
        summary=summary,
        can_submit=scope.can_write(chosen),
        can_decide=role is Role.ADMIN
        or scope.user.id in {u.id for u in supervisors_of(scope.session, chosen)},
        can_publish=role in APPROVERS and scope.can_write(chosen),
        can_reopen=role in REOPENERS and chosen.id in scope.unit_ids,
        today=dt.date.today().isoformat(),
    )


@router.post("/filing/submit")
def filing_submit(
    scope: ScopeDep,
    request: Request,
    unit: Annotated[str, Form()] = "",
    year: Annotated[int, Form()] = 0,
    acknowledge: Annotated[str, Form()] = "",
):
    chosen = scope.unit(unit)
    write_flashed(
        scope.session,
        request,
        lambda: submit_report(
            session=scope.session,
            actor=scope.user,
            unit=chosen,
            year=year,
            acknowledge_warnings=acknowledge == "yes",
        ),
        lambda row: f"已报送{year}年度报告（第{row.version}次报送）",
    )
    return _back(chosen, year)


@router.post("/filing/{filing_id}/decide")
def filing_decide(
    scope: ScopeDep,
    request: Request,
    filing_id: int,
    decision: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
):
    row, unit = _filing(scope, filing_id)
    write_flashed(
        scope.session,
        request,
        lambda: decide_filing(
            session=scope.session,
            actor=scope.user,
            filing=row,
            unit=unit,
            accept=decision == "accept",
            reason=reason,
        ),
        lambda _: "已审核通过" if decision == "accept" else "已退回",
    )
    return _back(unit, row.year)


@router.post("/filing/publish")
def filing_publish(
    scope: ScopeDep,
    request: Request,
    unit: Annotated[str, Form()] = "",
    year: Annotated[int, Form()] = 0,
    published_on: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    correction: Annotated[str, Form()] = "",
):
    chosen = scope.unit(unit)
    write_flashed(
        scope.session,
        request,
        lambda: publish_into_store(
            session=scope.session,
            actor=scope.user,
            unit=chosen,
            year=year,
            today=dt.date.today(),
            published_on=parse_date(published_on, "发布日期"),
            date_reason=reason,
            correction_reason=correction,
        ),
        lambda published: f"已发布{year}年度报告，发布日期{published.published_on}",
    )
    return _back(chosen, year)


@router.post("/filing/reopen")
def filing_reopen(
    scope: ScopeDep,
    request: Request,
    unit: Annotated[str, Form()] = "",
    year: Annotated[int, Form()] = 0,
    reason: Annotated[str, Form()] = "",
):
    chosen = scope.unit(unit)
    write_flashed(
        scope.session,
        request,
        lambda: reopen_year(
            session=scope.session, unit=chosen, actor=scope.user, year=year, reason=reason
        ),
        lambda _: f"已重新打开{year}年度，改正后请重新报送并发布更正版本",
    )
    return _back(chosen, year)


# --- API -----------------------------------------------------------------------------------


class Submission(BaseModel):
    acknowledge_warnings: bool = Field(False, description="已核实全部警告")


class FilingDecision(BaseModel):
    accept: bool
    reason: str = ""


class Publication(BaseModel):
    published_on: str = Field("", description="实际发布日期（早于今天须说明理由）")
    reason: str = ""
    correction_reason: str = Field("", description="更正后重新发布时必填：更正了什么、为什么")


class Reopening(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="重新打开的理由")


@api.get("/units/{unit_id}/filing/{year}", summary="年报报送状态与阻碍事项")
def api_filing(scope: ScopeDep, unit_id: IdPath, year: YearPath) -> dict[str, Any]:
    return filing_summary(scope, scope.unit(unit_id), year)


@api.post("/units/{unit_id}/filing/{year}", status_code=201, summary="报送年报")
def api_submit(
    scope: ScopeDep, unit_id: IdPath, year: YearPath, body: Submission
) -> dict[str, Any]:
    unit = scope.unit(unit_id)
    row = submit_report(
        session=scope.session,
        actor=scope.user,
        unit=unit,
        year=year,
        acknowledge_warnings=body.acknowledge_warnings,
    )
    scope.session.commit()
    return {"id": row.id, "version": row.version, "state": row.state}


@api.post("/filings/{filing_id}/decision", summary="审核报送的年报（通过或退回）")
def api_decide(scope: ScopeDep, filing_id: IdPath, body: FilingDecision) -> dict[str, Any]:
    row, unit = _filing(scope, filing_id)
    decide_filing(
        session=scope.session,
        actor=scope.user,
        filing=row,
        unit=unit,
        accept=body.accept,
        reason=body.reason,
    )
    scope.session.commit()
    return {"id": row.id, "state": row.state}


@api.post("/units/{unit_id}/filing/{year}/publish", status_code=201, summary="发布年报")
def api_publish(
    scope: ScopeDep, unit_id: IdPath, year: YearPath, body: Publication
) -> dict[str, Any]:
    unit = scope.unit(unit_id)
    published = publish_into_store(
        session=scope.session,
        actor=scope.user,
        unit=unit,
        year=year,
        today=dt.date.today(),
        published_on=parse_date(body.published_on, "发布日期"),
        date_reason=body.reason,
        correction_reason=body.correction_reason,
    )
    scope.session.commit()
    return {
        "version": published.version,
        "published_on": str(published.published_on),
        "note": published.reason,
    }


@api.post("/units/{unit_id}/filing/{year}/reopen", summary="重新打开已发布的年度以便更正")
def api_reopen(scope: ScopeDep, unit_id: IdPath, year: YearPath, body: Reopening) -> dict[str, Any]:
    unit = scope.unit(unit_id)
    reopen_year(session=scope.session, unit=unit, actor=scope.user, year=year, reason=body.reason)
    scope.session.commit()
    return {"state": state_of(scope.session, unit, year)}
