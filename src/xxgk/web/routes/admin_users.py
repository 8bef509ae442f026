"""系统管理 · 人员: the users of the units in scope with their role, unit and state; adding a
user (a one-time password, shown once), changing role or unit, disabling (which ends every
session of theirs), resetting a password (one-time, to be changed at the next login) and
lifting a login throttle (issue 11's admin unlock). Through ``xxgk.db.users`` and
``xxgk.db.logins``, shared with ``xxgk register users``."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from xxgk.db.audit_search import local_time
from xxgk.db.logins import locked_accounts, unlock
from xxgk.db.models import ROLE_LABELS, Role, User
from xxgk.db.queries import row_by_id
from xxgk.db.users import (
    add_user,
    change_role,
    deactivate_user,
    generated_password,
    reactivate_user,
    reset_password,
    users_in,
)
from xxgk.errors import RegisterError
from xxgk.web.deps import Scope, ScopeDep
from xxgk.web.errors import not_found
from xxgk.web.pages import flash, page, write_flashed
from xxgk.web.routes.admin_units import require_admin
from xxgk.web.security import require_csrf_form

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf_form)])
BACK = "/admin/users"


def _user(scope: Scope, user_id: str) -> User:
    """Return the user ``user_id`` when they sit in a unit of the scope (the system
    administrator reaches everyone), else 404 as for a user that does not exist."""
    user = row_by_id(scope.session, User, int(user_id)) if user_id.isdecimal() else None
    if user is None:
        raise not_found("用户")
    if scope.role is not Role.ADMIN and user.unit_id not in scope.unit_ids:
        raise not_found("用户")
    return user


def _roles(scope: Scope) -> dict[str, str]:
    """Return the roles this administrator may grant: value → Chinese label."""
    return {
        role.value: label
        for role, label in ROLE_LABELS.items()
        if role is not Role.ADMIN or scope.role is Role.ADMIN
    }


@router.get("/admin/users")
def users_page(scope: ScopeDep, request: Request, unit: str = "") -> HTMLResponse:
    require_admin(scope)
    chosen = scope.unit(unit) if unit else None
    ids = {chosen.id} if chosen else set(scope.unit_ids)
    people = users_in(scope.session, ids, everyone=scope.role is Role.ADMIN and chosen is None)
    return page(
        request,
        "admin_users.html",
        people=people,
        locked={
            name: local_time(until)[11:16]
            for name, until in locked_accounts(scope.session, [u.username for u in people]).items()
        },
        roles=_roles(scope),
        labels={r.value: r.label for r in Role},
        units=scope.units(),
        chosen=chosen,
        me=scope.user.id,
    )


def _once(request: Request, user: User, password: str, what: str) -> HTMLResponse:
    """Show a generated password once: in this response only (never in a flash message, which
    travels in the session cookie, nor in any log)."""
    return page(request, "admin_password_once.html", person=user, password=password, what=what)


@router.post("/admin/users", response_model=None)
def user_add(
    scope: ScopeDep,
    request: Request,
    username: str = Form(""),
    display_name: str = Form(""),
    role: str = Form("clerk"),
    unit: str = Form(""),
) -> HTMLResponse | RedirectResponse:
    require_admin(scope)
    home = scope.unit(unit) if unit or scope.role is not Role.ADMIN else None
    password = generated_password()
    try:
        user = add_user(
            session=scope.session,
            actor=scope.user,
            username=username.strip(),
            role=role,
            unit=home,
            password=password,
            display_name=display_name.strip()[:100],
            must_change_password=True,
        )
    except RegisterError as exc:
        scope.session.rollback()
        flash(request, exc.message_zh, "error")
        return RedirectResponse(BACK, status_code=303)
    scope.session.commit()
    return _once(request, user, password, "已新增用户")


@router.post("/admin/users/{user_id}/password", response_model=None)
def user_reset_password(
    scope: ScopeDep, request: Request, user_id: str
) -> HTMLResponse | RedirectResponse:
    require_admin(scope)
    user = _user(scope, user_id)
    try:
        password = reset_password(session=scope.session, actor=scope.user, user=user)
    except RegisterError as exc:
        scope.session.rollback()
        flash(request, exc.message_zh, "error")
        return RedirectResponse(BACK, status_code=303)
    scope.session.commit()
    return _once(request, user, password, "已重置密码")


@router.post("/admin/users/{user_id}/role")
def user_role(
    scope: ScopeDep,
    request: Request,
    user_id: str,
    role: str = Form(""),
    unit: str = Form(""),
    reason: str = Form(""),
) -> RedirectResponse:
    require_admin(scope)
    user = _user(scope, user_id)
    home = scope.unit(unit) if unit or scope.role is not Role.ADMIN else None
    write_flashed(
        scope.session,
        request,
        lambda: change_role(
            session=scope.session,
            actor=scope.user,
            user=user,
            role=role,
            unit=home,
            reason=reason,
        ),
        lambda u: (
            f"已将{u.username}调整为{Role(u.role).label}（{u.unit.name if u.unit else '无单位'}）"
        ),
    )
    return RedirectResponse(BACK, status_code=303)


@router.post("/admin/users/{user_id}/active")
def user_active(
    scope: ScopeDep, request: Request, user_id: str, active: str = Form(""), reason: str = Form("")
) -> RedirectResponse:
    require_admin(scope)
    user = _user(scope, user_id)
    on = active == "1"
    change = reactivate_user if on else deactivate_user
    write_flashed(
        scope.session,
        request,
        lambda: change(session=scope.session, actor=scope.user, user=user, reason=reason),
        lambda _: (
            f"已{'启用' if on else '停用'}用户{user.username}"
            + ("" if on else "，其登录已全部失效")
        ),
    )
    return RedirectResponse(BACK, status_code=303)


@router.post("/admin/users/{user_id}/unlock")
def user_unlock(scope: ScopeDep, request: Request, user_id: str) -> RedirectResponse:
    require_admin(scope)
    user = _user(scope, user_id)
    write_flashed(
        scope.session,
        request,
        lambda: unlock(scope.session, actor=scope.user, username=user.username),
        lambda lifted: (
            f"已解除{user.username}的登录锁定" if lifted else f"{user.username}没有登录锁定"
        ),
    )
    return RedirectResponse(BACK, status_code=303)
