"""年报数据: Table 二's yearly figures (with their source, or imported from Excel) and the
复议/诉讼 cases of Table 四, as a page beside 年报编制 and as ``/api/v1`` operations — so the
compiled report has no value left to type elsewhere."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request, UploadFile
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from xxgk.db.models import Unit
from xxgk.db.queries import row_by_id
from xxgk.errors import RegisterError, XxgkError
from xxgk.records.vocab import parse_date
from xxgk.register.inputs import YEARLY_KEYS, add_appeal, decide_appeal
from xxgk.register.models import Appeal
from xxgk.register.table_import import import_counts, read_counts
from xxgk.register.vocab import APPEAL_KINDS, APPEAL_OUTCOMES
from xxgk.register.yearly import appeals_of, application_by_number, save_figures, yearly_figures
from xxgk.web.deps import MAX_ID, Scope, ScopeDep
from xxgk.web.errors import WebError, not_found
from xxgk.web.forms import query_year
from xxgk.web.pages import flash, page, write_flashed
from xxgk.web.routes.check import in_pool
from xxgk.web.routes.compile import default_year
from xxgk.web.security import require_csrf_api, require_csrf_form

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf_form)])
api = APIRouter(prefix="/api/v1", tags=["annual"], dependencies=[Depends(require_csrf_api)])
IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="记录编号")]
YearPath = Annotated[int, Path(ge=1991, le=2199, description="报告年度")]


def _writable_unit(scope: Scope, unit_ref: str | int):
    unit = scope.unit(unit_ref)
    if not scope.can_write(unit):
        raise WebError(403, "forbidden", "您无权填报该单位的年报数据", "no write access")
    return unit


def _appeal_rows(scope: Scope, unit) -> list[dict[str, Any]]:
    rows = []
    for a in appeals_of(scope.session, unit):
        rows.append(
            {
                "id": a.id,
                "kind": a.kind,
                "kind_label": APPEAL_KINDS[a.kind],
                "filed_on": a.filed_on.isoformat(),
                "decided_on": a.decided_on.isoformat() if a.decided_on else "",
                "outcome": a.outcome or "",
                "outcome_label": APPEAL_OUTCOMES.get(a.outcome or "", "尚未审结"),
                "case_number": a.case_number,
                "application_id": a.application_id,
                "note": a.note,
                "void": a.void,
            }
        )
    return rows


def _plain_number(value: Decimal) -> str:
    """Return ``value`` as an officer writes it: 120, 1.5 (never 1.2E+2)."""
    text = format(value.normalize(), "f")
    return text


def _figure_rows(scope: Scope, unit, year: int) -> list[dict[str, Any]]:
    return [
        {
            "key": f.key,
            "label": f.label,
            "value": "" if f.value is None else _plain_number(f.value),
            "source": f.source,
        }
        for f in yearly_figures(scope.session, unit, year)
    ]


@router.get("/compile/inputs")
def inputs_page(scope: ScopeDep, request: Request, unit: str = "", year: str = ""):
    chosen = scope.unit(unit)
    y = query_year(year) or default_year(dt.date.today())
    return page(
        request,
        "annual_inputs.html",
        unit=chosen,
        units=scope.units(),
        year=y,
        figures=_figure_rows(scope, chosen, y),
        appeals=_appeal_rows(scope, chosen),
        appeal_kinds=APPEAL_KINDS,
        appeal_outcomes=APPEAL_OUTCOMES,
        writable=scope.can_write(chosen),
        today=dt.date.today().isoformat(),
    )


def _back(unit_id: int, year: int) -> RedirectResponse:
    return RedirectResponse(f"/compile/inputs?unit={unit_id}&year={year}", status_code=303)


@router.post("/compile/inputs/yearly")
async def inputs_yearly(scope: ScopeDep, request: Request):
    form = await request.form()
    unit = _writable_unit(scope, str(form.get("unit", "")))
    year = query_year(str(form.get("year", ""))) or default_year(dt.date.today())
    values = {k: str(form.get(k, "")) for k in YEARLY_KEYS}
    sources = {k: str(form.get(f"source_{k}", "")) for k in YEARLY_KEYS}
    write_flashed(
        scope.session,
        request,
        lambda: save_figures(
            session=scope.session,
            unit=unit,
            actor=scope.user,
            year=year,
            values=values,
            sources=sources,
        ),
        lambda saved: f"已保存{saved}项年度数据",
    )
    return _back(unit.id, year)


@router.post("/compile/inputs/import")
async def inputs_import(
    scope: ScopeDep,
    request: Request,
    file: UploadFile,
    unit: Annotated[str, Form()] = "",
    year: Annotated[str, Form()] = "",
):
    chosen = _writable_unit(scope, unit)
    y = query_year(year) or default_year(dt.date.today())
    limit = request.app.state.settings.max_upload_bytes
    data = await file.read(limit + 1)
    name = FilePath((file.filename or "upload.xlsx").replace("\\", "/")).name
    if not name.lower().endswith((".xlsx", ".csv")):
        flash(request, "请上传 .xlsx 或 .csv 文件（列：年度、项目、数值、来源）", "error")
        return _back(chosen.id, y)
    if len(data) > limit:
        flash(request, f"文件“{name}”超过{limit // (1024 * 1024)}MB的上限", "error")
        return _back(chosen.id, y)
    try:
        rows = await in_pool(request, read_counts, data, name)
    except XxgkError as exc:  # unreadable, over a budget: one line naming the file
        flash(request, f"{name}：{exc.message_zh}", "error")
        return _back(chosen.id, y)
    write_flashed(
        scope.session,
        request,
        lambda: import_counts(
            session=scope.session, unit=chosen, actor=scope.user, path=FilePath(name), rows=rows
        ),
        lambda count: f"已导入{count}项年度数据",
    )
    return _back(chosen.id, y)


async def _import_counts(scope: Scope, request: Request, unit: Unit, data: bytes, name: str) -> int:
    """Read the uploaded figures in the parse pool, then enter them (all or nothing)."""
    limit = request.app.state.settings.max_upload_bytes
    if len(data) > limit:
        raise RegisterError(f"文件“{name}”超过{limit // (1024 * 1024)}MB的上限", "too large")
    try:
        rows = await in_pool(request, read_counts, data, name)
    except XxgkError as exc:  # unreadable, over a budget: one line naming the file
        raise RegisterError(f"{name}：{exc.message_zh}", exc.message_en) from None
    return import_counts(
        session=scope.session, unit=unit, actor=scope.user, path=FilePath(name), rows=rows
    )


def _new_appeal(scope: Scope, unit, values: dict[str, str]) -> Appeal:
    decided = parse_date(values.get("decided_on"), "审结日期")
    filed = parse_date(values.get("filed_on"), "提起日期")
    if filed is None:
        raise RegisterError("请填写提起复议或诉讼的日期", "filed_on is required")
    return add_appeal(
        session=scope.session,
        unit=unit,
        actor=scope.user,
        kind=values.get("kind", ""),
        filed_on=filed,
        application=application_by_number(scope.session, unit, values.get("application", "")),
        decided_on=decided,
        outcome=values.get("outcome") or None,
        case_number=values.get("case_number", ""),
        note=values.get("note", ""),
    )


@router.post("/compile/inputs/appeals")
async def inputs_appeal(scope: ScopeDep, request: Request):
    form = await request.form()
    values = {k: str(v) for k, v in form.items()}
    unit = _writable_unit(scope, values.get("unit", ""))
    year = query_year(values.get("year", "")) or default_year(dt.date.today())
    write_flashed(
        scope.session,
        request,
        lambda: _new_appeal(scope, unit, values),
        lambda _: "已登记复议诉讼案件",
    )
    return _back(unit.id, year)


def _appeal(scope: Scope, appeal_id: int) -> Appeal:
    appeal = row_by_id(scope.session, Appeal, appeal_id)
    if appeal is None or appeal.unit_id not in scope.unit_ids:
        raise not_found("复议诉讼案件")
    return appeal


@router.post("/compile/inputs/appeals/{appeal_id}/decision")
def inputs_decision(
    scope: ScopeDep,
    request: Request,
    appeal_id: int,
    decided_on: Annotated[str, Form()] = "",
    outcome: Annotated[str, Form()] = "",
    year: Annotated[str, Form()] = "",
):
    appeal = _appeal(scope, appeal_id)
    unit = _writable_unit(scope, appeal.unit_id)

    def decide() -> None:
        day = parse_date(decided_on, "审结日期")
        if day is None:
            raise RegisterError("请填写审结日期", "decided_on is required")
        decide_appeal(
            session=scope.session,
            unit=unit,
            actor=scope.user,
            appeal=appeal,
            decided_on=day,
            outcome=outcome,
        )

    write_flashed(scope.session, request, decide, lambda _: "已记录审结结果")
    return _back(unit.id, query_year(year) or default_year(dt.date.today()))


# --- API -----------------------------------------------------------------------------------


class Figures(BaseModel):
    values: dict[str, str] = Field(description="licensing/punishment/enforcement/fees → 数值")
    sources: dict[str, str] = Field(default_factory=dict, description="各项的数据来源")


class NewAppeal(BaseModel):
    kind: str = Field(description="review/litigation_direct/litigation_after_review 或中文")
    filed_on: str
    decided_on: str = ""
    outcome: str = ""
    case_number: str = ""
    application: str = Field("", description="相关申请的编号（可空）")
    note: str = ""


class Decision(BaseModel):
    decided_on: str
    outcome: str = Field(description="upheld/corrected/other 或中文")


@api.get("/units/{unit_id}/yearly/{year}", summary="表二年度数据")
def api_figures(scope: ScopeDep, unit_id: IdPath, year: YearPath) -> list[dict[str, Any]]:
    return _figure_rows(scope, scope.unit(unit_id), year)


@api.put("/units/{unit_id}/yearly/{year}", summary="填报表二年度数据")
def api_save_figures(
    scope: ScopeDep, unit_id: IdPath, year: YearPath, body: Figures
) -> list[dict[str, Any]]:
    unit = _writable_unit(scope, unit_id)
    unknown = set(body.values) - set(YEARLY_KEYS)
    if unknown:
        raise WebError(422, "invalid_request", f"未知的数据项：{sorted(unknown)}", "unknown keys")
    save_figures(
        session=scope.session,
        unit=unit,
        actor=scope.user,
        year=year,
        values=body.values,
        sources=body.sources,
    )
    scope.session.commit()
    return _figure_rows(scope, unit, year)


@api.get("/units/{unit_id}/appeals", summary="复议诉讼案件（表四）")
def api_appeals(scope: ScopeDep, unit_id: IdPath) -> list[dict[str, Any]]:
    return _appeal_rows(scope, scope.unit(unit_id))


@api.post("/units/{unit_id}/appeals", status_code=201, summary="登记复议诉讼案件")
def api_new_appeal(scope: ScopeDep, unit_id: IdPath, body: NewAppeal) -> dict[str, Any]:
    unit = _writable_unit(scope, unit_id)
    appeal = _new_appeal(scope, unit, body.model_dump())
    scope.session.commit()
    return {"id": appeal.id}


@api.post("/appeals/{appeal_id}/decision", summary="记录复议诉讼审结结果")
def api_decide(scope: ScopeDep, appeal_id: IdPath, body: Decision) -> dict[str, Any]:
    appeal = _appeal(scope, appeal_id)
    unit = _writable_unit(scope, appeal.unit_id)
    day = parse_date(body.decided_on, "审结日期")
    if day is None:
        raise RegisterError("请填写审结日期", "decided_on is required")
    decide_appeal(
        session=scope.session,
        unit=unit,
        actor=scope.user,
        appeal=appeal,
        decided_on=day,
        outcome=body.outcome,
    )
    scope.session.commit()
    return {"id": appeal.id, "outcome": appeal.outcome}


@api.post(
    "/units/{unit_id}/yearly/import",
    summary="从Excel或CSV导入表二年度数据（列：年度、项目、数值、来源）",
)
async def api_import_figures(
    scope: ScopeDep, request: Request, unit_id: IdPath, file: UploadFile
) -> dict[str, Any]:
    unit = _writable_unit(scope, unit_id)
    name = FilePath((file.filename or "upload.xlsx").replace("\\", "/")).name
    if not name.lower().endswith((".xlsx", ".csv")):
        raise RegisterError(
            f"文件“{name}”应为 .xlsx 或 .csv（列：年度、项目、数值、来源）", "xlsx or csv expected"
        )
    data = await file.read(request.app.state.settings.max_upload_bytes + 1)
    count = await _import_counts(scope, request, unit, data, name)
    scope.session.commit()
    return {"imported": count}
