"""Rendering the Chinese pages: the Jinja2 environment and what every page gets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from xxgk.db.models import Role
from xxgk.errors import RegisterError, XxgkError
from xxgk.web.security import CSRF_FIELD, csrf_token

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
TEMPLATES.env.auto_reload = False  # the templates ship with the package: no stat() per page
NAV = (
    ("/desk", "工作台", "register"),
    ("/check", "年报检查", None),
    ("/register", "申请台账", "register"),
    ("/disclosure", "主动公开", "register"),
    ("/compile", "年报编制", "register"),
    ("/overview", "汇总与对比", "overview"),
    ("/collect", "报告收集", "overview"),
    ("/fetch", "网上采集", "overview"),
    ("/admin", "系统管理", "admin"),
    ("/public", "公开目录", None),
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OVERVIEW_ROLES = frozenset({Role.SUPERVISOR, Role.UNIT_ADMIN, Role.ADMIN})
ADMIN_AREA_ROLES = frozenset({Role.UNIT_ADMIN, Role.ADMIN, Role.LEADER})
"""Who finds 系统管理 in the menu (leaders for the published years only)."""


def flash(request: Request, message: str, kind: str = "ok") -> None:
    """Keep a message for the next page the user sees."""
    request.session.setdefault("flash", []).append([kind, message])


T = TypeVar("T")


def write_flashed(
    session: Session,
    request: Request,
    write: Callable[[], T],
    done: Callable[[T], str],
    *,
    refused: type[XxgkError] = RegisterError,
) -> T | None:
    """Run a form's ``write``: commit and flash ``done(result)``, or, when the library
    refuses (``refused``: a ``RegisterError``, unless the form shows every library error,
    a refused right included, as its reason), roll back and flash its reason. Returns the
    result or None."""
    try:
        result = write()
    except refused as exc:
        session.rollback()
        flash(request, exc.message_zh, "error")
        return None
    session.commit()
    flash(request, done(result))
    return result


def nav_items(role: str | None) -> list[tuple[str, str]]:
    """Return the menu entries a user of ``role`` (None: a visitor) can use."""
    items = []
    for href, label, need in NAV:
        if need == "register" and role is None:
            continue
        if need == "overview" and (role is None or Role(role) not in OVERVIEW_ROLES):
            continue
        if need == "admin" and (role is None or Role(role) not in ADMIN_AREA_ROLES):
            continue
        items.append((href, label))
    return items


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render template ``name`` with the user, menu, CSRF token and pending messages."""
    viewer = getattr(request.state, "viewer", None)
    badge = getattr(request.state, "menu_badge", None)
    base = {
        "menu_badge": badge() if badge is not None and status_code == 200 else None,
        "viewer": viewer,
        "nav": nav_items(viewer["role"] if viewer else None),
        "path": request.url.path,
        "csrf_field": CSRF_FIELD,
        "csrf": csrf_token(request),
        "flashes": request.session.pop("flash", []),
    }
    return TEMPLATES.TemplateResponse(request, name, {**base, **context}, status_code=status_code)


def download(body: bytes, media_type: str, filename: str) -> Response:
    """Return ``body`` as an attachment; ``filename`` is percent-encoded (RFC 5987) because
    most names are Chinese."""
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )
