"""系统管理 · 单位 (unit administrators within their subtree, the system administrator for all):
the unit tree with each unit's kind, 年报 deadline and settings; adding, renaming, moving and
retiring units (never deleting: their records stay); importing a unit table (行政区划代码
included) parsed in the worker pool. Every write goes through ``xxgk.db.units`` (scope checks
and the audit log), as the CLI's ``xxgk register units`` does."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from xxgk.db.access import in_subtree
from xxgk.db.audit import history
from xxgk.db.audit_search import action_label
from xxgk.db.models import Role
from xxgk.db.unit_import import import_units, read_unit_file
from xxgk.db.units import (
    add_unit,
    deadline_rule,
    move_unit,
    rename_unit,
    set_unit_active,
    unit_kind_is_local,
    unit_kinds,
    update_unit,
)
from xxgk.errors import XxgkError
from xxgk.register.calendar import regions
from xxgk.web.deps import Scope, ScopeDep
from xxgk.web.errors import WebError
from xxgk.web.pages import flash, page, write_flashed
from xxgk.web.routes.check import in_pool
from xxgk.web.security import require_csrf_form

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf_form)])
ADMIN_ROLES = frozenset({Role.UNIT_ADMIN, Role.ADMIN})
"""Who works in 系统管理 (units, people, the audit log)."""


def require_admin(scope: Scope) -> None:
    """Refuse everyone but unit administrators and the system administrator."""
    if scope.role not in ADMIN_ROLES:
        raise WebError(
            403,
            "forbidden",
            "系统管理仅供单位管理员和系统管理员使用",
            "unit administrators and administrators only",
        )


def _back(unit_id: int | None = None) -> RedirectResponse:
    target = f"/admin/units/{unit_id}" if unit_id else "/admin/units"
    return RedirectResponse(target, status_code=303)


@router.get("/admin")
def admin_home(scope: ScopeDep, request: Request) -> HTMLResponse:
    if scope.role not in ADMIN_ROLES | {Role.LEADER}:
        require_admin(scope)
    return page(request, "admin_home.html", admin=scope.role in ADMIN_ROLES)


@router.get("/admin/units")
def units_page(scope: ScopeDep, request: Request) -> HTMLResponse:
    require_admin(scope)
    kinds = unit_kinds()
    rows = [
        {
            "depth": depth,
            "unit": unit,
            "kind": kinds.get(unit.kind, unit.kind),
            "deadline": deadline_rule(unit.kind, unit.report_deadline),
        }
        for depth, unit in scope.units()
    ]
    return page(
        request,
        "admin_units.html",
        rows=rows,
        kinds=kinds,
        parents=[(d, u) for d, u in scope.units() if u.active],
        regions=regions(),
        root_allowed=scope.role is Role.ADMIN,
    )


@router.post("/admin/units")
def unit_add(
    scope: ScopeDep,
    request: Request,
    parent: str = Form(""),
    code: str = Form(""),
    name: str = Form(""),
    kind: str = Form(""),
    division_code: str = Form(""),
    calendar_region: str = Form(""),
) -> RedirectResponse:
    require_admin(scope)
    up = scope.unit(parent) if parent or scope.role is not Role.ADMIN else None
    created = write_flashed(
        scope.session,
        request,
        lambda: add_unit(
            session=scope.session,
            actor=scope.user,
            code=code.strip(),
            name=name.strip(),
            kind=kind,
            parent=up,
            division_code=division_code.strip() or None,
            calendar_region=calendar_region.strip().upper() or None,
        ),
        lambda unit: f"已新增单位：{unit.name}",
    )
    return _back(created.id if created else None)


@router.post("/admin/units/import")
async def unit_import(scope: ScopeDep, request: Request, file: UploadFile) -> RedirectResponse:
    """Import a unit table: parsed in the worker pool, then written all or nothing."""
    require_admin(scope)
    limit = request.app.state.settings.max_upload_bytes
    data = await file.read(limit + 1)
    name = file.filename or "units.csv"
    if len(data) > limit:
        flash(request, f"{name}：文件超过上传上限，未导入", "error")
        return _back()
    try:
        rows = await in_pool(request, read_unit_file, data, name)
        created = import_units(session=scope.session, actor=scope.user, path=_path(name), rows=rows)
    except XxgkError as exc:
        scope.session.rollback()
        flash(request, exc.describe(), "error")
        return _back()
    scope.session.commit()
    flash(request, f"已从{name}导入{len(created)}个单位")
    return _back()


def _path(name: str) -> Path:
    return Path(Path(name.replace("\\", "/")).name)


@router.get("/admin/units/{unit_id}")
def unit_page(scope: ScopeDep, request: Request, unit_id: str) -> HTMLResponse:
    require_admin(scope)
    unit = scope.unit(unit_id)
    below = {u.id for _, u in scope.units() if in_subtree(u, unit.id)}
    return page(
        request,
        "admin_unit.html",
        unit=unit,
        kinds=unit_kinds(),
        deadline=deadline_rule(unit.kind, unit.report_deadline),
        local_deadline=unit_kind_is_local(unit.kind),
        parents=[(d, u) for d, u in scope.units() if u.active and u.id not in below],
        regions=regions(),
        own=unit.id == scope.user.unit_id,
        history=[
            (e, action_label(e.action)) for e in reversed(history(scope.session, "unit", unit.id))
        ],
    )


@router.post("/admin/units/{unit_id}/rename")
def unit_rename(
    scope: ScopeDep, request: Request, unit_id: str, name: str = Form(""), reason: str = Form("")
) -> RedirectResponse:
    require_admin(scope)
    unit = scope.unit(unit_id)
    write_flashed(
        scope.session,
        request,
        lambda: rename_unit(
            session=scope.session, actor=scope.user, unit=unit, name=name, reason=reason
        ),
        lambda u: f"已更名为：{u.name}",
    )
    return _back(unit.id)


@router.post("/admin/units/{unit_id}/move")
def unit_move(
    scope: ScopeDep, request: Request, unit_id: str, parent: str = Form(""), reason: str = Form("")
) -> RedirectResponse:
    require_admin(scope)
    unit = scope.unit(unit_id)
    up = scope.unit(parent)
    write_flashed(
        scope.session,
        request,
        lambda: move_unit(
            session=scope.session, actor=scope.user, unit=unit, parent=up, reason=reason
        ),
        lambda u: f"已将{u.name}调整到{up.name}之下",
    )
    return _back(unit.id)


@router.post("/admin/units/{unit_id}/settings")
def unit_settings(
    scope: ScopeDep,
    request: Request,
    unit_id: str,
    kind: str = Form(""),
    division_code: str = Form(""),
    calendar_region: str = Form(""),
    report_column_url: str = Form(""),
    report_deadline: str = Form(""),
    reason: str = Form(""),
) -> RedirectResponse:
    require_admin(scope)
    unit = scope.unit(unit_id)
    write_flashed(
        scope.session,
        request,
        lambda: update_unit(
            session=scope.session,
            actor=scope.user,
            unit=unit,
            reason=reason.strip() or "修改单位设置",
            kind=kind,
            division_code=division_code,
            calendar_region=calendar_region,
            report_column_url=report_column_url.strip() or None,
            report_deadline=report_deadline,
        ),
        lambda u: f"已保存{u.name}的设置",
    )
    return _back(unit.id)


@router.post("/admin/units/{unit_id}/active")
def unit_active(
    scope: ScopeDep,
    request: Request,
    unit_id: str,
    active: str = Form(""),
    reason: str = Form(""),
) -> RedirectResponse:
    require_admin(scope)
    unit = scope.unit(unit_id)
    on = active == "1"
    write_flashed(
        scope.session,
        request,
        lambda: set_unit_active(
            session=scope.session, actor=scope.user, unit=unit, active=on, reason=reason
        ),
        lambda u: f"已{'启用' if on else '停用'}{u.name}（其台账和报告均保留）",
    )
    return _back(unit.id)
