"""系统管理 · 审计日志 and 年度报告: the audit log of the scope (filter by unit, user, dates and
action; paged; on every view the hash chain checked since the last verification, and the whole
chain on the system administrator's button; CSV export with a BOM), and the
published years with their history, where the unit's leader reopens one with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse

from xxgk.db import audit_search
from xxgk.db.audit_search import AuditFilter, action_label, change_text, entity_label, local_time
from xxgk.db.chain import ChainReport
from xxgk.db.models import Role
from xxgk.errors import RegisterError
from xxgk.records.vocab import parse_date
from xxgk.register.publish import reopen_year, year_history
from xxgk.web.deps import Scope, ScopeDep
from xxgk.web.errors import WebError
from xxgk.web.forms import query_year
from xxgk.web.pages import page, write_flashed
from xxgk.web.routes.admin_units import ADMIN_ROLES, require_admin
from xxgk.web.security import require_csrf_form

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf_form)])
YEAR_ROLES = ADMIN_ROLES | {Role.LEADER}


@dataclass(frozen=True)
class Query:
    """The viewer's query string, checked: a bad date is a message, not an error page."""

    unit: str = ""
    actor: str = ""
    since: str = ""
    until: str = ""
    action: str = ""

    def filter(self, scope: Scope) -> tuple[AuditFilter, str]:
        """Return the library's filter and a message when a date could not be read."""
        try:
            since = parse_date(self.since, "开始日期")
            until = parse_date(self.until, "结束日期")
        except RegisterError as exc:
            since = until = None
            problem = exc.message_zh
        else:
            problem = ""
        unit_id = scope.unit(self.unit).id if self.unit else None
        wanted = AuditFilter(unit_id, self.actor.strip()[:64], since, until, self.action[:64])
        return wanted, problem

    def link(self, **extra: object) -> str:
        """Return the query string of this query (with ``extra``), empty fields left out."""
        fields = {**self.__dict__, **extra}
        return urlencode({k: v for k, v in fields.items() if v not in ("", None)})


def _scope_args(scope: Scope) -> tuple[int | None, bool]:
    return audit_search.reader_scope(scope.user)


@router.get("/admin/audit")
def audit_page(
    scope: ScopeDep,
    request: Request,
    unit: str = "",
    actor: str = "",
    since: str = "",
    until: str = "",
    action: str = "",
    page_no: int = 1,
) -> HTMLResponse:
    require_admin(scope)
    query = Query(unit, actor, since, until, action)
    wanted, problem = query.filter(scope)
    found = audit_search.search(scope.session, *_scope_args(scope), wanted, page_no)
    rows = [
        {
            "entry": e,
            "at": local_time(e.at),
            "action": action_label(e.action),
            "entity": entity_label(e.entity),
            "before": change_text(e.before),
            "after": change_text(e.after),
        }
        for e in found.entries
    ]
    return page(
        request,
        "admin_audit.html",
        rows=rows,
        found=found,
        query=query,
        problem=problem,
        chain=audit_search.chain_status(scope.session),
        may_verify=scope.role is Role.ADMIN,
        local_time=local_time,
        units=scope.units(),
        actions=audit_search.ACTION_LABELS,
    )


@router.post("/admin/audit/verify")
def audit_verify(scope: ScopeDep, request: Request) -> RedirectResponse:
    """Verify the whole hash chain now (the system administrator; audited)."""
    require_admin(scope)
    if scope.role is not Role.ADMIN:
        raise WebError(403, "forbidden", "全面校验仅供系统管理员使用", "administrators only")
    write_flashed(
        scope.session,
        request,
        lambda: audit_search.verify_chain(scope.session, scope.user),
        _verified,
    )
    return RedirectResponse("/admin/audit", status_code=303)


def _verified(report: ChainReport) -> str:
    if report.broken is None:
        return f"全面校验通过：共{report.checked}条记录，哈希链未被改动。"
    return f"全面校验未通过：{report.broken.message}（此前{report.checked}条记录完好）"


@router.get("/admin/audit.csv")
def audit_csv(
    scope: ScopeDep,
    unit: str = "",
    actor: str = "",
    since: str = "",
    until: str = "",
    action: str = "",
) -> StreamingResponse:
    require_admin(scope)
    wanted, problem = Query(unit, actor, since, until, action).filter(scope)
    if problem:
        raise WebError(400, "invalid_date", problem, "invalid date")
    lines = audit_search.csv_lines(scope.session, *_scope_args(scope), wanted)
    return StreamingResponse(
        lines,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": "attachment; filename*=UTF-8''audit-log.csv"},
    )


def require_year_roles(scope: Scope) -> None:
    if scope.role not in YEAR_ROLES:
        raise WebError(
            403,
            "forbidden",
            "年度报告的发布与重新打开记录仅供分管领导、单位管理员和系统管理员查看",
            "leaders and administrators only",
        )


@router.get("/admin/years")
def years_page(scope: ScopeDep, request: Request) -> HTMLResponse:
    require_year_roles(scope)
    units = {u.id: u for _, u in scope.units()}
    years = year_history(scope.session, sorted(units))
    return page(
        request,
        "admin_years.html",
        years=years,
        units=units,
        labels={"publish": "发布", "reopen": "重新打开"},
        leader=scope.role is Role.LEADER,
        admin=scope.role in ADMIN_ROLES,
        own=scope.user.unit_id,
        local_time=local_time,
    )


@router.post("/admin/years/reopen")
def year_reopen(
    scope: ScopeDep,
    request: Request,
    unit: str = Form(""),
    year: str = Form(""),
    reason: str = Form(""),
) -> RedirectResponse:
    """Reopen a published year (the unit's leader; the library refuses anyone else)."""
    require_year_roles(scope)
    chosen = scope.unit(unit)
    y = query_year(year)
    if y is None:
        raise WebError(400, "invalid_year", "年度无效", "invalid year")
    write_flashed(
        scope.session,
        request,
        lambda: reopen_year(
            session=scope.session, unit=chosen, actor=scope.user, year=y, reason=reason
        ),
        lambda _: f"已重新打开{chosen.name}{y}年度台账，更正后请重新发布",
    )
    return RedirectResponse("/admin/years", status_code=303)
